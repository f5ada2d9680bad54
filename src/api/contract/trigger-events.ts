/**
 * /api/v1 contract for source-trigger webhooks and trigger events (docs/triggers.md).
 *
 * POST /api/v1/tasks/:name/webhook      a GitHub, GitLab, Gitea or Forgejo delivery; no Slipway
 *                                       credentials: the HMAC signature (or GitLab token) made with
 *                                       the task's webhook secret is the authentication.
 *      202 ApiWebhookResult (200 for a ping); 401 WEBHOOK_REJECTED (no or wrong signature);
 *      400 REQUEST_INVALID (malformed JSON, a field missing); 404 TASK_NOT_FOUND.
 * GET  /api/v1/tasks/:name/trigger-events?top=N
 *      200 ApiTriggerEventList, newest first (N from 1 to 1000, default 20); 404 TASK_NOT_FOUND
 *      when the task neither exists nor has events.
 */

export type ApiTriggerKind = 'Manual' | 'Commit' | 'PullRequest' | 'ImageUpdate' | 'Timer';
export type ApiTriggerOutcome = 'queued' | 'duplicate' | 'ignored' | 'rejected';

export interface ApiWebhookResult {
  readonly outcome: ApiTriggerOutcome;
  readonly reason: string;
  /** The run queued, or the earlier run a duplicate refers to; null otherwise. */
  readonly runId: string | null;
}

/** What a trigger saw and did with it (`slipway task explain-trigger`). */
export interface ApiTriggerEvent {
  readonly id: number;
  readonly taskName: string;
  readonly kind: ApiTriggerKind;
  readonly receivedAt: string;
  readonly outcome: ApiTriggerOutcome;
  readonly reason: string;
  readonly runId: string | null;
  /** Commit, branch, pull request, provider and delivery id, dedupe key: whatever the trigger knew. */
  readonly detail: Readonly<Record<string, unknown>>;
}

export interface ApiTriggerEventList {
  readonly events: ApiTriggerEvent[];
}
