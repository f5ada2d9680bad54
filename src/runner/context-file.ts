import type { Readable } from 'node:stream';
import { TarReader } from '../sources/tar-reader.js';

const BLOCK = 512;

function normalise(name: string): string {
  return name.replace(/^(\.\/)+/, '').replace(/\/+$/, '');
}

/**
 * One small file of a (validated, uncompressed) context tar, e.g. the Dockerfile, or undefined
 * when the tar has no such regular file or it is larger than `maxBytes`. Reads only up to the
 * end of that file. The tar is fed block by block, so the header callback tells exactly where
 * the entry's data starts.
 */
export async function readContextFile(tar: Readable, path: string, maxBytes = 1024 * 1024): Promise<Buffer | undefined> {
  const wanted = normalise(path);
  let found: { size: number } | undefined;
  const reader = new TarReader((entry) => {
    if (found === undefined && (entry.type === '0' || entry.type === '\0' || entry.type === '') && normalise(entry.name) === wanted) found = { size: entry.sizeBytes };
  });
  const parts: Buffer[] = [];
  let collected = 0;
  let pending: Buffer = Buffer.alloc(0);
  try {
    for await (const chunk of tar as AsyncIterable<Buffer>) {
      pending = pending.length === 0 ? chunk : Buffer.concat([pending, chunk]);
      let offset = 0;
      while (pending.length - offset >= BLOCK) {
        const block = pending.subarray(offset, offset + BLOCK);
        offset += BLOCK;
        if (found === undefined) {
          reader.push(block);
          const size = (found as { size: number } | undefined)?.size;
          if (size !== undefined && size > maxBytes) return undefined;
          if (size === 0) return Buffer.alloc(0);
          continue;
        }
        const size = (found as { size: number }).size;
        parts.push(block.subarray(0, Math.min(BLOCK, size - collected)));
        collected += Math.min(BLOCK, size - collected);
        if (collected >= size) return Buffer.concat(parts);
      }
      pending = pending.subarray(offset);
    }
    return undefined;
  } finally {
    tar.destroy();
  }
}
