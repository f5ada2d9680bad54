import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { nodeHttpFetch } from './node-http-fetch.js';

type Handler = (req: IncomingMessage, res: ServerResponse) => void;

let server: Server | undefined;

async function serve(handler: Handler): Promise<string> {
  server = createServer(handler);
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

async function readAll(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

afterEach(async () => {
  server?.closeAllConnections();
  await new Promise((resolve) => server?.close(resolve) ?? resolve(undefined));
  server = undefined;
});

describe('nodeHttpFetch', () => {
  it('sends the method, headers and a string body with its length, and reads a JSON answer', async () => {
    let seen: { method?: string; auth?: string; length?: string; body?: string } = {};
    const url = await serve(async (req, res) => {
      seen = { method: req.method!, auth: req.headers.authorization!, length: req.headers['content-length']!, body: await readAll(req) };
      res.writeHead(201, { 'content-type': 'application/json', 'x-log-offset': '7' }).end('{"runId":"ca1"}');
    });
    const response = await nodeHttpFetch(`${url}/api/v1/runs`, { method: 'POST', headers: { authorization: 'Basic eA==' }, body: '{"é":1}' });
    expect({ ok: response.ok, status: response.status, offset: response.headers.get('X-Log-Offset'), missing: response.headers.get('x-nope') }).toEqual({ ok: true, status: 201, offset: '7', missing: null });
    expect(await response.json()).toEqual({ runId: 'ca1' });
    expect(seen).toEqual({ method: 'POST', auth: 'Basic eA==', length: String(Buffer.byteLength('{"é":1}')), body: '{"é":1}' });
  });

  it('streams a web ReadableStream request body', async () => {
    let received = '';
    const url = await serve(async (req, res) => {
      received = await readAll(req);
      res.writeHead(200).end('ok');
    });
    const parts = ['tar ', 'bytes ', 'in parts'];
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        const next = parts.shift();
        if (next === undefined) controller.close();
        else controller.enqueue(new TextEncoder().encode(next));
      },
    });
    const response = await nodeHttpFetch(`${url}/contexts`, { method: 'POST', body, duplex: 'half' } as RequestInit);
    expect(await response.text()).toBe('ok');
    expect(received).toBe('tar bytes in parts');
  });

  it('gives the answer body as a web stream as it arrives, and reports a non-2xx status as not ok', async () => {
    const url = await serve((_req, res) => {
      res.writeHead(404, { 'content-type': 'text/plain' });
      res.write('first ');
      setTimeout(() => res.end('second'), 20);
    });
    const response = await nodeHttpFetch(`${url}/logs`, { method: 'GET' });
    expect({ ok: response.ok, status: response.status }).toEqual({ ok: false, status: 404 });
    const reader = response.body!.getReader();
    let text = '';
    for (let r = await reader.read(); !r.done; r = await reader.read()) text += new TextDecoder().decode(r.value);
    expect(text).toBe('first second');
  });

  it('errors the body stream when the signal aborts mid-body', async () => {
    const url = await serve((_req, res) => {
      res.writeHead(200).write('partial');
    });
    const controller = new AbortController();
    const response = await nodeHttpFetch(`${url}/logs`, { method: 'GET', signal: controller.signal });
    const reader = response.body!.getReader();
    expect(new TextDecoder().decode((await reader.read()).value)).toBe('partial');
    controller.abort();
    await expect(reader.read()).rejects.toThrow();
  });

  it('rejects with the socket error code when nothing listens', async () => {
    const url = await serve((_req, res) => res.end());
    server!.close();
    await new Promise((resolve) => server!.once('close', resolve));
    await expect(nodeHttpFetch(`${url}/`, { method: 'GET' })).rejects.toMatchObject({ code: 'ECONNREFUSED' });
  });

  it('rejects at once with an already aborted signal', async () => {
    await expect(nodeHttpFetch('http://127.0.0.1:9/', { method: 'GET', signal: AbortSignal.abort() })).rejects.toMatchObject({ name: 'AbortError' });
  });
});
