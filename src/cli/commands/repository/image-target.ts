import { usageError } from '../../run-cli.js';
import { parseImageRef, type ImageRef } from '../../../oci/index.js';

/** Parses `--image name[:tag]|name@digest`; a bare name means `:latest`. */
export function parseImage(text: string): ImageRef {
  const ref = parseImageRef(text);
  if (!ref) throw usageError(`"${text}" is not an image reference: use name:tag or name@sha256:<hex>`);
  return ref;
}

export function formatImage(ref: ImageRef): string {
  return ref.digest !== undefined ? `${ref.repo}@${ref.digest}` : `${ref.repo}:${ref.tag ?? 'latest'}`;
}
