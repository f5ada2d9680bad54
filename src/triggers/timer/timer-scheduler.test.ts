import { Writable } from 'node:stream';
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createSqliteBackends, type SqliteBackends } from '../../metadata/sqlite/sqlite-adapter.js';
import type { Task, TaskSecrets, TimerTrigger } from '../../tasks/task-model.js';
import { TaskService } from '../../tasks/task-service.js';
import { TimerScheduler, type TimerSchedulerOptions } from './timer-scheduler.js';

const SECRETS: TaskSecrets = { gitAccessToken: null, secretArguments: [], secretValues: [], registryPasswords: {}, webhookSecret: 'w' };

/** Wall clock and timers under the test's control; timers fire in time order when the clock is advanced. */
class FakeClock {
  private nowMs: number;
  private nextId = 1;
  readonly pending: { id: number; atMs: number; delayMs: number; fn: () => void }[] = [];

  constructor(iso: string) {
    this.nowMs = Date.parse(iso);
  }

  readonly now = (): Date => new Date(this.nowMs);
  readonly setTimer = (fn: () => void, delayMs: number): unknown => {
    const id = this.nextId++;
    this.pending.push({ id, atMs: this.nowMs + delayMs, delayMs, fn });
    return id;
  };
  readonly clearTimer = (id: unknown): void => {
    const i = this.pending.findIndex((p) => p.id === id);
    if (i >= 0) this.pending.splice(i, 1);
  };

  /** Sets the wall clock without firing timers (a clock jump). */
  set(iso: string): void {
    this.nowMs = Date.parse(iso);
  }

  /** Fires every timer due up to `iso`, letting each scheduler's pass finish before the next. */
  async advanceTo(iso: string, schedulers: readonly TimerScheduler[]): Promise<void> {
    const target = Date.parse(iso);
    for (const s of schedulers) await s.idle();
    for (;;) {
      const due = this.pending.filter((p) => p.atMs <= target).sort((a, b) => a.atMs - b.atMs)[0];
      if (due === undefined) break;
      this.pending.splice(this.pending.indexOf(due), 1);
      this.nowMs = due.atMs;
      due.fn();
      for (const s of schedulers) await s.idle();
    }
    this.nowMs = target;
  }
}

function timerTask(name: string, timers: readonly TimerTrigger[], updatedAt: string, extra: Partial<Task> = {}): Task {
  return {
    name,
    status: 'Enabled',
    platform: 'linux/amd64',
    agentCpu: 2,
    agentPoolName: null,
    timeoutSeconds: 600,
    step: { type: 'EncodedTask', taskFile: 'version: v1.1.0\nsteps:\n  - cmd: busybox echo tick\n', valuesFile: null, values: [], secretValueNames: [] },
    triggers: { source: null, baseImage: null, timers },
    credentials: [],
    identity: null,
    createdAt: updatedAt,
    updatedAt,
    ...extra,
  };
}

const every5: TimerTrigger = { name: 'every5', schedule: '*/5 * * * *', status: 'Enabled' };

let backends: SqliteBackends;
let clock: FakeClock;
let tasks: TaskService;
let logLines: Record<string, unknown>[];
const started: TimerScheduler[] = [];

function scheduler(options: Partial<TimerSchedulerOptions> = {}): TimerScheduler {
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      logLines.push(JSON.parse(chunk.toString()) as Record<string, unknown>);
      done();
    },
  });
  const s = new TimerScheduler({ taskStore: backends.taskStore, tasks, logger: pino({ level: 'info' }, stream), now: clock.now, setTimer: clock.setTimer, clearTimer: clock.clearTimer, ...options });
  started.push(s);
  return s;
}

async function runTicks(taskName?: string): Promise<string[]> {
  const runs = await backends.runQueue.list({ top: 1000, ...(taskName === undefined ? {} : { taskName }) });
  return runs.map((r) => (r.request['timerTrigger'] as { scheduleOccurrence: string }).scheduleOccurrence).sort();
}

const at = (hhmm: string): string => `2026-03-02T${hhmm}:00.000Z`;

beforeEach(async () => {
  backends = createSqliteBackends({ path: ':memory:' });
  await backends.init();
  clock = new FakeClock('2026-03-02T09:59:30.000Z');
  tasks = new TaskService({ store: backends.taskStore, queue: backends.runQueue, now: clock.now });
  logLines = [];
});
afterEach(async () => {
  for (const s of started.splice(0)) await s.stop();
  await backends.close();
});

describe('TimerScheduler', () => {
  it('fires a */5 timer exactly once per tick over 31 minutes: 7 Timer runs', async () => {
    await backends.taskStore.create(timerTask('nightly', [every5], '2026-03-02T09:59:30.000Z'), SECRETS);
    const s = scheduler();
    s.start();
    await s.idle();
    // Wakes one second after the next minute starts.
    expect(clock.pending.map((p) => p.delayMs)).toEqual([31_000]);
    await clock.advanceTo('2026-03-02T10:30:30.000Z', [s]);

    expect(await runTicks()).toEqual([at('10:00'), at('10:05'), at('10:10'), at('10:15'), at('10:20'), at('10:25'), at('10:30')]);
    const runs = await backends.runQueue.list({ top: 100 });
    for (const run of runs) {
      expect(run).toMatchObject({ trigger: 'Timer', taskName: 'nightly', runType: 'AutoRun' });
      expect(run.request['timerTrigger']).toMatchObject({ timerTriggerName: 'every5' });
    }
    expect((await backends.taskStore.listEvents('nightly', 100)).map((e) => e.outcome)).toEqual(Array<string>(7).fill('queued'));
    expect(await backends.taskStore.lastTick('nightly', 'every5')).toBe(at('10:30'));
    const fired = logLines.filter((l) => l['msg'] === 'timer: tick fired');
    expect(fired.map((l) => [l['level'], l['tick']])).toEqual(runs.map((r) => [30, (r.request['timerTrigger'] as { scheduleOccurrence: string }).scheduleOccurrence]).reverse());
  });

  it('fires each tick once when two schedulers share one database', async () => {
    await backends.taskStore.create(timerTask('shared', [every5], '2026-03-02T09:59:30.000Z'), SECRETS);
    const a = scheduler();
    const b = scheduler();
    a.start();
    b.start();
    await clock.advanceTo('2026-03-02T10:30:30.000Z', [a, b]);
    expect(await runTicks()).toEqual([at('10:00'), at('10:05'), at('10:10'), at('10:15'), at('10:20'), at('10:25'), at('10:30')]);
    // Every due tick was seen by both: one fired it, the other found it taken.
    const c = scheduler();
    expect(await c.poll(new Date('2026-03-02T10:30:40.000Z'))).toEqual([]);
    expect(await a.poll(new Date('2026-03-02T10:35:05.000Z'))).toEqual([{ taskName: 'shared', timerName: 'every5', tick: at('10:35'), outcome: 'fired' }]);
    expect(await b.poll(new Date('2026-03-02T10:35:05.000Z'))).toEqual([]);
    expect((await backends.taskStore.listEvents('shared', 100)).every((e) => e.outcome === 'queued')).toBe(true);
  });

  it('after a restart runs only the latest missed tick (within the catch-up window) and records the older ones once', async () => {
    await backends.taskStore.create(timerTask('restart', [every5], '2026-03-02T09:59:30.000Z'), SECRETS);
    const first = scheduler();
    first.start();
    await clock.advanceTo('2026-03-02T10:12:00.000Z', [first]);
    await first.stop();
    expect(clock.pending).toEqual([]);
    expect(await runTicks()).toEqual([at('10:00'), at('10:05'), at('10:10')]);

    // Down from 10:12 to 10:31:20: 10:15, 10:20, 10:25 and 10:30 passed unseen.
    clock.set('2026-03-02T10:31:20.000Z');
    const second = scheduler();
    second.start();
    await second.idle();
    expect(await runTicks()).toEqual([at('10:00'), at('10:05'), at('10:10'), at('10:30')]);
    const [latest, missed] = await backends.taskStore.listEvents('restart', 2);
    expect(missed).toMatchObject({ outcome: 'ignored', kind: 'Timer', reason: `missed while the server was down: 3 ticks from ${at('10:15')} to ${at('10:25')} (only the latest due tick is considered)`, detail: { timer: 'every5', count: 3, firstTick: at('10:15') } });
    expect(latest).toMatchObject({ outcome: 'queued' });

    await clock.advanceTo('2026-03-02T10:41:00.000Z', [second]);
    expect(await runTicks()).toEqual([at('10:00'), at('10:05'), at('10:10'), at('10:30'), at('10:35'), at('10:40')]);
    // A third start sees nothing new to do.
    expect(await scheduler().poll(clock.now())).toEqual([]);
  });

  it('skips a tick older than the catch-up window and records it, never re-running it', async () => {
    const nightly: TimerTrigger = { name: 'nightly', schedule: '0 3 * * *', status: 'Enabled' };
    await backends.taskStore.create(timerTask('night', [nightly], '2026-03-01T12:00:00.000Z'), SECRETS);
    clock.set('2026-03-02T05:00:00.000Z');
    const s = scheduler();
    expect(await s.poll(clock.now())).toEqual([{ taskName: 'night', timerName: 'nightly', tick: '2026-03-02T03:00:00.000Z', outcome: 'missed' }]);
    expect(await runTicks()).toEqual([]);
    expect((await backends.taskStore.listEvents('night', 10)).map((e) => [e.outcome, e.reason])).toEqual([
      ['ignored', 'missed while the server was down: tick 2026-03-02T03:00:00.000Z is older than the catch-up window (3600s)'],
    ]);
    expect(await scheduler().poll(new Date('2026-03-02T05:30:00.000Z'))).toEqual([]);
    expect(await s.poll(new Date('2026-03-03T03:00:01.000Z'))).toMatchObject([{ tick: '2026-03-03T03:00:00.000Z', outcome: 'fired' }]);
    expect(await runTicks()).toEqual(['2026-03-03T03:00:00.000Z']);
  });

  it('runs a missed nightly tick once when the server is back within the catch-up window', async () => {
    const nightly: TimerTrigger = { name: 'nightly', schedule: '0 3 * * *', status: 'Enabled' };
    await backends.taskStore.create(timerTask('night', [nightly], '2026-03-01T12:00:00.000Z'), SECRETS);
    expect(await scheduler({ catchUpSeconds: 7200 }).poll(new Date('2026-03-02T04:59:00.000Z'))).toMatchObject([{ outcome: 'fired' }]);
    expect(await scheduler({ catchUpSeconds: 7200 }).poll(new Date('2026-03-02T05:10:00.000Z'))).toEqual([]);
    expect(await runTicks()).toEqual(['2026-03-02T03:00:00.000Z']);
  });

  it('does not fire for ticks before the timer was added or changed', async () => {
    await backends.taskStore.create(timerTask('fresh', [every5], '2026-03-02T10:02:30.000Z'), SECRETS);
    clock.set('2026-03-02T10:02:30.000Z');
    const s = scheduler();
    s.start();
    await s.idle();
    expect(await runTicks()).toEqual([]);
    await clock.advanceTo('2026-03-02T10:06:00.000Z', [s]);
    expect(await runTicks()).toEqual([at('10:05')]);
    expect((await backends.taskStore.listEvents('fresh', 10)).map((e) => e.outcome)).toEqual(['queued']);
  });

  it("counts from the timer's own start: editing the task right after a tick does not skip that tick", async () => {
    // The timer exists since 09:50; the tick of 10:00 is due; the task is edited at 10:00:00.5,
    // before the scheduler's pass: the tick still fires.
    await backends.taskStore.create(timerTask('edited', [{ ...every5, since: '2026-03-02T09:50:00.000Z' }], '2026-03-02T10:00:00.500Z'), SECRETS);
    clock.set('2026-03-02T10:00:01.000Z');
    const s = scheduler();
    s.start();
    await s.idle();
    expect(await runTicks('edited')).toEqual([at('10:00')]);
  });

  it('fires nothing for a Disabled timer or a Disabled task, and records nothing', async () => {
    await backends.taskStore.create(timerTask('off-timer', [{ ...every5, status: 'Disabled' }], '2026-03-02T09:00:00.000Z'), SECRETS);
    await backends.taskStore.create(timerTask('off-task', [every5], '2026-03-02T09:00:00.000Z', { status: 'Disabled' }), SECRETS);
    const s = scheduler();
    s.start();
    await clock.advanceTo('2026-03-02T10:30:30.000Z', [s]);
    expect(await runTicks()).toEqual([]);
    expect(await backends.taskStore.listEvents('off-timer', 10)).toEqual([]);
    expect(await backends.taskStore.listEvents('off-task', 10)).toEqual([]);
    expect(await backends.taskStore.lastTick('off-task', 'every5')).toBeUndefined();
  });

  it('re-fires nothing when the clock jumps back', async () => {
    await backends.taskStore.create(timerTask('jumpy', [every5], '2026-03-02T09:59:30.000Z'), SECRETS);
    const s = scheduler();
    s.start();
    await clock.advanceTo('2026-03-02T10:10:30.000Z', [s]);
    expect(await runTicks()).toEqual([at('10:00'), at('10:05'), at('10:10')]);
    expect(await s.poll(new Date('2026-03-02T10:00:30.000Z'))).toEqual([]);
    expect(await s.poll(new Date('2026-03-02T10:05:01.000Z'))).toEqual([]);
    expect(await s.poll(new Date('2026-03-02T10:15:01.000Z'))).toMatchObject([{ tick: at('10:15'), outcome: 'fired' }]);
    expect(await runTicks()).toEqual([at('10:00'), at('10:05'), at('10:10'), at('10:15')]);
  });

  it('fires several timers of one task on their own schedules, and skips an invalid saved schedule with one warning', async () => {
    const hourly: TimerTrigger = { name: 'hourly', schedule: '0 * * * *', status: 'Enabled' };
    const broken: TimerTrigger = { name: 'broken', schedule: '0 0 31 2 *', status: 'Enabled' };
    await backends.taskStore.create(timerTask('multi', [every5, hourly, broken], '2026-03-02T09:59:30.000Z'), SECRETS);
    const s = scheduler();
    s.start();
    await clock.advanceTo('2026-03-02T10:10:30.000Z', [s]);
    const runs = await backends.runQueue.list({ top: 100 });
    expect(runs.map((r) => `${(r.request['timerTrigger'] as { timerTriggerName: string }).timerTriggerName}@${(r.request['timerTrigger'] as { scheduleOccurrence: string }).scheduleOccurrence}`).sort()).toEqual([
      `every5@${at('10:00')}`,
      `every5@${at('10:05')}`,
      `every5@${at('10:10')}`,
      `hourly@${at('10:00')}`,
    ]);
    expect(logLines.filter((l) => l['msg'] === 'timer: invalid schedule, timer skipped').map((l) => [l['level'], l['timer']])).toEqual([[40, 'broken']]);
  });

  it('stops waking after stop()', async () => {
    await backends.taskStore.create(timerTask('stopped', [every5], '2026-03-02T09:59:30.000Z'), SECRETS);
    const s = scheduler();
    s.start();
    await s.idle();
    await s.stop();
    expect(clock.pending).toEqual([]);
    await clock.advanceTo('2026-03-02T10:30:30.000Z', [s]);
    expect(await runTicks()).toEqual([]);
  });
});
