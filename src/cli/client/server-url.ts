import { AppError, Errors } from '../../core/errors/index.js';

/** Where the CLI talks to when nothing else says (matches `slipway serve`'s default listen). */
export const DEFAULT_SERVER = 'http://127.0.0.1:5000';

const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]']);

/**
 * Normalises what users type as a server: a full `http(s)://` URL, or `host[:port]` which
 * means http for loopback hosts and https otherwise. Keeps a path prefix, drops a trailing slash, query and fragment.
 */
export function normaliseServerUrl(text: string): string {
  const trimmed = text.trim();
  const hasScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(trimmed);
  let url = parseUrl(hasScheme ? trimmed : `http://${trimmed}`, text);
  // Reparse with the scheme we chose, so a port that is the default of one scheme survives.
  if (!hasScheme && !LOOPBACK_HOSTS.has(url.hostname)) url = parseUrl(`https://${trimmed}`, text);
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new AppError(Errors.USAGE_INVALID, { message: `server URL must use http or https, not ${url.protocol.replace(':', '')}` });
  }
  if (url.username || url.password) throw new AppError(Errors.USAGE_INVALID, { message: 'put credentials in -u/-p, not in the server URL' });
  return `${url.protocol}//${url.host}${url.pathname.replace(/\/+$/, '')}`;
}

function parseUrl(candidate: string, original: string): URL {
  try {
    return new URL(candidate);
  } catch {
    throw new AppError(Errors.USAGE_INVALID, { message: `"${original}" is not a server URL or host:port` });
  }
}
