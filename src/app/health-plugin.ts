import type { FastifyInstance } from 'fastify';
import type { Registry } from '../registry/registry.js';

/**
 * `GET /healthz`, without credentials, for load balancers and process supervisors: 200 when the
 * metadata store answers a query, 503 otherwise. It reveals nothing about the contents.
 */
export async function healthPlugin(app: FastifyInstance, options: { readonly registry: Registry }): Promise<void> {
  app.get('/healthz', async (request, reply) => {
    try {
      await options.registry.meta.repositories.exists('slipway-health-check');
      return { status: 'ok' };
    } catch (err) {
      request.log.warn({ err }, 'health check failed');
      return reply.code(503).send({ status: 'unavailable' });
    }
  });
}
