import type { FetchFn } from './api-client.js';

/** Test support: one expected request and its canned answer. */
export interface StubRoute {
  readonly method: string;
  /** Path and query after the base URL, e.g. `/api/v1/repositories` or `/api/v1/runs?top=15`. */
  readonly path: string;
  readonly status?: number;
  readonly body?: unknown;
  /** Builds the answer itself (streamed or broken bodies, reading the request body); wins over status/body. */
  readonly respond?: (init: RequestInit) => Response | Promise<Response>;
}

export interface StubCall {
  readonly method: string;
  readonly url: string;
  readonly authorization: string | undefined;
  readonly contentType: string | undefined;
  /** A string request body as sent (streamed bodies are left to `respond`). */
  readonly body: string | undefined;
}

export interface StubFetch {
  readonly fetch: FetchFn;
  /** The requests made, with their Authorization header. */
  readonly calls: StubCall[];
  /** Throws when a route was never called (gh's strict stubs). */
  verify(): void;
}

function answer(route: StubRoute): Response {
  const status = route.status ?? 200;
  const body = route.body === undefined || status === 204 ? null : JSON.stringify(route.body);
  return new Response(body, { status, headers: body === null ? {} : { 'content-type': 'application/json' } });
}

/** A strict fetch stub: an unexpected request throws, unused routes fail `verify()`. */
export function stubFetch(baseUrl: string, routes: readonly StubRoute[]): StubFetch {
  const unused = [...routes];
  const calls: StubCall[] = [];
  const fetchFn: FetchFn = async (url, init) => {
    const method = init.method ?? 'GET';
    const headers = (init.headers ?? {}) as Record<string, string>;
    const body = typeof init.body === 'string' ? init.body : undefined;
    calls.push({ method, url, authorization: headers.authorization, contentType: headers['content-type'], body });
    const index = unused.findIndex((r) => r.method === method && `${baseUrl}${r.path}` === url);
    if (index < 0) throw new Error(`unexpected request ${method} ${url}`);
    const route = unused.splice(index, 1)[0]!;
    return route.respond ? route.respond(init) : answer(route);
  };
  return {
    fetch: fetchFn,
    calls,
    verify: () => {
      if (unused.length) throw new Error(`stubbed requests never made: ${unused.map((r) => `${r.method} ${r.path}`).join(', ')}`);
    },
  };
}

/**
 * A 200 text response that sends `text` and then, when `breakAfter` is set, fails mid-body after
 * that many bytes the way a dropped connection does (undici's `TypeError: terminated`).
 */
export function streamedText(text: string, options: { readonly breakAfter?: number; readonly offsetHeader?: number } = {}): Response {
  const bytes = new TextEncoder().encode(text);
  const end = options.breakAfter ?? bytes.length;
  let isSent = false;
  // Pull-based, so the bytes are read before the error: `error()` would drop queued chunks.
  const body = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (!isSent && end > 0) {
        isSent = true;
        controller.enqueue(bytes.slice(0, end));
      } else if (options.breakAfter === undefined) controller.close();
      else controller.error(new TypeError('terminated'));
    },
  });
  const headers: Record<string, string> = { 'content-type': 'text/plain; charset=utf-8' };
  if (options.offsetHeader !== undefined) headers['x-log-offset'] = String(options.offsetHeader);
  return new Response(body, { status: 200, headers });
}
