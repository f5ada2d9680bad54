import { describe, expect, it } from 'vitest';
import { ApiClient } from './api-client.js';
import { followLogs } from './log-follower.js';
import { streamedText, stubFetch } from './stub-fetch.js';

const BASE = 'http://127.0.0.1:5999';
const LOG = 'Step 1/2 : FROM busybox\nStep 2/2 : RUN echo hi\nhi\nRun ID: ca1 was successful after 2s\n';
const logsPath = (offset: number): string => `/api/v1/runs/ca1/logs?offset=${offset}&follow=true`;

function collector(): { output: (chunk: Uint8Array) => void; text: () => string } {
  const chunks: Buffer[] = [];
  return { output: (chunk) => void chunks.push(Buffer.from(chunk)), text: () => Buffer.concat(chunks).toString('utf8') };
}

describe('followLogs', () => {
  it('writes the whole log once and stops when the stream ends normally', async () => {
    const stub = stubFetch(BASE, [{ method: 'GET', path: logsPath(0), respond: () => streamedText(LOG) }]);
    const out = collector();
    const result = await followLogs(new ApiClient({ baseUrl: BASE, fetch: stub.fetch }), { runId: 'ca1', output: out.output, signal: new AbortController().signal });
    expect(out.text()).toBe(LOG);
    expect(result.offset).toBe(Buffer.byteLength(LOG));
    stub.verify();
  });

  it('reconnects from the offset it reached after the connection drops, writing each byte once', async () => {
    const n = 30;
    const reconnects: Array<[number, number]> = [];
    const stub = stubFetch(BASE, [
      { method: 'GET', path: logsPath(0), respond: () => streamedText(LOG, { breakAfter: n, offsetHeader: 0 }) },
      { method: 'GET', path: logsPath(n), respond: () => streamedText(LOG.slice(n), { offsetHeader: n }) },
    ]);
    const out = collector();
    const result = await followLogs(new ApiClient({ baseUrl: BASE, fetch: stub.fetch }), {
      runId: 'ca1',
      output: out.output,
      signal: new AbortController().signal,
      backoffMs: () => 0,
      onReconnect: (attempt, offset) => void reconnects.push([attempt, offset]),
    });
    expect(out.text()).toBe(LOG);
    expect(result.offset).toBe(LOG.length);
    expect(reconnects).toEqual([[1, n]]);
    stub.verify();
  });

  it('skips bytes it already wrote when the server answers from an earlier offset', async () => {
    const stub = stubFetch(BASE, [
      { method: 'GET', path: logsPath(0), respond: () => streamedText(LOG, { breakAfter: 20 }) },
      { method: 'GET', path: logsPath(20), respond: () => streamedText(LOG.slice(10), { offsetHeader: 10 }) },
    ]);
    const out = collector();
    await followLogs(new ApiClient({ baseUrl: BASE, fetch: stub.fetch }), { runId: 'ca1', output: out.output, signal: new AbortController().signal, backoffMs: () => 0 });
    expect(out.text()).toBe(LOG);
    stub.verify();
  });

  it('retries a refused connection and gives up after maxRetries reconnects without progress', async () => {
    let attempts = 0;
    const refuse = async (): Promise<Response> => {
      attempts++;
      throw Object.assign(new TypeError('fetch failed'), { cause: { code: 'ECONNREFUSED' } });
    };
    const client = new ApiClient({ baseUrl: BASE, fetch: refuse });
    const follow = followLogs(client, { runId: 'ca1', output: () => undefined, signal: new AbortController().signal, backoffMs: () => 0, maxRetries: 2 });
    await expect(follow).rejects.toMatchObject({ code: 'SERVER_UNREACHABLE', message: expect.stringMatching(/lost the log stream of run ca1 at byte 0/) });
    expect(attempts).toBe(3);
  });

  it('does not retry an unknown run', async () => {
    const body = { error: { code: 'RUN_NOT_FOUND', message: 'run not found', detail: null, requestId: 'r' } };
    const stub = stubFetch(BASE, [{ method: 'GET', path: logsPath(0), status: 404, body }]);
    const follow = followLogs(new ApiClient({ baseUrl: BASE, fetch: stub.fetch }), { runId: 'ca1', output: () => undefined, signal: new AbortController().signal, backoffMs: () => 0 });
    await expect(follow).rejects.toMatchObject({ code: 'RUN_NOT_FOUND', httpStatus: 404 });
    stub.verify();
  });

  it('rejects with an AbortError when cancelled while waiting to reconnect', async () => {
    const controller = new AbortController();
    const stub = stubFetch(BASE, [{ method: 'GET', path: logsPath(0), respond: () => streamedText(LOG, { breakAfter: 5 }) }]);
    const follow = followLogs(new ApiClient({ baseUrl: BASE, fetch: stub.fetch }), {
      runId: 'ca1',
      output: () => undefined,
      signal: controller.signal,
      backoffMs: () => 60_000,
      onReconnect: () => controller.abort(),
    });
    await expect(follow).rejects.toMatchObject({ name: 'AbortError' });
  });
});
