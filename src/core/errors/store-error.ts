/** The small set of kinds an adapter may throw; the domain gives them meaning. */
export const StoreErrorKind = {
  NOT_FOUND: 'NOT_FOUND',
  ALREADY_EXISTS: 'ALREADY_EXISTS',
  PRECONDITION_FAILED: 'PRECONDITION_FAILED',
  INVALID_ARGUMENT: 'INVALID_ARGUMENT',
  UNAVAILABLE: 'UNAVAILABLE',
  TIMEOUT: 'TIMEOUT',
} as const;
export type StoreErrorKind = (typeof StoreErrorKind)[keyof typeof StoreErrorKind];

/** A normalised backend error: `kind` plus the backend's name, the original in `cause`. */
export class StoreError extends Error {
  constructor(
    readonly kind: StoreErrorKind,
    readonly backend: string,
    message: string,
    cause?: unknown,
  ) {
    super(message, cause === undefined ? undefined : { cause });
    this.name = 'StoreError';
  }
}

export function isStoreError(err: unknown, kind?: StoreErrorKind): err is StoreError {
  return err instanceof StoreError && (kind === undefined || err.kind === kind);
}
