/**
 * Outbound webhooks (docs/webhooks.md): ACR's webhook resource, plus what delivery needs —
 * a signing secret, a cursor into the registry-event outbox and the health of the receiver.
 */

/** ACR's WebhookAction values; Slipway emits push and delete (it has no quarantine nor Helm charts). */
export const WebhookAction = { push: 'push', delete: 'delete', quarantine: 'quarantine', chartPush: 'chart_push', chartDelete: 'chart_delete' } as const;
export type WebhookAction = (typeof WebhookAction)[keyof typeof WebhookAction];
export const WEBHOOK_ACTIONS: readonly WebhookAction[] = Object.values(WebhookAction);

export const WebhookStatus = { enabled: 'enabled', disabled: 'disabled' } as const;
export type WebhookStatus = (typeof WebhookStatus)[keyof typeof WebhookStatus];

export const WebhookState = { healthy: 'healthy', failing: 'failing' } as const;
export type WebhookState = (typeof WebhookState)[keyof typeof WebhookState];

/** ACR's rule: letters and digits, 5 to 50 of them. */
export const WEBHOOK_NAME = /^[a-zA-Z0-9]{5,50}$/;

/** How delivery to the receiver is going; failing after a long run of failures, healthy again on the first success. */
export interface WebhookHealth {
  readonly state: WebhookState;
  /** Failed attempts since the last success (all on the event at the head of the backlog). */
  readonly consecutiveFailures: number;
  /** When the current run of failures began; null when the last attempt succeeded. */
  readonly failingSince: string | null;
  /** When the next retry is due; null when none is pending. */
  readonly nextAttemptAt: string | null;
  readonly lastDeliveryAt: string | null;
}

/** A webhook as shown: the service URI and header values are secrets and are not part of it. */
export interface Webhook {
  readonly name: string;
  readonly actions: readonly WebhookAction[];
  /** ACR scope (`repo:tag`, `repo:*`, `repo`, `*`); '' matches everything. */
  readonly scope: string;
  readonly status: WebhookStatus;
  /** The outbox seq of the last event handled (delivered or filtered out). */
  readonly cursor: number;
  readonly health: WebhookHealth;
  readonly createdAt: string;
  readonly updatedAt: string;
}

/** What is stored apart and never shown after creation (the URI is only returned by get-config). */
export interface WebhookSecrets {
  readonly serviceUri: string;
  readonly customHeaders: Readonly<Record<string, string>>;
  /** HMAC-SHA256 key of the X-Slipway-Signature header; shown once, at create. */
  readonly signingSecret: string;
}

/** One delivery attempt, as list-events shows it. */
export interface WebhookDelivery {
  readonly id: number;
  readonly webhook: string;
  readonly eventId: string;
  readonly eventSeq: number;
  readonly action: string;
  /** `repo:tag`, `repo@digest`, or '' for a ping. */
  readonly image: string;
  /** 1 for the first try of this event, then 2, 3… */
  readonly attempt: number;
  /** The receiver's HTTP status; null when no response came (refused, timeout). */
  readonly statusCode: number | null;
  /** The first 1 KiB of the response body. */
  readonly response: string;
  readonly error: string | null;
  readonly durationMs: number;
  readonly at: string;
}

export const PING_ACTION = 'ping';
