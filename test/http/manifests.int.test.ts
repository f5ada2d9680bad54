import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buildTestServer, expectError, pushBlobs, pushImage, pushManifest, putManifest, uniqueRepo, type TestServer } from '../helpers/build-test-server.js';
import { MediaTypes, dockerImage, dockerManifestList, imageConfig, layerA, layerB, ociImage, ociIndex, sha512 } from '../fixtures/oci/images.js';

describe('manifests', () => {
  let server: TestServer;
  let repo: string;
  beforeEach(async () => {
    server = await buildTestServer();
    repo = uniqueRepo();
  });
  afterEach(() => server.close());

  it('accepts an OCI image by tag with 201, Location and Docker-Content-Digest', async () => {
    await pushBlobs(server, repo, [imageConfig, layerA, layerB]);
    const image = ociImage();
    const res = await putManifest(server, repo, image, 'v1');
    expect(res.statusCode).toBe(201);
    expect(res.headers.location).toBe(`/v2/${repo}/manifests/${image.digest}`);
    expect(res.headers['docker-content-digest']).toBe(image.digest);
    expect(res.headers['oci-subject']).toBeUndefined();
  });

  it('serves a manifest by tag and by digest with its Content-Type and digest', async () => {
    const image = await pushImage(server, repo, { tag: 'v1' });
    for (const ref of ['v1', image.digest]) {
      const res = await server.get(`/v2/${repo}/manifests/${ref}`, { headers: { accept: MediaTypes.ociManifest } });
      expect(res.statusCode).toBe(200);
      expect(res.headers['content-type']).toBe(MediaTypes.ociManifest);
      expect(res.headers['docker-content-digest']).toBe(image.digest);
      expect(res.headers['content-length']).toBe(String(image.size));
      expect(res.rawPayload.equals(image.bytes)).toBe(true);
    }
  });

  it('answers HEAD with type, digest and length but no body', async () => {
    const image = await pushImage(server, repo, { tag: 'v1' });
    const res = await server.head(`/v2/${repo}/manifests/v1`);
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe(MediaTypes.ociManifest);
    expect(res.headers['docker-content-digest']).toBe(image.digest);
    expect(res.headers['content-length']).toBe(String(image.size));
    expect(res.body).toBe('');
  });

  it('accepts a manifest by digest, untagged', async () => {
    const image = await pushImage(server, repo);
    expect((await server.get(`/v2/${repo}/manifests/${image.digest}`)).statusCode).toBe(200);
    expect((await server.get(`/v2/${repo}/tags/list`)).json()).toEqual({ name: repo, tags: [] });
  });

  it('accepts a manifest by sha512 digest', async () => {
    await pushBlobs(server, repo, [imageConfig, layerA, layerB]);
    const image = ociImage();
    const digest = sha512(image.bytes);
    const res = await putManifest(server, repo, image, digest);
    expect(res.statusCode).toBe(201);
    expect(res.headers['docker-content-digest']).toBe(digest);
    const get = await server.get(`/v2/${repo}/manifests/${digest}`);
    expect(get.statusCode).toBe(200);
    expect(get.headers['docker-content-digest']).toBe(digest);
  });

  it('accepts a Docker schema2 manifest and serves it with its own media type', async () => {
    await pushBlobs(server, repo, [imageConfig, layerA]);
    const image = dockerImage();
    await pushManifest(server, repo, image, 'docker');
    const res = await server.get(`/v2/${repo}/manifests/docker`);
    expect(res.headers['content-type']).toBe(MediaTypes.dockerManifest);
    expect(res.headers['docker-content-digest']).toBe(image.digest);
  });

  it('accepts an OCI index whose children are present', async () => {
    const amd = await pushImage(server, repo);
    const arm = await pushImage(server, repo, { image: ociImage('arm64') });
    const index = ociIndex([amd, arm]);
    await pushManifest(server, repo, index, 'multi');
    const res = await server.get(`/v2/${repo}/manifests/multi`);
    expect(res.headers['content-type']).toBe(MediaTypes.ociIndex);
    expect(res.headers['docker-content-digest']).toBe(index.digest);
  });

  it('accepts a Docker manifest list whose children are present', async () => {
    await pushBlobs(server, repo, [imageConfig, layerA]);
    const child = dockerImage();
    await pushManifest(server, repo, child);
    const list = dockerManifestList([child]);
    await pushManifest(server, repo, list, 'list');
    expect((await server.head(`/v2/${repo}/manifests/list`)).headers['content-type']).toBe(MediaTypes.dockerManifestList);
  });

  it('infers the media type from the body when Content-Type is generic', async () => {
    await pushBlobs(server, repo, [imageConfig, layerA, layerB]);
    const image = ociImage();
    expect((await putManifest(server, repo, image, 'v1', 'application/json')).statusCode).toBe(201);
    expect((await server.head(`/v2/${repo}/manifests/v1`)).headers['content-type']).toBe(MediaTypes.ociManifest);
  });

  it('rejects a manifest whose layer is missing with MANIFEST_BLOB_UNKNOWN', async () => {
    await pushBlobs(server, repo, [imageConfig, layerA]);
    expectError(await putManifest(server, repo, ociImage(), 'v1'), 400, 'MANIFEST_BLOB_UNKNOWN');
    expectError(await server.get(`/v2/${repo}/manifests/v1`), 404, 'MANIFEST_UNKNOWN');
  });

  it('rejects a manifest whose config is missing with MANIFEST_BLOB_UNKNOWN', async () => {
    await pushBlobs(server, repo, [layerA, layerB]);
    expectError(await putManifest(server, repo, ociImage()), 400, 'MANIFEST_BLOB_UNKNOWN');
  });

  it('rejects a manifest whose blobs live only in another repository with MANIFEST_BLOB_UNKNOWN', async () => {
    await pushBlobs(server, uniqueRepo(), [imageConfig, layerA, layerB]);
    expectError(await putManifest(server, repo, ociImage()), 400, 'MANIFEST_BLOB_UNKNOWN');
  });

  it('rejects an index with a missing child with MANIFEST_BLOB_UNKNOWN', async () => {
    const present = await pushImage(server, repo);
    const index = ociIndex([present, ociImage('never-pushed')]);
    expectError(await putManifest(server, repo, index, 'multi'), 400, 'MANIFEST_BLOB_UNKNOWN');
  });

  it('moves a tag to a new manifest on re-push', async () => {
    await pushImage(server, repo, { tag: 'v1' });
    const second = await pushImage(server, repo, { tag: 'v1', image: ociImage('second') });
    expect((await server.head(`/v2/${repo}/manifests/v1`)).headers['docker-content-digest']).toBe(second.digest);
  });

  it('accepts the same manifest twice (idempotent push)', async () => {
    const image = await pushImage(server, repo, { tag: 'v1' });
    await pushManifest(server, repo, image, 'v1');
  });

  it('deletes by digest with 202, removing the manifest and its tags', async () => {
    const image = await pushImage(server, repo, { tag: 'v1' });
    await pushManifest(server, repo, image, 'v2');
    expect((await server.delete(`/v2/${repo}/manifests/${image.digest}`)).statusCode).toBe(202);
    expectError(await server.get(`/v2/${repo}/manifests/${image.digest}`), 404, 'MANIFEST_UNKNOWN');
    expectError(await server.get(`/v2/${repo}/manifests/v1`), 404, 'MANIFEST_UNKNOWN');
    expectError(await server.get(`/v2/${repo}/manifests/v2`), 404, 'MANIFEST_UNKNOWN');
    expect((await server.get(`/v2/${repo}/tags/list`)).json()).toEqual({ name: repo, tags: [] });
  });

  it('deletes a tag with 202 and keeps the manifest reachable by digest', async () => {
    const image = await pushImage(server, repo, { tag: 'v1' });
    await pushManifest(server, repo, image, 'v2');
    expect((await server.delete(`/v2/${repo}/manifests/v1`)).statusCode).toBe(202);
    expectError(await server.get(`/v2/${repo}/manifests/v1`), 404, 'MANIFEST_UNKNOWN');
    expect((await server.get(`/v2/${repo}/manifests/${image.digest}`)).statusCode).toBe(200);
    expect((await server.get(`/v2/${repo}/manifests/v2`)).statusCode).toBe(200);
    expect((await server.get(`/v2/${repo}/tags/list`)).json()).toEqual({ name: repo, tags: ['v2'] });
  });

  it('returns MANIFEST_UNKNOWN for unknown tags and digests, on GET, HEAD and DELETE', async () => {
    await pushImage(server, repo, { tag: 'v1' });
    const unknownDigest = ociImage('unknown').digest;
    expectError(await server.get(`/v2/${repo}/manifests/nope`), 404, 'MANIFEST_UNKNOWN');
    expectError(await server.get(`/v2/${repo}/manifests/${unknownDigest}`), 404, 'MANIFEST_UNKNOWN');
    expect((await server.head(`/v2/${repo}/manifests/nope`)).statusCode).toBe(404);
    expect((await server.head(`/v2/${repo}/manifests/nope`)).body).toBe('');
    expectError(await server.delete(`/v2/${repo}/manifests/nope`), 404, 'MANIFEST_UNKNOWN');
    expectError(await server.delete(`/v2/${repo}/manifests/${unknownDigest}`), 404, 'MANIFEST_UNKNOWN');
  });

  it('returns MANIFEST_UNKNOWN in a repository that does not exist', async () => {
    expectError(await server.get(`/v2/${uniqueRepo()}/manifests/latest`), 404, 'MANIFEST_UNKNOWN');
  });

  it('keeps manifests of one repository invisible to another', async () => {
    const image = await pushImage(server, repo, { tag: 'v1' });
    expectError(await server.get(`/v2/${uniqueRepo()}/manifests/${image.digest}`), 404, 'MANIFEST_UNKNOWN');
  });

  it('serves the manifest bytes byte-for-byte as pushed (no re-serialisation)', async () => {
    await pushBlobs(server, repo, [imageConfig, layerA, layerB]);
    const body = Buffer.from(`${JSON.stringify(JSON.parse(ociImage().bytes.toString()), null, 3)}\n`);
    const res = await server.request({ method: 'PUT', url: `/v2/${repo}/manifests/pretty`, headers: { 'content-type': MediaTypes.ociManifest }, payload: body });
    expect(res.statusCode).toBe(201);
    const get = await server.get(`/v2/${repo}/manifests/pretty`);
    expect(get.rawPayload.equals(body)).toBe(true);
  });
});
