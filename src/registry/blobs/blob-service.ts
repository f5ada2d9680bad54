import type { Readable } from 'node:stream';
import { AppError, isStoreError } from '../../core/errors/index.js';
import type { OpContext } from '../../core/context.js';
import type { Digest, RepoName } from '../../oci/index.js';
import type { MetadataStore, MetadataStores } from '../../metadata/metadata-store.js';
import type { ObjectStore } from '../storage/object-store.js';
import { StorageLayout } from '../storage/layout.js';
import { OciErrors } from '../http/oci-errors.js';

export interface BlobRange {
  readonly start: number;
  /** Inclusive. */
  readonly end: number;
}

export interface OpenedBlob {
  readonly sizeBytes: number;
  readonly stream: Readable;
}

/** Blobs as repositories see them: content stored once, visible through per-repository links. */
export class BlobService {
  constructor(
    private readonly meta: MetadataStore,
    private readonly objects: ObjectStore,
  ) {}

  /** Size of a blob linked into the repository; BLOB_UNKNOWN otherwise. */
  async stat(_ctx: OpContext, repo: RepoName, digest: Digest): Promise<number> {
    const size = await this.meta.blobs.linkedSize(repo, digest);
    if (size === undefined) throw new AppError(OciErrors.BLOB_UNKNOWN, { detail: { digest } });
    return size;
  }

  async open(ctx: OpContext, repo: RepoName, digest: Digest, range?: BlobRange): Promise<OpenedBlob> {
    const sizeBytes = await this.stat(ctx, repo, digest);
    try {
      const stream = await this.objects.read(StorageLayout.blob(digest), {
        signal: ctx.signal,
        ...(range ? { offset: range.start, length: range.end - range.start + 1 } : {}),
      });
      return { sizeBytes, stream };
    } catch (err) {
      if (isStoreError(err, 'NOT_FOUND')) throw new AppError(OciErrors.BLOB_UNKNOWN, { detail: { digest }, cause: err });
      throw err;
    }
  }

  /** Removes the repository's link; the content goes when garbage collection finds it unused. */
  async delete(_ctx: OpContext, repo: RepoName, digest: Digest): Promise<void> {
    if (!(await this.meta.blobs.unlink(repo, digest))) throw new AppError(OciErrors.BLOB_UNKNOWN, { detail: { digest } });
  }

  /**
   * Links a blob another repository holds. With `from`, only that repository counts (the
   * caller checked the actor may pull it); without, any repository (spec v1.1 automatic
   * mount: knowing the digest proves knowing the content). Returns false when there is none.
   */
  async mount(_ctx: OpContext, repo: RepoName, digest: Digest, from: RepoName | undefined): Promise<boolean> {
    return this.meta.withTransaction(async (tx) => {
      const size = from === undefined ? await tx.blobs.size(digest) : await tx.blobs.linkedSize(from, digest);
      if (size === undefined) return false;
      await tx.blobs.registerAndLink(repo, digest, size);
      return true;
    });
  }

  /**
   * Publishes verified, fsynced content under its digest and links it. The move happens
   * inside the metadata transaction so garbage collection (which deletes content inside its
   * own transaction) can never remove content a new link points at.
   */
  async publish(repo: RepoName, digest: Digest, sizeBytes: number, fromKey: string): Promise<void> {
    await this.meta.withTransaction(async (tx) => {
      await tx.blobs.registerAndLink(repo, digest, sizeBytes);
      await this.objects.move(fromKey, StorageLayout.blob(digest));
    });
  }

  /** Same as publish, for small content held in memory (manifests), inside the caller's transaction. */
  async publishBytes(tx: MetadataStores, repo: RepoName, digest: Digest, bytes: Buffer): Promise<void> {
    await tx.blobs.registerAndLink(repo, digest, bytes.length);
    await this.objects.put(StorageLayout.blob(digest), bytes);
  }
}
