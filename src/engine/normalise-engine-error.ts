import { AppError, Errors, isAppError, type ErrorDescriptor } from '../core/errors/index.js';
import { isEngineError, type EngineErrorKind } from './engine-error.js';

const BY_KIND: Readonly<Record<EngineErrorKind, ErrorDescriptor>> = {
  NOT_FOUND: Errors.ENGINE_NOT_FOUND,
  CONFLICT: Errors.ENGINE_CONFLICT,
  INVALID_ARGUMENT: Errors.ENGINE_INVALID_ARGUMENT,
  BUILD_FAILED: Errors.ENGINE_BUILD_FAILED,
  PULL_FAILED: Errors.ENGINE_PULL_FAILED,
  PUSH_FAILED: Errors.ENGINE_PUSH_FAILED,
  UNAVAILABLE: Errors.ENGINE_UNAVAILABLE,
  FAILED: Errors.ENGINE_FAILED,
};

/** Socket-level failures: nothing listens, the path is missing, or the engine hung up. */
const UNAVAILABLE_CODES = new Set(['ENOENT', 'ECONNREFUSED', 'EACCES', 'ECONNRESET', 'EPIPE', 'ENOTSOCK', 'ETIMEDOUT']);

export interface NormaliseContext {
  /** Adapter name, e.g. `docker`. */
  readonly backend: string;
  /** Port operation, e.g. `images.build`. */
  readonly operation: string;
  readonly signal?: AbortSignal | undefined;
}

function abortError(signal: AbortSignal, ctx: NormaliseContext, cause: unknown): AppError {
  const reason: unknown = signal.reason;
  const isTimeout = reason instanceof Error && reason.name === 'TimeoutError';
  return new AppError(isTimeout ? Errors.ENGINE_TIMEOUT : Errors.ENGINE_CANCELLED, {
    detail: { backend: ctx.backend, operation: ctx.operation },
    cause,
  });
}

/**
 * Maps anything an engine adapter threw to an `ENGINE_*` AppError (STYLE.md section 5):
 * an aborted signal wins (CANCELLED, or TIMEOUT for `AbortSignal.timeout`), then the
 * adapter's `EngineError` kind, then socket errors (UNAVAILABLE), else ENGINE_FAILED.
 */
export function normaliseEngineError(err: unknown, ctx: NormaliseContext): AppError {
  if (isAppError(err)) return err;
  if (ctx.signal?.aborted) return abortError(ctx.signal, ctx, err);
  const base = { backend: ctx.backend, operation: ctx.operation };
  if (isEngineError(err)) {
    const detail = typeof err.detail === 'object' && err.detail !== null ? { ...base, ...err.detail } : base;
    return new AppError(BY_KIND[err.kind], { message: err.message, detail, cause: err });
  }
  const code = (err as { code?: unknown } | null)?.code;
  if (typeof code === 'string' && UNAVAILABLE_CODES.has(code)) {
    return new AppError(Errors.ENGINE_UNAVAILABLE, { detail: { ...base, errno: code }, cause: err });
  }
  return new AppError(Errors.ENGINE_FAILED, { detail: base, cause: err });
}
