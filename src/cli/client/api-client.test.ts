import { describe, expect, it } from 'vitest';
import { isAppError } from '../../core/errors/index.js';
import { exitCodeFor } from '../run-cli.js';
import { ApiClient } from './api-client.js';
import { stubFetch } from './stub-fetch.js';

const BASE = 'http://127.0.0.1:5999';
const signal = new AbortController().signal;

async function failure(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (err) {
    return err;
  }
  throw new Error('expected the call to fail');
}

describe('ApiClient', () => {
  it('sends Basic credentials and URL-encodes repository names', async () => {
    const stub = stubFetch(BASE, [{ method: 'GET', path: '/api/v1/repositories/team%2Fapp/tags', body: { repository: 'team/app', tags: [] } }]);
    const client = new ApiClient({ baseUrl: BASE, credentials: { username: 'admin', password: 's3cret' }, fetch: stub.fetch });
    expect(await client.listTags('team/app', signal)).toEqual({ repository: 'team/app', tags: [] });
    expect(stub.calls[0]!.authorization).toBe(`Basic ${Buffer.from('admin:s3cret').toString('base64')}`);
    stub.verify();
  });

  it('sends no Authorization header without credentials', async () => {
    const stub = stubFetch(BASE, [{ method: 'GET', path: '/api/v1/repositories', body: { repositories: ['a'] } }]);
    await new ApiClient({ baseUrl: BASE, fetch: stub.fetch }).listRepositories(signal);
    expect(stub.calls[0]!.authorization).toBeUndefined();
  });

  it('accepts 204 for tag and manifest deletes', async () => {
    const stub = stubFetch(BASE, [
      { method: 'DELETE', path: '/api/v1/repositories/app/tags/v1', status: 204 },
      { method: 'DELETE', path: '/api/v1/repositories/app/manifests/sha256%3Aab', status: 204 },
    ]);
    const client = new ApiClient({ baseUrl: BASE, fetch: stub.fetch });
    await client.deleteTag('app', 'v1', signal);
    await client.deleteManifest('app', 'sha256:ab', signal);
    stub.verify();
  });

  it.each([
    [401, 'AUTH_REQUIRED', 3],
    [403, 'AUTH_DENIED', 3],
    [404, 'NOT_FOUND', 4],
    [400, 'REQUEST_INVALID', 1],
    [500, 'UNKNOWN', 1],
  ])('maps an HTTP %i error envelope to %s with exit code %i', async (status, code, exit) => {
    const body = { error: { code, message: 'from server', detail: { name: 'x' }, requestId: 'req-1' } };
    const stub = stubFetch(BASE, [{ method: 'GET', path: '/api/v1/repositories', status, body }]);
    const err = await failure(new ApiClient({ baseUrl: BASE, fetch: stub.fetch }).listRepositories(signal));
    expect(isAppError(err) && { code: err.code, status: err.httpStatus, detail: err.detail }).toEqual({ code, status, detail: { name: 'x' } });
    expect(exitCodeFor(err)).toBe(exit);
  });

  it('hints at slipway login on 401', async () => {
    const stub = stubFetch(BASE, [{ method: 'GET', path: '/api/v1/repositories', status: 401, body: { error: { code: 'AUTH_REQUIRED', message: 'authentication required', detail: null, requestId: 'r' } } }]);
    const err = await failure(new ApiClient({ baseUrl: BASE, fetch: stub.fetch }).listRepositories(signal));
    expect((err as Error).message).toMatch(/slipway login/);
  });

  it('keeps an unknown server code and its status', async () => {
    const stub = stubFetch(BASE, [{ method: 'GET', path: '/api/v1/repositories', status: 409, body: { error: { code: 'SOMETHING_NEW', message: 'm', detail: null, requestId: 'r' } } }]);
    const err = await failure(new ApiClient({ baseUrl: BASE, fetch: stub.fetch }).listRepositories(signal));
    expect(isAppError(err) && [err.code, err.httpStatus]).toEqual(['SOMETHING_NEW', 409]);
  });

  it('reports a non-Slipway error body as RESPONSE_INVALID with the status', async () => {
    const fetchFn = async (): Promise<Response> => new Response('<html>bad gateway</html>', { status: 502 });
    const err = await failure(new ApiClient({ baseUrl: BASE, fetch: fetchFn }).listRepositories(signal));
    expect(isAppError(err) && [err.code, err.httpStatus]).toEqual(['RESPONSE_INVALID', 502]);
  });

  it('reports connection refused as SERVER_UNREACHABLE naming the URL, exit 1', async () => {
    const fetchFn = async (): Promise<Response> => {
      throw new TypeError('fetch failed', { cause: Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }) });
    };
    const err = await failure(new ApiClient({ baseUrl: BASE, fetch: fetchFn }).listRepositories(signal));
    expect(isAppError(err) && err.code).toBe('SERVER_UNREACHABLE');
    expect((err as Error).message).toContain(BASE);
    expect((err as Error).message).toContain('connection refused');
    expect(exitCodeFor(err)).toBe(1);
  });

  it('turns cancellation by the caller into an AbortError', async () => {
    const controller = new AbortController();
    const fetchFn = (_url: string, init: RequestInit): Promise<Response> =>
      new Promise((_resolve, reject) => init.signal?.addEventListener('abort', () => reject(new Error('aborted'))));
    const pending = failure(new ApiClient({ baseUrl: BASE, fetch: fetchFn }).listRepositories(controller.signal));
    controller.abort();
    expect(((await pending) as Error).name).toBe('AbortError');
  });

  it('reports a missed deadline as SERVER_TIMEOUT', async () => {
    const fetchFn = (_url: string, init: RequestInit): Promise<Response> =>
      new Promise((_resolve, reject) => init.signal?.addEventListener('abort', () => reject(new Error('aborted'))));
    const err = await failure(new ApiClient({ baseUrl: BASE, fetch: fetchFn, timeoutMs: 5 }).listRepositories(signal));
    expect(isAppError(err) && err.code).toBe('SERVER_TIMEOUT');
  });
});

describe('ApiClient runs and contexts', () => {
  it('streams a context upload as a tar body and reports the bytes sent', async () => {
    let received = '';
    let duplex: unknown;
    const stub = stubFetch(BASE, [
      {
        method: 'POST',
        path: '/api/v1/contexts',
        status: 201,
        respond: async (init) => {
          duplex = (init as { duplex?: unknown }).duplex;
          expect(init.body).toBeInstanceOf(ReadableStream);
          received = await new Response(init.body as ReadableStream).text();
          return Response.json({ contextId: 'ctx1', sizeBytes: received.length, digest: 'sha256:00' }, { status: 201 });
        },
      },
    ]);
    async function* tar(): AsyncGenerator<Uint8Array> {
      yield Buffer.from('a'.repeat(512));
      yield Buffer.from('b'.repeat(1024));
    }
    const progress: number[] = [];
    const context = await new ApiClient({ baseUrl: BASE, fetch: stub.fetch }).uploadContext(tar(), signal, (n) => progress.push(n));
    expect(context.contextId).toBe('ctx1');
    expect(received).toBe(`${'a'.repeat(512)}${'b'.repeat(1024)}`);
    expect(progress).toEqual([512, 1536]);
    expect(duplex).toBe('half');
    expect(stub.calls[0]!.contentType).toBe('application/x-tar');
    stub.verify();
  });

  it('sends the quick-build request as JSON and passes list filters as query parameters', async () => {
    const stub = stubFetch(BASE, [
      { method: 'POST', path: '/api/v1/runs', status: 201, body: { runId: 'ca1', status: 'Queued' } },
      { method: 'GET', path: '/api/v1/runs?top=5&status=Failed&image=hello%3Aca1', body: { runs: [] } },
      { method: 'GET', path: '/api/v1/runs', body: { runs: [] } },
      { method: 'POST', path: '/api/v1/runs/ca1/cancel', status: 202, body: { runId: 'ca1', status: 'Canceled' } },
    ]);
    const client = new ApiClient({ baseUrl: BASE, fetch: stub.fetch });
    await client.createRun({ contextId: 'ctx1', images: ['hello:{{.Run.ID}}'] }, signal);
    expect(JSON.parse(stub.calls[0]!.body!)).toEqual({ contextId: 'ctx1', images: ['hello:{{.Run.ID}}'] });
    expect(stub.calls[0]!.contentType).toBe('application/json');
    expect(await client.listRuns({ top: 5, status: 'Failed', image: 'hello:ca1' }, signal)).toEqual({ runs: [] });
    await client.listRuns({}, signal);
    expect((await client.cancelRun('ca1', signal)).status).toBe('Canceled');
    stub.verify();
  });
});
