/** What one POST to a receiver came back with. */
export interface SendResult {
  /** Null when no response came (refused, reset, timed out). */
  readonly statusCode: number | null;
  /** The first 1 KiB of the response body (UTF-8, lossy). */
  readonly response: string;
  readonly error: string | null;
  readonly durationMs: number;
}

export interface SendRequest {
  readonly url: string;
  readonly body: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly timeoutMs: number;
  readonly signal?: AbortSignal;
}

/** Posts one delivery; injected into the dispatcher so tests can count or fail calls. */
export type WebhookSender = (request: SendRequest) => Promise<SendResult>;

export const RESPONSE_EXCERPT_BYTES = 1024;

/** Reads at most `limit` bytes of the body, then lets the rest go. */
async function excerpt(response: Response, limit: number): Promise<string> {
  if (response.body === null) return '';
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    while (size < limit) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
      size += value.length;
    }
  } finally {
    await reader.cancel().catch(() => undefined);
  }
  return Buffer.concat(chunks).subarray(0, limit).toString('utf8');
}

function describe(err: unknown): string {
  const e = err as { name?: string; message?: string; cause?: { code?: string; message?: string } };
  if (e.name === 'TimeoutError') return 'timed out';
  return (e.cause?.code ?? e.cause?.message ?? e.message ?? String(err)).slice(0, 300);
}

/**
 * The real sender: fetch, no redirects followed (a 3xx counts as a failure, so a receiver
 * cannot bounce the signed payload elsewhere), a deadline per attempt.
 */
export const fetchSender: WebhookSender = async (request) => {
  const started = performance.now();
  const timeout = AbortSignal.timeout(request.timeoutMs);
  const signal = request.signal === undefined ? timeout : AbortSignal.any([request.signal, timeout]);
  const elapsed = (): number => Math.round(performance.now() - started);
  try {
    const response = await fetch(request.url, { method: 'POST', body: request.body, headers: request.headers, redirect: 'manual', signal });
    const text = await excerpt(response, RESPONSE_EXCERPT_BYTES).catch(() => '');
    return { statusCode: response.status, response: text, error: null, durationMs: elapsed() };
  } catch (err) {
    return { statusCode: null, response: '', error: describe(err), durationMs: elapsed() };
  }
};
