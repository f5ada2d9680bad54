import { Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { pack } from 'tar-stream';
import { describe, expect, it } from 'vitest';
import { collect } from '../../test/helpers/tar.js';
import { listContextEntries, validateContextTar } from './context-validation.js';
import { encodeTarHeader, endOfArchive, padding, type TarEntryType, type TarHeader } from '../core/tar/tar-header.js';

type Spec = Omit<Partial<TarHeader>, 'type'> & { name: string; type?: string; content?: string };

function tarOf(...specs: Spec[]): Buffer {
  const parts: Buffer[] = [];
  for (const spec of specs) {
    const content = Buffer.from(spec.content ?? '');
    const header = { mode: 0o644, mtimeSeconds: 0, sizeBytes: content.length, ...spec, type: (spec.type ?? '0') as TarEntryType };
    parts.push(encodeTarHeader(header), content, Buffer.alloc(padding(content.length)));
  }
  return Buffer.concat([...parts, endOfArchive()]);
}

/** A GNU `././@LongLink` entry carrying `name`, then an entry whose header name is truncated. */
function gnuLongName(name: string): Buffer {
  const data = Buffer.from(`${name}\u0000`);
  const longLink = encodeTarHeader({ name: '././@LongLink', type: 'L' as TarEntryType, mode: 0, mtimeSeconds: 0, sizeBytes: data.length });
  const entry = encodeTarHeader({ name: name.slice(0, 99), type: '0', mode: 0o644, mtimeSeconds: 0, sizeBytes: 0 });
  return Buffer.concat([longLink, data, Buffer.alloc(padding(data.length)), entry, endOfArchive()]);
}

async function validate(input: Buffer, maxBytes?: number): Promise<Buffer> {
  return collect(validateContextTar(Readable.from([input]), maxBytes === undefined ? {} : { maxBytes }));
}

async function packWithTarStream(name: string): Promise<Buffer> {
  const p = pack();
  p.entry({ name, size: 1 }, 'x');
  p.finalize();
  return collect(p as unknown as AsyncIterable<Uint8Array>);
}

describe('validateContextTar', () => {
  it('passes a valid tar through byte for byte, fed in tiny chunks', async () => {
    const tar = tarOf({ name: 'Dockerfile', content: 'FROM busybox' }, { name: 'app', type: '5' }, { name: 'app/link', type: '2', linkname: '../Dockerfile' });
    const chunks = Array.from({ length: Math.ceil(tar.length / 7) }, (_, i) => tar.subarray(i * 7, i * 7 + 7));
    expect((await collect(validateContextTar(Readable.from(chunks)))).equals(tar)).toBe(true);
  });

  it('gunzips a gzip-compressed tar', async () => {
    const tar = tarOf({ name: 'Dockerfile', content: 'FROM busybox' });
    expect((await validate(gzipSync(tar))).equals(tar)).toBe(true);
  });

  it.each([
    ['a ".." segment', { name: 'a/../../etc/passwd' }, 'a/../../etc/passwd'],
    ['an absolute path', { name: '/etc/passwd' }, '/etc/passwd'],
    ['a symlink escaping the context', { name: 'sub/l', type: '2', linkname: '../../x' }, 'sub/l'],
    ['a symlink with an absolute target', { name: 'l', type: '2', linkname: '/etc/shadow' }, 'l'],
    ['a hard link escaping the context', { name: 'h', type: '1', linkname: '../x' }, 'h'],
    ['a character device', { name: 'dev/null', type: '3' }, 'dev/null'],
    ['a block device', { name: 'dev/sda', type: '4' }, 'dev/sda'],
    ['a FIFO', { name: 'pipe', type: '6' }, 'pipe'],
  ])('rejects %s with SOURCE_INVALID naming the entry', async (_what, spec, entry) => {
    const tar = tarOf({ name: 'Dockerfile' }, spec as Spec);
    const err = await validate(tar).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'SOURCE_INVALID', detail: { entry } });
    expect(String((err as Error).message)).toContain(entry);
  });

  it('rejects an entry that goes through an earlier symlink (a link chain escaping the context)', async () => {
    const tar = tarOf({ name: 'a', type: '5' }, { name: 'a/b', type: '2', linkname: '..' }, { name: 'a/b/c', type: '2', linkname: '..' });
    await expect(validate(tar)).rejects.toMatchObject({ code: 'SOURCE_INVALID', detail: { entry: 'a/b/c' } });
  });

  it('accepts a symlink that stays inside the context', async () => {
    const tar = tarOf({ name: 'a/b/l', type: '2', linkname: '../../c' }, { name: 'h', type: '1', linkname: 'a/x' });
    expect((await validate(tar)).length).toBe(tar.length);
  });

  it('reads pax long names (tar-stream writes them) and rejects a hidden ".."', async () => {
    const good = `${'d'.repeat(160)}/file`;
    expect((await listContextEntries(Readable.from([await packWithTarStream(good)]))).map((e) => e.name)).toEqual([good]);
    const bad = `${'d'.repeat(160)}/../../../escape`;
    await expect(validate(await packWithTarStream(bad))).rejects.toMatchObject({ code: 'SOURCE_INVALID', detail: { entry: bad } });
  });

  it('reads GNU long names and rejects a hidden ".."', async () => {
    const good = `${'g'.repeat(150)}/ok`;
    expect((await listContextEntries(Readable.from([gnuLongName(good)]))).map((e) => e.name)).toEqual([good]);
    const bad = `${'g'.repeat(150)}/../../x`;
    await expect(validate(gnuLongName(bad))).rejects.toMatchObject({ code: 'SOURCE_INVALID', detail: { entry: bad } });
  });

  it.each([
    ['text', Buffer.from('this is not a tar archive at all\n'.repeat(40))],
    ['an empty body', Buffer.alloc(0)],
    ['zeros only', Buffer.alloc(4096)],
    ['a truncated tar', tarOf({ name: 'f', content: 'x'.repeat(2000) }).subarray(0, 1024)],
    ['broken gzip', Buffer.from([0x1f, 0x8b, 8, 0, 1, 2, 3, 4, 5, 6, 7, 8])],
    ['gzip of text', gzipSync(Buffer.from('hello, not a tar'))],
  ])('rejects %s as not a tar', async (_what, input) => {
    await expect(validate(input)).rejects.toMatchObject({ code: 'SOURCE_INVALID' });
  });

  it('rejects an unsupported entry type', async () => {
    await expect(validate(tarOf({ name: 'v', type: 'V' }))).rejects.toMatchObject({ code: 'SOURCE_INVALID', detail: { entry: 'v' } });
  });

  it('rejects a tar larger than maxBytes', async () => {
    const tar = tarOf({ name: 'big', content: 'x'.repeat(10_000) });
    await expect(validate(tar, 4096)).rejects.toMatchObject({ code: 'SOURCE_INVALID', detail: { maxBytes: 4096 } });
    await expect(validate(gzipSync(tar), 4096)).rejects.toMatchObject({ code: 'SOURCE_INVALID' });
  });

  it('does not pass on the header bytes of a rejected entry', async () => {
    const good = tarOf({ name: 'ok', content: 'x'.repeat(600) });
    const bad = tarOf({ name: '../evil' });
    const input = Buffer.concat([good.subarray(0, good.length - 1024), bad]);
    const received: Buffer[] = [];
    const stream = validateContextTar(Readable.from([input.subarray(0, 1536), input.subarray(1536)]));
    await expect(
      (async () => {
        for await (const chunk of stream) received.push(chunk as Buffer);
      })(),
    ).rejects.toMatchObject({ code: 'SOURCE_INVALID' });
    expect(Buffer.concat(received).includes(Buffer.from('../evil'))).toBe(false);
  });
});
