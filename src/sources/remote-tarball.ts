import type { Readable } from 'node:stream';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import { AppError, Errors } from '../core/errors/index.js';
import { redactUrl } from './context-spec.js';
import { DEFAULT_MAX_CONTEXT_BYTES, validateContextTar } from './context-validation.js';

export interface RemoteTarballOptions {
  readonly signal?: AbortSignal;
  /**
   * Largest download, and largest uncompressed tar, accepted, in bytes.
   * @defaultValue 1 GiB
   */
  readonly maxBytes?: number;
}

/**
 * Downloads a context tarball (a tar, or gzip of one) and returns its uncompressed tar bytes,
 * vetted by validateContextTar as they flow. A non-2xx answer or an unreachable host is
 * SOURCE_NOT_FOUND (with the status); a body, declared or actual, over `maxBytes` is
 * SOURCE_INVALID. Credentials in the URL never appear in messages.
 */
export async function fetchRemoteTarball(url: string, options: RemoteTarballOptions = {}): Promise<Readable> {
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_CONTEXT_BYTES;
  const shown = redactUrl(url);
  let response: Response;
  try {
    response = await fetch(url, { redirect: 'follow', ...(options.signal ? { signal: options.signal } : {}) });
  } catch (err) {
    if (options.signal?.aborted) throw err;
    throw new AppError(Errors.SOURCE_NOT_FOUND, { message: `context tarball ${shown} could not be fetched`, detail: { url: shown }, cause: err });
  }
  if (!response.ok || response.body === null) {
    await response.body?.cancel().catch(() => undefined);
    throw new AppError(Errors.SOURCE_NOT_FOUND, {
      message: `context tarball ${shown} answered ${response.status}`,
      detail: { url: shown, status: response.status },
    });
  }
  const declared = Number(response.headers.get('content-length') ?? NaN);
  if (declared > maxBytes) {
    await response.body.cancel().catch(() => undefined);
    throw tooLarge(shown, maxBytes);
  }
  // Iterated as a web stream: a Readable.fromWeb wrapper would emit an unhandled 'error' when
  // the signal aborts before anyone reads.
  const body = response.body as WebReadableStream<Uint8Array>;
  return validateContextTar(limited(body, shown, maxBytes), { maxBytes, ...(options.signal ? { signal: options.signal } : {}) });
}

async function* limited(body: WebReadableStream<Uint8Array>, shown: string, maxBytes: number): AsyncGenerator<Buffer> {
  let total = 0;
  // Leaving the loop early (an error, a consumer that stops) cancels the web stream.
  for await (const chunk of body) {
    total += chunk.length;
    if (total > maxBytes) throw tooLarge(shown, maxBytes);
    yield Buffer.from(chunk.buffer, chunk.byteOffset, chunk.length);
  }
}

function tooLarge(shown: string, maxBytes: number): AppError {
  return new AppError(Errors.SOURCE_INVALID, {
    message: `context tarball ${shown} is larger than ${maxBytes} bytes`,
    detail: { url: shown, maxBytes },
  });
}
