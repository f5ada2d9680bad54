import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import type { Config } from '../config/schema.js';
import type { EventStore } from '../metadata/metadata-store.js';
import { WebhookDispatcher } from './webhook-dispatcher.js';
import type { WebhookStore } from './webhook-store.js';

export interface WebhookDeliveryOptions {
  readonly store: WebhookStore;
  readonly events: EventStore;
  readonly logger: Logger;
  readonly config: Config['webhooks'];
}

/** Runs webhook delivery inside `slipway serve`: from when the server listens until it closes. */
export function attachWebhookDelivery(app: FastifyInstance, options: WebhookDeliveryOptions): WebhookDispatcher {
  const dispatcher = new WebhookDispatcher({
    store: options.store,
    events: options.events,
    logger: options.logger,
    timeoutMs: options.config.timeoutMs,
    maxBackoffMs: options.config.maxBackoffSeconds * 1000,
    failingAfterMs: options.config.failingAfterHours * 3_600_000,
  });
  app.addHook('onListen', async () => dispatcher.start());
  app.addHook('preClose', async () => dispatcher.stop());
  return dispatcher;
}
