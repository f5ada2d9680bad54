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
  /** Called with the URL and every redirect target before it is fetched; throws to refuse it. */
  readonly checkUrl?: (url: string) => Promise<void>;
}

const MAX_REDIRECTS = 5;

/**
 * Downloads a context tarball (a tar, or gzip of one) and returns its uncompressed tar bytes,
 * vetted by validateContextTar as they flow. A non-2xx answer or an unreachable host is
 * SOURCE_NOT_FOUND (with the status); a body, declared or actual, over `maxBytes` is
 * SOURCE_INVALID. Credentials in the URL never appear in messages.
 */
export async function fetchRemoteTarball(url: string, options: RemoteTarballOptions = {}): Promise<Readable> {
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_CONTEXT_BYTES;
  const shown = redactUrl(url);
  const response = await get(url, shown, options);
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

/** GETs `url`, following up to MAX_REDIRECTS redirects by hand so each hop is checked. */
async function get(url: string, shown: string, options: RemoteTarballOptions): Promise<Response> {
  let current = url;
  for (let hop = 0; hop <= MAX_REDIRECTS; hop += 1) {
    await options.checkUrl?.(current);
    let response: Response;
    try {
      response = await fetch(withoutCredentials(current), { redirect: 'manual', headers: basicAuth(current), ...(options.signal ? { signal: options.signal } : {}) });
    } catch (err) {
      if (options.signal?.aborted) throw err;
      throw new AppError(Errors.SOURCE_NOT_FOUND, { message: `context tarball ${shown} could not be fetched: ${redactUrl(networkReason(err))}`, detail: { url: shown }, cause: err });
    }
    const location = response.headers.get('location');
    if (response.status < 300 || response.status > 399 || location === null) return response;
    await response.body?.cancel().catch(() => undefined);
    current = new URL(location, current).toString();
  }
  throw new AppError(Errors.SOURCE_NOT_FOUND, { message: `context tarball ${shown} redirected more than ${MAX_REDIRECTS} times`, detail: { url: shown } });
}

/** fetch() refuses URLs with credentials: they go in an Authorization header instead. */
function withoutCredentials(url: string): string {
  const parsed = new URL(url);
  parsed.username = '';
  parsed.password = '';
  return parsed.toString();
}

function basicAuth(url: string): Record<string, string> {
  const parsed = new URL(url);
  if (parsed.username === '' && parsed.password === '') return {};
  const pair = `${decodeURIComponent(parsed.username)}:${decodeURIComponent(parsed.password)}`;
  return { authorization: `Basic ${Buffer.from(pair).toString('base64')}` };
}

/** fetch() says "fetch failed"; the socket error it wraps says why (`connect ECONNREFUSED …`). */
function networkReason(err: unknown): string {
  const cause = (err as { cause?: { message?: string; code?: string } }).cause;
  return cause?.message ?? cause?.code ?? (err as Error).message;
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
