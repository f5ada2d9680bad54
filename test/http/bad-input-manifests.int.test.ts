import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buildTestServer, expectError, pushBlobs, putManifest, uniqueRepo, type TestServer } from '../helpers/build-test-server.js';
import { MediaTypes, imageConfig, layerA, layerB, manifest, ociImage, sha256, type ManifestContent } from '../fixtures/oci/images.js';

/** A manifest body from raw bytes, whatever they hold. */
function rawManifest(body: string | object, mediaType: string = MediaTypes.ociManifest): ManifestContent {
  const bytes = Buffer.from(typeof body === 'string' ? body : JSON.stringify(body));
  return { bytes, digest: sha256(bytes), size: bytes.length, mediaType };
}

function imageBody(): Record<string, unknown> {
  return JSON.parse(ociImage().bytes.toString()) as Record<string, unknown>;
}

describe('bad manifest input', () => {
  let server: TestServer;
  let repo: string;
  beforeEach(async () => {
    server = await buildTestServer({ overrides: { 'registry.manifestMaxBytes': 1024 } });
    repo = uniqueRepo();
    await pushBlobs(server, repo, [imageConfig, layerA, layerB]);
  });
  afterEach(() => server.close());

  describe('manifest bodies', () => {
    it.each([
      ['malformed JSON', '{"schemaVersion": 2,'],
      ['an empty body', ''],
      ['a JSON array', '[1,2]'],
      ['a JSON string', '"manifest"'],
      ['null', 'null'],
    ])('rejects %s with MANIFEST_INVALID', async (_label, body) => {
      expectError(await putManifest(server, repo, rawManifest(body), 'v1'), 400, 'MANIFEST_INVALID');
    });

    it.each([
      ['schemaVersion 1', { schemaVersion: 1 }],
      ['schemaVersion "2"', { schemaVersion: '2' }],
      ['no schemaVersion', { schemaVersion: undefined }],
      ['a layer digest that is not a digest', { layers: [{ mediaType: MediaTypes.ociLayer, digest: 'sha256:xyz', size: 1 }] }],
      ['a negative layer size', { layers: [{ mediaType: MediaTypes.ociLayer, digest: layerA.digest, size: -1 }] }],
      ['a layer without mediaType', { layers: [{ digest: layerA.digest, size: layerA.size }] }],
      ['layers that are not an array', { layers: {} }],
      ['no config', { config: undefined }],
      ['manifests in an image manifest', { manifests: [] }],
      ['annotations that are not strings', { annotations: { a: 1 } }],
      ['a non-string artifactType', { artifactType: 7 }],
    ])('rejects a manifest with %s with MANIFEST_INVALID', async (_label, patch) => {
      expectError(await putManifest(server, repo, rawManifest({ ...imageBody(), ...patch }), 'v1'), 400, 'MANIFEST_INVALID');
    });

    it('rejects an index whose manifests is not an array with MANIFEST_INVALID', async () => {
      const index = rawManifest({ schemaVersion: 2, mediaType: MediaTypes.ociIndex, manifests: 'none' }, MediaTypes.ociIndex);
      expectError(await putManifest(server, repo, index, 'v1'), 400, 'MANIFEST_INVALID');
    });

    it('rejects a body that names no kind under a generic Content-Type with MANIFEST_INVALID', async () => {
      expectError(await putManifest(server, repo, rawManifest({ schemaVersion: 2 }), 'v1', 'application/json'), 400, 'MANIFEST_INVALID');
    });

    it('rejects a manifest over registry.manifestMaxBytes with 413 SIZE_INVALID', async () => {
      const big = manifest({ ...imageBody(), annotations: { filler: 'x'.repeat(2000) } }, MediaTypes.ociManifest);
      expectError(await putManifest(server, repo, big, 'v1'), 413, 'SIZE_INVALID');
      expectError(await putManifest(server, repo, big), 413, 'SIZE_INVALID');
      expectError(await server.get(`/v2/${repo}/manifests/v1`), 404, 'MANIFEST_UNKNOWN');
    });

    it('accepts a manifest just under the limit', async () => {
      const body = imageBody();
      const base = Buffer.byteLength(JSON.stringify({ ...body, annotations: { filler: '' } }));
      const fits = manifest({ ...body, annotations: { filler: 'x'.repeat(1024 - base) } }, MediaTypes.ociManifest);
      expect(fits.size).toBe(1024);
      expect((await putManifest(server, repo, fits, 'v1')).statusCode).toBe(201);
    });

    it.each(['text/plain', 'application/vnd.example.unknown+json', MediaTypes.ociConfig, 'application/vnd.oci.image.layer.v1.tar'])(
      'rejects Content-Type %s with 415 UNSUPPORTED',
      async (contentType) => {
        expectError(await putManifest(server, repo, ociImage(), 'v1', contentType), 415, 'UNSUPPORTED');
      },
    );

    it('rejects an unknown mediaType in the body under a generic Content-Type with 415 UNSUPPORTED', async () => {
      const odd = rawManifest({ ...imageBody(), mediaType: 'application/vnd.example.thing+json' });
      expectError(await putManifest(server, repo, odd, 'v1', 'application/json'), 415, 'UNSUPPORTED');
    });

    it('rejects a body mediaType that contradicts Content-Type with MANIFEST_INVALID', async () => {
      expectError(await putManifest(server, repo, ociImage(), 'v1', MediaTypes.dockerManifest), 400, 'MANIFEST_INVALID');
      expectError(await putManifest(server, repo, ociImage(), 'v1', MediaTypes.ociIndex), 400, 'MANIFEST_INVALID');
    });

    it('accepts Content-Type parameters and case', async () => {
      expect((await putManifest(server, repo, ociImage(), 'v1', `${MediaTypes.ociManifest.toUpperCase()}; charset=utf-8`)).statusCode).toBe(201);
    });

    it('rejects a PUT by digest whose body has another digest with DIGEST_INVALID', async () => {
      const image = ociImage();
      expectError(await putManifest(server, repo, image, ociImage('other').digest), 400, 'DIGEST_INVALID');
      expectError(await server.get(`/v2/${repo}/manifests/${image.digest}`), 404, 'MANIFEST_UNKNOWN');
    });

    it('rejects a body shorter than its Content-Length with SIZE_INVALID', async () => {
      const image = ociImage();
      const res = await server.request({ method: 'PUT', url: `/v2/${repo}/manifests/v1`, headers: { 'content-type': image.mediaType, 'content-length': String(image.size + 10) }, payload: image.bytes });
      expectError(res, 400, 'SIZE_INVALID');
    });
  });

  describe('tags', () => {
    it.each([
      ['a leading dot', '.hidden'],
      ['a leading dash', '-v1'],
      ['a plus', 'v1+build'],
      ['129 characters', 'a'.repeat(129)],
      ['an encoded slash', 'v1%2fx'],
      ['a space', 'v%201'],
    ])('rejects a tag with %s with TAG_INVALID', async (_label, tag) => {
      expectError(await putManifest(server, repo, ociImage(), tag), 400, 'TAG_INVALID');
      expectError(await server.get(`/v2/${repo}/manifests/${tag}`), 400, 'TAG_INVALID');
    });

    it('accepts a 128-character tag', async () => {
      expect((await putManifest(server, repo, ociImage(), `_${'a'.repeat(127)}`)).statusCode).toBe(201);
    });
  });

});
