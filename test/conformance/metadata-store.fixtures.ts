import { createHash } from 'node:crypto';
import type { MetadataStore, MetadataStores, NewManifest } from '../../src/metadata/metadata-store.js';

/** Shared data and helpers of the MetadataStore conformance suite. */
export const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';
export const OCI_INDEX = 'application/vnd.oci.image.index.v1+json';
export const T0 = '2024-01-01T00:00:00.000Z';
export const T1 = '2024-01-02T00:00:00.000Z';
export const T2 = '2024-01-03T00:00:00.000Z';
/** Later than any link the store stamps with the current time. */
export const FAR_FUTURE = '9999-12-31T23:59:59.999Z';

/** A deterministic, well-formed sha256 digest named after `seed`. */
export function digestFor(seed: string): string {
  return `sha256:${createHash('sha256').update(seed).digest('hex')}`;
}

export function manifest(repository: string, digest: string, fields: Partial<NewManifest> = {}): NewManifest {
  return {
    repository,
    digest,
    mediaType: OCI_MANIFEST,
    sizeBytes: 512,
    artifactType: null,
    subjectDigest: null,
    annotations: null,
    references: [],
    ...fields,
  };
}

/** Stores a manifest the way the registry does: its bytes as a linked blob, then the row. */
export async function pushManifest(s: MetadataStores, m: NewManifest, createdAt = T0): Promise<boolean> {
  await s.blobs.registerAndLink(m.repository, m.digest, m.sizeBytes);
  return s.manifests.put(m, createdAt);
}

/** Holds the store of the running test; the suite swaps it in beforeEach. */
export interface Ctx {
  readonly store: MetadataStore;
}
