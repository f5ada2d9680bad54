// Test helpers for build-context tars: collect a stream, and list entries with tar-stream, a
// parser independent of Slipway's own reader.
import { Readable } from 'node:stream';
import { extract, type Header } from 'tar-stream';

export async function collect(stream: AsyncIterable<Uint8Array>): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.from(chunk));
  return Buffer.concat(chunks);
}

export interface ListedEntry {
  readonly header: Header;
  readonly content: Buffer;
}

/** Every entry of a tar (tar-stream's view), with file contents. */
export async function listTar(tar: Buffer): Promise<ListedEntry[]> {
  const out: ListedEntry[] = [];
  const ex = extract();
  const done = (async () => {
    for await (const entry of ex) {
      const content = await collect(entry as AsyncIterable<Uint8Array>);
      out.push({ header: entry.header, content });
    }
  })();
  Readable.from([tar]).pipe(ex as unknown as NodeJS.WritableStream);
  await done;
  return out;
}

/** Entry names, in archive order. */
export async function tarNames(tar: Buffer): Promise<string[]> {
  return (await listTar(tar)).map((e) => e.header.name);
}
