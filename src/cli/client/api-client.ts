import { AppError, Errors, type ErrorDescriptor } from '../../core/errors/index.js';
import type {
  ApiError,
  ApiManifestList,
  ApiRepositoryDeleted,
  ApiRepositoryList,
  ApiTagList,
  ApiWhoami,
} from '../../api/contract/registry.js';
import type { ApiContext, ApiQuickBuildRequest, ApiQuickRunRequest, ApiRun, ApiRunStatus } from '../../api/contract/runs.js';
import type { ApiCredentialRequest, ApiCredentialUpdateRequest, ApiTask, ApiTaskCreateRequest, ApiTaskCreated, ApiTaskCredentials, ApiTaskDependencies, ApiTaskList, ApiTaskRunRequest, ApiTaskUpdateRequest, ApiTimerRequest, ApiTimerTrigger, ApiTimerUpdateRequest } from '../../api/contract/tasks.js';
import { ClientErrors } from './client-errors.js';
import { nodeHttpFetch, type HttpResponse } from './node-http-fetch.js';

export interface Credentials {
  readonly username: string;
  readonly password: string;
}

/** fetch's shape; tests pass stubs that return real `Response`s. */
export type FetchFn = (input: string, init: RequestInit) => Promise<HttpResponse>;

export interface ApiClientOptions {
  /** Normalised server URL, e.g. `http://127.0.0.1:5000`. */
  readonly baseUrl: string;
  readonly credentials?: Credentials;
  /** @defaultValue nodeHttpFetch (node:http; the global fetch costs ~25 ms to load) */
  readonly fetch?: FetchFn;
  /** Per-request deadline. @defaultValue 30000 */
  readonly timeoutMs?: number;
}

const enc = encodeURIComponent;

/** The /api/v1 calls the CLI makes; every call takes an AbortSignal and throws AppError. */
export class ApiClient {
  private readonly fetchFn: FetchFn;
  private readonly timeoutMs: number;

  constructor(readonly options: ApiClientOptions) {
    this.fetchFn = options.fetch ?? nodeHttpFetch;
    this.timeoutMs = options.timeoutMs ?? 30_000;
  }

  get baseUrl(): string {
    return this.options.baseUrl;
  }

  whoami(signal: AbortSignal): Promise<ApiWhoami> {
    return this.json('GET', '/whoami', signal);
  }

  listRepositories(signal: AbortSignal): Promise<ApiRepositoryList> {
    return this.json('GET', '/repositories', signal);
  }

  listTags(repo: string, signal: AbortSignal): Promise<ApiTagList> {
    return this.json('GET', `/repositories/${enc(repo)}/tags`, signal);
  }

  listManifests(repo: string, signal: AbortSignal): Promise<ApiManifestList> {
    return this.json('GET', `/repositories/${enc(repo)}/manifests`, signal);
  }

  deleteRepository(repo: string, signal: AbortSignal): Promise<ApiRepositoryDeleted> {
    return this.json('DELETE', `/repositories/${enc(repo)}`, signal);
  }

  async deleteTag(repo: string, tag: string, signal: AbortSignal): Promise<void> {
    await (await this.send('DELETE', `/repositories/${enc(repo)}/tags/${enc(tag)}`, signal)).text();
  }

  async deleteManifest(repo: string, digest: string, signal: AbortSignal): Promise<void> {
    await (await this.send('DELETE', `/repositories/${enc(repo)}/manifests/${enc(digest)}`, signal)).text();
  }

  /**
   * POST /contexts: streams the tar as the request body (never buffered whole); `onProgress`
   * gets the bytes handed to the connection so far.
   */
  uploadContext(tar: AsyncIterable<Uint8Array>, signal: AbortSignal, onProgress?: (bytes: number) => void): Promise<ApiContext> {
    return this.json('POST', '/contexts', signal, { body: toWebStream(tar, onProgress), contentType: 'application/x-tar', deadline: 'none' });
  }

  createRun(request: ApiQuickBuildRequest | ApiQuickRunRequest, signal: AbortSignal): Promise<ApiRun> {
    return this.json('POST', '/runs', signal, { body: JSON.stringify(request), contentType: 'application/json' });
  }

  listRuns(filter: RunFilter, signal: AbortSignal): Promise<ApiRunList> {
    const query = new URLSearchParams();
    if (filter.top !== undefined) query.set('top', String(filter.top));
    if (filter.status !== undefined) query.set('status', filter.status);
    if (filter.image !== undefined) query.set('image', filter.image);
    if (filter.task !== undefined) query.set('task', filter.task);
    const text = query.toString();
    return this.json('GET', `/runs${text ? `?${text}` : ''}`, signal);
  }

  getRun(runId: string, signal: AbortSignal): Promise<ApiRun> {
    return this.json('GET', `/runs/${enc(runId)}`, signal);
  }

  cancelRun(runId: string, signal: AbortSignal): Promise<ApiRun> {
    return this.json('POST', `/runs/${enc(runId)}/cancel`, signal);
  }

  createTask(request: ApiTaskCreateRequest, signal: AbortSignal): Promise<ApiTaskCreated> {
    return this.json('POST', '/tasks', signal, jsonBody(request));
  }

  listTasks(signal: AbortSignal): Promise<ApiTaskList> {
    return this.json('GET', '/tasks', signal);
  }

  getTask(name: string, signal: AbortSignal): Promise<ApiTask> {
    return this.json('GET', `/tasks/${enc(name)}`, signal);
  }

  getTaskDependencies(name: string, signal: AbortSignal): Promise<ApiTaskDependencies> {
    return this.json('GET', `/tasks/${enc(name)}/dependencies`, signal);
  }

  updateTask(name: string, request: ApiTaskUpdateRequest, signal: AbortSignal): Promise<ApiTask> {
    return this.json('PATCH', `/tasks/${enc(name)}`, signal, jsonBody(request));
  }

  async deleteTask(name: string, signal: AbortSignal): Promise<void> {
    await (await this.send('DELETE', `/tasks/${enc(name)}`, signal)).text();
  }

  runTask(name: string, request: ApiTaskRunRequest, signal: AbortSignal): Promise<ApiRun> {
    return this.json('POST', `/tasks/${enc(name)}/runs`, signal, jsonBody(request));
  }

  listTimers(name: string, signal: AbortSignal): Promise<{ readonly timerTriggers: readonly ApiTimerTrigger[] }> {
    return this.json('GET', `/tasks/${enc(name)}/timers`, signal);
  }

  addTimer(name: string, request: ApiTimerRequest, signal: AbortSignal): Promise<ApiTask> {
    return this.json('POST', `/tasks/${enc(name)}/timers`, signal, jsonBody(request));
  }

  updateTimer(name: string, timer: string, request: ApiTimerUpdateRequest, signal: AbortSignal): Promise<ApiTask> {
    return this.json('PATCH', `/tasks/${enc(name)}/timers/${enc(timer)}`, signal, jsonBody(request));
  }

  removeTimer(name: string, timer: string, signal: AbortSignal): Promise<ApiTask> {
    return this.json('DELETE', `/tasks/${enc(name)}/timers/${enc(timer)}`, signal);
  }

  listCredentials(name: string, signal: AbortSignal): Promise<ApiTaskCredentials> {
    return this.json('GET', `/tasks/${enc(name)}/credentials`, signal);
  }

  addCredential(name: string, request: ApiCredentialRequest, signal: AbortSignal): Promise<ApiTaskCredentials> {
    return this.json('POST', `/tasks/${enc(name)}/credentials`, signal, jsonBody(request));
  }

  updateCredential(name: string, loginServer: string, request: ApiCredentialUpdateRequest, signal: AbortSignal): Promise<ApiTaskCredentials> {
    return this.json('PATCH', `/tasks/${enc(name)}/credentials/${enc(loginServer)}`, signal, jsonBody(request));
  }

  removeCredential(name: string, loginServer: string, signal: AbortSignal): Promise<ApiTaskCredentials> {
    return this.json('DELETE', `/tasks/${enc(name)}/credentials/${enc(loginServer)}`, signal);
  }

  /** GET /runs/:id/logs from `offset`; the client timeout covers only the wait for headers. */
  openLogs(runId: string, options: { readonly offset: number; readonly isFollow: boolean }, signal: AbortSignal): Promise<HttpResponse> {
    const query = `offset=${options.offset}${options.isFollow ? '&follow=true' : ''}`;
    return this.send('GET', `/runs/${enc(runId)}/logs?${query}`, signal, { deadline: 'headers' });
  }

  protected async json<T>(method: string, path: string, signal: AbortSignal, options: SendOptions = {}): Promise<T> {
    const response = await this.send(method, path, signal, options);
    try {
      return (await response.json()) as T;
    } catch (err) {
      throw new AppError(ClientErrors.RESPONSE_INVALID, { message: `${method} ${this.url(path)} returned a body that is not JSON`, cause: err });
    }
  }

  private url(path: string): string {
    return `${this.options.baseUrl}/api/v1${path}`;
  }

  private headers(): Record<string, string> {
    const headers: Record<string, string> = { accept: 'application/json' };
    const creds = this.options.credentials;
    if (creds) headers.authorization = `Basic ${Buffer.from(`${creds.username}:${creds.password}`).toString('base64')}`;
    return headers;
  }

  /**
   * One request. `deadline` picks what the client timeout covers: the whole exchange (JSON calls),
   * only the wait for the response headers (streamed log bodies), or nothing (context uploads,
   * whose answer comes only after the last byte is sent; Ctrl-C still cancels them).
   */
  protected async send(method: string, path: string, signal: AbortSignal, options: SendOptions = {}): Promise<HttpResponse> {
    const deadline = this.deadline(options.deadline ?? 'whole');
    const headers = { ...this.headers(), ...(options.contentType ? { 'content-type': options.contentType } : {}) };
    const body = options.body === undefined ? {} : { body: options.body, duplex: 'half' };
    const init = { method, headers, signal: AbortSignal.any([signal, deadline.signal]), redirect: 'error', ...body };
    let response: HttpResponse;
    try {
      response = await this.fetchFn(this.url(path), init as RequestInit);
    } catch (err) {
      throw transportError(err, { url: this.options.baseUrl, signal, deadline: deadline.signal, timeoutMs: this.timeoutMs });
    } finally {
      deadline.headersArrived();
    }
    if (!response.ok) throw await errorFromResponse(response, this.options.baseUrl);
    return response;
  }

  private deadline(mode: 'whole' | 'headers' | 'none'): { signal: AbortSignal; headersArrived: () => void } {
    if (mode === 'whole') return { signal: AbortSignal.timeout(this.timeoutMs), headersArrived: () => undefined };
    const controller = new AbortController();
    if (mode === 'none') return { signal: controller.signal, headersArrived: () => undefined };
    const timer = setTimeout(() => controller.abort(), this.timeoutMs);
    timer.unref();
    return { signal: controller.signal, headersArrived: () => clearTimeout(timer) };
  }
}

export interface SendOptions {
  readonly body?: string | ReadableStream<Uint8Array>;
  readonly contentType?: string;
  /** @defaultValue 'whole' */
  readonly deadline?: 'whole' | 'headers' | 'none';
}

export interface RunFilter {
  readonly top?: number;
  /** A saved task's runs only. */
  readonly task?: string;
  readonly status?: ApiRunStatus;
  /** `repo:tag`: only runs that produced this image. */
  readonly image?: string;
}

export interface ApiRunList {
  readonly runs: readonly ApiRun[];
}

function jsonBody(request: object): SendOptions {
  return { body: JSON.stringify(request), contentType: 'application/json' };
}

/** A pull-based web stream over an async iterable, so fetch reads the tar only as fast as it sends it. */
function toWebStream(source: AsyncIterable<Uint8Array>, onProgress?: (bytes: number) => void): ReadableStream<Uint8Array> {
  const iterator = source[Symbol.asyncIterator]();
  let sent = 0;
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      const next = await iterator.next();
      if (next.done) {
        controller.close();
        return;
      }
      sent += next.value.byteLength;
      controller.enqueue(next.value);
      onProgress?.(sent);
    },
    async cancel(reason) {
      await iterator.return?.(reason);
    },
  });
}

interface TransportContext {
  readonly url: string;
  readonly signal: AbortSignal;
  readonly deadline: AbortSignal;
  readonly timeoutMs: number;
}

function abortError(): Error {
  const err = new Error('cancelled');
  err.name = 'AbortError';
  return err;
}

/** Network failures: cancellation stays an AbortError; the rest name the URL. */
export function transportError(err: unknown, ctx: TransportContext): Error {
  if (ctx.signal.aborted) return abortError();
  if (ctx.deadline.aborted) {
    return new AppError(ClientErrors.SERVER_TIMEOUT, { message: `no answer from ${ctx.url} within ${ctx.timeoutMs / 1000}s`, cause: err });
  }
  const cause = (err as { cause?: { code?: string } }).cause;
  const code = cause?.code ?? (err as { code?: string }).code;
  const why = code === 'ECONNREFUSED' ? 'connection refused (is `slipway serve` running there?)' : code === 'ENOTFOUND' ? 'host not found' : (code ?? (err as Error).message);
  return new AppError(ClientErrors.SERVER_UNREACHABLE, { message: `cannot reach Slipway at ${ctx.url}: ${why}`, cause: err });
}

const HINTS: Record<number, string> = {
  401: " (run 'slipway login', or pass -u/-p or SLIPWAY_USERNAME/SLIPWAY_PASSWORD)",
};

/** Turns the API envelope `{error:{code,message,detail}}` into an AppError with the server's code and status. */
export async function errorFromResponse(response: HttpResponse, baseUrl: string): Promise<AppError> {
  const text = await response.text().catch(() => '');
  let body: Partial<ApiError> | undefined;
  try {
    body = JSON.parse(text) as Partial<ApiError>;
  } catch {
    body = undefined;
  }
  const error = body?.error;
  if (!error || typeof error.code !== 'string') {
    return new AppError(ClientErrors.RESPONSE_INVALID, { httpStatus: response.status, message: `${baseUrl} answered HTTP ${response.status} without a Slipway error body`, detail: { status: response.status } });
  }
  const known = (Errors as Record<string, ErrorDescriptor | undefined>)[error.code];
  const descriptor: ErrorDescriptor = known ?? { code: error.code, httpStatus: response.status, message: error.message, description: 'reported by the server' };
  const message = `${typeof error.message === 'string' ? error.message : descriptor.message}${HINTS[response.status] ?? ''}`;
  return new AppError(descriptor, { httpStatus: response.status, message, ...(error.detail === null || error.detail === undefined ? {} : { detail: error.detail }) });
}
