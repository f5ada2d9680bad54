import { expect } from 'vitest';
import type { ImageDescriptor, RunQueueEventName } from '../../src/queue/run-queue.js';
import { POOL, TTL_MS, expectCode, newRun, type Ctx } from './run-queue.fixtures.js';
import type { ConformanceTest } from './skip-list.js';

async function leaseOne(ctx: Ctx, maxAttempts = 1): Promise<string> {
  await ctx.queue.enqueue(newRun({ maxAttempts }));
  return (await ctx.queue.lease({ pool: POOL, ownerId: 'a', leaseTtlMs: TTL_MS }))!.run.runId;
}

const IMAGE: ImageDescriptor = { registry: 'localhost:5000', repository: 'team/app', tag: 'v1', digest: `sha256:${'a'.repeat(64)}` };

export function outcomeTests(test: ConformanceTest, ctx: Ctx): void {
  test('complete records the outcome, output images, base images and billing', async () => {
    const runId = await leaseOne(ctx);
    ctx.clock.advance(4_000);
    const run = await ctx.queue.complete(runId, 'a', {
      status: 'Succeeded', outputImages: [IMAGE], billedSeconds: 4, cost: 0.0004, logSizeBytes: 1234,
      baseImages: [{ registry: 'localhost:5000', repository: 'library/busybox', tag: 'latest', digest: null, isRuntime: true }],
    });
    expect(run).toMatchObject({
      status: 'Succeeded', finishTime: ctx.clock.now().toISOString(), outputImages: [IMAGE], billedSeconds: 4,
      cost: 0.0004, logSizeBytes: 1234, leaseExpiresAt: null, errorCode: null,
    });
    expect(run.baseImages).toHaveLength(1);
    expect(await ctx.queue.get(runId)).toEqual(run);
  });

  test('complete records Failed and Timeout with their error', async () => {
    const failed = await ctx.queue.complete(await leaseOne(ctx), 'a', { status: 'Failed', errorCode: 'ENGINE_BUILD_FAILED', runErrorMessage: 'RUN false: exit 1' });
    expect(failed).toMatchObject({ status: 'Failed', errorCode: 'ENGINE_BUILD_FAILED', runErrorMessage: 'RUN false: exit 1' });
    const timedOut = await ctx.queue.complete(await leaseOne(ctx), 'a', { status: 'Timeout', runErrorMessage: 'exceeded 600 s' });
    expect(timedOut.status).toBe('Timeout');
  });

  test('complete by an agent that does not hold the lease fails with QUEUE_LEASE_LOST', async () => {
    const runId = await leaseOne(ctx);
    await expectCode(ctx.queue.complete(runId, 'b', { status: 'Succeeded' }), 'QUEUE_LEASE_LOST');
    await expectCode(ctx.queue.complete('ca404', 'a', { status: 'Succeeded' }), 'RUN_NOT_FOUND');
  });

  test('complete with a status that is not an outcome fails with RUN_STATE_INVALID', async () => {
    const runId = await leaseOne(ctx);
    for (const status of ['Queued', 'Running', 'Error']) {
      await expectCode(ctx.queue.complete(runId, 'a', { status } as never), 'RUN_STATE_INVALID');
    }
  });

  test('a retryable failure re-queues the run until maxAttempts, then ends it as Error', async () => {
    const runId = await leaseOne(ctx, 3);
    const failure = { isRetryable: true, errorCode: 'ENGINE_UNAVAILABLE', runErrorMessage: 'engine down' };
    for (const attempts of [1, 2]) {
      expect(await ctx.queue.fail(runId, 'a', failure)).toMatchObject({ status: 'Queued', attempts, leaseOwner: null });
      expect((await ctx.queue.lease({ pool: POOL, ownerId: 'a', leaseTtlMs: TTL_MS }))?.run.attempts).toBe(attempts + 1);
    }
    expect(await ctx.queue.fail(runId, 'a', failure)).toMatchObject({ status: 'Error', attempts: 3, errorCode: 'ENGINE_UNAVAILABLE' });
  });

  test('a permanent failure ends the run as Error with its code and message', async () => {
    const runId = await leaseOne(ctx, 3);
    const run = await ctx.queue.fail(runId, 'a', { isRetryable: false, errorCode: 'SOURCE_UNREACHABLE', runErrorMessage: 'clone failed' });
    expect(run).toMatchObject({ status: 'Error', errorCode: 'SOURCE_UNREACHABLE', runErrorMessage: 'clone failed', attempts: 1 });
    await expectCode(ctx.queue.fail(runId, 'a', { isRetryable: true, errorCode: 'X', runErrorMessage: 'x' }), 'RUN_STATE_INVALID');
  });

  test('a finished run never changes status again', async () => {
    const runId = await leaseOne(ctx);
    await ctx.queue.complete(runId, 'a', { status: 'Succeeded' });
    await expectCode(ctx.queue.complete(runId, 'a', { status: 'Failed' }), 'RUN_STATE_INVALID');
    await expectCode(ctx.queue.requestCancel(runId), 'RUN_STATE_INVALID');
    await expectCode(ctx.queue.heartbeat(runId, 'a', TTL_MS), 'QUEUE_LEASE_LOST');
    expect(await ctx.queue.lease({ pool: POOL, ownerId: 'a', leaseTtlMs: TTL_MS })).toBeUndefined();
    ctx.clock.advance(TTL_MS * 2);
    expect(await ctx.queue.expireLeases()).toEqual([]);
    expect((await ctx.queue.get(runId))?.status).toBe('Succeeded');
  });
}

export function cancelTests(test: ConformanceTest, ctx: Ctx): void {
  test('cancelling a Queued run makes it Canceled at once, and again is a no-op', async () => {
    const { run } = await ctx.queue.enqueue(newRun());
    const canceled = await ctx.queue.requestCancel(run.runId);
    expect(canceled).toMatchObject({ status: 'Canceled', finishTime: ctx.clock.now().toISOString() });
    expect(await ctx.queue.requestCancel(run.runId)).toEqual(canceled);
    expect(await ctx.queue.lease({ pool: POOL, ownerId: 'a', leaseTtlMs: TTL_MS })).toBeUndefined();
  });

  test('cancelling a Running run sets a flag its agent sees on heartbeat, then the agent completes it', async () => {
    const runId = await leaseOne(ctx);
    expect(await ctx.queue.requestCancel(runId)).toMatchObject({ status: 'Running', isCancelRequested: true });
    expect(await ctx.queue.requestCancel(runId)).toMatchObject({ status: 'Running', isCancelRequested: true });
    expect((await ctx.queue.heartbeat(runId, 'a', TTL_MS)).isCancelRequested).toBe(true);
    expect((await ctx.queue.complete(runId, 'a', { status: 'Canceled' })).status).toBe('Canceled');
  });

  test('a Running run with a pending cancel is not retried: failure or expiry ends it Canceled', async () => {
    const failed = await leaseOne(ctx, 3);
    await ctx.queue.requestCancel(failed);
    expect((await ctx.queue.fail(failed, 'a', { isRetryable: true, errorCode: 'X', runErrorMessage: 'x' })).status).toBe('Canceled');
    const orphan = await leaseOne(ctx, 3);
    await ctx.queue.requestCancel(orphan);
    ctx.clock.advance(TTL_MS);
    expect((await ctx.queue.expireLeases()).map((r) => [r.runId, r.status])).toEqual([[orphan, 'Canceled']]);
  });

  test('cancelling an unknown run fails with RUN_NOT_FOUND', async () => {
    await expectCode(ctx.queue.requestCancel('ca77'), 'RUN_NOT_FOUND');
  });
}

export function listTests(test: ConformanceTest, ctx: Ctx): void {
  test('list returns the newest runs first, at most top (15 by default)', async () => {
    for (let i = 0; i < 17; i++) {
      await ctx.queue.enqueue(newRun());
      ctx.clock.advance(1_000);
    }
    const all = await ctx.queue.list();
    expect(all).toHaveLength(15);
    expect(all[0]?.runId).toBe('ca17');
    expect((await ctx.queue.list({ top: 3 })).map((r) => r.runId)).toEqual(['ca17', 'ca16', 'ca15']);
  });

  test('list filters by status, task name, pool and output image', async () => {
    const built = await leaseOne(ctx);
    await ctx.queue.enqueue(newRun({ taskName: 'nightly' }));
    await ctx.queue.complete(built, 'a', { status: 'Succeeded', outputImages: [IMAGE, { ...IMAGE, repository: 'team/app_x', tag: 'v2' }] });
    await ctx.queue.enqueue(newRun({ pool: 'gpu' }));
    const ids = async (filter: Parameters<typeof ctx.queue.list>[0]): Promise<string[]> => (await ctx.queue.list(filter)).map((r) => r.runId);
    expect(await ids({ status: 'Succeeded' })).toEqual([built]);
    expect(await ids({ status: 'Queued' })).toEqual(['ca3', 'ca2']);
    expect(await ids({ taskName: 'nightly' })).toEqual(['ca2']);
    expect(await ids({ pool: 'gpu' })).toEqual(['ca3']);
    expect(await ids({ image: 'team/app:v1' })).toEqual([built]);
    expect(await ids({ image: `team/app@${IMAGE.digest ?? ''}` })).toEqual([built]);
    expect(await ids({ image: 'team/app_x:v2' })).toEqual([built]);
    expect(await ids({ image: 'team/app:v2' })).toEqual([]);
    expect(await ids({ image: 'team/app%' })).toEqual([]);
    expect(await ids({ image: 'team/app_x:v1' })).toEqual([]);
  });

  test('get returns undefined for an unknown run', async () => {
    expect(await ctx.queue.get('ca1')).toBeUndefined();
  });
}

export function eventTests(test: ConformanceTest, ctx: Ctx): void {
  test('events fire after enqueue, lease, cancel request, requeue and finish', async () => {
    const heard: Array<[RunQueueEventName, string, string]> = [];
    for (const event of ['enqueued', 'leased', 'cancelRequested', 'requeued', 'finished'] as const) {
      ctx.queue.on(event, ({ run }) => heard.push([event, run.runId, run.status]));
    }
    const runId = await leaseOne(ctx, 2);
    await ctx.queue.fail(runId, 'a', { isRetryable: true, errorCode: 'X', runErrorMessage: 'x' });
    await ctx.queue.lease({ pool: POOL, ownerId: 'a', leaseTtlMs: TTL_MS });
    await ctx.queue.requestCancel(runId);
    await ctx.queue.complete(runId, 'a', { status: 'Canceled' });
    expect(heard).toEqual([
      ['enqueued', runId, 'Queued'], ['leased', runId, 'Running'], ['requeued', runId, 'Queued'],
      ['leased', runId, 'Running'], ['cancelRequested', runId, 'Running'], ['finished', runId, 'Canceled'],
    ]);
  });

  test('an unsubscribed or throwing listener does not stop the write or other listeners', async () => {
    let heard = 0;
    const off = ctx.queue.on('enqueued', () => heard++);
    ctx.queue.on('enqueued', () => {
      throw new Error('listener bug');
    });
    ctx.queue.on('enqueued', () => heard++);
    await ctx.queue.enqueue(newRun());
    off();
    const { isCreated } = await ctx.queue.enqueue(newRun());
    expect(isCreated).toBe(true);
    expect(heard).toBe(3);
  });
}
