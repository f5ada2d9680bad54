import type { Readable } from 'node:stream';
import { AppError, Errors } from '../core/errors/index.js';
import type { ObjectStore } from '../registry/storage/object-store.js';
import {
  checkRemoteSource,
  fetchGitContext,
  fetchRemoteTarball,
  parseContextSpec,
  redactUrl,
  storeContextTar,
  validateContextTar,
  type RemoteContextSpec,
  type SourcePolicy,
} from '../sources/index.js';

export interface RemoteContextOptions {
  readonly objects: ObjectStore;
  readonly policy: SourcePolicy;
  /** The Dockerfile, relative to the context root: a git context without it fails before packing; null for a task's context. */
  readonly dockerfile: string | null;
  readonly signal: AbortSignal;
  /** A line for the run's log (the caller redacts). */
  readonly log: (line: string) => void;
}

function describe(spec: RemoteContextSpec): string {
  if (spec.kind === 'tarball') return `the tarball ${redactUrl(spec.url)}`;
  const ref = spec.ref ?? 'the default branch';
  return `${redactUrl(spec.url)} at ${ref}${spec.subfolder === null ? '' : `, folder ${spec.subfolder}`}`;
}

/**
 * Fetches a run's git or tarball context (its `sourceLocation`, credentials included) into the
 * object store as an uploaded context would be, and returns that context id. The policy is
 * checked again here (an address may resolve differently than when the run was created), and for
 * a tarball on every redirect. Failures are SOURCE_* errors that end the run Failed.
 */
export async function fetchRemoteContext(location: string, options: RemoteContextOptions): Promise<{ contextId: string; sizeBytes: number }> {
  const spec = parseContextSpec(location);
  if (spec.kind !== 'git' && spec.kind !== 'tarball') throw new AppError(Errors.SOURCE_INVALID, { message: 'the run has no git or tarball URL to fetch' });
  const { policy, signal } = options;
  await checkRemoteSource(spec, policy);
  options.log(`Fetching the context from ${describe(spec)}`);
  let tar: Readable;
  if (spec.kind === 'git') {
    const packed = await fetchGitContext(spec.url, spec.ref, spec.subfolder, {
      signal,
      dockerfile: options.dockerfile,
      followRedirects: policy.allowPrivateNetworks,
      onCommit: (commit) => options.log(`Checked out commit ${commit}`),
    });
    // Packed here from a checkout: vetted again only for the size limit and as defence in depth.
    tar = validateContextTar(packed, { signal, maxBytes: policy.maxContextBytes });
  } else {
    const checkUrl = (url: string): Promise<void> => checkRemoteSource({ kind: 'tarball', url }, policy);
    tar = await fetchRemoteTarball(spec.url, { signal, maxBytes: policy.maxContextBytes, checkUrl });
  }
  const stored = await storeContextTar(options.objects, tar, signal);
  options.log(`Fetched the context: ${formatBytes(stored.sizeBytes)}`);
  return stored;
}

function formatBytes(bytes: number): string {
  return bytes < 1024 * 1024 ? `${(bytes / 1024).toFixed(1)} KiB` : `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}
