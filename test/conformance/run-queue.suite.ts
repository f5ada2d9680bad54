import { afterEach, beforeEach, describe, expect } from 'vitest';
import { cancelTests, eventTests, listTests, outcomeTests } from './run-queue.cases.js';
import { POOL, TTL_MS, TestClock, expectCode, newRun, type Ctx, type QueueUnderTest } from './run-queue.fixtures.js';
import { conformanceTests, type ConformanceTest, type SkipList } from './skip-list.js';

/** Storage for one test; `open` may be called again to get a second instance (a second process). */
export interface RunQueueHarness {
  /** Opens a migrated (`init()`ed) queue over this test's storage, reading time from `now`. */
  open(options: { readonly now: () => Date }): Promise<{ queue: QueueUnderTest; close(): Promise<void> }>;
  cleanup(): Promise<void>;
}

/** Builds fresh, empty storage for one test. */
export type RunQueueFactory = () => Promise<RunQueueHarness>;

/**
 * The RunQueue contract (src/queue/run-queue.ts) every backend runs; it uses only the port.
 * `skip` maps a test title to the reason this backend cannot honour it.
 */
export function runQueueSuite(name: string, factory: RunQueueFactory, skip?: SkipList): void {
  describe(`RunQueue conformance: ${name}`, () => {
    const { test, checkSkipList } = conformanceTests(skip);
    const ctx = {} as Ctx;
    let harness: RunQueueHarness;
    let closers: Array<() => Promise<void>>;

    beforeEach(async () => {
      harness = await factory();
      closers = [];
      ctx.clock = new TestClock();
      const open = async (): Promise<QueueUnderTest> => {
        const opened = await harness.open({ now: ctx.clock.now });
        closers.push(opened.close);
        return opened.queue;
      };
      ctx.queue = await open();
      ctx.openPeer = open;
    });

    afterEach(async () => {
      for (const close of closers.reverse()) await close();
      await harness.cleanup();
    });

    describe('enqueue', () => enqueueTests(test, ctx));
    describe('lease', () => leaseTests(test, ctx));
    describe('concurrency', () => concurrencyTests(test, ctx));
    describe('heartbeats and expiry', () => heartbeatTests(test, ctx));
    describe('complete and fail', () => outcomeTests(test, ctx));
    describe('cancel', () => cancelTests(test, ctx));
    describe('reads', () => listTests(test, ctx));
    describe('events', () => eventTests(test, ctx));
    checkSkipList();
  });
}

function enqueueTests(test: ConformanceTest, ctx: Ctx): void {
  test('enqueue stores a Queued run with its request and the defaults', async () => {
    const { run, isCreated } = await ctx.queue.enqueue(newRun({ taskName: 'feed-index' }));
    expect(isCreated).toBe(true);
    expect(run).toMatchObject({
      status: 'Queued', runType: 'QuickBuild', trigger: 'Manual', taskName: 'feed-index', platform: 'linux/amd64',
      agentCpu: 2, pool: 'default', priority: 0, attempts: 0, maxAttempts: 1, isCancelRequested: false,
      createTime: ctx.clock.now().toISOString(), startTime: null, finishTime: null, outputImages: [], baseImages: [],
    });
    expect(run.request).toEqual({ tags: ['app:{{.Run.ID}}'], dockerfile: 'Dockerfile' });
    expect(await ctx.queue.get(run.runId)).toEqual(run);
  });

  test('run ids are allocated sequentially as ca1, ca2, ca3', async () => {
    const ids = [];
    for (let i = 0; i < 3; i++) ids.push((await ctx.queue.enqueue(newRun())).run.runId);
    expect(ids).toEqual(['ca1', 'ca2', 'ca3']);
  });

  test('enqueue with a used idempotency key returns the existing run and uses no run id', async () => {
    const first = await ctx.queue.enqueue(newRun({ idempotencyKey: 'k1' }));
    const again = await ctx.queue.enqueue(newRun({ idempotencyKey: 'k1', priority: 9 }));
    expect(again.isCreated).toBe(false);
    expect(again.run).toEqual(first.run);
    expect((await ctx.queue.enqueue(newRun({ idempotencyKey: 'k2' }))).run.runId).toBe('ca2');
  });

  test('concurrent enqueues with one idempotency key create one run', async () => {
    const results = await Promise.all(Array.from({ length: 5 }, () => ctx.queue.enqueue(newRun({ idempotencyKey: 'same' }))));
    expect(new Set(results.map((r) => r.run.runId)).size).toBe(1);
    expect(results.filter((r) => r.isCreated)).toHaveLength(1);
  });

  test('reads never return the secret request; lease hands it to the agent', async () => {
    const { run } = await ctx.queue.enqueue(newRun({ secretRequest: { buildArgs: { TOKEN: 's3cret' } } }));
    expect(JSON.stringify(run)).not.toContain('s3cret');
    expect(JSON.stringify(await ctx.queue.get(run.runId))).not.toContain('s3cret');
    expect(JSON.stringify(await ctx.queue.list())).not.toContain('s3cret');
    const leased = await ctx.queue.lease({ pool: POOL, ownerId: 'a', leaseTtlMs: TTL_MS });
    expect(leased?.secretRequest).toEqual({ buildArgs: { TOKEN: 's3cret' } });
    expect(JSON.stringify(leased?.run)).not.toContain('s3cret');
  });
}

function leaseTests(test: ConformanceTest, ctx: Ctx): void {
  test('lease takes the highest priority first, then the oldest', async () => {
    for (const priority of [0, 5, 0, 5]) {
      await ctx.queue.enqueue(newRun({ priority }));
      ctx.clock.advance(1);
    }
    const order = [];
    for (let i = 0; i < 4; i++) order.push((await ctx.queue.lease({ pool: POOL, ownerId: 'a', leaseTtlMs: TTL_MS }))?.run.runId);
    expect(order).toEqual(['ca2', 'ca4', 'ca1', 'ca3']);
  });

  test('lease only takes runs of its own pool', async () => {
    await ctx.queue.enqueue(newRun({ pool: 'gpu' }));
    expect(await ctx.queue.lease({ pool: POOL, ownerId: 'a', leaseTtlMs: TTL_MS })).toBeUndefined();
    expect((await ctx.queue.lease({ pool: 'gpu', ownerId: 'a', leaseTtlMs: TTL_MS }))?.run.pool).toBe('gpu');
  });

  test('lease returns undefined when the pool has no Queued run', async () => {
    expect(await ctx.queue.lease({ pool: POOL, ownerId: 'a', leaseTtlMs: TTL_MS })).toBeUndefined();
  });

  test('lease moves the run to Running with owner, expiry, start time and one attempt', async () => {
    await ctx.queue.enqueue(newRun());
    ctx.clock.advance(250);
    const leased = await ctx.queue.lease({ pool: POOL, ownerId: 'agent-1', leaseTtlMs: TTL_MS });
    const now = ctx.clock.now().getTime();
    expect(leased?.run).toMatchObject({
      status: 'Running', leaseOwner: 'agent-1', attempts: 1, startTime: new Date(now).toISOString(),
      leaseExpiresAt: new Date(now + TTL_MS).toISOString(), heartbeatAt: new Date(now).toISOString(),
    });
    expect(await ctx.queue.lease({ pool: POOL, ownerId: 'agent-2', leaseTtlMs: TTL_MS })).toBeUndefined();
  });
}

/** Enqueues `count` runs while `leasers` lease in parallel until every run is taken. */
async function raceLeasers(queues: readonly QueueUnderTest[], count: number, leasers: number): Promise<string[]> {
  const leased: string[] = [];
  let enqueued = 0;
  const enqueuer = (async () => {
    for (let i = 0; i < count; i++) {
      await queues[0]!.enqueue(newRun());
      enqueued++;
    }
  })();
  const leaser = async (n: number): Promise<void> => {
    const queue = queues[n % queues.length]!;
    while (enqueued < count || leased.length < count) {
      const got = await queue.lease({ pool: POOL, ownerId: `agent-${n}`, leaseTtlMs: TTL_MS });
      if (got !== undefined) leased.push(got.run.runId);
      else if (enqueued >= count) break;
      // Yield to the event loop so enqueues and the other leasers interleave with this one.
      await new Promise((resolve) => setImmediate(resolve));
    }
  };
  await Promise.all([enqueuer, ...Array.from({ length: leasers }, (_, n) => leaser(n))]);
  return leased;
}

function concurrencyTests(test: ConformanceTest, ctx: Ctx): void {
  test('four parallel leasers take each of 50 runs exactly once', async () => {
    const leased = await raceLeasers([ctx.queue], 50, 4);
    expect(leased).toHaveLength(50);
    expect(new Set(leased).size).toBe(50);
  });

  test('leasers on two instances over the same storage take each of 50 runs exactly once', async () => {
    const peer = await ctx.openPeer();
    const leased = await raceLeasers([ctx.queue, peer], 50, 4);
    expect(leased).toHaveLength(50);
    expect(new Set(leased).size).toBe(50);
    // Both instances took part: leasers 0 and 2 use the first, 1 and 3 the peer.
    const owners = (await ctx.queue.list({ top: 100 })).map((r) => Number(r.leaseOwner?.slice('agent-'.length)) % 2);
    expect(new Set(owners)).toEqual(new Set([0, 1]));
  });
}

function heartbeatTests(test: ConformanceTest, ctx: Ctx): void {
  const leaseOne = async (): Promise<string> => {
    await ctx.queue.enqueue(newRun());
    return (await ctx.queue.lease({ pool: POOL, ownerId: 'a', leaseTtlMs: TTL_MS }))!.run.runId;
  };

  test('heartbeat extends the lease from now', async () => {
    const runId = await leaseOne();
    ctx.clock.advance(TTL_MS - 1);
    const beat = await ctx.queue.heartbeat(runId, 'a', TTL_MS);
    expect(beat).toEqual({ leaseExpiresAt: new Date(ctx.clock.now().getTime() + TTL_MS).toISOString(), isCancelRequested: false });
    ctx.clock.advance(TTL_MS - 1);
    expect(await ctx.queue.expireLeases()).toEqual([]);
  });

  test('heartbeat after the lease expired fails with QUEUE_LEASE_LOST', async () => {
    const runId = await leaseOne();
    ctx.clock.advance(TTL_MS);
    await expectCode(ctx.queue.heartbeat(runId, 'a', TTL_MS), 'QUEUE_LEASE_LOST');
  });

  test('heartbeat by another owner fails with QUEUE_LEASE_LOST; an unknown run with RUN_NOT_FOUND', async () => {
    const runId = await leaseOne();
    await expectCode(ctx.queue.heartbeat(runId, 'b', TTL_MS), 'QUEUE_LEASE_LOST');
    await expectCode(ctx.queue.heartbeat('ca999', 'a', TTL_MS), 'RUN_NOT_FOUND');
  });

  test('expireLeases ends an expired run as Error with RUN_LEASE_EXPIRED', async () => {
    const runId = await leaseOne();
    ctx.clock.advance(TTL_MS);
    const reaped = await ctx.queue.expireLeases();
    expect(reaped.map((r) => r.runId)).toEqual([runId]);
    expect(await ctx.queue.get(runId)).toMatchObject({ status: 'Error', errorCode: 'RUN_LEASE_EXPIRED', finishTime: ctx.clock.now().toISOString() });
    await expectCode(ctx.queue.heartbeat(runId, 'a', TTL_MS), 'QUEUE_LEASE_LOST');
    await expectCode(ctx.queue.complete(runId, 'a', { status: 'Succeeded' }), 'RUN_STATE_INVALID');
  });

  test('expireLeases leaves runs whose lease is current', async () => {
    const runId = await leaseOne();
    ctx.clock.advance(TTL_MS - 1);
    expect(await ctx.queue.expireLeases()).toEqual([]);
    expect((await ctx.queue.get(runId))?.status).toBe('Running');
  });

  test('expireLeases puts an expired run with attempts left back in the queue', async () => {
    await ctx.queue.enqueue(newRun({ maxAttempts: 2 }));
    const first = (await ctx.queue.lease({ pool: POOL, ownerId: 'a', leaseTtlMs: TTL_MS }))!.run;
    ctx.clock.advance(TTL_MS);
    expect((await ctx.queue.expireLeases())[0]).toMatchObject({ runId: first.runId, status: 'Queued', leaseOwner: null, attempts: 1 });
    const second = (await ctx.queue.lease({ pool: POOL, ownerId: 'b', leaseTtlMs: TTL_MS }))!.run;
    expect(second).toMatchObject({ runId: first.runId, attempts: 2, startTime: first.startTime });
    ctx.clock.advance(TTL_MS);
    expect((await ctx.queue.expireLeases())[0]).toMatchObject({ status: 'Error', errorCode: 'RUN_LEASE_EXPIRED' });
  });
}
