import { randomUUID } from 'node:crypto';
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createSqliteBackends, type SqliteBackends } from '../../metadata/sqlite/sqlite-adapter.js';
import type { Task, TaskDependency } from '../../tasks/task-model.js';
import { TaskService } from '../../tasks/task-service.js';
import { BaseImageWatcher } from './base-image-watcher.js';
import { ownRegistryMatcher } from './attach.js';

const OWN = '127.0.0.1:5000';
const D = (n: number): string => `sha256:${String(n).repeat(64).slice(0, 64)}`;

let backends: SqliteBackends;
let service: TaskService;
let remote: Map<string, string>;

function task(name: string, extra: Partial<Task> = {}): Task {
  const at = new Date().toISOString();
  return {
    name,
    status: 'Enabled',
    platform: 'linux/amd64',
    agentCpu: 2,
    agentPoolName: null,
    timeoutSeconds: 600,
    step: { type: 'EncodedTask', taskFile: 'version: v1.1.0\nsteps:\n  - cmd: busybox echo hi\n', valuesFile: null, values: [], secretValueNames: [] },
    triggers: { source: null, baseImage: { name: 'defaultBaseimageTriggerName', status: 'Enabled', type: 'Runtime' }, timers: [] },
    credentials: [],
    identity: null,
    createdAt: at,
    updatedAt: at,
    ...extra,
  };
}

async function create(t: Task, deps: Array<Omit<TaskDependency, 'taskName' | 'recordedAt' | 'checkedAt'>>): Promise<void> {
  await backends.taskStore.create(t, { gitAccessToken: null, secretArguments: [], secretValues: [], registryPasswords: {}, webhookSecret: 'x' });
  const at = new Date().toISOString();
  await backends.taskStore.setDependencies(t.name, deps.map((d) => ({ ...d, recordedAt: at, checkedAt: null })));
}

function watcher(): BaseImageWatcher {
  return new BaseImageWatcher({
    meta: backends.metadata,
    store: backends.taskStore,
    tasks: service,
    logger: pino({ level: 'silent' }),
    isOwnRegistry: ownRegistryMatcher(5000, '0.0.0.0', 'https://slipway.example.invalid'),
    mirrorNamespace: 'library',
    remoteDigest: async (dep) => remote.get(`${dep.registry}/${dep.repository}:${dep.tag}`),
  });
}

async function push(repository: string, tag: string, digest: string): Promise<void> {
  const id = randomUUID();
  const payload = JSON.stringify({ id, action: 'push', target: { repository, tag, digest, mediaType: 'application/vnd.oci.image.manifest.v1+json' } });
  await backends.metadata.events.append({ id, action: 'push', repository, occurredAt: new Date().toISOString(), payload });
}

async function runsOf(taskName: string) {
  return (await backends.runQueue.list({ top: 100 })).filter((r) => r.taskName === taskName);
}

beforeEach(async () => {
  backends = createSqliteBackends({ path: ':memory:' });
  await backends.init();
  service = new TaskService({ store: backends.taskStore, queue: backends.runQueue });
  remote = new Map();
});
afterEach(async () => {
  await backends.close();
});

describe('base-image trigger', () => {
  it('queues each dependent task once per new digest; the same digest again, or a restart, queues nothing more', async () => {
    await create(task('app-one'), [{ registry: OWN, repository: 'library/busybox', tag: 'latest', digest: D(1), type: 'Runtime' }]);
    await create(task('app-two'), [{ registry: 'docker.io', repository: 'library/busybox', tag: 'latest', digest: D(1), type: 'Runtime' }]);
    await create(task('unrelated'), [{ registry: OWN, repository: 'library/alpine', tag: 'latest', digest: D(1), type: 'Runtime' }]);
    const first = watcher();
    await push('library/busybox', 'latest', D(9)); // before the first start: history is not replayed
    expect(await first.processOutbox()).toBe(0);
    await push('library/busybox', 'latest', D(2));
    expect(await first.processOutbox()).toBe(1);
    for (const name of ['app-one', 'app-two']) {
      const runs = await runsOf(name);
      expect(runs).toHaveLength(1);
      expect(runs[0]).toMatchObject({ trigger: 'ImageUpdate', runType: 'AutoRun', taskName: name });
      expect(runs[0]?.request['imageUpdateTrigger']).toMatchObject({ images: [{ repository: 'library/busybox', tag: 'latest', digest: D(2) }] });
    }
    expect(await runsOf('unrelated')).toHaveLength(0);

    await push('library/busybox', 'latest', D(2));
    // A restarted server reads on from the saved cursor.
    expect(await watcher().processOutbox()).toBe(1);
    expect(await runsOf('app-one')).toHaveLength(1);
    const events = await backends.taskStore.listEvents('app-one', 10);
    expect(events.map((e) => e.outcome)).toEqual(['duplicate', 'queued']);
  });

  it('ignores a push of the digest the task built from, build-time bases for Runtime tasks, and disabled tasks', async () => {
    await create(task('same-digest'), [{ registry: OWN, repository: 'base/node', tag: '20', digest: D(3), type: 'Runtime' }]);
    await create(task('runtime-only'), [{ registry: OWN, repository: 'base/node', tag: '20', digest: D(1), type: 'BuildTime' }]);
    await create(task('all-stages', { triggers: { source: null, baseImage: { name: 'b', status: 'Enabled', type: 'All' }, timers: [] } }), [
      { registry: OWN, repository: 'base/node', tag: '20', digest: D(1), type: 'BuildTime' },
    ]);
    await create(task('switched-off', { status: 'Disabled' }), [{ registry: OWN, repository: 'base/node', tag: '20', digest: D(1), type: 'Runtime' }]);
    const w = watcher();
    await w.processOutbox();
    await push('base/node', '20', D(3));
    await w.processOutbox();
    expect((await backends.taskStore.listEvents('same-digest', 1))[0]).toMatchObject({ outcome: 'ignored', reason: expect.stringContaining('digest the task last built from') });
    expect((await backends.taskStore.listEvents('runtime-only', 1))[0]).toMatchObject({ outcome: 'ignored', reason: expect.stringContaining('only a build-time base') });
    expect(await runsOf('all-stages')).toHaveLength(1);
    expect((await backends.taskStore.listEvents('switched-off', 1))[0]).toMatchObject({ outcome: 'ignored', reason: 'the task is Disabled' });
    expect(await runsOf('switched-off')).toHaveLength(0);
  });

  it('compares bases in other registries and queues once when their digest moved', async () => {
    await create(task('external'), [{ registry: 'other.example.invalid:5000', repository: 'team/base', tag: '1', digest: D(1), type: 'Runtime' }]);
    const w = watcher();
    await w.checkExternal();
    expect(await runsOf('external')).toHaveLength(0);
    remote.set('other.example.invalid:5000/team/base:1', D(4));
    await w.checkExternal();
    await w.checkExternal();
    expect(await runsOf('external')).toHaveLength(1);
    expect((await backends.taskStore.dependencies('external'))[0]?.checkedAt).not.toBeNull();
  });

  it('knows its own registry by any loopback name on its port, its bound address and its public host', () => {
    const own = ownRegistryMatcher(5000, '10.0.0.7', 'https://slipway.example.invalid');
    for (const r of ['127.0.0.1:5000', 'localhost:5000', '[::1]:5000', '10.0.0.7:5000', 'slipway.example.invalid']) expect(own(r), r).toBe(true);
    for (const r of ['127.0.0.1:5001', 'localhost', 'other.example.invalid:5000', 'docker.io']) expect(own(r), r).toBe(false);
  });
});
