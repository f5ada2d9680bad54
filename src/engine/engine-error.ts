/** What went wrong in an engine call, independent of the engine's prose. */
export const EngineErrorKind = {
  NOT_FOUND: 'NOT_FOUND',
  CONFLICT: 'CONFLICT',
  INVALID_ARGUMENT: 'INVALID_ARGUMENT',
  BUILD_FAILED: 'BUILD_FAILED',
  PULL_FAILED: 'PULL_FAILED',
  PUSH_FAILED: 'PUSH_FAILED',
  UNAVAILABLE: 'UNAVAILABLE',
  FAILED: 'FAILED',
} as const;
export type EngineErrorKind = (typeof EngineErrorKind)[keyof typeof EngineErrorKind];

/** An adapter's classified error; the instrumented wrapper maps it to an `ENGINE_*` AppError. */
export class EngineError extends Error {
  readonly kind: EngineErrorKind;
  /** JSON-safe facts for the caller (the build's error text and last log lines). */
  readonly detail: unknown;

  constructor(kind: EngineErrorKind, message: string, options: { cause?: unknown; detail?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'EngineError';
    this.kind = kind;
    this.detail = options.detail;
  }
}

export function isEngineError(err: unknown): err is EngineError {
  return err instanceof EngineError;
}
