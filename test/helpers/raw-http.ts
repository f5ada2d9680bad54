import { connect } from 'node:net';
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';

export interface RawResponse {
  readonly status: number;
  readonly headers: Record<string, string>;
  readonly body: string;
  /** The OCI error code of a JSON error body, if any. */
  readonly code: string | undefined;
}

/** Starts the app on 127.0.0.1 and an ephemeral port; returns the port. For what inject() cannot send. */
export async function listenLocal(app: FastifyInstance): Promise<number> {
  await app.listen({ host: '127.0.0.1', port: 0 });
  return (app.server.address() as AddressInfo).port;
}

function parse(raw: string): RawResponse {
  const split = raw.indexOf('\r\n\r\n');
  const head = split < 0 ? raw : raw.slice(0, split);
  let body = split < 0 ? '' : raw.slice(split + 4);
  const [statusLine = '', ...lines] = head.split('\r\n');
  const headers: Record<string, string> = {};
  for (const line of lines) {
    const colon = line.indexOf(':');
    if (colon > 0) headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  if (headers['transfer-encoding'] === 'chunked') body = dechunk(body);
  let code: string | undefined;
  try {
    code = (JSON.parse(body) as { errors?: Array<{ code?: string }> }).errors?.[0]?.code;
  } catch {
    code = undefined;
  }
  return { status: Number(statusLine.split(' ')[1] ?? 0), headers, body, code };
}

function dechunk(body: string): string {
  let out = '';
  let rest = body;
  for (;;) {
    const eol = rest.indexOf('\r\n');
    if (eol < 0) return out;
    const size = parseInt(rest.slice(0, eol), 16);
    if (!size) return out;
    out += rest.slice(eol + 2, eol + 2 + size);
    rest = rest.slice(eol + 2 + size + 2);
  }
}

export interface RawRequestOptions {
  /** Bytes of the body actually sent (may be fewer than a Content-Length header claims). */
  readonly body?: Buffer | string;
  /** Half-close the socket after writing, as a client that dies mid-body does. @defaultValue false */
  readonly endAfterWrite?: boolean;
  /** Give up waiting after this long; the test fails on timeout instead of hanging. @defaultValue 5000 */
  readonly timeoutMs?: number;
}

/**
 * Sends `head` (request line and headers, without the blank line) byte-for-byte over a real
 * socket, so paths are not normalised and headers can lie; resolves when the server closes.
 * Resolves `status: 0` when the server closed the connection without answering.
 */
export function rawRequest(port: number, head: string, options: RawRequestOptions = {}): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port });
    const chunks: Buffer[] = [];
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`no response within ${options.timeoutMs ?? 5000} ms`));
    }, options.timeoutMs ?? 5000);
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('error', () => undefined); // a reset after the answer is fine; close still fires
    socket.on('close', () => {
      clearTimeout(timer);
      resolve(parse(Buffer.concat(chunks).toString('latin1')));
    });
    socket.on('connect', () => {
      socket.write(`${head}\r\n\r\n`);
      if (options.body !== undefined) socket.write(options.body);
      if (options.endAfterWrite ?? false) socket.end();
    });
  });
}
