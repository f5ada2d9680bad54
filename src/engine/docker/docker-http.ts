import { request, type IncomingMessage } from 'node:http';
import { Readable } from 'node:stream';
import { EngineError, type EngineErrorKind } from '../engine-error.js';

export type QueryValue = string | number | boolean | readonly string[] | undefined;

export interface DockerRequest {
  readonly method: 'GET' | 'POST' | 'PUT' | 'DELETE' | 'HEAD';
  readonly path: string;
  readonly query?: Readonly<Record<string, QueryValue>>;
  readonly headers?: Readonly<Record<string, string>>;
  /** A stream (sent as is), a Buffer, or a value sent as JSON. */
  readonly body?: Readable | Buffer | object;
  readonly signal?: AbortSignal | undefined;
}

/** Engine status codes that mean the same thing on every endpoint. */
const KIND_BY_STATUS: Readonly<Record<number, EngineErrorKind>> = {
  400: 'INVALID_ARGUMENT',
  404: 'NOT_FOUND',
  409: 'CONFLICT',
};

export function queryString(query: Readonly<Record<string, QueryValue>> = {}): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value === undefined) continue;
    if (Array.isArray(value)) for (const v of value as readonly string[]) params.append(key, v);
    else params.append(key, typeof value === 'boolean' ? (value ? '1' : '0') : String(value));
  }
  const s = params.toString();
  return s === '' ? '' : `?${s}`;
}

export async function readBody(res: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of res) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** Splits a response body into lines as they arrive (the engine's JSON-lines streams). */
export async function* bodyLines(res: IncomingMessage): AsyncGenerator<string> {
  let rest = '';
  res.setEncoding('utf8');
  for await (const chunk of res) {
    rest += chunk as string;
    let nl = rest.indexOf('\n');
    while (nl >= 0) {
      yield rest.slice(0, nl);
      rest = rest.slice(nl + 1);
      nl = rest.indexOf('\n');
    }
  }
  if (rest !== '') yield rest;
}

function engineMessage(body: Buffer): string {
  try {
    const parsed = JSON.parse(body.toString('utf8')) as { message?: unknown };
    if (typeof parsed.message === 'string') return parsed.message;
  } catch {
    // not JSON: fall through to the raw text
  }
  return body.toString('utf8').trim();
}

/**
 * The Docker Engine API over a unix socket with node:http: one connection per call (no
 * pool to drain), `signal` destroys the request, non-2xx answers become `EngineError`s.
 */
export class DockerHttp {
  constructor(private readonly socketPath: string) {}

  /** Sends a request; resolves with the response once its headers arrive (2xx or 304). */
  send(req: DockerRequest): Promise<IncomingMessage> {
    return new Promise((resolve, reject) => {
      const headers: Record<string, string> = { ...req.headers };
      let payload: Readable | Buffer | undefined;
      if (req.body instanceof Readable || Buffer.isBuffer(req.body)) payload = req.body;
      else if (req.body !== undefined) {
        payload = Buffer.from(JSON.stringify(req.body));
        headers['content-type'] = 'application/json';
      }
      const r = request(
        { socketPath: this.socketPath, method: req.method, path: `${req.path}${queryString(req.query)}`, headers, ...(req.signal ? { signal: req.signal } : {}) },
        (res) => {
          const status = res.statusCode ?? 0;
          if ((status >= 200 && status < 300) || status === 304) return resolve(res);
          readBody(res).then((body) => reject(this.statusError(req, status, body)), reject);
        },
      );
      r.on('error', reject);
      if (payload instanceof Readable) {
        payload.on('error', (err) => r.destroy(err));
        payload.pipe(r);
      } else r.end(payload);
    });
  }

  async json<T>(req: DockerRequest): Promise<T> {
    const body = await readBody(await this.send(req));
    return (body.length === 0 ? {} : JSON.parse(body.toString('utf8'))) as T;
  }

  /** Sends and drains; for calls whose answer carries nothing Slipway needs. */
  async call(req: DockerRequest): Promise<number> {
    const res = await this.send(req);
    await readBody(res);
    return res.statusCode ?? 0;
  }

  private statusError(req: DockerRequest, status: number, body: Buffer): EngineError {
    const message = engineMessage(body) || `engine answered ${status}`;
    const kind = KIND_BY_STATUS[status] ?? 'FAILED';
    return new EngineError(kind, message, { detail: { status, method: req.method, path: req.path } });
  }
}
