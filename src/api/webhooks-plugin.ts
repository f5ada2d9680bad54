import type { FastifyInstance, FastifyRequest } from 'fastify';
import { AppError, Errors } from '../core/errors/index.js';
import type { AuthService } from '../auth/auth-service.js';
import type { Webhook, WebhookDelivery } from '../webhooks/webhook-model.js';
import { WEBHOOK_NAME } from '../webhooks/webhook-model.js';
import type { WebhookService } from '../webhooks/webhook-service.js';
import { sendError } from './api-plugin.js';
import { authorizeAdmin } from './admin-access.js';
import type { AuditRecorder } from './audit-recorder.js';
import type { ApiWebhook, ApiWebhookCallbackConfig, ApiWebhookCreated, ApiWebhookDelivery, ApiWebhookDeliveryList, ApiWebhookList, ApiWebhookPing } from './contract/webhooks.js';
import { parseWebhookCreate, parseWebhookUpdate } from './webhook-request.js';

export interface WebhooksPluginOptions {
  readonly auth: AuthService;
  readonly webhooks: WebhookService;
  readonly audit: AuditRecorder;
}

export function toWebhookView(webhook: Webhook, customHeaderNames: readonly string[], backlog: number): ApiWebhook {
  return {
    name: webhook.name,
    actions: webhook.actions,
    scope: webhook.scope,
    status: webhook.status,
    provisioningState: 'Succeeded',
    customHeaderNames,
    health: webhook.health,
    backlog,
    createdAt: webhook.createdAt,
    updatedAt: webhook.updatedAt,
  };
}

function toDeliveryView(d: WebhookDelivery): ApiWebhookDelivery {
  return { id: d.id, eventId: d.eventId, action: d.action, image: d.image, attempt: d.attempt, statusCode: d.statusCode, response: d.response, error: d.error, durationMs: d.durationMs, timestamp: d.at };
}

/** The `:name` parameter: an invalid name cannot exist, so it is WEBHOOK_NOT_FOUND. */
function nameParam(request: FastifyRequest): string {
  const name = (request.params as { name: string }).name;
  if (!WEBHOOK_NAME.test(name)) throw new AppError(Errors.WEBHOOK_NOT_FOUND, { detail: { name: name.slice(0, 60) } });
  return name;
}

function topParam(request: FastifyRequest, max: number): number {
  const text = (request.query as { top?: string }).top;
  if (text === undefined) return Math.min(100, max);
  if (!/^\d+$/.test(text) || Number(text) < 1) throw new AppError(Errors.REQUEST_INVALID, { message: 'top must be a positive whole number', detail: { top: text.slice(0, 20) } });
  return Math.min(Number(text), max);
}

/** What an audit entry says about a webhook change: field names and non-secret values only. */
function auditDetail(body: unknown): Record<string, unknown> {
  const b = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
  return {
    ...(b.actions === undefined ? {} : { actions: b.actions }),
    ...(b.scope === undefined ? {} : { scope: b.scope }),
    ...(b.status === undefined ? {} : { status: b.status }),
    ...(b.serviceUri === undefined ? {} : { serviceUriChanged: true }),
    ...(b.customHeaders === undefined ? {} : { customHeaderNames: Object.keys(b.customHeaders as object) }),
  };
}

/**
 * /webhooks (src/api/contract/webhooks.ts): ACR's webhook resource, with get-config, ping and
 * list-events. Every change is written to the audit log.
 */
export async function webhooksPlugin(app: FastifyInstance, { auth, webhooks, audit }: WebhooksPluginOptions): Promise<void> {
  app.setErrorHandler((err, request, reply) => sendError(err, request, reply));
  const view = async (webhook: Webhook, lastSeq?: number): Promise<ApiWebhook> =>
    toWebhookView(webhook, Object.keys((await webhooks.secrets(webhook.name)).customHeaders), await webhooks.backlog(webhook, lastSeq));
  const target = (name: string): { kind: string; name: string } => ({ kind: 'webhook', name });

  app.post('/webhooks', async (request, reply) => {
    await authorizeAdmin(request, auth, 'webhooks.write');
    const input = parseWebhookCreate(request.body);
    const { webhook, signingSecret } = await webhooks.create(input);
    await audit.record(request, 'webhook.create', target(webhook.name), auditDetail(request.body));
    const created: ApiWebhookCreated = { ...(await view(webhook)), signingSecret };
    return reply.code(201).send(created);
  });

  app.get('/webhooks', async (request): Promise<ApiWebhookList> => {
    await authorizeAdmin(request, auth, 'webhooks.read');
    const lastSeq = await webhooks.lastSeq();
    const all = await webhooks.list();
    return { webhooks: await Promise.all(all.map((w) => view(w, lastSeq))) };
  });

  app.get('/webhooks/:name', async (request) => {
    await authorizeAdmin(request, auth, 'webhooks.read');
    return view(await webhooks.get(nameParam(request)));
  });

  app.patch('/webhooks/:name', async (request) => {
    await authorizeAdmin(request, auth, 'webhooks.write');
    const name = nameParam(request);
    const updated = await webhooks.update(name, parseWebhookUpdate(request.body));
    await audit.record(request, 'webhook.update', target(name), auditDetail(request.body));
    return view(updated);
  });

  app.delete('/webhooks/:name', async (request, reply) => {
    await authorizeAdmin(request, auth, 'webhooks.write');
    const name = nameParam(request);
    await webhooks.delete(name);
    await audit.record(request, 'webhook.delete', target(name));
    return reply.code(204).send();
  });

  app.post('/webhooks/:name/ping', async (request): Promise<ApiWebhookPing> => {
    await authorizeAdmin(request, auth, 'webhooks.write');
    return { id: await webhooks.ping(nameParam(request)) };
  });

  app.get('/webhooks/:name/events', async (request): Promise<ApiWebhookDeliveryList> => {
    await authorizeAdmin(request, auth, 'webhooks.read');
    const deliveries = await webhooks.deliveries(nameParam(request), topParam(request, 1000));
    return { deliveries: deliveries.map(toDeliveryView) };
  });

  // A POST as ACR's getCallbackConfig: it reveals the URI, so it is written to the audit log.
  app.post('/webhooks/:name/get-config', async (request): Promise<ApiWebhookCallbackConfig> => {
    await authorizeAdmin(request, auth, 'webhooks.write');
    const name = nameParam(request);
    const secrets = await webhooks.secrets(name);
    await audit.record(request, 'webhook.get-config', target(name));
    return { serviceUri: secrets.serviceUri, customHeaders: Object.fromEntries(Object.keys(secrets.customHeaders).map((k) => [k, '******'])) };
  });
}
