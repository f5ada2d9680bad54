/** A catalog entry: the stable identity of an error, apart from its prose. */
export interface ErrorDescriptor {
  readonly code: string;
  readonly httpStatus: number;
  readonly message: string;
  readonly description: string;
}

export interface AppErrorOptions {
  /** JSON-safe detail for the client (never secrets). */
  readonly detail?: unknown;
  /** Overrides the catalog message with a more precise, still safe, one. */
  readonly message?: string;
  /** Overrides the catalog status where the spec asks for another (e.g. 416 for a range). */
  readonly httpStatus?: number;
  readonly cause?: unknown;
}

/** The one error type the app throws on purpose; always made from a catalog descriptor. */
export class AppError extends Error {
  readonly code: string;
  readonly httpStatus: number;
  readonly detail: unknown;

  constructor(descriptor: ErrorDescriptor, options: AppErrorOptions = {}) {
    super(options.message ?? descriptor.message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'AppError';
    this.code = descriptor.code;
    this.httpStatus = options.httpStatus ?? descriptor.httpStatus;
    this.detail = options.detail;
  }
}

export function isAppError(err: unknown): err is AppError {
  return err instanceof AppError;
}

/** Builds a frozen catalog whose keys must equal the codes (checked by a test). */
export function defineCatalog<K extends string>(
  entries: { readonly [P in K]: Omit<ErrorDescriptor, 'code'> },
): { readonly [P in K]: ErrorDescriptor } {
  const out = {} as { [P in K]: ErrorDescriptor };
  for (const key of Object.keys(entries) as K[]) out[key] = Object.freeze({ code: key, ...entries[key] });
  return Object.freeze(out);
}
