import { randomUUID } from 'node:crypto';
import { AppError, Errors } from '../core/errors/index.js';
import type { EventStore } from '../metadata/metadata-store.js';
import { PING_ACTION, WebhookState, WebhookStatus, type Webhook, type WebhookAction, type WebhookDelivery, type WebhookHealth, type WebhookSecrets } from './webhook-model.js';
import { generateSigningSecret } from './webhook-signature.js';
import type { WebhookChange, WebhookStore } from './webhook-store.js';

export interface NewWebhook {
  readonly name: string;
  readonly serviceUri: string;
  readonly actions: readonly WebhookAction[];
  readonly scope: string;
  readonly customHeaders: Readonly<Record<string, string>>;
  readonly status: WebhookStatus;
}

export type WebhookEdit = Partial<Omit<NewWebhook, 'name'>>;

const HEALTHY: WebhookHealth = { state: WebhookState.healthy, consecutiveFailures: 0, failingSince: null, nextAttemptAt: null, lastDeliveryAt: null };

function notFound(name: string): AppError {
  return new AppError(Errors.WEBHOOK_NOT_FOUND, { detail: { name: name.slice(0, 60) } });
}

/** Webhook changes that need more than the store: the signing secret, the cursor, pings. */
export class WebhookService {
  constructor(
    private readonly store: WebhookStore,
    private readonly events: EventStore,
    private readonly now: () => Date = () => new Date(),
  ) {}

  /** A new webhook starts at the current end of the outbox: history is not replayed. */
  async create(input: NewWebhook): Promise<{ webhook: Webhook; signingSecret: string }> {
    const at = this.now().toISOString();
    const webhook: Webhook = { name: input.name, actions: input.actions, scope: input.scope, status: input.status, cursor: await this.events.lastSeq(), health: HEALTHY, createdAt: at, updatedAt: at };
    const secrets: WebhookSecrets = { serviceUri: input.serviceUri, customHeaders: input.customHeaders, signingSecret: generateSigningSecret() };
    await this.store.create(webhook, secrets);
    return { webhook, signingSecret: secrets.signingSecret };
  }

  /**
   * Re-enabling starts at the end of the outbox (what happened while disabled is not sent); a
   * new URI or headers make a pending retry due now rather than after its backoff.
   */
  async update(name: string, edit: WebhookEdit): Promise<Webhook> {
    const current = await this.get(name);
    let change: WebhookChange = { ...edit };
    if (edit.status === WebhookStatus.enabled && current.status === WebhookStatus.disabled) {
      change = { ...change, cursor: await this.events.lastSeq(), health: { ...HEALTHY, lastDeliveryAt: current.health.lastDeliveryAt } };
    } else if ((edit.serviceUri !== undefined || edit.customHeaders !== undefined) && current.health.nextAttemptAt !== null) {
      change = { ...change, health: { ...current.health, nextAttemptAt: null } };
    }
    return this.store.update(name, change, this.now().toISOString());
  }

  async get(name: string): Promise<Webhook> {
    const webhook = await this.store.get(name);
    if (webhook === undefined) throw notFound(name);
    return webhook;
  }

  list(): Promise<Webhook[]> {
    return this.store.list();
  }

  async delete(name: string): Promise<void> {
    if (!(await this.store.delete(name))) throw notFound(name);
  }

  async secrets(name: string): Promise<WebhookSecrets> {
    const secrets = await this.store.secrets(name);
    if (secrets === undefined) throw notFound(name);
    return secrets;
  }

  /** Appends a ping for this webhook to the outbox: it is delivered, retried and recorded like any event. */
  async ping(name: string): Promise<string> {
    const webhook = await this.get(name);
    if (webhook.status === WebhookStatus.disabled) throw new AppError(Errors.WEBHOOK_DISABLED, { detail: { name } });
    const id = randomUUID();
    const timestamp = this.now().toISOString();
    await this.events.append({ id, action: PING_ACTION, repository: '', occurredAt: timestamp, payload: JSON.stringify({ id, timestamp, action: PING_ACTION, webhook: name }) });
    return id;
  }

  async deliveries(name: string, limit: number): Promise<WebhookDelivery[]> {
    await this.get(name);
    return this.store.deliveries(name, limit);
  }

  /** Outbox events after the webhook's cursor (delivered or filtered out when their turn comes). */
  async backlog(webhook: Webhook, lastSeq?: number): Promise<number> {
    if (webhook.status === WebhookStatus.disabled) return 0;
    return Math.max(0, (lastSeq ?? (await this.events.lastSeq())) - webhook.cursor);
  }

  lastSeq(): Promise<number> {
    return this.events.lastSeq();
  }
}
