import type { Webhook, WebhookAction, WebhookDelivery, WebhookHealth, WebhookSecrets, WebhookStatus } from './webhook-model.js';

/** What an update may change; absent fields stay. */
export interface WebhookChange {
  readonly actions?: readonly WebhookAction[];
  readonly scope?: string;
  readonly status?: WebhookStatus;
  readonly serviceUri?: string;
  readonly customHeaders?: Readonly<Record<string, string>>;
  /** Moves the cursor (re-enabling starts at the end of the outbox). */
  readonly cursor?: number;
  readonly health?: WebhookHealth;
}

/**
 * Webhooks, their secrets (apart) and delivery attempts, written once over SQL (webhooks/sql/).
 * Errors are AppErrors: WEBHOOK_NOT_FOUND, WEBHOOK_EXISTS.
 */
export interface WebhookStore {
  /** WEBHOOK_EXISTS when the name is taken. */
  create(webhook: Webhook, secrets: WebhookSecrets): Promise<void>;
  get(name: string): Promise<Webhook | undefined>;
  /** Only for delivery and get-config: never for display. */
  secrets(name: string): Promise<WebhookSecrets | undefined>;
  /** Every webhook, by name. */
  list(): Promise<Webhook[]>;
  /** WEBHOOK_NOT_FOUND when absent. */
  update(name: string, change: WebhookChange, at: string): Promise<Webhook>;
  /** False when there was no such webhook; its secrets and deliveries go with it. */
  delete(name: string): Promise<boolean>;
  /** The worker's write: cursor and health only, so it never undoes a concurrent update; no-op when deleted. */
  progress(name: string, change: Pick<WebhookChange, 'cursor' | 'health'>): Promise<void>;
  /** Records one attempt and keeps only the newest `keep` of the webhook. */
  recordDelivery(delivery: Omit<WebhookDelivery, 'id'>, keep: number): Promise<void>;
  /** Newest first. */
  deliveries(name: string, limit: number): Promise<WebhookDelivery[]>;
  /** Re-seals the secrets of every webhook (master key rotation; see TaskStore.resealSecrets). */
  resealSecrets(
    from: { open(stored: string, aad: string): Promise<string> },
    to: { seal(plaintext: string, aad: string): Promise<string> },
    isSealedBy: (stored: string) => 'from' | 'to' | 'plain',
  ): Promise<number>;
}
