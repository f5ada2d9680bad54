import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buildTestServer, expectError, pushBlob, uniqueRepo, type Response, type TestServer } from '../helpers/build-test-server.js';
import { content, layerA, layerB, sha256, sha512 } from '../fixtures/oci/images.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const blob = content('0123456789abcdefghij');

describe('blob uploads', () => {
  let server: TestServer;
  let repo: string;
  beforeEach(async () => {
    server = await buildTestServer();
    repo = uniqueRepo();
  });
  afterEach(() => server.close());

  async function start(target = repo): Promise<{ res: Response; location: string; id: string }> {
    const res = await server.request({ method: 'POST', url: `/v2/${target}/blobs/uploads/` });
    expect(res.statusCode, res.body).toBe(202);
    const location = res.headers.location as string;
    return { res, location, id: res.headers['docker-upload-uuid'] as string };
  }

  function patch(location: string, bytes: Buffer, range?: string): Promise<Response> {
    return server.request({
      method: 'PATCH',
      url: location,
      headers: { 'content-type': 'application/octet-stream', ...(range ? { 'content-range': range } : {}) },
      payload: bytes,
    });
  }

  function finish(location: string, digest: string, bytes?: Buffer): Promise<Response> {
    return server.request({
      method: 'PUT',
      url: `${location}?digest=${digest}`,
      headers: { 'content-type': 'application/octet-stream' },
      ...(bytes ? { payload: bytes } : {}),
    });
  }

  async function expectBlob(digest: string, bytes: Buffer, target = repo): Promise<void> {
    const res = await server.get(`/v2/${target}/blobs/${digest}`);
    expect(res.statusCode).toBe(200);
    expect(res.rawPayload.equals(bytes)).toBe(true);
  }

  it('starts a session with 202, Location, Docker-Upload-UUID and an empty Range', async () => {
    const { res, location, id } = await start();
    expect(id).toMatch(UUID);
    expect(location).toBe(`/v2/${repo}/blobs/uploads/${id}`);
    expect(res.headers.range).toBe('0-0');
  });

  it('accepts a whole blob in one POST with ?digest=', async () => {
    const res = await server.request({ method: 'POST', url: `/v2/${repo}/blobs/uploads/?digest=${blob.digest}`, headers: { 'content-type': 'application/octet-stream' }, payload: blob.bytes });
    expect(res.statusCode).toBe(201);
    expect(res.headers.location).toBe(`/v2/${repo}/blobs/${blob.digest}`);
    expect(res.headers['docker-content-digest']).toBe(blob.digest);
    await expectBlob(blob.digest, blob.bytes);
  });

  it('accepts POST then a PUT carrying the whole body', async () => {
    const { location } = await start();
    const res = await finish(location, blob.digest, blob.bytes);
    expect(res.statusCode).toBe(201);
    expect(res.headers.location).toBe(`/v2/${repo}/blobs/${blob.digest}`);
    expect(res.headers['docker-content-digest']).toBe(blob.digest);
    await expectBlob(blob.digest, blob.bytes);
  });

  it('accepts two chunks with Content-Range, then an empty PUT', async () => {
    const { location } = await start();
    const first = await patch(location, blob.bytes.subarray(0, 8), '0-7');
    expect(first.statusCode).toBe(202);
    expect(first.headers.range).toBe('0-7');
    expect(first.headers['docker-upload-uuid']).toBeTypeOf('string');
    const second = await patch(first.headers.location as string, blob.bytes.subarray(8), '8-19');
    expect(second.statusCode).toBe(202);
    expect(second.headers.range).toBe('0-19');
    const done = await finish(second.headers.location as string, blob.digest);
    expect(done.statusCode).toBe(201);
    await expectBlob(blob.digest, blob.bytes);
  });

  it('accepts a streamed PATCH without Content-Range, then a final chunk in the PUT', async () => {
    const { location } = await start();
    expect((await patch(location, blob.bytes.subarray(0, 5))).statusCode).toBe(202);
    const done = await server.request({
      method: 'PUT',
      url: `${location}?digest=${blob.digest}`,
      headers: { 'content-type': 'application/octet-stream', 'content-range': '5-19' },
      payload: blob.bytes.subarray(5),
    });
    expect(done.statusCode).toBe(201);
    await expectBlob(blob.digest, blob.bytes);
  });

  it('rejects an out-of-order chunk with 416 and keeps the session usable', async () => {
    const { location } = await start();
    await patch(location, blob.bytes.subarray(0, 8), '0-7');
    const skipped = await patch(location, blob.bytes.subarray(10), '10-19');
    expectError(skipped, 416, 'BLOB_UPLOAD_INVALID');
    const status = await server.get(location);
    expect(status.statusCode).toBe(204);
    expect(status.headers.range).toBe('0-7');
    await patch(location, blob.bytes.subarray(8), '8-19');
    expect((await finish(location, blob.digest)).statusCode).toBe(201);
    await expectBlob(blob.digest, blob.bytes);
  });

  it('rejects a chunk restarting at 0 once bytes were received with 416', async () => {
    const { location } = await start();
    await patch(location, blob.bytes.subarray(0, 8), '0-7');
    expectError(await patch(location, blob.bytes.subarray(0, 8), '0-7'), 416, 'BLOB_UPLOAD_INVALID');
  });

  it('rejects a Content-Range that disagrees with the body length with 416', async () => {
    const { location } = await start();
    expectError(await patch(location, blob.bytes.subarray(0, 8), '0-3'), 416, 'BLOB_UPLOAD_INVALID');
  });

  it('rejects a malformed Content-Range with 416', async () => {
    const { location } = await start();
    expectError(await patch(location, blob.bytes.subarray(0, 8), 'garbage'), 416, 'BLOB_UPLOAD_INVALID');
  });

  it('reports progress with 204, Range and Location', async () => {
    const { location, id } = await start();
    const empty = await server.get(location);
    expect(empty.statusCode).toBe(204);
    expect(empty.headers.range).toBe('0-0');
    await patch(location, blob.bytes.subarray(0, 8), '0-7');
    const res = await server.get(location);
    expect(res.statusCode).toBe(204);
    expect(res.headers.range).toBe('0-7');
    expect(res.headers.location).toBe(location);
    expect(res.headers['docker-upload-uuid']).toBe(id);
  });

  it('cancels a session with 204, after which it is BLOB_UPLOAD_UNKNOWN', async () => {
    const { location } = await start();
    await patch(location, blob.bytes.subarray(0, 8), '0-7');
    expect((await server.delete(location)).statusCode).toBe(204);
    expectError(await server.get(location), 404, 'BLOB_UPLOAD_UNKNOWN');
    expectError(await patch(location, blob.bytes.subarray(8), '8-19'), 404, 'BLOB_UPLOAD_UNKNOWN');
    expectError(await finish(location, blob.digest), 404, 'BLOB_UPLOAD_UNKNOWN');
    expectError(await server.delete(location), 404, 'BLOB_UPLOAD_UNKNOWN');
  });

  it('ends the session once the upload completes', async () => {
    const { location } = await start();
    expect((await finish(location, blob.digest, blob.bytes)).statusCode).toBe(201);
    expectError(await server.get(location), 404, 'BLOB_UPLOAD_UNKNOWN');
  });

  it('rejects a PUT whose digest does not match with DIGEST_INVALID and publishes nothing', async () => {
    const { location } = await start();
    const wrong = sha256('something else');
    expectError(await finish(location, wrong, blob.bytes), 400, 'DIGEST_INVALID');
    expectError(await server.get(`/v2/${repo}/blobs/${wrong}`), 404, 'BLOB_UNKNOWN');
    expectError(await server.get(`/v2/${repo}/blobs/${blob.digest}`), 404, 'BLOB_UNKNOWN');
  });

  it('rejects a monolithic POST whose digest does not match with DIGEST_INVALID', async () => {
    const wrong = sha256('something else');
    const res = await server.request({ method: 'POST', url: `/v2/${repo}/blobs/uploads/?digest=${wrong}`, headers: { 'content-type': 'application/octet-stream' }, payload: blob.bytes });
    expectError(res, 400, 'DIGEST_INVALID');
    expect((await server.head(`/v2/${repo}/blobs/${wrong}`)).statusCode).toBe(404);
    expectError(await server.get(`/v2/${repo}/blobs/${blob.digest}`), 404, 'BLOB_UNKNOWN');
  });

  it('rejects a PUT without a digest with DIGEST_INVALID', async () => {
    const { location } = await start();
    const res = await server.request({ method: 'PUT', url: location, headers: { 'content-type': 'application/octet-stream' }, payload: blob.bytes });
    expectError(res, 400, 'DIGEST_INVALID');
  });

  it('accepts a sha512 digest, monolithic and chunked', async () => {
    const mono = await server.request({ method: 'POST', url: `/v2/${repo}/blobs/uploads/?digest=${sha512(layerA.bytes)}`, headers: { 'content-type': 'application/octet-stream' }, payload: layerA.bytes });
    expect(mono.statusCode).toBe(201);
    expect(mono.headers['docker-content-digest']).toBe(sha512(layerA.bytes));
    await expectBlob(sha512(layerA.bytes), layerA.bytes);

    const { location } = await start();
    await patch(location, blob.bytes.subarray(0, 4), '0-3');
    expect((await finish(location, sha512(blob.bytes), blob.bytes.subarray(4))).statusCode).toBe(201);
    await expectBlob(sha512(blob.bytes), blob.bytes);
  });

  it('rejects a sha512 upload whose content does not match with DIGEST_INVALID', async () => {
    const res = await server.request({ method: 'POST', url: `/v2/${repo}/blobs/uploads/?digest=${sha512('other')}`, headers: { 'content-type': 'application/octet-stream' }, payload: layerA.bytes });
    expectError(res, 400, 'DIGEST_INVALID');
  });

  it('keeps sessions of one repository invisible to another', async () => {
    const { id } = await start();
    expectError(await server.get(`/v2/${uniqueRepo()}/blobs/uploads/${id}`), 404, 'BLOB_UPLOAD_UNKNOWN');
  });

  it('returns BLOB_UPLOAD_UNKNOWN for a well-formed id that was never issued', async () => {
    const id = '00000000-0000-4000-8000-000000000000';
    expectError(await server.get(`/v2/${repo}/blobs/uploads/${id}`), 404, 'BLOB_UPLOAD_UNKNOWN');
    expectError(await patch(`/v2/${repo}/blobs/uploads/${id}`, blob.bytes), 404, 'BLOB_UPLOAD_UNKNOWN');
    expectError(await finish(`/v2/${repo}/blobs/uploads/${id}`, blob.digest, blob.bytes), 404, 'BLOB_UPLOAD_UNKNOWN');
    expectError(await server.delete(`/v2/${repo}/blobs/uploads/${id}`), 404, 'BLOB_UPLOAD_UNKNOWN');
  });

  describe('cross-repository mount', () => {
    it('mounts from a named repository with 201', async () => {
      const source = uniqueRepo();
      await pushBlob(server, source, layerA);
      const res = await server.request({ method: 'POST', url: `/v2/${repo}/blobs/uploads/?mount=${layerA.digest}&from=${source}` });
      expect(res.statusCode).toBe(201);
      expect(res.headers.location).toBe(`/v2/${repo}/blobs/${layerA.digest}`);
      expect(res.headers['docker-content-digest']).toBe(layerA.digest);
      await expectBlob(layerA.digest, layerA.bytes);
    });

    it('mounts automatically without from when any repository holds the blob', async () => {
      await pushBlob(server, uniqueRepo(), layerA);
      const res = await server.request({ method: 'POST', url: `/v2/${repo}/blobs/uploads/?mount=${layerA.digest}` });
      expect(res.statusCode).toBe(201);
      expect(res.headers['docker-content-digest']).toBe(layerA.digest);
      await expectBlob(layerA.digest, layerA.bytes);
    });

    it('falls back to an upload session with 202 for an unknown digest', async () => {
      const res = await server.request({ method: 'POST', url: `/v2/${repo}/blobs/uploads/?mount=${layerB.digest}&from=${uniqueRepo()}` });
      expect(res.statusCode).toBe(202);
      expect(res.headers.location).toMatch(new RegExp(`^/v2/${repo}/blobs/uploads/`));
      expect(res.headers['docker-upload-uuid']).toMatch(UUID);
      expect((await finish(res.headers.location as string, layerB.digest, layerB.bytes)).statusCode).toBe(201);
    });

    it('falls back to 202 when from does not hold the blob, even if another repository does', async () => {
      await pushBlob(server, uniqueRepo(), layerA);
      const res = await server.request({ method: 'POST', url: `/v2/${repo}/blobs/uploads/?mount=${layerA.digest}&from=${uniqueRepo()}` });
      expect(res.statusCode).toBe(202);
    });

    it('starts a plain upload (202) instead of mounting when the token may not pull from', async () => {
      const source = uniqueRepo();
      await pushBlob(server, source, layerA);
      const issued = server.built.auth.issueAccessToken({ kind: 'user', name: 'admin', isAdmin: true }, [{ type: 'repository', name: repo, actions: ['pull', 'push'] }]);
      const res = await server.request({ method: 'POST', url: `/v2/${repo}/blobs/uploads/?mount=${layerA.digest}&from=${source}`, auth: `Bearer ${issued.token}` });
      expect(res.statusCode).toBe(202);
      expectError(await server.get(`/v2/${repo}/blobs/${layerA.digest}`), 404, 'BLOB_UNKNOWN');
    });

    it('rejects a mount of a malformed digest with DIGEST_INVALID', async () => {
      expectError(await server.request({ method: 'POST', url: `/v2/${repo}/blobs/uploads/?mount=sha256:abc&from=${uniqueRepo()}` }), 400, 'DIGEST_INVALID');
    });

    it('rejects a malformed from with NAME_INVALID', async () => {
      expectError(await server.request({ method: 'POST', url: `/v2/${repo}/blobs/uploads/?mount=${layerA.digest}&from=Bad..Name` }), 400, 'NAME_INVALID');
    });
  });
});
