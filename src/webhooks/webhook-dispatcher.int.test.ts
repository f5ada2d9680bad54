import { randomUUID } from 'node:crypto';
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createSqliteBackends, type SqliteBackends } from '../metadata/sqlite/sqlite-adapter.js';
import { startReceiver, type WebhookReceiver } from '../../test/helpers/webhook-receiver.js';
import { WebhookDispatcher, type WebhookDispatcherOptions } from './webhook-dispatcher.js';
import { WebhookService } from './webhook-service.js';
import { verifySignature } from './webhook-signature.js';

let backends: SqliteBackends;
let clock: number;
let sleeps: number[];
let receivers: WebhookReceiver[];

beforeEach(async () => {
  backends = createSqliteBackends({ path: ':memory:' });
  await backends.init();
  clock = Date.parse('2026-01-01T00:00:00Z');
  sleeps = [];
  receivers = [];
});

afterEach(async () => {
  await Promise.all(receivers.map((r) => r.close()));
  await backends.close();
});

const now = (): Date => new Date(clock);

/** A dispatcher on the fake clock: sleeping advances it, and records how long. */
function dispatcher(options: Partial<WebhookDispatcherOptions> = {}): WebhookDispatcher {
  return new WebhookDispatcher({
    store: backends.webhookStore,
    events: backends.metadata.events,
    logger: pino({ level: 'silent' }),
    now,
    sleep: async (ms) => {
      sleeps.push(ms);
      clock += ms;
    },
    random: () => 0.5,
    ...options,
  });
}

async function receiver(script: number[] = [], then = 200): Promise<WebhookReceiver> {
  const r = await startReceiver(script, then);
  receivers.push(r);
  return r;
}

async function webhook(name: string, url: string, extra: { scope?: string } = {}): Promise<string> {
  const service = new WebhookService(backends.webhookStore, backends.metadata.events, now);
  const { signingSecret } = await service.create({ name, serviceUri: url, actions: ['push', 'delete'], scope: extra.scope ?? '', customHeaders: { Authorization: 'Bearer hook-token' }, status: 'enabled' });
  return signingSecret;
}

/** Appends a push event to the outbox as the registry does; returns its id. */
async function push(repository: string, tag: string): Promise<string> {
  const id = randomUUID();
  const payload = { id, timestamp: now().toISOString(), action: 'push', target: { mediaType: 'application/vnd.oci.image.manifest.v1+json', size: 1, length: 1, digest: `sha256:${'a'.repeat(64)}`, repository, tag }, actor: {} };
  await backends.metadata.events.append({ id, action: 'push', repository, occurredAt: payload.timestamp, payload: JSON.stringify(payload) });
  return id;
}

const ids = (r: WebhookReceiver): string[] => r.received.map((d) => (JSON.parse(d.body) as { id: string }).id);

describe('webhook delivery', () => {
  it('retries the same event with exponential backoff until the receiver recovers, then delivers the rest in order', async () => {
    const r = await receiver([500, 503, 500]);
    const secret = await webhook('orders1', r.url);
    const events = [await push('web', 'v1'), await push('web', 'v2'), await push('api', 'v1')];
    const d = dispatcher();

    expect(await d.runUntilIdle('orders1')).toBe('idle');

    expect(sleeps).toEqual([1000, 2000, 4000]);
    expect(ids(r)).toEqual([events[0], events[0], events[0], events[0], events[1], events[2]]);
    const deliveries = (await backends.webhookStore.deliveries('orders1', 100)).reverse();
    expect(deliveries.map((x) => [x.eventId, x.attempt, x.statusCode])).toEqual([
      [events[0], 1, 500],
      [events[0], 2, 503],
      [events[0], 3, 500],
      [events[0], 4, 200],
      [events[1], 1, 200],
      [events[2], 1, 200],
    ]);
    expect(deliveries[0]?.response).toBe('nope 1');
    const hook = await backends.webhookStore.get('orders1');
    expect(hook?.health).toMatchObject({ state: 'healthy', consecutiveFailures: 0, failingSince: null, nextAttemptAt: null });
    expect(hook?.cursor).toBe(await backends.metadata.events.lastSeq());
    // Every attempt is signed anew, carries the custom header and the JSON content type.
    for (const delivery of r.received) {
      expect(delivery.headers['content-type']).toBe('application/json');
      expect(delivery.headers.authorization).toBe('Bearer hook-token');
      const timestamp = delivery.headers['x-slipway-timestamp'] as string;
      expect(verifySignature({ secret, timestamp, signature: delivery.headers['x-slipway-signature'] as string, body: delivery.body, nowSeconds: Number(timestamp) })).toBe(true);
    }
  });

  it('caps the backoff and marks a webhook failing after the threshold, keeping its backlog, then healthy on success', async () => {
    const r = await receiver([500, 500, 500, 500]);
    await webhook('failing1', r.url);
    const first = await push('web', 'v1');
    await push('web', 'v2');
    const d = dispatcher({ failingAfterMs: 2500, maxBackoffMs: 3000 });
    const step = async (): Promise<unknown> => {
      const s = await d.step('failing1');
      if (s.kind === 'wait') clock += s.delayMs;
      return s;
    };

    expect(await step()).toEqual({ kind: 'wait', delayMs: 1000 });
    expect(await step()).toEqual({ kind: 'wait', delayMs: 2000 });
    expect((await backends.webhookStore.get('failing1'))?.health.state).toBe('healthy');
    expect(await step()).toEqual({ kind: 'wait', delayMs: 3000 }); // 4000, capped; 3000 ms of failure ≥ 2500
    const failing = await backends.webhookStore.get('failing1');
    expect(failing?.health).toMatchObject({ state: 'failing', consecutiveFailures: 3, failingSince: '2026-01-01T00:00:00.000Z' });
    expect(failing?.cursor).toBe(0);
    expect(await step()).toEqual({ kind: 'wait', delayMs: 3000 });
    expect(await step()).toEqual({ kind: 'delivered' });
    expect(await step()).toEqual({ kind: 'delivered' });
    expect(await step()).toEqual({ kind: 'idle' });
    expect((await backends.webhookStore.get('failing1'))?.health).toMatchObject({ state: 'healthy', consecutiveFailures: 0, failingSince: null });
    expect(ids(r).filter((id) => id === first)).toHaveLength(5);
  });

  it('does not attempt before a pending retry is due', async () => {
    const r = await receiver([500]);
    await webhook('due12345', r.url);
    await push('web', 'v1');
    const d = dispatcher();
    expect(await d.step('due12345')).toEqual({ kind: 'wait', delayMs: 1000 });
    clock += 400;
    expect(await d.step('due12345')).toEqual({ kind: 'wait', delayMs: 600 });
    expect(r.received).toHaveLength(1);
  });

  it('records a receiver that cannot be reached as a failed attempt without a status', async () => {
    const r = await receiver();
    await r.close();
    receivers = [];
    await webhook('refused1', r.url);
    await push('web', 'v1');
    expect(await dispatcher().step('refused1')).toEqual({ kind: 'wait', delayMs: 1000 });
    const [attempt] = await backends.webhookStore.deliveries('refused1', 10);
    expect(attempt).toMatchObject({ attempt: 1, statusCode: null });
    expect(attempt?.error).toBeTruthy();
  });

  it('starts a new webhook at the end of the outbox and skips events outside its scope', async () => {
    await push('web', 'old');
    const r = await receiver();
    await webhook('scoped1', r.url, { scope: 'web:v*' });
    await push('api', 'v1');
    const wanted = await push('web', 'v2');
    await push('web', 'latest');
    expect(await dispatcher().runUntilIdle('scoped1')).toBe('idle');
    expect(ids(r)).toEqual([wanted]);
    expect((await backends.webhookStore.get('scoped1'))?.cursor).toBe(await backends.metadata.events.lastSeq());
  });

  it('keeps webhooks independent: one failing receiver does not hold back another', async () => {
    const bad = await receiver([], 500);
    const good = await receiver();
    await webhook('badhook1', bad.url);
    await webhook('goodhook1', good.url);
    const events = [await push('web', 'v1'), await push('web', 'v2'), await push('web', 'v3')];
    // Real sleeps here: the failing webhook waits a minute for its retry while the other delivers.
    const d = new WebhookDispatcher({ store: backends.webhookStore, events: backends.metadata.events, logger: pino({ level: 'silent' }), pollMs: 20, initialBackoffMs: 60_000 });
    d.start();
    try {
      const deadline = Date.now() + 10_000;
      while (good.received.length < 3 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));
    } finally {
      await d.stop();
    }
    expect(ids(good)).toEqual(events);
    expect(ids(bad)).toEqual([events[0]]);
  });
});
