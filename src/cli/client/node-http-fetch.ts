import { request as httpRequest, type ClientRequest, type IncomingMessage, type RequestOptions } from 'node:http';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as NodeWebStream } from 'node:stream/web';

/**
 * The part of a fetch `Response` the API client reads. A real `Response` (what test stubs
 * return) satisfies it, and so does what `nodeHttpFetch` returns.
 */
export interface HttpResponse {
  readonly ok: boolean;
  readonly status: number;
  readonly headers: { get(name: string): string | null };
  readonly body: ReadableStream<Uint8Array> | null;
  json(): Promise<unknown>;
  text(): Promise<string>;
}

/** A response over node:http's IncomingMessage; the body is read once, as a web stream or whole. */
class NodeHttpResponse implements HttpResponse {
  constructor(private readonly res: IncomingMessage) {}

  get ok(): boolean {
    return this.status >= 200 && this.status < 300;
  }

  get status(): number {
    return this.res.statusCode ?? 0;
  }

  readonly headers = {
    get: (name: string): string | null => {
      const value = this.res.headers[name.toLowerCase()];
      return value === undefined ? null : Array.isArray(value) ? value.join(', ') : value;
    },
  };

  get body(): ReadableStream<Uint8Array> {
    return Readable.toWeb(this.res) as ReadableStream<Uint8Array>;
  }

  async text(): Promise<string> {
    const chunks: Buffer[] = [];
    for await (const chunk of this.res) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks).toString('utf8');
  }

  async json(): Promise<unknown> {
    return JSON.parse(await this.text());
  }
}

async function requestFn(url: URL): Promise<(url: URL, options: RequestOptions) => ClientRequest> {
  if (url.protocol === 'http:') return httpRequest;
  if (url.protocol === 'https:') return (await import('node:https')).request;
  throw new TypeError(`unsupported protocol ${url.protocol}`);
}

/** Writes the body (none, a string, or a web stream piped as it is pulled); rejects if sending fails. */
function sendBody(req: ClientRequest, body: RequestInit['body']): Promise<void> {
  if (body === undefined || body === null) {
    req.end();
    return Promise.resolve();
  }
  if (typeof body === 'string') {
    req.setHeader('content-length', Buffer.byteLength(body));
    req.end(body);
    return Promise.resolve();
  }
  if (body instanceof ReadableStream) return pipeline(Readable.fromWeb(body as NodeWebStream<Uint8Array>), req);
  throw new TypeError('nodeHttpFetch sends string and ReadableStream bodies only');
}

/**
 * The subset of `fetch` the API client uses (method, headers, a string or streamed body, signal),
 * over node:http. The CLI uses it instead of the global fetch, whose first call loads undici:
 * about 25 ms of every command's run time, and streamed uploads were slower through it. No
 * redirects are followed (the client asks fetch for `redirect: 'error'`). Idle keep-alive sockets
 * do not hold the process open (node's agent unrefs them), but every body must be read.
 */
export async function nodeHttpFetch(input: string, init: RequestInit): Promise<HttpResponse> {
  const url = new URL(input);
  const request = await requestFn(url);
  const signal = init.signal ?? undefined;
  signal?.throwIfAborted();
  const req = request(url, { method: init.method ?? 'GET', headers: (init.headers ?? {}) as Record<string, string>, ...(signal ? { signal } : {}) });
  return new Promise<HttpResponse>((resolve, reject) => {
    req.once('response', (res) => resolve(new NodeHttpResponse(res)));
    req.once('error', reject);
    // A server may answer (an error, say) before the whole body is sent; that answer wins.
    sendBody(req, init.body).catch((err: unknown) => {
      req.destroy(err as Error);
      reject(err);
    });
  });
}
