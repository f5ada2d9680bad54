import { setTimeout as delay } from 'node:timers/promises';
import type { Logger } from 'pino';
import type { EventStore, RegistryEventRecord } from '../metadata/metadata-store.js';
import { WebhookState, type Webhook, type WebhookHealth } from './webhook-model.js';
import { deliverableFor, type Deliverable } from './webhook-events.js';
import { fetchSender, type WebhookSender } from './webhook-sender.js';
import { signatureHeaders } from './webhook-signature.js';
import type { WebhookStore } from './webhook-store.js';

export interface WebhookDispatcherOptions {
  readonly store: WebhookStore;
  readonly events: EventStore;
  readonly logger: Logger;
  /** @defaultValue fetchSender */
  readonly send?: WebhookSender;
  readonly now?: () => Date;
  /** Waits `ms` or until `signal` aborts (resolving either way). Tests advance a fake clock instead. */
  readonly sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  /** In [0, 1); jitter is ±10 % of a backoff delay. @defaultValue Math.random */
  readonly random?: () => number;
  /** Deadline of one POST. @defaultValue 10_000 */
  readonly timeoutMs?: number;
  /** First retry delay; doubles per failure. @defaultValue 1000 */
  readonly initialBackoffMs?: number;
  /** @defaultValue 300_000 (5 min) */
  readonly maxBackoffMs?: number;
  /** Continuous failure for this long marks the webhook failing. @defaultValue 6 h */
  readonly failingAfterMs?: number;
  /** How often an idle webhook reads the outbox, and the supervisor looks for new webhooks. @defaultValue 1000 */
  readonly pollMs?: number;
  /** Delivery attempts kept per webhook for list-events. @defaultValue 1000 */
  readonly keepDeliveries?: number;
}

/** One unit of a webhook's work: what happened and what to do next. */
export type DispatchStep =
  | { readonly kind: 'delivered' | 'skipped' }
  | { readonly kind: 'idle' | 'gone' }
  | { readonly kind: 'wait'; readonly delayMs: number };

const PAGE = 200;

const abortableSleep = async (ms: number, signal?: AbortSignal): Promise<void> => {
  await delay(ms, undefined, signal === undefined ? {} : { signal }).catch(() => undefined);
};

/**
 * Delivers the registry-event outbox to webhooks (docs/webhooks.md). Each webhook reads the
 * outbox from its own cursor and never skips ahead: a failed event is retried, with exponential
 * backoff and jitter, until its receiver takes it, so delivery is at least once and in outbox
 * order per webhook. Every webhook runs in its own loop, so a slow or failing receiver delays
 * only itself. After `failingAfterMs` of continuous failure a webhook is marked failing (it keeps
 * retrying at the cap and keeps its backlog); the first success marks it healthy again.
 */
export class WebhookDispatcher {
  private readonly now: () => Date;
  private readonly sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
  private readonly send: WebhookSender;
  private readonly loops = new Map<string, Promise<void>>();
  private controller = new AbortController();
  private supervisor: NodeJS.Timeout | undefined;

  constructor(private readonly options: WebhookDispatcherOptions) {
    this.now = options.now ?? (() => new Date());
    this.sleep = options.sleep ?? abortableSleep;
    this.send = options.send ?? fetchSender;
  }

  /** Starts a loop per webhook, and looks for new webhooks every `pollMs`. */
  start(): void {
    this.controller = new AbortController();
    const supervise = (): void => void this.superviseOnce();
    supervise();
    this.supervisor = setInterval(supervise, this.options.pollMs ?? 1000);
    this.supervisor.unref();
  }

  /** Stops every loop (an attempt in flight is aborted and recorded as failed) and waits for them. */
  async stop(): Promise<void> {
    clearInterval(this.supervisor);
    this.controller.abort();
    await Promise.all(this.loops.values());
  }

  /** Every webhook, until it is idle or waits for a retry; never sleeps. For tests and tools. */
  async drain(): Promise<void> {
    for (const hook of await this.options.store.list()) {
      for (let step = await this.step(hook.name); step.kind === 'delivered' || step.kind === 'skipped'; step = await this.step(hook.name));
    }
  }

  /** One webhook until its backlog is delivered, sleeping between retries. */
  async runUntilIdle(name: string, signal?: AbortSignal): Promise<'idle' | 'gone' | 'stopped'> {
    for (;;) {
      if (signal?.aborted === true) return 'stopped';
      const step = await this.step(name);
      if (step.kind === 'idle' || step.kind === 'gone') return step.kind;
      if (step.kind === 'wait') await this.sleep(step.delayMs, signal);
    }
  }

  private async superviseOnce(): Promise<void> {
    try {
      for (const hook of await this.options.store.list()) {
        if (this.loops.has(hook.name) || this.controller.signal.aborted) continue;
        const loop = this.loop(hook.name, this.controller.signal).finally(() => this.loops.delete(hook.name));
        this.loops.set(hook.name, loop);
      }
    } catch (err) {
      this.options.logger.error({ err }, 'webhooks: cannot list webhooks');
    }
  }

  private async loop(name: string, signal: AbortSignal): Promise<void> {
    while (!signal.aborted) {
      let outcome: 'idle' | 'gone' | 'stopped';
      try {
        outcome = await this.runUntilIdle(name, signal);
      } catch (err) {
        this.options.logger.error({ err, webhook: name }, 'webhooks: delivery loop failed');
        outcome = 'idle';
      }
      if (outcome !== 'idle') return;
      await this.sleep(this.options.pollMs ?? 1000, signal);
    }
  }

  /** Reads after the cursor; moves it past events the webhook does not get; attempts the first one it does. */
  async step(name: string): Promise<DispatchStep> {
    const { store, events } = this.options;
    const hook = await store.get(name);
    if (hook === undefined) return { kind: 'gone' };
    if (hook.status === 'disabled') return { kind: 'idle' };
    const dueAt = hook.health.nextAttemptAt === null ? 0 : Date.parse(hook.health.nextAttemptAt);
    const waitMs = dueAt - this.now().getTime();
    if (waitMs > 0) return { kind: 'wait', delayMs: waitMs };
    const page = await events.list(hook.cursor, PAGE);
    let passed: number | undefined;
    for (const event of page) {
      const deliverable = deliverableFor(hook, event);
      if (deliverable === undefined) {
        passed = event.seq;
        continue;
      }
      if (passed !== undefined) await store.progress(name, { cursor: passed });
      return this.attempt(hook, event, deliverable);
    }
    if (passed === undefined) return { kind: 'idle' };
    await store.progress(name, { cursor: passed });
    return { kind: 'skipped' };
  }

  private async attempt(hook: Webhook, event: RegistryEventRecord, deliverable: Deliverable): Promise<DispatchStep> {
    const { store } = this.options;
    const secrets = await store.secrets(hook.name);
    if (secrets === undefined) return { kind: 'gone' };
    const at = this.now();
    const headers: Record<string, string> = { 'content-type': 'application/json', 'user-agent': 'slipway-webhook/1' };
    for (const [key, value] of Object.entries(secrets.customHeaders)) headers[key.toLowerCase()] = value;
    for (const [key, value] of Object.entries(signatureHeaders(secrets.signingSecret, Math.floor(at.getTime() / 1000), deliverable.body))) headers[key.toLowerCase()] = value;
    headers['x-slipway-event-id'] = event.id;
    const result = await this.send({ url: secrets.serviceUri, body: deliverable.body, headers, timeoutMs: this.options.timeoutMs ?? 10_000, signal: this.controller.signal });
    const attempt = hook.health.consecutiveFailures + 1;
    await store.recordDelivery(
      { webhook: hook.name, eventId: event.id, eventSeq: event.seq, action: deliverable.action, image: deliverable.image, attempt, statusCode: result.statusCode, response: result.response, error: result.error, durationMs: result.durationMs, at: at.toISOString() },
      this.options.keepDeliveries ?? 1000,
    );
    const isOk = result.statusCode !== null && result.statusCode >= 200 && result.statusCode < 300;
    if (isOk) {
      if (hook.health.state === WebhookState.failing) this.options.logger.info({ webhook: hook.name }, 'webhook recovered');
      const health: WebhookHealth = { state: WebhookState.healthy, consecutiveFailures: 0, failingSince: null, nextAttemptAt: null, lastDeliveryAt: at.toISOString() };
      await store.progress(hook.name, { cursor: event.seq, health });
      return { kind: 'delivered' };
    }
    return this.failed(hook, at, attempt, result.statusCode);
  }

  private async failed(hook: Webhook, at: Date, failures: number, statusCode: number | null): Promise<DispatchStep> {
    const failingSince = hook.health.failingSince ?? at.toISOString();
    const isFailing = hook.health.state === WebhookState.failing || at.getTime() - Date.parse(failingSince) >= (this.options.failingAfterMs ?? 6 * 3_600_000);
    if (isFailing && hook.health.state !== WebhookState.failing) this.options.logger.warn({ webhook: hook.name, failingSince, attempts: failures }, 'webhook failing');
    const delayMs = this.backoff(failures);
    const health: WebhookHealth = {
      state: isFailing ? WebhookState.failing : WebhookState.healthy,
      consecutiveFailures: failures,
      failingSince,
      nextAttemptAt: new Date(at.getTime() + delayMs).toISOString(),
      lastDeliveryAt: hook.health.lastDeliveryAt,
    };
    await this.options.store.progress(hook.name, { health });
    this.options.logger.debug({ webhook: hook.name, status: statusCode, attempts: failures, delayMs }, 'webhook delivery failed');
    return { kind: 'wait', delayMs };
  }

  /** initial × 2^(failures−1), capped, then ±10 % jitter so receivers that recover are not hit in lockstep. */
  backoff(failures: number): number {
    const initial = this.options.initialBackoffMs ?? 1000;
    const cap = this.options.maxBackoffMs ?? 300_000;
    const base = Math.min(cap, initial * 2 ** Math.min(failures - 1, 30));
    const jitter = 1 + ((this.options.random ?? Math.random)() - 0.5) * 0.2;
    return Math.round(base * jitter);
  }
}
