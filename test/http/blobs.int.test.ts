import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buildTestServer, expectError, pushBlob, uniqueRepo, type TestServer } from '../helpers/build-test-server.js';
import { content, layerA } from '../fixtures/oci/images.js';

/** 26 bytes, so ranges are easy to read. */
const alphabet = content('abcdefghijklmnopqrstuvwxyz');

describe('blobs', () => {
  let server: TestServer;
  let repo: string;
  beforeEach(async () => {
    server = await buildTestServer();
    repo = uniqueRepo();
  });
  afterEach(() => server.close());

  it('serves a pushed blob with its digest, length and type', async () => {
    await pushBlob(server, repo, alphabet);
    const res = await server.get(`/v2/${repo}/blobs/${alphabet.digest}`);
    expect(res.statusCode).toBe(200);
    expect(res.rawPayload.equals(alphabet.bytes)).toBe(true);
    expect(res.headers['docker-content-digest']).toBe(alphabet.digest);
    expect(res.headers['content-length']).toBe('26');
    expect(res.headers['content-type']).toBe('application/octet-stream');
  });

  it('answers HEAD with the length and digest and no body', async () => {
    await pushBlob(server, repo, alphabet);
    const res = await server.head(`/v2/${repo}/blobs/${alphabet.digest}`);
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-length']).toBe('26');
    expect(res.headers['docker-content-digest']).toBe(alphabet.digest);
    expect(res.body).toBe('');
  });

  it('returns BLOB_UNKNOWN for a digest never uploaded', async () => {
    await pushBlob(server, repo, alphabet);
    expectError(await server.get(`/v2/${repo}/blobs/${layerA.digest}`), 404, 'BLOB_UNKNOWN');
    expect((await server.head(`/v2/${repo}/blobs/${layerA.digest}`)).statusCode).toBe(404);
  });

  it('returns BLOB_UNKNOWN for a blob of another repository', async () => {
    await pushBlob(server, repo, alphabet);
    expectError(await server.get(`/v2/${uniqueRepo()}/blobs/${alphabet.digest}`), 404, 'BLOB_UNKNOWN');
  });

  it('serves a byte range with 206 and Content-Range', async () => {
    await pushBlob(server, repo, alphabet);
    const res = await server.get(`/v2/${repo}/blobs/${alphabet.digest}`, { headers: { range: 'bytes=2-5' } });
    expect(res.statusCode).toBe(206);
    expect(res.body).toBe('cdef');
    expect(res.headers['content-range']).toBe('bytes 2-5/26');
    expect(res.headers['content-length']).toBe('4');
  });

  it('serves an open-ended range to the end', async () => {
    await pushBlob(server, repo, alphabet);
    const res = await server.get(`/v2/${repo}/blobs/${alphabet.digest}`, { headers: { range: 'bytes=20-' } });
    expect(res.statusCode).toBe(206);
    expect(res.body).toBe('uvwxyz');
    expect(res.headers['content-range']).toBe('bytes 20-25/26');
  });

  it('clamps a range end past the blob to its last byte', async () => {
    await pushBlob(server, repo, alphabet);
    const res = await server.get(`/v2/${repo}/blobs/${alphabet.digest}`, { headers: { range: 'bytes=24-1000' } });
    expect(res.statusCode).toBe(206);
    expect(res.body).toBe('yz');
    expect(res.headers['content-range']).toBe('bytes 24-25/26');
  });

  it('serves a suffix range (the last n bytes)', async () => {
    await pushBlob(server, repo, alphabet);
    const res = await server.get(`/v2/${repo}/blobs/${alphabet.digest}`, { headers: { range: 'bytes=-3' } });
    expect(res.statusCode).toBe(206);
    expect(res.body).toBe('xyz');
    expect(res.headers['content-range']).toBe('bytes 23-25/26');
  });

  it('serves the whole blob for a suffix longer than the blob', async () => {
    await pushBlob(server, repo, alphabet);
    const res = await server.get(`/v2/${repo}/blobs/${alphabet.digest}`, { headers: { range: 'bytes=-100' } });
    expect(res.statusCode).toBe(206);
    expect(res.body).toBe('abcdefghijklmnopqrstuvwxyz');
    expect(res.headers['content-range']).toBe('bytes 0-25/26');
  });

  it('ignores a Range of an unknown unit and serves the whole blob', async () => {
    await pushBlob(server, repo, alphabet);
    const res = await server.get(`/v2/${repo}/blobs/${alphabet.digest}`, { headers: { range: 'items=0-1' } });
    expect(res.statusCode).toBe(200);
    expect(res.body).toBe('abcdefghijklmnopqrstuvwxyz');
  });

  it.each(['bytes=26-30', 'bytes=100-', 'bytes=-0', 'bytes=5-2', 'bytes=-'])('answers 416 with the blob size for the unsatisfiable range %s', async (range) => {
    await pushBlob(server, repo, alphabet);
    const res = await server.get(`/v2/${repo}/blobs/${alphabet.digest}`, { headers: { range } });
    expect(res.statusCode).toBe(416);
    expect(res.headers['content-range']).toBe('bytes */26');
  });

  it('deletes a blob with 202, after which it is BLOB_UNKNOWN', async () => {
    await pushBlob(server, repo, alphabet);
    const res = await server.delete(`/v2/${repo}/blobs/${alphabet.digest}`);
    expect(res.statusCode).toBe(202);
    expectError(await server.get(`/v2/${repo}/blobs/${alphabet.digest}`), 404, 'BLOB_UNKNOWN');
    expectError(await server.delete(`/v2/${repo}/blobs/${alphabet.digest}`), 404, 'BLOB_UNKNOWN');
  });

  it('keeps a blob in other repositories when one repository deletes it', async () => {
    const other = uniqueRepo();
    await pushBlob(server, repo, alphabet);
    await pushBlob(server, other, alphabet);
    expect((await server.delete(`/v2/${repo}/blobs/${alphabet.digest}`)).statusCode).toBe(202);
    expect((await server.get(`/v2/${other}/blobs/${alphabet.digest}`)).body).toBe('abcdefghijklmnopqrstuvwxyz');
  });

  it('serves an empty blob', async () => {
    const empty = content('');
    await pushBlob(server, repo, empty);
    const res = await server.get(`/v2/${repo}/blobs/${empty.digest}`);
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-length']).toBe('0');
  });
});
