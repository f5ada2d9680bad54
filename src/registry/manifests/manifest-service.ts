import { AppError, isStoreError } from '../../core/errors/index.js';
import type { OpContext } from '../../core/context.js';
import {
  MediaType,
  digestAlgorithm,
  digestOf,
  parseManifest,
  requiredDigests,
  type Digest,
  type ManifestRef,
  type RepoName,
} from '../../oci/index.js';
import type { ManifestRecord, MetadataStore } from '../../metadata/metadata-store.js';
import type { ObjectStore } from '../storage/object-store.js';
import { StorageLayout } from '../storage/layout.js';
import { OciErrors } from '../http/oci-errors.js';
import type { BlobService } from '../blobs/blob-service.js';
import { RegistryAction, recordEvent } from '../events/registry-events.js';

export interface StoredManifest {
  readonly digest: Digest;
  readonly mediaType: string;
  readonly bytes: Buffer;
}

/** A manifest as sent: its bytes and the Content-Type (parameters already stripped). */
export interface ManifestUpload {
  readonly bytes: Buffer;
  readonly contentType: string;
}

export interface PutResult {
  readonly digest: Digest;
  readonly subject?: Digest;
}

type TagOrDigest = Exclude<ManifestRef, { kind: 'invalid' }>;

interface ManifestWrite {
  readonly repo: RepoName;
  readonly ref: TagOrDigest;
  readonly upload: ManifestUpload;
  /** From a pull-through cache: referenced content may arrive later. */
  readonly isCache: boolean;
}

/** Manifest bytes are immutable per digest, so a small cache in front of the store is always right. */
class ManifestCache {
  private readonly entries = new Map<string, Buffer>();
  constructor(private readonly maxEntries: number) {}
  get(digest: string): Buffer | undefined {
    return this.entries.get(digest);
  }
  set(digest: string, bytes: Buffer): void {
    if (this.entries.size >= this.maxEntries) this.entries.delete(this.entries.keys().next().value as string);
    this.entries.set(digest, bytes);
  }
}

/** Manifests and tags: pushes with reference checks, pulls, deletes, referrers. */
export class ManifestService {
  private readonly cache = new ManifestCache(2048);

  constructor(
    private readonly meta: MetadataStore,
    private readonly objects: ObjectStore,
    private readonly blobs: BlobService,
  ) {}

  async resolve(_ctx: OpContext, repo: RepoName, ref: TagOrDigest): Promise<ManifestRecord> {
    const digest = ref.kind === 'digest' ? ref.digest : (await this.meta.tags.resolve(repo, ref.tag))?.digest;
    const record = digest === undefined ? undefined : await this.meta.manifests.get(repo, digest);
    if (!record) throw new AppError(OciErrors.MANIFEST_UNKNOWN, { detail: ref.kind === 'tag' ? { tag: ref.tag } : { digest: ref.digest } });
    return record;
  }

  async get(ctx: OpContext, repo: RepoName, ref: TagOrDigest): Promise<StoredManifest> {
    const record = await this.resolve(ctx, repo, ref);
    return { digest: record.digest as Digest, mediaType: record.mediaType, bytes: await this.bytes(ctx, record.digest as Digest) };
  }

  private async bytes(ctx: OpContext, digest: Digest): Promise<Buffer> {
    const cached = this.cache.get(digest);
    if (cached) return cached;
    try {
      const bytes = await this.objects.get(StorageLayout.blob(digest), { signal: ctx.signal });
      this.cache.set(digest, bytes);
      return bytes;
    } catch (err) {
      if (isStoreError(err, 'NOT_FOUND')) throw new AppError(OciErrors.MANIFEST_UNKNOWN, { detail: { digest }, cause: err });
      throw err;
    }
  }

  /** Stores a manifest under a tag or its digest, after checking everything it references is here. */
  put(ctx: OpContext, repo: RepoName, ref: TagOrDigest, upload: ManifestUpload): Promise<PutResult> {
    return this.write(ctx, { repo, ref, upload, isCache: false });
  }

  /**
   * Stores a manifest a pull-through cache fetched (its digest checked against the upstream's):
   * like a push, except that its blobs and child manifests need not be here yet, since they are
   * fetched on their first pull.
   */
  putFromUpstream(ctx: OpContext, repo: RepoName, ref: TagOrDigest, upload: ManifestUpload): Promise<PutResult> {
    return this.write(ctx, { repo, ref, upload, isCache: true });
  }

  private async write(ctx: OpContext, { repo, ref, upload, isCache }: ManifestWrite): Promise<PutResult> {
    const { bytes, contentType } = upload;
    const digest = digestOf(bytes, ref.kind === 'digest' ? digestAlgorithm(ref.digest) : 'sha256');
    if (ref.kind === 'digest' && ref.digest !== digest) throw new AppError(OciErrors.DIGEST_INVALID, { detail: { digest: ref.digest, actual: digest } });
    const parsed = parseManifest(bytes, contentType);
    if (!parsed.ok) throw new AppError(OciErrors[parsed.code], { message: parsed.reason });
    const manifest = parsed.manifest;
    const needed = requiredDigests(manifest);
    const tag = ref.kind === 'tag' ? ref.tag : undefined;
    await this.meta.withTransaction(async (tx) => {
      const present = await tx.blobs.linkedAmong(repo, needed.map((d) => d.digest));
      const missing = needed.filter((d) => !present.has(d.digest));
      if (missing.length > 0 && !isCache) {
        throw new AppError(OciErrors.MANIFEST_BLOB_UNKNOWN, { detail: { digests: missing.map((d) => d.digest) } });
      }
      await this.blobs.publishBytes(tx, repo, digest, bytes);
      const now = new Date().toISOString();
      await tx.manifests.put(
        {
          repository: repo,
          digest,
          mediaType: manifest.mediaType,
          sizeBytes: bytes.length,
          artifactType: manifest.artifactType ?? null,
          subjectDigest: manifest.subject?.digest ?? null,
          annotations: manifest.annotations ? JSON.stringify(manifest.annotations) : null,
          references: needed.map((d) => d.digest),
        },
        now,
      );
      if (tag !== undefined) await tx.tags.set(repo, tag, digest, now);
      await recordEvent(tx, ctx, RegistryAction.push, {
        repository: repo,
        digest,
        mediaType: manifest.mediaType,
        size: bytes.length,
        ...(tag === undefined ? {} : { tag }),
      });
    });
    this.cache.set(digest, bytes);
    return { digest, ...(manifest.subject ? { subject: manifest.subject.digest } : {}) };
  }

  /** By digest: the manifest and all its tags go. By tag: only the tag goes (spec v1.1 tag deletion). */
  async delete(ctx: OpContext, repo: RepoName, ref: TagOrDigest): Promise<void> {
    await this.meta.withTransaction(async (tx) => {
      if (ref.kind === 'tag') {
        const tag = await tx.tags.resolve(repo, ref.tag);
        if (!tag || !(await tx.tags.delete(repo, ref.tag))) throw new AppError(OciErrors.MANIFEST_UNKNOWN, { detail: { tag: ref.tag } });
        const record = await tx.manifests.get(repo, tag.digest);
        await recordEvent(tx, ctx, RegistryAction.untag, {
          repository: repo,
          digest: tag.digest,
          mediaType: record?.mediaType ?? MediaType.ociManifest,
          tag: ref.tag,
        });
        return;
      }
      const record = await tx.manifests.get(repo, ref.digest);
      if (!record || (await tx.manifests.delete(repo, ref.digest)) === undefined) {
        throw new AppError(OciErrors.MANIFEST_UNKNOWN, { detail: { digest: ref.digest } });
      }
      await recordEvent(tx, ctx, RegistryAction.delete, { repository: repo, digest: ref.digest, mediaType: record.mediaType });
    });
  }

  /** The referrers index (spec v1.1 "Listing Referrers"); an unknown subject has none. */
  async referrers(_ctx: OpContext, repo: RepoName, subject: Digest, artifactType?: string): Promise<Buffer> {
    const rows = await this.meta.manifests.referrers(repo, subject, artifactType);
    const index = {
      schemaVersion: 2,
      mediaType: MediaType.ociIndex,
      manifests: rows.map((row) => ({
        mediaType: row.mediaType,
        digest: row.digest,
        size: row.sizeBytes,
        ...(row.artifactType ? { artifactType: row.artifactType } : {}),
        ...(row.annotations ? { annotations: JSON.parse(row.annotations) as Record<string, string> } : {}),
      })),
    };
    return Buffer.from(JSON.stringify(index));
  }
}
