import type { FetchFn } from './api-client.js';

/** Test support: one expected request and its canned answer. */
export interface StubRoute {
  readonly method: string;
  /** Path after the base URL, e.g. `/api/v1/repositories`. */
  readonly path: string;
  readonly status?: number;
  readonly body?: unknown;
}

export interface StubFetch {
  readonly fetch: FetchFn;
  /** The requests made, with their Authorization header. */
  readonly calls: Array<{ method: string; url: string; authorization: string | undefined }>;
  /** Throws when a route was never called (gh's strict stubs). */
  verify(): void;
}

/** A strict fetch stub: an unexpected request throws, unused routes fail `verify()`. */
export function stubFetch(baseUrl: string, routes: readonly StubRoute[]): StubFetch {
  const unused = [...routes];
  const calls: StubFetch['calls'] = [];
  const fetchFn: FetchFn = async (url, init) => {
    const method = init.method ?? 'GET';
    const headers = (init.headers ?? {}) as Record<string, string>;
    calls.push({ method, url, authorization: headers.authorization });
    const index = unused.findIndex((r) => r.method === method && `${baseUrl}${r.path}` === url);
    if (index < 0) throw new Error(`unexpected request ${method} ${url}`);
    const route = unused.splice(index, 1)[0]!;
    const status = route.status ?? 200;
    const body = route.body === undefined || status === 204 ? null : JSON.stringify(route.body);
    return new Response(body, { status, headers: body === null ? {} : { 'content-type': 'application/json' } });
  };
  return {
    fetch: fetchFn,
    calls,
    verify: () => {
      if (unused.length) throw new Error(`stubbed requests never made: ${unused.map((r) => `${r.method} ${r.path}`).join(', ')}`);
    },
  };
}
