import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buildTestServer, expectError, pushBlob, pushBlobs, pushImage, pushManifest, putManifest, uniqueRepo, type TestServer } from '../helpers/build-test-server.js';
import { EMPTY_DIGEST, MediaTypes, artifact, content, emptyConfig, ociImage, ociIndex, sha256, type ManifestContent } from '../fixtures/oci/images.js';

interface ReferrersIndex {
  schemaVersion: number;
  mediaType: string;
  manifests: Array<{ mediaType: string; digest: string; size: number; artifactType?: string; annotations?: Record<string, string> }>;
}

const SBOM = 'application/vnd.example.sbom.v1+json';
const SIGNATURE = 'application/vnd.example.signature.v1';
const sbomLayer = content('{"sbom":true}');

describe('referrers', () => {
  let server: TestServer;
  let repo: string;
  let subject: ManifestContent;
  beforeEach(async () => {
    server = await buildTestServer();
    repo = uniqueRepo();
    subject = await pushImage(server, repo, { tag: 'v1' });
    await pushBlobs(server, repo, [emptyConfig, sbomLayer]);
  });
  afterEach(() => server.close());

  it('uses the image-spec empty descriptor digest for {}', () => {
    expect(emptyConfig.digest).toBe(EMPTY_DIGEST);
  });

  it('answers a push with a subject with OCI-Subject', async () => {
    const sbom = artifact(subject, SBOM, sbomLayer);
    const res = await pushManifest(server, repo, sbom);
    expect(res.headers['oci-subject']).toBe(subject.digest);
  });

  it('accepts a referrer before its subject exists', async () => {
    const absent = ociImage('not-pushed-yet');
    const res = await pushManifest(server, repo, artifact(absent, SBOM));
    expect(res.headers['oci-subject']).toBe(absent.digest);
    const list = await server.get(`/v2/${repo}/referrers/${absent.digest}`);
    expect(list.json<ReferrersIndex>().manifests).toHaveLength(1);
  });

  it('lists every referrer as an OCI index with artifactType, size and annotations', async () => {
    const sbom = artifact(subject, SBOM, sbomLayer);
    const sig = artifact(subject, SIGNATURE);
    await pushManifest(server, repo, sbom);
    await pushManifest(server, repo, sig);
    const res = await server.get(`/v2/${repo}/referrers/${subject.digest}`);
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe(MediaTypes.ociIndex);
    expect(res.headers['oci-filters-applied']).toBeUndefined();
    const index = res.json<ReferrersIndex>();
    expect(index.schemaVersion).toBe(2);
    expect(index.mediaType).toBe(MediaTypes.ociIndex);
    const byDigest = Object.fromEntries(index.manifests.map((m) => [m.digest, m]));
    expect(Object.keys(byDigest).sort()).toEqual([sbom.digest, sig.digest].sort());
    expect(byDigest[sbom.digest]).toEqual({
      mediaType: MediaTypes.ociManifest,
      digest: sbom.digest,
      size: sbom.size,
      artifactType: SBOM,
      annotations: { 'org.opencontainers.image.created': '2024-01-01T00:00:00Z' },
    });
    expect(byDigest[sig.digest]!.artifactType).toBe(SIGNATURE);
  });

  it('filters by artifactType and says so in OCI-Filters-Applied', async () => {
    const sbom = artifact(subject, SBOM, sbomLayer);
    await pushManifest(server, repo, sbom);
    await pushManifest(server, repo, artifact(subject, SIGNATURE));
    const res = await server.get(`/v2/${repo}/referrers/${subject.digest}?artifactType=${encodeURIComponent(SBOM)}`);
    expect(res.statusCode).toBe(200);
    expect(res.headers['oci-filters-applied']).toBe('artifactType');
    expect(res.json<ReferrersIndex>().manifests.map((m) => m.digest)).toEqual([sbom.digest]);
  });

  it('reports the config media type as artifactType when the manifest has none', async () => {
    const body = JSON.parse(artifact(subject, SBOM).bytes.toString()) as Record<string, unknown>;
    delete body.artifactType;
    const bytes = Buffer.from(JSON.stringify(body));
    const digest = sha256(bytes);
    const res = await putManifest(server, repo, { bytes, digest, size: bytes.length, mediaType: MediaTypes.ociManifest });
    expect(res.statusCode).toBe(201);
    const index = (await server.get(`/v2/${repo}/referrers/${subject.digest}`)).json<ReferrersIndex>();
    expect(index.manifests[0]!.artifactType).toBe(MediaTypes.ociEmpty);
  });

  it('lists an index with a subject as a referrer', async () => {
    const child = artifact(subject, SIGNATURE);
    await pushManifest(server, repo, child);
    const body = { ...(JSON.parse(ociIndex([child]).bytes.toString()) as object), artifactType: 'application/vnd.example.bundle', subject: { mediaType: subject.mediaType, digest: subject.digest, size: subject.size } };
    const bytes = Buffer.from(JSON.stringify(body));
    const res = await putManifest(server, repo, { bytes, digest: sha256(bytes), size: bytes.length, mediaType: MediaTypes.ociIndex });
    expect(res.statusCode).toBe(201);
    expect(res.headers['oci-subject']).toBe(subject.digest);
    const types = (await server.get(`/v2/${repo}/referrers/${subject.digest}`)).json<ReferrersIndex>().manifests.map((m) => m.artifactType).sort();
    expect(types).toEqual(['application/vnd.example.bundle', SIGNATURE]);
  });

  it('returns an empty index for a subject with no referrers', async () => {
    const res = await server.get(`/v2/${repo}/referrers/${ociImage('unknown').digest}`);
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe(MediaTypes.ociIndex);
    expect(res.json<ReferrersIndex>()).toEqual({ schemaVersion: 2, mediaType: MediaTypes.ociIndex, manifests: [] });
  });

  it('returns an empty index for a filter that matches nothing', async () => {
    await pushManifest(server, repo, artifact(subject, SBOM, sbomLayer));
    const res = await server.get(`/v2/${repo}/referrers/${subject.digest}?artifactType=application/vnd.none`);
    expect(res.headers['oci-filters-applied']).toBe('artifactType');
    expect(res.json<ReferrersIndex>().manifests).toEqual([]);
  });

  it('drops a referrer from the list when it is deleted', async () => {
    const sbom = artifact(subject, SBOM, sbomLayer);
    await pushManifest(server, repo, sbom);
    expect((await server.delete(`/v2/${repo}/manifests/${sbom.digest}`)).statusCode).toBe(202);
    expect((await server.get(`/v2/${repo}/referrers/${subject.digest}`)).json<ReferrersIndex>().manifests).toEqual([]);
  });

  it('keeps referrers per repository', async () => {
    await pushManifest(server, repo, artifact(subject, SBOM, sbomLayer));
    const other = uniqueRepo();
    await pushBlob(server, other, emptyConfig);
    expect((await server.get(`/v2/${other}/referrers/${subject.digest}`)).json<ReferrersIndex>().manifests).toEqual([]);
  });

  it('rejects a malformed subject digest with DIGEST_INVALID', async () => {
    expectError(await server.get(`/v2/${repo}/referrers/sha256:nothex`), 400, 'DIGEST_INVALID');
    expectError(await server.get(`/v2/${repo}/referrers/latest`), 400, 'DIGEST_INVALID');
  });

  it('rejects a subject on a Docker manifest with MANIFEST_INVALID', async () => {
    const body = { ...(JSON.parse(artifact(subject, SBOM).bytes.toString()) as Record<string, unknown>), mediaType: MediaTypes.dockerManifest };
    const bytes = Buffer.from(JSON.stringify(body));
    expectError(await putManifest(server, repo, { bytes, digest: sha256(bytes), size: bytes.length, mediaType: MediaTypes.dockerManifest }), 400, 'MANIFEST_INVALID');
  });
});
