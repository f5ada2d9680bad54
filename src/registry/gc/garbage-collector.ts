import type { OpContext } from '../../core/context.js';
import type { MetadataStore, MetadataStores } from '../../metadata/metadata-store.js';
import type { ObjectStore } from '../storage/object-store.js';
import { StorageLayout, digestFromBlobKey } from '../storage/layout.js';
import type { UploadService } from '../uploads/upload-service.js';
import { RegistryAction, recordEvent } from '../events/registry-events.js';
import type { Digest } from '../../oci/index.js';

export interface GcOptions {
  /** Report what would go, change nothing. */
  readonly dryRun: boolean;
  /** Blobs, links and untagged manifests younger than this stay (pushes in flight). */
  readonly graceSeconds: number;
  /** Upload sessions idle longer than this go. */
  readonly uploadExpirySeconds: number;
  /** Clock, for tests. */
  readonly now?: Date;
}

export interface GcReport {
  readonly dryRun: boolean;
  readonly expiredUploads: number;
  readonly deletedManifests: Array<{ repository: string; digest: string }>;
  readonly removedLinks: number;
  readonly deletedBlobs: number;
  readonly strayObjects: number;
  readonly freedBytes: number;
}

class DryRunRollback extends Error {}

/**
 * Mark and sweep over the metadata store, safe beside a running server: every deletion of
 * content happens inside a write transaction, and publishing content (BlobService.publish)
 * moves it into place inside one too, so a blob is never deleted under a new link.
 * Fresh objects are protected by the grace period.
 */
export class GarbageCollector {
  constructor(
    private readonly meta: MetadataStore,
    private readonly objects: ObjectStore,
    private readonly uploads: UploadService,
  ) {}

  async run(ctx: OpContext, options: GcOptions): Promise<GcReport> {
    const now = options.now ?? new Date();
    const cutoff = new Date(now.getTime() - options.graceSeconds * 1000).toISOString();
    const uploadCutoff = new Date(now.getTime() - options.uploadExpirySeconds * 1000).toISOString();
    const expired = await this.meta.uploads.olderThan(uploadCutoff);
    if (!options.dryRun) for (const upload of expired) await this.uploads.discard(upload.id);

    let report: Omit<GcReport, 'dryRun' | 'expiredUploads' | 'strayObjects'> | undefined;
    try {
      await this.meta.withTransaction(async (tx) => {
        report = await this.sweep(ctx, tx, cutoff, options.dryRun);
        if (options.dryRun) throw new DryRunRollback();
      });
    } catch (err) {
      if (!(err instanceof DryRunRollback)) throw err;
    }
    const strays = await this.sweepStrayObjects(cutoff, options.dryRun);
    return { dryRun: options.dryRun, expiredUploads: expired.length, strayObjects: strays.count, ...report!, freedBytes: report!.freedBytes + strays.bytes };
  }

  private async sweep(ctx: OpContext, tx: MetadataStores, cutoff: string, dryRun: boolean) {
    const deletedManifests: Array<{ repository: string; digest: string }> = [];
    // Deleting an index frees its children, so repeat until nothing more goes.
    for (;;) {
      const candidates = await tx.gc.unreferencedManifests(cutoff);
      if (candidates.length === 0) break;
      for (const m of candidates) {
        await tx.manifests.delete(m.repository, m.digest);
        await recordEvent(tx, ctx, RegistryAction.delete, { repository: m.repository, digest: m.digest, mediaType: m.mediaType });
        deletedManifests.push({ repository: m.repository, digest: m.digest });
      }
    }
    let removedLinks = 0;
    for (const link of await tx.gc.danglingLinks(cutoff)) {
      if (await tx.gc.removeLinkIfDangling(link.repository, link.digest, cutoff)) removedLinks++;
    }
    const orphans = await tx.gc.takeOrphanBlobs();
    if (!dryRun) for (const blob of orphans) await this.objects.delete(StorageLayout.blob(blob.digest as Digest));
    return { deletedManifests, removedLinks, deletedBlobs: orphans.length, freedBytes: orphans.reduce((n, b) => n + b.sizeBytes, 0) };
  }

  /**
   * Content with no metadata row: left by a crash between moving a blob into place and
   * committing its row, or an upload whose session row was never written. Checked again
   * inside a write transaction, which waits for any publish in progress to commit.
   */
  private async sweepStrayObjects(cutoff: string, dryRun: boolean): Promise<{ count: number; bytes: number }> {
    const candidates: Array<{ key: string; sizeBytes: number; digest?: Digest; uploadId?: string }> = [];
    for (const prefix of [StorageLayout.blobsPrefix, 'uploads/']) {
      for await (const key of this.objects.list(prefix)) {
        const info = await this.objects.stat(key).catch(() => undefined);
        if (!info || info.modifiedAt.toISOString() >= cutoff) continue;
        const digest = digestFromBlobKey(key);
        const uploadId = /^uploads\/([^/]+)\//.exec(key)?.[1];
        candidates.push({ key, sizeBytes: info.sizeBytes, ...(digest ? { digest } : {}), ...(uploadId ? { uploadId } : {}) });
      }
    }
    if (candidates.length === 0) return { count: 0, bytes: 0 };
    return this.meta.withTransaction(async (tx) => {
      let count = 0;
      let bytes = 0;
      for (const c of candidates) {
        const isKnown = c.digest ? await tx.blobs.isRecorded(c.digest) : c.uploadId ? (await tx.uploads.get(c.uploadId)) !== undefined : true;
        if (isKnown) continue;
        if (!dryRun) await this.objects.delete(c.key);
        count++;
        bytes += c.sizeBytes;
      }
      return { count, bytes };
    });
  }
}
