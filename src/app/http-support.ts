import type { FastifyRequest } from 'fastify';

/** An AbortSignal that fires when the client goes away before the response is done. */
export function requestAbortSignal(request: FastifyRequest): AbortSignal {
  const controller = new AbortController();
  const onClose = (): void => {
    if (!request.raw.complete || !request.raw.socket?.writable) controller.abort(new Error('client disconnected'));
  };
  request.raw.once('close', onClose);
  request.raw.socket?.once('close', () => controller.abort(new Error('client disconnected')));
  return controller.signal;
}

/** The URL clients use to reach us: configured, or from the request's own Host. */
export function baseUrl(request: FastifyRequest, publicUrl: string | undefined): string {
  if (publicUrl) return publicUrl.replace(/\/$/, '');
  return `${request.protocol}://${request.headers.host ?? 'localhost'}`;
}
