import { randomUUID } from 'node:crypto';
import type { Readable } from 'node:stream';
import { AppError, Errors, isAppError } from '../core/errors/index.js';
import type { ObjectStore } from '../registry/storage/object-store.js';
import { StorageLayout } from '../registry/storage/layout.js';

/**
 * Writes a context tar (already vetted, or being vetted as it flows) to `contexts/<uuid>.tar`
 * and makes it durable. On any failure the partial object is deleted and the error rethrown
 * (a non-AppError as SOURCE_INVALID). Returns the new context id and its size.
 */
export async function storeContextTar(objects: ObjectStore, tar: Readable, signal?: AbortSignal): Promise<{ contextId: string; sizeBytes: number }> {
  const contextId = randomUUID();
  const key = StorageLayout.context(contextId);
  const options = signal === undefined ? {} : { signal };
  // The store wraps a failing source in its own error; the tar's error says what was wrong.
  let tarError: unknown;
  tar.once('error', (err) => (tarError = err));
  const writer = await objects.openWriter(key, options);
  try {
    const sizeBytes = await writer.append(tar, options);
    await writer.commit(options);
    return { contextId, sizeBytes };
  } catch (err) {
    tar.destroy();
    await objects.delete(key).catch(() => undefined);
    const cause = tarError ?? err;
    if (isAppError(cause) || signal?.aborted) throw cause;
    throw new AppError(Errors.SOURCE_INVALID, { message: (cause as Error).message });
  } finally {
    await writer.close();
  }
}
