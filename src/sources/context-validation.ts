import { posix } from 'node:path';
import { Readable, pipeline } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { AppError, Errors, isAppError } from '../core/errors/index.js';
import { TarFormatError, TarReader, type TarEntryHeader } from './tar-reader.js';

export interface ValidateContextOptions {
  readonly signal?: AbortSignal;
  /**
   * Largest uncompressed tar accepted, in bytes (a gzip bomb stops here).
   * @defaultValue 1 GiB
   */
  readonly maxBytes?: number;
}

export const DEFAULT_MAX_CONTEXT_BYTES = 1024 ** 3;

/**
 * Checks a build context tar as it flows and passes its uncompressed bytes on. A gzip input (by
 * its magic bytes) is gunzipped first. Every entry header is vetted before the chunk that ends it
 * is passed on, so nothing downstream sees the bytes of a rejected entry's header; the stream
 * fails with SOURCE_INVALID, naming the entry, for `..` segments, absolute paths, links whose
 * target leaves the context, device files and FIFOs, input that is not a tar, or a tar over
 * `maxBytes`.
 */
export function validateContextTar(input: AsyncIterable<Uint8Array>, options: ValidateContextOptions = {}): Readable {
  const out = Readable.from(validated(input, options.maxBytes ?? DEFAULT_MAX_CONTEXT_BYTES), { objectMode: false });
  if (options.signal) {
    const signal = options.signal;
    if (signal.aborted) out.destroy(signal.reason as Error);
    else signal.addEventListener('abort', () => out.destroy(signal.reason as Error), { once: true });
  }
  return out;
}

/** Reads a whole context tar (vetted like validateContextTar) and resolves with its entry headers. */
export async function listContextEntries(input: AsyncIterable<Uint8Array>): Promise<TarEntryHeader[]> {
  const entries: TarEntryHeader[] = [];
  const check = createEntryChecker();
  const reader = new TarReader((entry) => {
    check(entry);
    entries.push(entry);
  });
  try {
    for await (const chunk of maybeGunzip(input)) reader.push(chunk);
    reader.finish();
  } catch (err) {
    throw toAppError(err);
  }
  return entries;
}

async function* validated(input: AsyncIterable<Uint8Array>, maxBytes: number): AsyncGenerator<Buffer> {
  const reader = new TarReader(createEntryChecker());
  let total = 0;
  try {
    for await (const chunk of maybeGunzip(input)) {
      total += chunk.length;
      if (total > maxBytes) throw invalid(`context is larger than ${maxBytes} bytes`, { maxBytes });
      reader.push(chunk);
      yield chunk;
    }
    reader.finish();
  } catch (err) {
    throw toAppError(err);
  }
}

/** Yields the input as is, or gunzipped when it starts with the gzip magic (1f 8b). */
async function* maybeGunzip(input: AsyncIterable<Uint8Array>): AsyncGenerator<Buffer> {
  const iterator = input[Symbol.asyncIterator]();
  let first = Buffer.alloc(0);
  while (first.length < 2) {
    const next = await iterator.next();
    if (next.done) break;
    first = Buffer.concat([first, Buffer.from(next.value)]);
  }
  const rest = (async function* () {
    if (first.length > 0) yield first;
    for (let next = await iterator.next(); !next.done; next = await iterator.next()) yield Buffer.from(next.value);
  })();
  if (first[0] !== 0x1f || first[1] !== 0x8b) {
    yield* rest;
    return;
  }
  const gunzip = pipeline(Readable.from(rest), createGunzip(), () => {});
  for await (const chunk of gunzip) yield chunk as Buffer;
}

/**
 * A checker for the entries of one archive. Besides each entry on its own, it refuses an entry
 * whose path goes through an earlier symlink entry: a link `a/b -> ..` is harmless alone, but
 * `a/b/c -> ..` then resolves, on disk, above the context root while lexically it stays inside.
 */
export function createEntryChecker(): (entry: TarEntryHeader) => void {
  const symlinks = new Set<string>();
  return (entry) => {
    const name = entry.name.replace(/^(\.\/)+/, '').replace(/\/+$/, '');
    const parts = name.split('/');
    for (let i = 1; i < parts.length; i += 1) {
      const parent = parts.slice(0, i).join('/');
      if (symlinks.has(parent)) throw invalid(`tar entry "${entry.name}" goes through the symlink "${parent}"`, { entry: entry.name });
    }
    checkEntry(entry);
    if (entry.type === '2') symlinks.add(name);
  };
}

/** Throws SOURCE_INVALID for an entry a build context must not hold. */
export function checkEntry(entry: TarEntryHeader): void {
  const name = entry.name;
  if (name.includes('\u0000') || name === '') throw invalid('tar entry has an empty or NUL-containing name', { entry: name });
  if (name.startsWith('/')) throw invalid(`tar entry "${name}" has an absolute path`, { entry: name });
  if (name.split('/').includes('..')) throw invalid(`tar entry "${name}" has a ".." segment`, { entry: name });
  switch (entry.type) {
    case '3':
    case '4':
      throw invalid(`tar entry "${name}" is a device file`, { entry: name });
    case '6':
      throw invalid(`tar entry "${name}" is a FIFO`, { entry: name });
    case '2':
      checkLinkTarget(name, posix.join(posix.dirname(name), entry.linkname), entry.linkname);
      return;
    case '1':
      checkLinkTarget(name, entry.linkname, entry.linkname);
      return;
    case '0':
    case '5':
    case '7':
      return;
    default:
      throw invalid(`tar entry "${name}" has unsupported type "${entry.type}"`, { entry: name, type: entry.type });
  }
}

function checkLinkTarget(name: string, resolved: string, target: string): void {
  const normal = posix.normalize(resolved);
  if (target.startsWith('/') || normal === '..' || normal.startsWith('../')) {
    throw invalid(`tar entry "${name}" links to "${target}", outside the context`, { entry: name, linkname: target });
  }
}

function invalid(message: string, detail: Record<string, unknown>): AppError {
  return new AppError(Errors.SOURCE_INVALID, { message, detail });
}

function toAppError(err: unknown): unknown {
  if (isAppError(err)) return err;
  if (err instanceof TarFormatError) return invalid(err.message, {});
  const code = (err as { code?: unknown } | null)?.code;
  if (typeof code === 'string' && code.startsWith('Z_')) return new AppError(Errors.SOURCE_INVALID, { message: 'context is not valid gzip', cause: err });
  return err;
}
