import type { MetadataStore } from '../metadata/metadata-store.js';
import type { ObjectStore } from './storage/object-store.js';
import { BlobService } from './blobs/blob-service.js';
import { UploadService } from './uploads/upload-service.js';
import { ManifestService } from './manifests/manifest-service.js';
import { RepositoryService } from './repositories/repository-service.js';
import { GarbageCollector } from './gc/garbage-collector.js';

/** The registry domain: one object holding its services, built over the two ports. */
export interface Registry {
  readonly blobs: BlobService;
  readonly uploads: UploadService;
  readonly manifests: ManifestService;
  readonly repositories: RepositoryService;
  readonly gc: GarbageCollector;
  readonly meta: MetadataStore;
  readonly objects: ObjectStore;
}

export function createRegistry(meta: MetadataStore, objects: ObjectStore): Registry {
  const blobs = new BlobService(meta, objects);
  const uploads = new UploadService(meta, objects, blobs);
  return {
    blobs,
    uploads,
    gc: new GarbageCollector(meta, objects, uploads),
    manifests: new ManifestService(meta, objects, blobs),
    repositories: new RepositoryService(meta),
    meta,
    objects,
  };
}
