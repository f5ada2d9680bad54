import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { createSqliteBackends, type SqliteBackends } from '../../metadata/sqlite/sqlite-adapter.js';
import { TaskService } from '../../tasks/task-service.js';
import { TimerScheduler, type TimerOutcome } from './timer-scheduler.js';

/**
 * Two servers sharing one database: two connections to one SQLite file, each with its own task
 * service and scheduler, polling the same minutes in both orders.
 */

let dir: string;
let servers: SqliteBackends[];

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'slipway-timers-'));
  servers = [createSqliteBackends({ path: join(dir, 'slipway.db') }), createSqliteBackends({ path: join(dir, 'slipway.db') })];
  for (const s of servers) await s.init();
});
afterEach(async () => {
  for (const s of servers) await s.close();
  await rm(dir, { recursive: true, force: true });
});

it('fires each tick of a */5 timer once across two servers over 31 minutes', async () => {
  const [one, two] = servers as [SqliteBackends, SqliteBackends];
  const created = '2026-03-02T09:59:30.000Z';
  await one.taskStore.create(
    {
      name: 'shared',
      status: 'Enabled',
      platform: 'linux/amd64',
      agentCpu: 2,
      agentPoolName: null,
      timeoutSeconds: 600,
      step: { type: 'EncodedTask', taskFile: 'version: v1.1.0\nsteps:\n  - cmd: busybox echo tick\n', valuesFile: null, values: [], secretValueNames: [] },
      triggers: { source: null, baseImage: null, timers: [{ name: 'every5', schedule: '*/5 * * * *', status: 'Enabled' }] },
      credentials: [],
      identity: null,
      createdAt: created,
      updatedAt: created,
    },
    { gitAccessToken: null, secretArguments: [], secretValues: [], registryPasswords: {}, webhookSecret: 'w' },
  );
  const schedulers = [one, two].map((b) => new TimerScheduler({ taskStore: b.taskStore, tasks: new TaskService({ store: b.taskStore, queue: b.runQueue }), logger: pino({ level: 'silent' }) }));
  const outcomes: TimerOutcome[] = [];
  for (let minute = 0; minute <= 31; minute += 1) {
    const at = new Date(Date.parse(created) + minute * 60_000 + 500);
    const order = minute % 2 === 0 ? schedulers : [...schedulers].reverse();
    const results = await Promise.all(order.map((s) => s.poll(at)));
    outcomes.push(...results.flat());
  }
  const fired = outcomes.filter((o) => o.outcome === 'fired').map((o) => o.tick);
  expect(fired).toEqual(['10:00', '10:05', '10:10', '10:15', '10:20', '10:25', '10:30'].map((hhmm) => `2026-03-02T${hhmm}:00.000Z`));
  expect(outcomes.filter((o) => o.outcome === 'taken')).toHaveLength(7);
  expect(await two.runQueue.list({ top: 100 })).toHaveLength(7);
  expect((await one.taskStore.listEvents('shared', 100)).map((e) => e.outcome)).toEqual(Array<string>(7).fill('queued'));
});
