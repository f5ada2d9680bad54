import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import type { Config } from '../config/schema.js';
import type { AuthService } from '../auth/auth-service.js';
import type { MetadataStore } from '../metadata/metadata-store.js';
import { AuditLog } from '../audit/audit-log.js';
import { auditPlugin } from '../api/audit-plugin.js';
import { createAuditRecorder, type AuditRecorder } from '../api/audit-recorder.js';
import { webhooksPlugin } from '../api/webhooks-plugin.js';
import { attachWebhookDelivery } from '../webhooks/attach.js';
import type { WebhookDispatcher } from '../webhooks/webhook-dispatcher.js';
import { WebhookService } from '../webhooks/webhook-service.js';
import type { OpenedRegistry } from './open-registry.js';

export interface WireWebhooksOptions {
  readonly config: Readonly<Config>;
  readonly opened: Pick<OpenedRegistry, 'webhookStore' | 'auditStore'>;
  readonly meta: MetadataStore;
  readonly auth: AuthService;
  readonly logger: Logger;
}

/**
 * The audit log (its API and the recorder other plugins take) and outbound webhooks (their API
 * and the delivery worker), wired in one call so build-server.ts stays a list of features.
 */
export async function wireWebhooksAndAudit(app: FastifyInstance, options: WireWebhooksOptions): Promise<{ webhooks: WebhookDispatcher; audit: AuditRecorder }> {
  const { config, opened, auth, logger } = options;
  const log = new AuditLog(opened.auditStore, logger.child({ component: 'audit' }));
  const audit = createAuditRecorder(auth, log);
  await app.register(auditPlugin, { auth, log, prefix: '/api/v1' });
  const service = new WebhookService(opened.webhookStore, options.meta.events);
  await app.register(webhooksPlugin, { auth, webhooks: service, audit, prefix: '/api/v1' });
  const webhooks = attachWebhookDelivery(app, { store: opened.webhookStore, events: options.meta.events, logger: logger.child({ component: 'webhooks' }), config: config.webhooks });
  return { webhooks, audit };
}
