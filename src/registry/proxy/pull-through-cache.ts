import { AppError, Errors, isAppError } from '../../core/errors/index.js';
import type { OpContext } from '../../core/context.js';
import type { Digest, ManifestRef, RepoName, Tag } from '../../oci/index.js';
import type { TagRecord } from '../../metadata/metadata-store.js';
import type { Registry } from '../registry.js';
import type { StoredManifest } from '../manifests/manifest-service.js';
import { OciErrors } from '../http/oci-errors.js';
import type { UpstreamClient } from './upstream-client.js';
import { isUpstreamError, upstreamError } from './upstream-errors.js';
import { SingleFlight } from './single-flight.js';

type TagOrDigest = Exclude<ManifestRef, { kind: 'invalid' }>;

export interface PullThroughOptions {
  /** The mirror namespace (`library`): only repositories under `<namespace>/` are proxied. */
  readonly namespace: string;
  /** Upstream path standing for the namespace; undefined keeps names as they are. */
  readonly repositoryPrefix: string | undefined;
  readonly tagTtlMs: number;
  readonly manifestMaxBytes: number;
  readonly now?: () => number;
}

const MAX_CHECKED_TAGS = 10_000;

function label(repo: string, ref: TagOrDigest): string {
  return ref.kind === 'tag' ? `${repo}:${ref.tag}` : `${repo}@${ref.digest}`;
}

function hasCode(err: unknown, code: string): boolean {
  return isAppError(err) && err.code === code;
}

/**
 * The pull-through cache of the mirror namespace: on a local miss the handlers ask it, and it
 * fetches from the upstream, verifies and stores through the registry services (so what it
 * caches is an ordinary, gc-able repository), then serves from the store. Concurrent misses of
 * one manifest or blob share one fetch, which runs on the cache's own signal so a client going
 * away does not break it for the others. A cached tag is trusted for `tagTtlMs` after it was
 * last confirmed, then checked with a HEAD upstream; digests are immutable and never checked.
 */
export class PullThroughCache {
  private readonly blobFlights = new SingleFlight<number>();
  private readonly manifestFlights = new SingleFlight<StoredManifest>();
  /** When each cached tag was last confirmed upstream (or found unconfirmable): `repo:tag` → ms. */
  private readonly checkedAt = new Map<string, number>();
  private readonly lifetime = new AbortController();
  private readonly now: () => number;

  constructor(
    private readonly registry: Registry,
    private readonly upstream: UpstreamClient,
    private readonly options: PullThroughOptions,
  ) {
    this.now = options.now ?? Date.now;
  }

  /** Whether a repository is proxied: it lies under the mirror namespace. */
  covers(repo: string): boolean {
    return this.options.namespace !== '' && repo.startsWith(`${this.options.namespace}/`);
  }

  /** The repository's name upstream (`library/x` → `<prefix>/x`). */
  upstreamName(repo: string): string {
    const { namespace, repositoryPrefix } = this.options;
    if (repositoryPrefix === undefined) return repo;
    const rest = repo.slice(namespace.length + 1);
    return repositoryPrefix === '' ? rest : `${repositoryPrefix}/${rest}`;
  }

  /** A manifest by tag or digest: local when held (and, for a tag, fresh), else from the upstream. */
  async manifest(ctx: OpContext, repo: RepoName, ref: TagOrDigest): Promise<StoredManifest> {
    if (ref.kind === 'digest') {
      try {
        return await this.registry.manifests.get(ctx, repo, ref);
      } catch (err) {
        if (!hasCode(err, OciErrors.MANIFEST_UNKNOWN.code)) throw err;
      }
      return this.fetchOrExplain(ctx, repo, ref);
    }
    const tag = await this.registry.meta.tags.resolve(repo, ref.tag);
    if (tag === undefined) return this.fetchOrExplain(ctx, repo, ref);
    if (this.isFresh(repo, tag)) return this.registry.manifests.get(ctx, repo, ref);
    return this.revalidate(ctx, repo, tag);
  }

  /** The size of a blob linked into the repository, fetched from the upstream first when missing. */
  async blobSize(ctx: OpContext, repo: RepoName, digest: Digest): Promise<number> {
    try {
      return await this.registry.blobs.stat(ctx, repo, digest);
    } catch (err) {
      if (!hasCode(err, OciErrors.BLOB_UNKNOWN.code)) throw err;
    }
    try {
      return await this.blobFlights.run(`${repo}@${digest}`, () => this.logged(ctx, `${repo}@${digest}`, () => this.fetchBlob(ctx, repo, digest)));
    } catch (err) {
      throw this.explain(err, { isBlob: true, repo, ref: { kind: 'digest', digest } });
    }
  }

  /** Cancels fetches in flight and closes upstream connections. */
  close(): void {
    this.lifetime.abort(new Error('server closing'));
    this.upstream.close();
  }

  private async fetchOrExplain(ctx: OpContext, repo: RepoName, ref: TagOrDigest): Promise<StoredManifest> {
    try {
      return await this.fetchManifestOnce(ctx, repo, ref);
    } catch (err) {
      throw this.explain(err, { isBlob: false, repo, ref });
    }
  }

  private fetchManifestOnce(ctx: OpContext, repo: RepoName, ref: TagOrDigest): Promise<StoredManifest> {
    const key = label(repo, ref);
    return this.manifestFlights.run(key, () => this.logged(ctx, key, () => this.fetchManifest(ctx, repo, ref)));
  }

  /** A cached tag past its TTL: confirmed by a HEAD upstream, refetched when it moved, served as is when upstream cannot say. */
  private async revalidate(ctx: OpContext, repo: RepoName, tag: TagRecord): Promise<StoredManifest> {
    const ref: TagOrDigest = { kind: 'tag', tag: tag.name as Tag };
    const key = label(repo, ref);
    try {
      const digest = await this.logged(ctx, key, () => this.upstream.headManifest(this.upstreamName(repo), tag.name, { signal: this.lifetime.signal }));
      if (digest === tag.digest) {
        this.markChecked(repo, tag.name);
        return await this.registry.manifests.get(ctx, repo, ref);
      }
      return await this.fetchManifestOnce(ctx, repo, ref);
    } catch (err) {
      if (!isUpstreamError(err)) throw err;
      // Offline, or the tag is gone upstream (or was only ever pushed here): serve what we hold,
      // and do not ask again until the TTL has passed, so an outage does not slow every pull.
      this.markChecked(repo, tag.name);
      return this.registry.manifests.get(ctx, repo, ref);
    }
  }

  private async fetchManifest(ctx: OpContext, repo: RepoName, ref: TagOrDigest): Promise<StoredManifest> {
    const reference = ref.kind === 'tag' ? ref.tag : ref.digest;
    const fetched = await this.upstream.getManifest(this.upstreamName(repo), reference, { signal: this.lifetime.signal, maxBytes: this.options.manifestMaxBytes });
    const current = ref.kind === 'tag' ? await this.registry.meta.tags.resolve(repo, ref.tag) : undefined;
    if (current?.digest !== fetched.digest) {
      try {
        await this.registry.manifests.putFromUpstream({ ...ctx, signal: this.lifetime.signal }, repo, ref, { bytes: fetched.bytes, contentType: fetched.mediaType });
      } catch (err) {
        if (isAppError(err) && ['MANIFEST_INVALID', 'UNSUPPORTED', 'DIGEST_INVALID'].includes(err.code)) {
          throw upstreamError(Errors.UPSTREAM_INVALID, this.upstream.host, `manifest refused: ${err.message}`, err);
        }
        throw err;
      }
    }
    if (ref.kind === 'tag') this.markChecked(repo, ref.tag);
    return { digest: fetched.digest, mediaType: (await this.registry.manifests.resolve(ctx, repo, { kind: 'digest', digest: fetched.digest })).mediaType, bytes: fetched.bytes };
  }

  /** Stores a blob from the upstream through an upload session: digest and size verified before it is published. */
  private async fetchBlob(ctx: OpContext, repo: RepoName, digest: Digest): Promise<number> {
    const signal = this.lifetime.signal;
    const blob = await this.upstream.openBlob(this.upstreamName(repo), digest, { signal });
    const fetchCtx: OpContext = { log: ctx.log, signal, actor: ctx.actor };
    try {
      const chunk = { body: blob.stream, ...(blob.sizeBytes === undefined ? {} : { lengthBytes: blob.sizeBytes }) };
      return await this.registry.uploads.monolithic(fetchCtx, repo, { digest, chunk });
    } catch (err) {
      blob.stream.destroy();
      throw this.transferFailure(err);
    }
  }

  /** What a failed store of upstream bytes means: the upstream's fault, or (store errors) ours. */
  private transferFailure(err: unknown): unknown {
    if (!isAppError(err)) return err;
    const host = this.upstream.host;
    if (err.code === 'DIGEST_INVALID') return upstreamError(Errors.UPSTREAM_INVALID, host, 'blob content does not match its digest', err);
    if (err.code === 'SIZE_INVALID') return upstreamError(Errors.UPSTREAM_INVALID, host, 'blob length does not match Content-Length', err);
    if (err.code === 'BLOB_UPLOAD_INVALID') return isUpstreamError(err.cause) ? err.cause : upstreamError(Errors.UPSTREAM_UNAVAILABLE, host, 'transfer broken off', err);
    return err;
  }

  /** Logs an upstream failure once, where the fetch runs (not once per waiting request). */
  private async logged<T>(ctx: OpContext, ref: string, work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (err) {
      if (isUpstreamError(err)) {
        const fields = { repo: ref.split(/[:@]/)[0], ref, upstream: this.upstream.host, code: err.code, reason: (err.detail as { reason?: string }).reason };
        if (err.code === Errors.UPSTREAM_NOT_FOUND.code) ctx.log.info(fields, 'not found upstream');
        else ctx.log.warn(fields, 'upstream fetch failed');
      }
      throw err;
    }
  }

  /** A miss the upstream could not fill, as the 404 a client expects, saying why. */
  private explain(err: unknown, what: { isBlob: boolean; repo: string; ref: TagOrDigest }): unknown {
    if (!isUpstreamError(err)) return err;
    const host = this.upstream.host;
    const reason = (err.detail as { reason?: string }).reason ?? 'unknown';
    const subject = what.isBlob ? `blob ${label(what.repo, what.ref)}` : label(what.repo, what.ref);
    const why: Record<string, string> = {
      UPSTREAM_NOT_FOUND: `does not exist upstream (${host}) either`,
      UPSTREAM_UNAVAILABLE: `the upstream registry ${host} could not be reached (${reason})`,
      UPSTREAM_DENIED: `the upstream registry ${host} refused access (${reason}); check registry.upstream.username and password`,
      UPSTREAM_INVALID: `the upstream registry ${host} sent invalid content (${reason})`,
    };
    return new AppError(what.isBlob ? OciErrors.BLOB_UNKNOWN : OciErrors.MANIFEST_UNKNOWN, {
      message: `${subject} is not cached here and ${why[err.code] ?? why.UPSTREAM_UNAVAILABLE}`,
      detail: { ...(what.ref.kind === 'tag' ? { tag: what.ref.tag } : { digest: what.ref.digest }), upstream: host, upstreamError: err.code, reason },
      cause: err,
    });
  }

  private isFresh(repo: string, tag: TagRecord): boolean {
    const at = this.checkedAt.get(`${repo}:${tag.name}`) ?? Date.parse(tag.updatedAt);
    return this.now() - at < this.options.tagTtlMs;
  }

  private markChecked(repo: string, tag: string): void {
    const key = `${repo}:${tag}`;
    this.checkedAt.delete(key);
    if (this.checkedAt.size >= MAX_CHECKED_TAGS) this.checkedAt.delete(this.checkedAt.keys().next().value as string);
    this.checkedAt.set(key, this.now());
  }
}
