import { AppError, Errors, type ErrorDescriptor } from '../../core/errors/index.js';

/** An upstream failure: the host and a short kind (`ECONNREFUSED`, `timeout`, `HTTP 503`), never credentials. */
export function upstreamError(descriptor: ErrorDescriptor, host: string, reason: string, cause?: unknown): AppError {
  return new AppError(descriptor, {
    message: `${descriptor.message}: ${host} (${reason})`,
    detail: { upstream: host, reason },
    ...(cause === undefined ? {} : { cause }),
  });
}

/** What an upstream status that is neither success, redirect nor challenge means. */
export function statusError(host: string, status: number): AppError {
  if (status === 404) return upstreamError(Errors.UPSTREAM_NOT_FOUND, host, 'HTTP 404');
  if (status === 401 || status === 403) return upstreamError(Errors.UPSTREAM_DENIED, host, `HTTP ${status}`);
  if (status >= 500 || status === 429) return upstreamError(Errors.UPSTREAM_UNAVAILABLE, host, `HTTP ${status}`);
  return upstreamError(Errors.UPSTREAM_INVALID, host, `unexpected HTTP ${status}`);
}

/** Raised by a request whose socket stayed silent for the whole timeout. */
export class UpstreamTimeout extends Error {
  constructor(timeoutMs: number) {
    super(`no answer for ${timeoutMs} ms`);
    this.name = 'UpstreamTimeout';
  }
}

/** A socket or TLS error, a timeout or a cancellation, as UPSTREAM_UNAVAILABLE naming its kind. */
export function networkError(host: string, err: unknown): AppError {
  if (err instanceof AppError) return err;
  const reason = err instanceof UpstreamTimeout ? 'timeout' : ((err as NodeJS.ErrnoException).code ?? (err as Error).name ?? 'network error');
  return upstreamError(Errors.UPSTREAM_UNAVAILABLE, host, reason, err);
}

/** Whether an error is one of the UPSTREAM_* catalog errors. */
export function isUpstreamError(err: unknown): err is AppError {
  return err instanceof AppError && err.code.startsWith('UPSTREAM_');
}
