import type { FastifyRequest } from 'fastify';

/**
 * An AbortSignal that fires when the client goes away before its request body is complete.
 * The listener sits on the per-request message, never on the (keep-alive, shared) socket.
 * Response streams need no signal: fastify destroys them when the client disconnects.
 */
export function requestAbortSignal(request: FastifyRequest): AbortSignal {
  const controller = new AbortController();
  if (request.raw.destroyed && !request.raw.complete) controller.abort(new Error('client disconnected'));
  request.raw.once('close', () => {
    if (!request.raw.complete) controller.abort(new Error('client disconnected'));
  });
  return controller.signal;
}

/** `127.0.0.1:5000`, `localhost`, `[::1]:5000`: a client on this machine (the build agent's engine). */
function isLoopbackHost(host: string): boolean {
  const name = host.replace(/:\d+$/, '').replace(/^\[|\]$/g, '');
  return name === 'localhost' || name === '::1' || /^127\.\d+\.\d+\.\d+$/.test(name);
}

/**
 * The URL clients use to reach us: `server.publicUrl`, or the request's own Host when none is
 * set or the client came over loopback (the engine pushing a run's images may not resolve the
 * public name, and reached us here anyway).
 */
export function baseUrl(request: FastifyRequest, publicUrl: string | undefined): string {
  const host = request.headers.host;
  if (publicUrl && !(host !== undefined && isLoopbackHost(host))) return publicUrl.replace(/\/$/, '');
  return `${request.protocol}://${host ?? 'localhost'}`;
}
