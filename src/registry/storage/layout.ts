import { digestAlgorithm, digestHex, type Digest } from '../../oci/index.js';

/**
 * The key tree of the object store (like distribution's paths.go). Only content lives
 * here; which repository may see which blob, tags and manifests live in the metadata store.
 *
 * ```
 * blobs/<algorithm>/<first two hex>/<hex>    verified content, written once, shared by every repository
 * uploads/<upload id>/data                    bytes of an upload session in progress
 * contexts/<uuid>.tar                         an uploaded build context (validated, uncompressed), deleted when its run ends
 * logs/<run id>.log                           a run's log, redacted, appended as the agent reads it
 *
 * A blob is one file in a fan-out directory (no directory per blob), so publishing it is one
 * rename plus one directory fsync.
 * ```
 */
export const StorageLayout = {
  blob(digest: Digest): string {
    const hex = digestHex(digest);
    return `blobs/${digestAlgorithm(digest)}/${hex.slice(0, 2)}/${hex}`;
  },
  blobsPrefix: 'blobs/',
  upload(uploadId: string): string {
    return `uploads/${uploadId}/data`;
  },
  uploadDir(uploadId: string): string {
    return `uploads/${uploadId}/`;
  },
  context(contextId: string): string {
    return `contexts/${contextId}.tar`;
  },
  runLog(runId: string): string {
    return `logs/${runId}.log`;
  },
} as const;

/** Turns a blob key back into its digest, or undefined for keys that are not blob data. */
export function digestFromBlobKey(key: string): Digest | undefined {
  const m = /^blobs\/(sha256|sha512)\/[a-f0-9]{2}\/([a-f0-9]+)$/.exec(key);
  return m ? (`${m[1]}:${m[2]}` as Digest) : undefined;
}
