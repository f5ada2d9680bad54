import { Readable } from 'node:stream';
import { AppError } from '../../core/errors/index.js';
import type { OpContext } from '../../core/context.js';
import { isRepoName, parseManifestRef, type Digest, type RepoName } from '../../oci/index.js';
import type { Registry } from '../registry.js';
import { OciErrors } from '../http/oci-errors.js';
import type { BuiltImage } from './image-builder.js';

/** What seeding did: pushed the image, found it already there, or moved the tag to a new build. */
export const SeedOutcome = { pushed: 'pushed', alreadyPresent: 'already present', updated: 'updated' } as const;
export type SeedOutcome = (typeof SeedOutcome)[keyof typeof SeedOutcome];

export interface SeedResult {
  readonly repository: string;
  readonly tag: string;
  readonly digest: Digest;
  readonly outcome: SeedOutcome;
  /** The digest the tag pointed at before, when it moved. */
  readonly previousDigest?: Digest;
}

export interface SeedTarget {
  readonly repository: string;
  readonly tag: string;
}

function manifestRef(tag: string): Extract<ReturnType<typeof parseManifestRef>, { kind: 'tag' }> {
  const ref = parseManifestRef(tag);
  if (ref.kind !== 'tag') throw new AppError(OciErrors.TAG_INVALID, { detail: { tag } });
  return ref;
}

async function currentDigest(ctx: OpContext, registry: Registry, repo: RepoName, tag: string): Promise<Digest | undefined> {
  try {
    return (await registry.manifests.resolve(ctx, repo, manifestRef(tag))).digest as Digest;
  } catch (err) {
    if (err instanceof AppError && err.code === OciErrors.MANIFEST_UNKNOWN.code) return undefined;
    throw err;
  }
}

/**
 * Pushes a built image into the registry through its services (no HTTP, no engine), under
 * `repository:tag`. Idempotent: when the tag already names this exact manifest, nothing is
 * written. Safe while a server runs on the same data dir (same services, same stores).
 */
export async function seedImage(ctx: OpContext, registry: Registry, target: SeedTarget, image: BuiltImage): Promise<SeedResult> {
  if (!isRepoName(target.repository)) throw new AppError(OciErrors.NAME_INVALID, { detail: { repository: target.repository } });
  const repo = target.repository;
  const ref = manifestRef(target.tag);
  const before = await currentDigest(ctx, registry, repo, target.tag);
  const base = { repository: repo, tag: target.tag, digest: image.manifest.digest };
  if (before === image.manifest.digest) return { ...base, outcome: SeedOutcome.alreadyPresent };
  for (const blob of [image.layer, image.config]) {
    await registry.uploads.monolithic(ctx, repo, { digest: blob.digest, chunk: { body: Readable.from([blob.bytes]), lengthBytes: blob.bytes.length } });
  }
  await registry.manifests.put(ctx, repo, ref, { bytes: image.manifest.bytes, contentType: image.manifest.mediaType });
  return before === undefined ? { ...base, outcome: SeedOutcome.pushed } : { ...base, outcome: SeedOutcome.updated, previousDigest: before };
}
