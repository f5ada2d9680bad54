import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createSqliteBackends, type SqliteBackends } from '../metadata/sqlite/sqlite-adapter.js';
import type { Task, TaskSecrets } from './task-model.js';
import { normaliseBase, runContextUrl, TaskService } from './task-service.js';

let backends: SqliteBackends;
let service: TaskService;
const SECRETS: TaskSecrets = { gitAccessToken: 'ghp-token-123', secretArguments: [{ name: 'NPM_TOKEN', value: 'npm-secret' }], secretValues: [], registryPasswords: {}, webhookSecret: 'w' };

function dockerTask(extra: Partial<Task> = {}): Task {
  const at = new Date().toISOString();
  return {
    name: 'web-app',
    status: 'Enabled',
    platform: 'linux/amd64',
    agentCpu: 2,
    agentPoolName: null,
    timeoutSeconds: 900,
    step: { type: 'Docker', contextPath: 'https://git.example.invalid/org/app.git#main:web', dockerFilePath: 'Dockerfile', imageNames: ['web:{{.Run.ID}}'], isPushEnabled: true, noCache: false, target: null, arguments: [{ name: 'MODE', value: 'prod' }], secretArgumentNames: ['NPM_TOKEN'] },
    triggers: { source: { name: 's', status: 'Enabled', repositoryUrl: 'https://git.example.invalid/org/app.git#main:web', branch: 'main', events: ['commit'], allowForks: false, pollIntervalSeconds: null }, baseImage: null, timers: [{ name: 't1', schedule: '0 3 * * *', status: 'Disabled' }] },
    credentials: [],
    identity: null,
    createdAt: at,
    updatedAt: at,
    ...extra,
  };
}

beforeEach(async () => {
  backends = createSqliteBackends({ path: ':memory:' });
  await backends.init();
  service = new TaskService({ store: backends.taskStore, queue: backends.runQueue });
  await backends.taskStore.create(dockerTask(), SECRETS);
});
afterEach(async () => {
  await backends.close();
});

describe('TaskService.trigger', () => {
  it('builds the commit a push named, once per commit, with the token kept secret', async () => {
    const first = await service.trigger('web-app', { kind: 'Commit', dedupeKey: 'commit:abc1234', commit: 'abc1234', branch: 'main' });
    expect(first).toMatchObject({ outcome: 'queued' });
    const run = first.run!;
    expect(run).toMatchObject({ runType: 'AutoBuild', trigger: 'Commit', taskName: 'web-app' });
    expect(run.request).toMatchObject({ sourceLocation: 'https://slipway:***@git.example.invalid/org/app.git#abc1234:web', dockerfile: 'Dockerfile', images: ['web:{{.Run.ID}}'], buildArgs: [{ name: 'MODE', value: 'prod' }], secretBuildArgNames: ['NPM_TOKEN'], timeoutSeconds: 900 });
    expect(run.request['sourceTrigger']).toMatchObject({ eventType: 'commit', commitId: 'abc1234', branchName: 'main' });
    expect(JSON.stringify(run.request)).not.toContain('ghp-token-123');
    const leased = await backends.runQueue.lease({ pool: 'default', ownerId: 'a', leaseTtlMs: 60_000 });
    expect(leased?.secretRequest).toMatchObject({ sourceLocation: 'https://slipway:ghp-token-123@git.example.invalid/org/app.git#abc1234:web', secretBuildArgs: [{ name: 'NPM_TOKEN', value: 'npm-secret' }] });

    const again = await service.trigger('web-app', { kind: 'Commit', dedupeKey: 'commit:abc1234', commit: 'abc1234', branch: 'main' });
    expect(again).toMatchObject({ outcome: 'duplicate', run: { runId: run.runId } });
    expect((await backends.runQueue.list()).length).toBe(1);
  });

  it('refuses what the task does not listen to, and records why; a manual run needs only the task', async () => {
    expect(await service.trigger('web-app', { kind: 'PullRequest', dedupeKey: 'pr:1:abc', commit: 'abc', pullRequest: { number: 1, headRepository: 'x', isFork: false } })).toMatchObject({ outcome: 'ignored', reason: 'the source trigger does not listen to pullrequest events' });
    expect(await service.trigger('web-app', { kind: 'Timer', dedupeKey: 'timer:t1:x', timer: { name: 't1', tick: '2026-01-01T03:00:00.000Z' } })).toMatchObject({ outcome: 'ignored' });
    expect(await service.trigger('web-app', { kind: 'ImageUpdate', dedupeKey: 'base:x', images: [] })).toMatchObject({ outcome: 'ignored', reason: 'the base-image trigger is off' });
    await backends.taskStore.update('web-app', (task, secrets) => ({ task: { ...task, status: 'Disabled' }, secrets }));
    expect(await service.trigger('web-app', { kind: 'Commit', dedupeKey: 'commit:x', commit: 'x' })).toMatchObject({ outcome: 'ignored', reason: 'the task is Disabled' });
    const manual = await service.trigger('web-app', { kind: 'Manual', dedupeKey: null, overrides: { arguments: [{ name: 'MODE', value: 'debug' }], target: 'test' } });
    expect(manual.outcome).toBe('queued');
    expect(manual.run?.request).toMatchObject({ buildArgs: [{ name: 'MODE', value: 'debug' }], target: 'test', sourceLocation: 'https://slipway:***@git.example.invalid/org/app.git#main:web' });
    expect((await backends.taskStore.listEvents('web-app', 10)).map((e) => e.outcome)).toEqual(['queued', 'ignored', 'ignored', 'ignored', 'ignored']);
    await expect(service.trigger('nope', { kind: 'Manual', dedupeKey: null })).rejects.toMatchObject({ code: 'TASK_NOT_FOUND' });
  });

  it('records the base images of a successful task run as its dependencies, Docker Hub names normalised', async () => {
    const { run } = await service.trigger('web-app', { kind: 'Manual', dedupeKey: null });
    await service.recordDependencies({ ...run!, status: 'Succeeded', baseImages: [{ registry: '', repository: 'busybox', tag: 'latest', digest: 'sha256:aa', isRuntime: true }, { registry: '127.0.0.1:5000', repository: 'tools/go', tag: '1', digest: null, isRuntime: false }] });
    expect((await backends.taskStore.dependencies('web-app')).map((d) => [d.registry, d.repository, d.tag, d.type])).toEqual([
      ['docker.io', 'library/busybox', 'latest', 'Runtime'],
      ['127.0.0.1:5000', 'tools/go', '1', 'BuildTime'],
    ]);
    expect(await backends.taskStore.dependentsOf('library/busybox', 'latest')).toHaveLength(1);
  });
});

describe('helpers', () => {
  it('points a context at a commit and adds the token to https URLs only', () => {
    expect(runContextUrl('https://h.example.invalid/a.git#main:web', 'c0ffee', 't')).toBe('https://slipway:t@h.example.invalid/a.git#c0ffee:web');
    expect(runContextUrl('https://u:p@h.example.invalid/a.git', undefined, 't')).toBe('https://u:p@h.example.invalid/a.git');
    expect(runContextUrl('git@h.example.invalid:a.git#main', 'c0ffee', 't')).toBe('git@h.example.invalid:a.git#c0ffee');
    expect(runContextUrl('http://127.0.0.1:8080/ctx.tar.gz', 'c0ffee', null)).toBe('http://127.0.0.1:8080/ctx.tar.gz');
    expect(normaliseBase('', 'node')).toEqual({ registry: 'docker.io', repository: 'library/node' });
    expect(normaliseBase('docker.io', 'grafana/grafana')).toEqual({ registry: 'docker.io', repository: 'grafana/grafana' });
    expect(normaliseBase('127.0.0.1:5000', 'node')).toEqual({ registry: '127.0.0.1:5000', repository: 'node' });
  });
});
