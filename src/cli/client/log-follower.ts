import { setTimeout as sleep } from 'node:timers/promises';
import { AppError, isAppError } from '../../core/errors/index.js';
import type { ApiClient } from './api-client.js';
import { ClientErrors } from './client-errors.js';
import type { HttpResponse } from './node-http-fetch.js';

export interface FollowLogsOptions {
  readonly runId: string;
  /** Receives every log byte exactly once, in order, as it arrives. */
  readonly output: (chunk: Uint8Array) => void;
  readonly signal: AbortSignal;
  /** Where to start. @defaultValue 0 */
  readonly offset?: number;
  /** Reconnects in a row without receiving a byte before giving up. @defaultValue 6 */
  readonly maxRetries?: number;
  /** Wait before reconnect number `attempt` (1-based). @defaultValue 250 ms doubling, at most 5 s */
  readonly backoffMs?: (attempt: number) => number;
  /** Told about each reconnect (the build command prints nothing; a debug hook for tests). */
  readonly onReconnect?: (attempt: number, offset: number, err: unknown) => void;
}

export interface FollowResult {
  /** The offset reached: the number of log bytes written. */
  readonly offset: number;
}

const defaultBackoff = (attempt: number): number => Math.min(5000, 250 * 2 ** (attempt - 1));

/** A dropped connection or a gateway hiccup is worth a reconnect; an HTTP 4xx (unknown run, no rights) is not. */
function isRetryable(err: unknown): boolean {
  if (!isAppError(err)) return true;
  return err.code === ClientErrors.SERVER_UNREACHABLE.code || err.code === ClientErrors.SERVER_TIMEOUT.code || err.httpStatus >= 500;
}

/**
 * Follows a run's log (GET /runs/:id/logs?offset=N&follow=true) until the server ends the body,
 * which it does once the run has finished and every byte was sent. When the connection drops
 * mid-stream, reconnects from the offset reached, so each byte is written once; gives up after
 * `maxRetries` reconnects in a row that made no progress. Cancelling the signal rejects with an
 * AbortError and leaves the run alone.
 */
export async function followLogs(client: ApiClient, options: FollowLogsOptions): Promise<FollowResult> {
  const maxRetries = options.maxRetries ?? 6;
  const backoff = options.backoffMs ?? defaultBackoff;
  let offset = options.offset ?? 0;
  let failures = 0;
  for (;;) {
    const before = offset;
    try {
      return { offset: await readOnce(client, options, offset) };
    } catch (err) {
      if (options.signal.aborted) throw abortError();
      const partial = err as PartialRead;
      offset = partial.offset ?? offset;
      const cause = partial.cause ?? err;
      if (!isRetryable(cause)) throw cause;
      failures = offset > before ? 1 : failures + 1;
      if (failures > maxRetries) throw gaveUp(options.runId, offset, cause);
      options.onReconnect?.(failures, offset, cause);
      await pause(backoff(failures), options.signal);
    }
  }
}

async function pause(ms: number, signal: AbortSignal): Promise<void> {
  try {
    await sleep(ms, undefined, { signal });
  } catch {
    throw abortError();
  }
}

/** A read that failed after reaching `offset`. */
interface PartialRead {
  offset?: number;
  cause?: unknown;
}

/** One connection: writes what arrives and returns the offset when the body ends normally. */
async function readOnce(client: ApiClient, options: FollowLogsOptions, from: number): Promise<number> {
  const response = await client.openLogs(options.runId, { offset: from, isFollow: true }, options.signal);
  const start = bodyStart(response, from);
  let skip = Math.max(0, from - start);
  let offset = Math.max(from, start);
  const reader = response.body?.getReader();
  if (!reader) return offset;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return offset;
      let chunk = value;
      if (skip > 0) {
        const dropped = Math.min(skip, chunk.byteLength);
        chunk = chunk.subarray(dropped);
        skip -= dropped;
      }
      if (chunk.byteLength === 0) continue;
      options.output(chunk);
      offset += chunk.byteLength;
    }
  } catch (err) {
    throw Object.assign(new Error('log stream interrupted'), { offset, cause: err } satisfies PartialRead);
  } finally {
    reader.releaseLock();
  }
}

/**
 * The server says where its body starts (`X-Log-Offset`). If it starts before the offset asked
 * for, the overlap was already written and is skipped; a later start (log truncated) is accepted.
 */
function bodyStart(response: HttpResponse, requested: number): number {
  const header = response.headers.get('x-log-offset');
  return header !== null && /^\d+$/.test(header) ? Number(header) : requested;
}

function gaveUp(runId: string, offset: number, cause: unknown): AppError {
  return new AppError(ClientErrors.SERVER_UNREACHABLE, {
    message: `lost the log stream of run ${runId} at byte ${offset} and could not reconnect; the run goes on (follow it with 'slipway task logs --run-id ${runId}')`,
    cause,
  });
}

function abortError(): Error {
  const err = new Error('cancelled');
  err.name = 'AbortError';
  return err;
}
