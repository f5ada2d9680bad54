import { createServer, type Server } from 'node:http';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collect, tarNames } from '../../test/helpers/tar.js';
import { fetchRemoteTarball } from './remote-tarball.js';
import { encodeTarHeader, endOfArchive, padding } from '../core/tar/tar-header.js';

function tarOf(files: Record<string, string>): Buffer {
  const parts = Object.entries(files).flatMap(([name, text]) => {
    const content = Buffer.from(text);
    return [encodeTarHeader({ name, type: '0', mode: 0o644, mtimeSeconds: 0, sizeBytes: content.length }), content, Buffer.alloc(padding(content.length))];
  });
  return Buffer.concat([...parts, endOfArchive()]);
}

const context = tarOf({ Dockerfile: 'FROM busybox\n', 'app.js': 'console.log(1)\n' });
const big = tarOf({ Dockerfile: 'FROM busybox\n', 'blob.bin': 'x'.repeat(200_000) });
let server: Server;
let origin: string;
let lastAuthorization: string | undefined;

beforeAll(async () => {
  server = createServer((req, res) => {
    lastAuthorization = req.headers.authorization;
    const routes: Record<string, () => void> = {
      '/ctx.tar.gz': () => res.end(gzipSync(context)),
      '/ctx.tar': () => res.end(context),
      '/big.tar': () => res.end(big),
      '/big-chunked.tar': () => {
        res.setHeader('transfer-encoding', 'chunked');
        res.write(big.subarray(0, 100_000));
        res.end(big.subarray(100_000));
      },
      '/evil.tar': () => res.end(tarOf({ '../evil': 'x' })),
      '/page.html': () => res.end('<html>not a tarball</html>'),
      '/redirect': () => {
        res.writeHead(302, { location: '/ctx.tar' });
        res.end();
      },
    };
    const route = routes[req.url ?? ''];
    if (route) return route();
    res.writeHead(404);
    res.end('missing');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
});

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
});

describe('fetchRemoteTarball', () => {
  it('downloads a gzip tarball and returns its uncompressed tar', async () => {
    const tar = await collect(await fetchRemoteTarball(`${origin}/ctx.tar.gz`));
    expect(tar.equals(context)).toBe(true);
    expect(await tarNames(tar)).toEqual(['Dockerfile', 'app.js']);
  });

  it('downloads a plain tar and follows redirects', async () => {
    expect((await collect(await fetchRemoteTarball(`${origin}/redirect`))).equals(context)).toBe(true);
  });

  it('fails with SOURCE_NOT_FOUND and the status for a non-2xx answer', async () => {
    await expect(fetchRemoteTarball(`${origin}/missing.tar.gz`)).rejects.toMatchObject({ code: 'SOURCE_NOT_FOUND', detail: { status: 404 } });
  });

  it('fails with SOURCE_NOT_FOUND for an unreachable host, with credentials redacted', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as { port: number }).port;
    await new Promise((resolve) => closed.close(resolve));
    const err = await fetchRemoteTarball(`http://bob:pw123@127.0.0.1:${port}/x.tar`).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'SOURCE_NOT_FOUND' });
    expect((err as Error).message).not.toContain('pw123');
  });

  it('fails with SOURCE_INVALID over the size limit, declared or streamed', async () => {
    await expect(fetchRemoteTarball(`${origin}/big.tar`, { maxBytes: 50_000 })).rejects.toMatchObject({ code: 'SOURCE_INVALID' });
    const stream = await fetchRemoteTarball(`${origin}/big-chunked.tar`, { maxBytes: 50_000 });
    await expect(collect(stream)).rejects.toMatchObject({ code: 'SOURCE_INVALID' });
  });

  it('fails with SOURCE_INVALID for a body that is not a tar, or holds a bad entry', async () => {
    await expect(collect(await fetchRemoteTarball(`${origin}/page.html`))).rejects.toMatchObject({ code: 'SOURCE_INVALID' });
    await expect(collect(await fetchRemoteTarball(`${origin}/evil.tar`))).rejects.toMatchObject({ code: 'SOURCE_INVALID', detail: { entry: '../evil' } });
  });

  it('stops the download when the signal aborts', async () => {
    const controller = new AbortController();
    const stream = await fetchRemoteTarball(`${origin}/big-chunked.tar`, { signal: controller.signal });
    controller.abort(new Error('cancelled'));
    await expect(collect(stream)).rejects.toThrow('cancelled');
    expect(lastAuthorization).toBeUndefined();
  });
});
