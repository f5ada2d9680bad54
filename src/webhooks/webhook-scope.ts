/**
 * ACR webhook scopes: `repo:tag` names one tag, `repo:*` every tag of a repository, a bare
 * `repo` means `repo:latest`, and '' or `*` everything. Slipway lets `*` stand for any run of
 * characters on either side (`team/*:v*`); on the repository side it also crosses `/`.
 */

export interface ScopedImage {
  readonly repository: string;
  /** Absent for events without a tag (a delete, a push by digest). */
  readonly tag?: string;
}

const SCOPE_TEXT = /^[a-z0-9._\-/*]+(:[A-Za-z0-9._\-*]+)?$/;

/** Whether `scope` is well formed ('' counts); the API refuses others with WEBHOOK_INVALID. */
export function isValidScope(scope: string): boolean {
  return scope === '' || (scope.length <= 256 && SCOPE_TEXT.test(scope));
}

function glob(pattern: string): RegExp {
  const body = pattern.split('*').map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*');
  return new RegExp(`^${body}$`);
}

/**
 * Whether an event for `image` is in `scope`. An event without a tag (delete, digest push)
 * matches only a scope whose tag part is `*`, since no tag can be compared.
 */
export function scopeMatches(scope: string, image: ScopedImage): boolean {
  if (scope === '' || scope === '*') return true;
  const colon = scope.indexOf(':');
  const repoPattern = colon < 0 ? scope : scope.slice(0, colon);
  const tagPattern = colon < 0 ? 'latest' : scope.slice(colon + 1);
  if (!glob(repoPattern).test(image.repository)) return false;
  if (image.tag === undefined) return tagPattern === '*';
  return glob(tagPattern).test(image.tag);
}
