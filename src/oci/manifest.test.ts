import { describe, expect, it } from 'vitest';
import { digestOf } from './digest.js';
import { parseManifest, requiredDigests, type ManifestParse, type ParsedManifest } from './manifest.js';
import { MediaType, baseMediaType } from './media-types.js';

const DOCKER_V1 = 'application/vnd.docker.distribution.manifest.v1+json';
const DOCKER_V1_SIGNED = 'application/vnd.docker.distribution.manifest.v1+prettyjws';

const config = { mediaType: MediaType.ociConfig, digest: digestOf('config'), size: 6 };
const layer = { mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', digest: digestOf('layer'), size: 5 };
const subject = { mediaType: MediaType.ociManifest, digest: digestOf('subject'), size: 7 };

function ociManifest(extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { schemaVersion: 2, mediaType: MediaType.ociManifest, config, layers: [layer], ...extra };
}

function ociIndex(extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { schemaVersion: 2, mediaType: MediaType.ociIndex, manifests: [{ ...subject, platform: { os: 'linux', architecture: 'amd64' } }], ...extra };
}

function parse(body: unknown, contentType: string): ManifestParse {
  return parseManifest(Buffer.from(typeof body === 'string' ? body : JSON.stringify(body)), contentType);
}

function parsed(body: unknown, contentType: string): ParsedManifest {
  const result = parse(body, contentType);
  if (!result.ok) throw new Error(`expected a valid manifest, got ${result.code}: ${result.reason}`);
  return result.manifest;
}

function failureCode(body: unknown, contentType: string): string | undefined {
  const result = parse(body, contentType);
  return result.ok ? undefined : result.code;
}

describe('parseManifest: supported formats', () => {
  it('parses an OCI image manifest with its config and layers', () => {
    const m = parsed(ociManifest({ annotations: { 'org.example': 'x' } }), MediaType.ociManifest);
    expect(m).toMatchObject({ mediaType: MediaType.ociManifest, isIndex: false, config, references: [layer], annotations: { 'org.example': 'x' } });
    expect(m.subject).toBeUndefined();
  });

  it('parses an OCI index whose references are its child manifests', () => {
    const m = parsed(ociIndex(), MediaType.ociIndex);
    expect(m.isIndex).toBe(true);
    expect(m.config).toBeUndefined();
    expect(m.references).toEqual([{ ...subject, platform: { os: 'linux', architecture: 'amd64' } }]);
    expect(m.artifactType).toBeUndefined();
  });

  it('parses a Docker schema 2 manifest', () => {
    const body = { schemaVersion: 2, mediaType: MediaType.dockerManifest, config: { ...config, mediaType: MediaType.dockerConfig }, layers: [layer] };
    expect(parsed(body, MediaType.dockerManifest)).toMatchObject({ mediaType: MediaType.dockerManifest, isIndex: false, references: [layer] });
  });

  it('parses a Docker manifest list as an index', () => {
    const body = { schemaVersion: 2, mediaType: MediaType.dockerManifestList, manifests: [{ ...subject, mediaType: MediaType.dockerManifest }] };
    const m = parsed(body, MediaType.dockerManifestList);
    expect(m).toMatchObject({ mediaType: MediaType.dockerManifestList, isIndex: true });
    expect(m.references).toHaveLength(1);
  });

  it('accepts an OCI image manifest without layers as an artifact with no references', () => {
    const { layers: _omitted, ...body } = ociManifest();
    expect(parsed(body, MediaType.ociManifest).references).toEqual([]);
  });

  it('requiredDigests lists the config and layers of an image, and the children of an index', () => {
    expect(requiredDigests(parsed(ociManifest(), MediaType.ociManifest)).map((d) => d.digest)).toEqual([config.digest, layer.digest]);
    expect(requiredDigests(parsed(ociIndex(), MediaType.ociIndex)).map((d) => d.digest)).toEqual([subject.digest]);
  });
});

describe('parseManifest: media type resolution', () => {
  it('rejects a body mediaType that contradicts the Content-Type as MANIFEST_INVALID', () => {
    expect(failureCode(ociManifest({ mediaType: MediaType.dockerManifest }), MediaType.ociManifest)).toBe('MANIFEST_INVALID');
  });

  it('takes the Content-Type when the body declares no mediaType', () => {
    const { mediaType: _omitted, ...body } = ociManifest();
    expect(parsed(body, MediaType.ociManifest).mediaType).toBe(MediaType.ociManifest);
  });

  it('reports a Content-Type that is no manifest media type as UNSUPPORTED', () => {
    expect(failureCode(ociManifest(), MediaType.ociConfig)).toBe('UNSUPPORTED');
    expect(failureCode(ociManifest(), 'text/plain')).toBe('UNSUPPORTED');
  });

  it('uses the body mediaType under a generic Content-Type', () => {
    for (const contentType of ['', 'application/json', 'application/octet-stream']) {
      expect(parsed(ociIndex(), contentType).mediaType, contentType).toBe(MediaType.ociIndex);
    }
  });

  it('infers an OCI index from manifests and an OCI image manifest from config when nothing declares a type', () => {
    const { mediaType: _a, ...index } = ociIndex();
    const { mediaType: _b, ...image } = ociManifest();
    expect(parsed(index, 'application/json').mediaType).toBe(MediaType.ociIndex);
    expect(parsed(image, '').mediaType).toBe(MediaType.ociManifest);
  });

  it('rejects a body with no type information under a generic Content-Type as MANIFEST_INVALID', () => {
    expect(failureCode({ schemaVersion: 2, layers: [layer] }, 'application/json')).toBe('MANIFEST_INVALID');
  });

  it('reports a non-manifest body mediaType under a generic Content-Type as UNSUPPORTED', () => {
    expect(failureCode(ociManifest({ mediaType: MediaType.ociConfig }), 'application/json')).toBe('UNSUPPORTED');
  });

  it('rejects a mediaType field that is not a string as MANIFEST_INVALID', () => {
    expect(failureCode(ociManifest({ mediaType: 2 }), MediaType.ociManifest)).toBe('MANIFEST_INVALID');
  });

  it('baseMediaType strips parameters, whitespace and case from a Content-Type header', () => {
    expect(baseMediaType(' Application/Vnd.OCI.Image.Manifest.v1+JSON ; charset=utf-8')).toBe(MediaType.ociManifest);
    expect(baseMediaType(undefined)).toBe('');
  });
});

describe('parseManifest: invalid manifests', () => {
  it('rejects bytes that are not JSON or not a JSON object as MANIFEST_INVALID', () => {
    expect(failureCode('{not json', MediaType.ociManifest)).toBe('MANIFEST_INVALID');
    expect(failureCode([ociManifest()], MediaType.ociManifest)).toBe('MANIFEST_INVALID');
    expect(failureCode('null', MediaType.ociManifest)).toBe('MANIFEST_INVALID');
  });

  it('rejects an image manifest without a config as MANIFEST_INVALID', () => {
    const { config: _omitted, ...body } = ociManifest();
    expect(failureCode(body, MediaType.ociManifest)).toBe('MANIFEST_INVALID');
  });

  it('rejects a Docker schema 2 manifest without layers as MANIFEST_INVALID', () => {
    expect(failureCode({ schemaVersion: 2, mediaType: MediaType.dockerManifest, config }, MediaType.dockerManifest)).toBe('MANIFEST_INVALID');
  });

  it('rejects descriptors with a bad digest, size, media type or annotations as MANIFEST_INVALID', () => {
    const bad = [
      { ...layer, digest: 'sha256:abc' },
      { ...layer, digest: `md5:${'a'.repeat(32)}` },
      { ...layer, size: -1 },
      { ...layer, size: 1.5 },
      { ...layer, size: '5' },
      { ...layer, mediaType: '' },
      { ...layer, annotations: { count: 1 } },
      { ...layer, artifactType: 3 },
      'not-an-object',
    ];
    for (const descriptor of bad) {
      expect(failureCode(ociManifest({ layers: [descriptor] }), MediaType.ociManifest), JSON.stringify(descriptor)).toBe('MANIFEST_INVALID');
    }
    expect(failureCode(ociManifest({ layers: layer }), MediaType.ociManifest)).toBe('MANIFEST_INVALID');
  });

  it('rejects an image manifest that also carries manifests as MANIFEST_INVALID', () => {
    expect(failureCode(ociManifest({ manifests: [] }), MediaType.ociManifest)).toBe('MANIFEST_INVALID');
  });

  it('rejects an index without a manifests array as MANIFEST_INVALID', () => {
    expect(failureCode({ schemaVersion: 2, mediaType: MediaType.ociIndex }, MediaType.ociIndex)).toBe('MANIFEST_INVALID');
  });

  it('rejects top-level annotations that are not a string map as MANIFEST_INVALID', () => {
    expect(failureCode(ociManifest({ annotations: { a: true } }), MediaType.ociManifest)).toBe('MANIFEST_INVALID');
  });
});

describe('parseManifest: subject and artifactType', () => {
  it('keeps the subject of an OCI image manifest and of an OCI index', () => {
    expect(parsed(ociManifest({ subject }), MediaType.ociManifest).subject).toEqual(subject);
    expect(parsed(ociIndex({ subject }), MediaType.ociIndex).subject).toEqual(subject);
  });

  it('rejects a subject on a Docker manifest or manifest list as MANIFEST_INVALID', () => {
    const image = { schemaVersion: 2, mediaType: MediaType.dockerManifest, config, layers: [layer], subject };
    const list = { schemaVersion: 2, mediaType: MediaType.dockerManifestList, manifests: [], subject };
    expect(failureCode(image, MediaType.dockerManifest)).toBe('MANIFEST_INVALID');
    expect(failureCode(list, MediaType.dockerManifestList)).toBe('MANIFEST_INVALID');
  });

  it('rejects a malformed subject descriptor as MANIFEST_INVALID', () => {
    expect(failureCode(ociManifest({ subject: { ...subject, digest: 'nope' } }), MediaType.ociManifest)).toBe('MANIFEST_INVALID');
  });

  it('reports the explicit artifactType of an image manifest', () => {
    expect(parsed(ociManifest({ artifactType: 'application/vnd.example.sbom' }), MediaType.ociManifest).artifactType).toBe('application/vnd.example.sbom');
  });

  it('falls back to config.mediaType when an image manifest has no artifactType', () => {
    const body = ociManifest({ config: { ...config, mediaType: 'application/vnd.example.signature.config' } });
    expect(parsed(body, MediaType.ociManifest).artifactType).toBe('application/vnd.example.signature.config');
  });

  it('reports the artifactType of an index only when the index declares one', () => {
    expect(parsed(ociIndex({ artifactType: 'application/vnd.example.bundle' }), MediaType.ociIndex).artifactType).toBe('application/vnd.example.bundle');
    expect(parsed(ociIndex(), MediaType.ociIndex).artifactType).toBeUndefined();
  });

  it('rejects an artifactType that is not a string as MANIFEST_INVALID', () => {
    expect(failureCode(ociManifest({ artifactType: 1 }), MediaType.ociManifest)).toBe('MANIFEST_INVALID');
  });
});

describe('parseManifest: schema version 1', () => {
  it('rejects a schemaVersion other than 2 as MANIFEST_INVALID', () => {
    expect(failureCode(ociManifest({ schemaVersion: 1 }), MediaType.ociManifest)).toBe('MANIFEST_INVALID');
    const { schemaVersion: _omitted, ...body } = ociManifest();
    expect(failureCode(body, MediaType.ociManifest)).toBe('MANIFEST_INVALID');
  });

  it('reports the Docker schema 1 media types as UNSUPPORTED', () => {
    const v1 = { schemaVersion: 1, name: 'a/b', tag: 'latest', fsLayers: [], history: [] };
    expect(failureCode(v1, DOCKER_V1)).toBe('UNSUPPORTED');
    expect(failureCode(v1, DOCKER_V1_SIGNED)).toBe('UNSUPPORTED');
    expect(failureCode({ ...v1, mediaType: DOCKER_V1 }, 'application/json')).toBe('UNSUPPORTED');
  });
});
