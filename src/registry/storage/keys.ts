import { StoreError, StoreErrorKind } from '../../core/errors/index.js';

/**
 * Splits a key into its segments, refusing anything that could name a place outside the
 * store (`..`, `.`, absolute, backslashes, NUL). Every adapter calls it, so they agree.
 * A trailing `/` (a prefix) is allowed.
 */
export function keySegments(key: string, backend: string): string[] {
  const parts = key.replace(/\/$/, '').split('/');
  if (key === '' || key.startsWith('/') || parts.some((p) => p === '' || p === '..' || p === '.' || p.includes('\\') || p.includes('\0'))) {
    throw new StoreError(StoreErrorKind.INVALID_ARGUMENT, backend, `invalid key ${JSON.stringify(key)}`);
  }
  return parts;
}
