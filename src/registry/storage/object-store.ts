import type { Readable } from 'node:stream';

/** Optional features an object store may offer; callers check these, never `instanceof`. */
export interface ObjectStoreCapabilities {
  /** Can hand out a URL the client fetches directly (S3 presigned); the filesystem cannot. */
  readonly redirect: boolean;
}

export interface CallOptions {
  readonly signal?: AbortSignal;
}

export interface ObjectInfo {
  readonly key: string;
  readonly sizeBytes: number;
  readonly modifiedAt: Date;
}

export interface ReadOptions extends CallOptions {
  /** First byte to read. @defaultValue 0 */
  readonly offset?: number;
  /** Bytes to read from `offset`; to the end when absent. */
  readonly length?: number;
}

/**
 * An object being written in pieces that survive restarts (an upload session's data).
 * Not safe for concurrent appends: the upload service serialises them per session.
 */
export interface ObjectWriter {
  /** Bytes in the object so far, including pieces from earlier writers. */
  readonly sizeBytes: number;
  /** Appends everything `source` yields; resolves with the bytes appended by this call. */
  append(source: Readable, options?: CallOptions): Promise<number>;
  /** Makes every appended byte durable (fsync); the object stays where it is. */
  commit(options?: CallOptions): Promise<void>;
  /** Releases the writer without deleting what was written. Idempotent. */
  close(): Promise<void>;
}

/**
 * The storage primitive under the registry: keys are `/`-separated relative paths
 * (see layout.ts). Content addressing, links and digests live above it, in the registry.
 * Every method throws only `StoreError` (NOT_FOUND, INVALID_ARGUMENT, UNAVAILABLE...).
 */
export interface ObjectStore {
  readonly name: string;
  readonly capabilities: ObjectStoreCapabilities;
  /** Prepares the backend (creates the root); idempotent. */
  init(): Promise<void>;
  close(): Promise<void>;
  /** Size and time of an object; NOT_FOUND when absent. */
  stat(key: string, options?: CallOptions): Promise<ObjectInfo>;
  /** A whole small object; NOT_FOUND when absent. */
  get(key: string, options?: CallOptions): Promise<Buffer>;
  /** Writes a whole object atomically and durably, replacing any previous one. */
  put(key: string, data: Buffer, options?: CallOptions): Promise<void>;
  /** Streams an object (or a range of it); NOT_FOUND when absent. */
  read(key: string, options?: ReadOptions): Promise<Readable>;
  /** Opens an object for appending, creating it empty when absent. */
  openWriter(key: string, options?: CallOptions): Promise<ObjectWriter>;
  /** Keys under `prefix`, in no particular order. */
  list(prefix: string, options?: CallOptions): AsyncIterable<string>;
  /** Deletes an object, or everything under a `prefix/`; absent objects are not an error. */
  delete(key: string, options?: CallOptions): Promise<void>;
  /** Moves an object atomically and durably, replacing the target; NOT_FOUND when `from` is absent. */
  move(from: string, to: string, options?: CallOptions): Promise<void>;
}
