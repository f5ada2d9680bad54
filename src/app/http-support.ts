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

/** The URL clients use to reach us: configured, or from the request's own Host. */
export function baseUrl(request: FastifyRequest, publicUrl: string | undefined): string {
  if (publicUrl) return publicUrl.replace(/\/$/, '');
  return `${request.protocol}://${request.headers.host ?? 'localhost'}`;
}
