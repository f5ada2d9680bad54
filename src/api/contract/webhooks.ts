/**
 * /api/v1/webhooks (docs/webhooks.md): ACR's webhook resource. The service URI and custom header
 * values are secrets, never part of a webhook as listed or shown (ACR hides them too); get-config
 * returns the URI and the header names. The signing secret is returned once, by create.
 */

export type ApiWebhookAction = 'push' | 'delete' | 'quarantine' | 'chart_push' | 'chart_delete';
export type ApiWebhookStatus = 'enabled' | 'disabled';

export interface ApiWebhookCreateRequest {
  /** 5-50 letters and digits. */
  readonly name: string;
  /** http(s) only, no user:password (send an Authorization custom header instead). */
  readonly serviceUri: string;
  readonly actions: readonly ApiWebhookAction[];
  /** `repo:tag`, `repo:*`, `repo` (= `repo:latest`), `*`; '' or absent: everything. */
  readonly scope?: string;
  readonly customHeaders?: Readonly<Record<string, string>>;
  /** @defaultValue 'enabled' */
  readonly status?: ApiWebhookStatus;
}

/** Absent fields stay; `customHeaders: {}` clears them (as az's `--headers {}`). */
export type ApiWebhookUpdateRequest = Partial<Omit<ApiWebhookCreateRequest, 'name'>>;

export interface ApiWebhookHealth {
  /** failing after `webhooks.failingAfterHours` of failures without a break; healthy again on a success. */
  readonly state: 'healthy' | 'failing';
  readonly consecutiveFailures: number;
  readonly failingSince: string | null;
  readonly nextAttemptAt: string | null;
  readonly lastDeliveryAt: string | null;
}

export interface ApiWebhook {
  readonly name: string;
  readonly actions: readonly ApiWebhookAction[];
  readonly scope: string;
  readonly status: ApiWebhookStatus;
  readonly provisioningState: 'Succeeded';
  /** Names of the custom headers (values are never shown). */
  readonly customHeaderNames: readonly string[];
  readonly health: ApiWebhookHealth;
  /** Outbox events not yet handled (delivered or filtered out) by this webhook. */
  readonly backlog: number;
  readonly createdAt: string;
  readonly updatedAt: string;
}

export interface ApiWebhookCreated extends ApiWebhook {
  /** The HMAC-SHA256 key of `X-Slipway-Signature`; shown this once only. */
  readonly signingSecret: string;
}

export interface ApiWebhookList {
  readonly webhooks: readonly ApiWebhook[];
}

/** ACR's getCallbackConfig, without header values: they are never shown after they are set. */
export interface ApiWebhookCallbackConfig {
  readonly serviceUri: string;
  /** Every custom header with its value replaced by `******`. */
  readonly customHeaders: Readonly<Record<string, string>>;
}

export interface ApiWebhookPing {
  /** The id of the ping event (also in its payload and X-Slipway-Event-Id). */
  readonly id: string;
}

export interface ApiWebhookDelivery {
  readonly id: number;
  readonly eventId: string;
  readonly action: string;
  /** `repo:tag`, `repo@digest`, or '' for a ping. */
  readonly image: string;
  /** 1 for the first try of the event, then 2, 3… */
  readonly attempt: number;
  /** The receiver's status; null when none came (refused, timed out). */
  readonly statusCode: number | null;
  /** The first 1 KiB of the response body. */
  readonly response: string;
  readonly error: string | null;
  readonly durationMs: number;
  readonly timestamp: string;
}

export interface ApiWebhookDeliveryList {
  /** Newest first. */
  readonly deliveries: readonly ApiWebhookDelivery[];
}
