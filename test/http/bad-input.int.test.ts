import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BASIC_AUTH, buildTestServer, expectError, pushImage, putManifest, uniqueRepo, type Response, type TestServer } from '../helpers/build-test-server.js';
import { listenLocal, rawRequest, type RawResponse } from '../helpers/raw-http.js';
import { MediaTypes, content, layerA, ociImage, sha256, type ManifestContent } from '../fixtures/oci/images.js';

const HEX64 = 'a'.repeat(64);

/** Lets pending I/O run between polls (metadata calls resolve without it). Not a sleep. */
function nextTurn(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/** A manifest body from raw bytes, whatever they hold. */
function rawManifest(body: string | object, mediaType: string = MediaTypes.ociManifest): ManifestContent {
  const bytes = Buffer.from(typeof body === 'string' ? body : JSON.stringify(body));
  return { bytes, digest: sha256(bytes), size: bytes.length, mediaType };
}

function imageBody(): Record<string, unknown> {
  return JSON.parse(ociImage().bytes.toString()) as Record<string, unknown>;
}

describe('bad request input', () => {
  let server: TestServer;
  let repo: string;
  beforeEach(async () => {
    server = await buildTestServer({ overrides: { 'registry.manifestMaxBytes': 1024 } });
    repo = uniqueRepo();
  });
  afterEach(() => server.close());

  describe('truncated uploads', () => {
    it('rejects a monolithic upload shorter than its Content-Length with SIZE_INVALID', async () => {
      const res = await server.request({ method: 'POST', url: `/v2/${repo}/blobs/uploads/?digest=${sha256('x'.repeat(100))}`, headers: { 'content-type': 'application/octet-stream', 'content-length': '100' }, payload: Buffer.from('only ten b') });
      expectError(res, 400, 'SIZE_INVALID');
      expectError(await server.get(`/v2/${repo}/blobs/${sha256('x'.repeat(100))}`), 404, 'BLOB_UNKNOWN');
    });

    it('rejects a chunk shorter than its Content-Length with SIZE_INVALID and lets the client resume', async () => {
      const blob = content('0123456789abcdefghij');
      const start = await server.request({ method: 'POST', url: `/v2/${repo}/blobs/uploads/` });
      const location = start.headers.location as string;
      const res = await server.request({ method: 'PATCH', url: location, headers: { 'content-type': 'application/octet-stream', 'content-length': '20' }, payload: blob.bytes.subarray(0, 10) });
      expectError(res, 400, 'SIZE_INVALID');
      const status = await server.get(location);
      expect(status.statusCode).toBe(204);
      expect(status.headers.range).toBe('0-9');
      const rest = await server.request({ method: 'PUT', url: `${location}?digest=${blob.digest}`, headers: { 'content-type': 'application/octet-stream', 'content-range': '10-19' }, payload: blob.bytes.subarray(10) });
      expect(rest.statusCode).toBe(201);
    });

    describe('over a real socket', () => {
      let port: number;
      beforeEach(async () => {
        port = await listenLocal(server.app);
      });

      async function uploadsLeft(): Promise<string[]> {
        return readdir(join(server.dataDir, 'storage', 'uploads')).catch(() => []);
      }

      it('survives a client that dies mid-body on a monolithic upload, leaving no session behind', async () => {
        const digest = sha256('x'.repeat(100));
        const res = await rawRequest(
          port,
          `POST /v2/${repo}/blobs/uploads/?digest=${digest} HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: ${BASIC_AUTH}\r\nContent-Type: application/octet-stream\r\nContent-Length: 100`,
          { body: 'only ten b', endAfterWrite: true },
        );
        expect([0, 400]).toContain(res.status);
        expectError(await server.get(`/v2/${repo}/blobs/${digest}`), 404, 'BLOB_UNKNOWN');
        // The client may hear nothing (status 0) before the server even started on the request, so
        // an empty uploads dir proves nothing at first: wait until no session row or file is left
        // AND that has held for a while (the server has finished with the request), or the deadline.
        const deadline = Date.now() + 30_000; // a deadline, not a timing claim: the server may be slow under load
        const sessionsLeft = async (): Promise<number> =>
          (await uploadsLeft()).length + (await server.built.registry.meta.uploads.olderThan('9999-12-31T00:00:00.000Z')).length;
        let quietSince = Date.now();
        while (Date.now() < deadline && Date.now() - quietSince < 500) {
          if ((await sessionsLeft()) > 0) quietSince = Date.now();
          await nextTurn();
        }
        expect(await sessionsLeft()).toBe(0);
        expect((await server.get('/v2/')).statusCode).toBe(200);
      });

      it('survives a client that dies mid-chunk and lets the session resume from what was stored', async () => {
        const blob = content('0123456789abcdefghij');
        const location = (await server.request({ method: 'POST', url: `/v2/${repo}/blobs/uploads/` })).headers.location as string;
        const res = await rawRequest(
          port,
          `PATCH ${location} HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: ${BASIC_AUTH}\r\nContent-Type: application/octet-stream\r\nContent-Length: 20`,
          { body: blob.bytes.subarray(0, 10), endAfterWrite: true },
        );
        expect([0, 400]).toContain(res.status);
        // The aborted request may still be unwinding: poll until the session takes requests again.
        const deadline = Date.now() + 30_000; // a deadline, not a timing claim: the server may be slow under load
        let status = await server.get(location);
        while (status.statusCode !== 204 && Date.now() < deadline) status = await nextTurn().then(() => server.get(location));
        expect(status.statusCode).toBe(204);
        const range = /^0-(\d+)$/.exec(status.headers.range as string);
        expect(range).not.toBeNull();
        const stored = status.headers.range === '0-0' ? 0 : Number(range![1]) + 1;
        expect(stored).toBeLessThanOrEqual(10);
        let finish = await server.request({ method: 'PUT', url: `${location}?digest=${blob.digest}`, headers: { 'content-type': 'application/octet-stream', 'content-range': `${stored}-19` }, payload: blob.bytes.subarray(stored) });
        while (finish.statusCode === 416 && Date.now() < deadline) {
          await nextTurn();
          finish = await server.request({ method: 'PUT', url: `${location}?digest=${blob.digest}`, headers: { 'content-type': 'application/octet-stream', 'content-range': `${stored}-19` }, payload: blob.bytes.subarray(stored) });
        }
        expect(finish.statusCode, `${String(status.headers.range)} ${finish.body}`).toBe(201);
        expect((await server.get(`/v2/${repo}/blobs/${blob.digest}`)).body).toBe('0123456789abcdefghij');
      });

      it('does not lock a session whose client left while its credentials were being checked', async () => {
        // A fresh server whose Basic credentials are not cached yet, with the session started
        // in-process: the password check (scrypt) is still running when the client's FIN
        // arrives, so the request and its socket are gone before the handler reads the body.
        const fresh = await buildTestServer();
        try {
          const freshPort = await listenLocal(fresh.app);
          const ctx = { log: fresh.app.log, signal: new AbortController().signal, actor: { name: 'admin' } };
          const id = await fresh.built.registry.uploads.start(ctx, repo as Parameters<typeof fresh.built.registry.uploads.start>[1]);
          const location = `/v2/${repo}/blobs/uploads/${id}`;
          const res = await rawRequest(
            freshPort,
            `PATCH ${location} HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: ${BASIC_AUTH}\r\nContent-Type: application/octet-stream\r\nContent-Length: 20`,
            { body: '0123456789', endAfterWrite: true },
          );
          expect([0, 400]).toContain(res.status);
          const blob = content('abc');
          const put = (): Promise<Response> => fresh.request({ method: 'PUT', url: `${location}?digest=${blob.digest}`, headers: { 'content-type': 'application/octet-stream' }, payload: blob.bytes });
          const deadline = Date.now() + 3000;
          let finish = await put();
          while (finish.statusCode !== 201 && Date.now() < deadline) finish = await nextTurn().then(put);
          expect(finish.statusCode, finish.body).toBe(201);
        } finally {
          await fresh.close();
        }
      });

      it('answers a 100 KB header with 431 and keeps serving', async () => {
        const res = await rawRequest(port, `GET /v2/ HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: ${BASIC_AUTH}\r\nX-Padding: ${'a'.repeat(100 * 1024)}\r\nConnection: close`);
        expect(res.status).toBe(431);
        const after = await rawRequest(port, `GET /v2/ HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: ${BASIC_AUTH}\r\nConnection: close`);
        expect(after.status).toBe(200);
      });

      it('answers a 100 KB URL with 431 and keeps serving', async () => {
        const res = await rawRequest(port, `GET /v2/${'a/'.repeat(50 * 1024)}manifests/latest HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close`);
        expect(res.status).toBe(431);
        expect((await server.get('/v2/')).statusCode).toBe(200);
      });

      it('rejects an oversized manifest sent chunked (no Content-Length) with 413 SIZE_INVALID', async () => {
        const big = Buffer.from(JSON.stringify({ ...imageBody(), annotations: { filler: 'x'.repeat(4000) } }));
        const chunked = `${big.length.toString(16)}\r\n${big.toString()}\r\n0\r\n\r\n`;
        const res = await rawRequest(
          port,
          `PUT /v2/${repo}/manifests/v1 HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: ${BASIC_AUTH}\r\nContent-Type: ${MediaTypes.ociManifest}\r\nTransfer-Encoding: chunked\r\nConnection: close`,
          { body: chunked },
        );
        expect({ status: res.status, code: res.code }).toEqual({ status: 413, code: 'SIZE_INVALID' });
      });

      it.each([
        ['/v2/foo/../bar/manifests/latest', 'NAME_INVALID', 400],
        ['/v2/foo/%2e%2e/bar/manifests/latest', 'NAME_INVALID', 400],
        ['/v2/%2E%2E/manifests/latest', 'NAME_INVALID', 400],
        ['/v2/../../etc/passwd', 'NAME_INVALID', 400],
        ['/v2/foo/./manifests/latest', 'NAME_INVALID', 400],
        ['/v2/foo/blobs/uploads/../../x', 'NAME_INVALID', 400],
        ['/v2/foo/blobs/uploads/..', 'NAME_INVALID', 400],
        ['/v2/foo/manifests/..', 'NAME_INVALID', 400],
        ['/v2/foo/blobs/uploads/..%2f..%2fetc', 'BLOB_UPLOAD_UNKNOWN', 404],
        ['/v2/foo/blobs/uploads/%2e%2e%2f%2e%2e%2fetc%2fpasswd', 'BLOB_UPLOAD_UNKNOWN', 404],
        ['/v2/foo/blobs/sha256:..%2f..%2fdata', 'DIGEST_INVALID', 400],
      ])('answers the unnormalised path %s with %s', async (path, code, status) => {
        const res: RawResponse = await rawRequest(port, `GET ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: ${BASIC_AUTH}\r\nConnection: close`);
        expect({ status: res.status, code: res.code }).toEqual({ status, code });
      });

      it.each(['PATCH', 'PUT', 'DELETE'])('answers %s on a traversal upload id with BLOB_UPLOAD_UNKNOWN', async (method) => {
        const res = await rawRequest(port, `${method} /v2/${repo}/blobs/uploads/..%2f..%2fetc?digest=${layerA.digest} HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: ${BASIC_AUTH}\r\nContent-Length: 0\r\nConnection: close`);
        expect({ status: res.status, code: res.code }).toEqual({ status: 404, code: 'BLOB_UPLOAD_UNKNOWN' });
      });
    });
  });

  describe('digests', () => {
    it.each([
      ['bad hex', `sha256:${'z'.repeat(64)}`],
      ['upper-case hex', `sha256:${'A'.repeat(64)}`],
      ['too short', `sha256:${'a'.repeat(63)}`],
      ['too long', `sha256:${'a'.repeat(65)}`],
      ['sha512 of sha256 length', `sha512:${HEX64}`],
      ['an unknown algorithm', `md5:${'a'.repeat(32)}`],
      ['sha1', `sha1:${'a'.repeat(40)}`],
      ['no hex', 'sha256:'],
      ['no algorithm', `:${HEX64}`],
      ['no colon', HEX64],
      ['an upper-case algorithm', `SHA256:${HEX64}`],
    ])('rejects a blob digest with %s with DIGEST_INVALID', async (_label, digest) => {
      expectError(await server.get(`/v2/${repo}/blobs/${digest}`), 400, 'DIGEST_INVALID');
      expectError(await server.delete(`/v2/${repo}/blobs/${digest}`), 400, 'DIGEST_INVALID');
      const post = await server.request({ method: 'POST', url: `/v2/${repo}/blobs/uploads/?digest=${digest}`, headers: { 'content-type': 'application/octet-stream' }, payload: layerA.bytes });
      expectError(post, 400, 'DIGEST_INVALID');
    });

    it.each([`sha256:${'z'.repeat(64)}`, `sha256:${'a'.repeat(10)}`, `md5:${'a'.repeat(32)}`])('rejects the manifest reference %s with DIGEST_INVALID', async (ref) => {
      expectError(await server.get(`/v2/${repo}/manifests/${ref}`), 400, 'DIGEST_INVALID');
      expectError(await putManifest(server, repo, ociImage(), ref), 400, 'DIGEST_INVALID');
      expectError(await server.delete(`/v2/${repo}/manifests/${ref}`), 400, 'DIGEST_INVALID');
    });

    it('rejects a malformed digest when finishing an upload with DIGEST_INVALID', async () => {
      const location = (await server.request({ method: 'POST', url: `/v2/${repo}/blobs/uploads/` })).headers.location as string;
      const res = await server.request({ method: 'PUT', url: `${location}?digest=sha256:nope`, headers: { 'content-type': 'application/octet-stream' }, payload: layerA.bytes });
      expectError(res, 400, 'DIGEST_INVALID');
    });

    it('rejects a malformed mount digest with DIGEST_INVALID', async () => {
      expectError(await server.request({ method: 'POST', url: `/v2/${repo}/blobs/uploads/?mount=md5:${'a'.repeat(32)}` }), 400, 'DIGEST_INVALID');
    });
  });

  describe('names', () => {
    it.each([
      ['upper case', 'Foo/bar'],
      ['a leading slash', '/foo'],
      ['a trailing slash', 'foo/'],
      ['an empty component', 'foo//bar'],
      ['a leading separator', '-foo'],
      ['a trailing separator', 'foo-'],
      ['two dots', 'foo..bar'],
      ['three underscores', 'foo___bar'],
      ['a space', 'foo%20bar'],
      ['a NUL', 'foo%00bar'],
      ['an encoded slash', 'foo%2fbar'],
      ['a colon', 'foo:bar'],
      ['256 characters', 'a'.repeat(256)],
      ['256 characters in components', `${'a'.repeat(127)}/${'b'.repeat(128)}`],
    ])('rejects a name with %s with NAME_INVALID', async (_label, name) => {
      expectError(await server.get(`/v2/${name}/manifests/latest`), 400, 'NAME_INVALID');
      expectError(await server.get(`/v2/${name}/tags/list`), 400, 'NAME_INVALID');
      expectError(await server.request({ method: 'POST', url: `/v2/${name}/blobs/uploads/` }), 400, 'NAME_INVALID');
    });

    it.each(['a'.repeat(255), 'a.b_c__d---e/f0', `${'a'.repeat(127)}/${'b'.repeat(127)}`])('accepts the valid name %s', async (name) => {
      expect((await server.request({ method: 'POST', url: `/v2/${name}/blobs/uploads/` })).statusCode).toBe(202);
    });

    it.each(['/v2/foo/manifests/%ZZ', '/v2/foo%zz/tags/list', '/v2/foo/blobs/%E0%A4%A', '/v2/foo/blobs/uploads/%C0%AF'])('answers the malformed percent-encoding %s with a 400, never a 500', async (url) => {
      // Rejected by fastify's router before the /v2 plugin runs; build-server answers in the OCI envelope.
      expectError(await server.get(url), 400, 'NAME_INVALID');
    });

    it('returns NAME_UNKNOWN for a /v2 path that is no endpoint', async () => {
      expectError(await server.get('/v2/foo/bar'), 404, 'NAME_UNKNOWN');
    });
  });

  describe('upload ids', () => {
    it.each(['abc', '00000000-0000-4000-8000-00000000000Z', '..%2f..%2fetc', 'ABCDEF00-0000-4000-8000-000000000000'])('answers the unknown upload id %s with BLOB_UPLOAD_UNKNOWN', async (id) => {
      const url = `/v2/${repo}/blobs/uploads/${id}`;
      expectError(await server.get(url), 404, 'BLOB_UPLOAD_UNKNOWN');
      expectError(await server.request({ method: 'PATCH', url, headers: { 'content-type': 'application/octet-stream' }, payload: layerA.bytes }), 404, 'BLOB_UPLOAD_UNKNOWN');
      expectError(await server.request({ method: 'PUT', url: `${url}?digest=${layerA.digest}`, headers: { 'content-type': 'application/octet-stream' }, payload: layerA.bytes }), 404, 'BLOB_UPLOAD_UNKNOWN');
      expectError(await server.delete(url), 404, 'BLOB_UPLOAD_UNKNOWN');
    });
  });

  describe('methods', () => {
    it.each([
      ['POST', '/v2/'],
      ['PUT', '/v2/'],
      ['OPTIONS', '/v2/'],
      ['PUT', '/v2/_catalog'],
      ['DELETE', '/v2/_catalog'],
      ['POST', '/v2/foo/manifests/latest'],
      ['PATCH', '/v2/foo/manifests/latest'],
      ['PUT', `/v2/foo/blobs/sha256:${HEX64}`],
      ['PATCH', `/v2/foo/blobs/sha256:${HEX64}`],
      ['POST', `/v2/foo/blobs/sha256:${HEX64}`],
      ['GET', '/v2/foo/blobs/uploads/'],
      ['PUT', '/v2/foo/blobs/uploads/'],
      ['DELETE', '/v2/foo/blobs/uploads/'],
      ['POST', '/v2/foo/blobs/uploads/00000000-0000-4000-8000-000000000000'],
      ['POST', '/v2/foo/tags/list'],
      ['DELETE', '/v2/foo/tags/list'],
      ['DELETE', `/v2/foo/referrers/sha256:${HEX64}`],
      ['PUT', `/v2/foo/referrers/sha256:${HEX64}`],
    ])('answers %s %s with 405 UNSUPPORTED and an Allow header', async (method, url) => {
      const res = await server.request({ method: method as 'GET', url });
      expectError(res, 405, 'UNSUPPORTED');
      expect(res.headers.allow).toMatch(/^[A-Z, ]+$/);
      expect(String(res.headers.allow).split(', ')).not.toContain(method);
    });

    it('answers a wrong method before asking for credentials', async () => {
      expectError(await server.request({ method: 'POST', url: '/v2/foo/manifests/latest', auth: false }), 405, 'UNSUPPORTED');
    });
  });

  describe('headers', () => {
    it('rejects a non-numeric Content-Length on a chunk', async () => {
      const location = (await server.request({ method: 'POST', url: `/v2/${repo}/blobs/uploads/` })).headers.location as string;
      const port = await listenLocal(server.app);
      const res = await rawRequest(port, `PATCH ${location} HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: ${BASIC_AUTH}\r\nContent-Length: ten\r\nConnection: close`);
      expect(res.status).toBe(400);
    });

    it('keeps pushes working after every bad request above (no poisoned state)', async () => {
      expectError(await putManifest(server, repo, rawManifest('{'), 'v1'), 400, 'MANIFEST_INVALID');
      await pushImage(server, repo, { tag: 'v1' });
      expect((await server.get(`/v2/${repo}/manifests/v1`)).statusCode).toBe(200);
    });
  });
});
