import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import type { SourceTrigger, Task, TaskSecrets, TaskTriggerCause } from '../../tasks/task-model.js';
import { GitPoller, pollTarget, type GitPollerOptions } from './git-poller.js';

const SHA_A = 'a'.repeat(40);
const SHA_B = 'b'.repeat(40);

function task(name: string, source: Partial<SourceTrigger> | null, status: Task['status'] = 'Enabled'): Task {
  return {
    name,
    status,
    platform: 'linux/amd64',
    agentCpu: 2,
    agentPoolName: null,
    timeoutSeconds: 3600,
    step: { type: 'Docker', contextPath: 'https://git.example.invalid/acme/app.git#main', dockerFilePath: 'Dockerfile', imageNames: [], isPushEnabled: false, noCache: false, target: null, arguments: [], secretArgumentNames: [] },
    triggers: {
      source: source === null ? null : { name: 'src', status: 'Enabled', repositoryUrl: 'https://git.example.invalid/acme/app.git#main', branch: 'main', events: ['commit'], allowForks: false, pollIntervalSeconds: 60, ...source },
      baseImage: null,
      timers: [],
    },
    credentials: [],
    identity: null,
    createdAt: '2026-01-01T00:00:00Z',
    updatedAt: '2026-01-01T00:00:00Z',
  };
}

const secrets: TaskSecrets = { gitAccessToken: 'tok-123', secretArguments: [], secretValues: [], registryPasswords: {}, webhookSecret: 'w' };

interface Harness {
  poller: GitPoller;
  clock: { ms: number };
  heads: Map<string, string | Error | null>;
  calls: string[];
  triggered: TaskTriggerCause[];
  ignored: string[];
}

function harness(tasks: Task[], saved: Map<string, string> = new Map()): Harness {
  const clock = { ms: 0 };
  const heads = new Map<string, string | Error | null>();
  const calls: string[] = [];
  const triggered: TaskTriggerCause[] = [];
  const ignored: string[] = [];
  const options: GitPollerOptions = {
    taskStore: {
      list: async () => tasks,
      getWithSecrets: async (name) => ({ task: tasks.find((t) => t.name === name)!, secrets }),
      pollHead: async (name, target) => saved.get(`${name} ${target}`),
      savePollHead: async (name, target, sha) => void saved.set(`${name} ${target}`, sha),
    },
    tasks: {
      trigger: async (_name, cause) => {
        triggered.push(cause);
        return {} as never;
      },
      ignore: async (_name, _kind, reason) => {
        ignored.push(reason);
        return {} as never;
      },
    },
    logger: pino({ level: 'silent' }),
    now: () => clock.ms,
    lsRemote: async (url, branch) => {
      calls.push(`${url} ${branch}`);
      const head = heads.get(branch) ?? null;
      if (head instanceof Error) throw head;
      return head;
    },
  };
  return { poller: new GitPoller(options), clock, heads, calls, triggered, ignored };
}

describe('which tasks are polled', () => {
  it('polls enabled tasks whose enabled source trigger has an interval and listens to commits', () => {
    expect(pollTarget(task('a', {}))).toMatchObject({ repoUrl: 'https://git.example.invalid/acme/app.git', branch: 'main', intervalMs: 60_000 });
    expect(pollTarget(task('b', { pollIntervalSeconds: null }))).toBeUndefined();
    expect(pollTarget(task('c', {}, 'Disabled'))).toBeUndefined();
    expect(pollTarget(task('d', { status: 'Disabled' }))).toBeUndefined();
    expect(pollTarget(task('e', { events: ['pullrequest'] }))).toBeUndefined();
    expect(pollTarget(task('f', null))).toBeUndefined();
    expect(pollTarget(task('g', { repositoryUrl: 'https://files.example.invalid/ctx.tar.gz' }))).toBeUndefined();
  });
});

describe('polling a branch', () => {
  it('only remembers the first commit it sees, then builds each new one once', async () => {
    const h = harness([task('app', {})]);
    h.heads.set('main', SHA_A);
    await h.poller.pollDue();
    expect(h.triggered).toEqual([]);
    expect(h.ignored).toEqual([expect.stringMatching(/first look, at a{40}/)]);
    // Not due yet: no call.
    h.clock.ms = 30_000;
    await h.poller.pollDue();
    expect(h.calls).toHaveLength(1);
    h.clock.ms = 60_000;
    await h.poller.pollDue();
    expect(h.triggered).toEqual([]);
    h.heads.set('main', SHA_B);
    h.clock.ms = 120_000;
    await h.poller.pollDue();
    expect(h.triggered).toEqual([{ kind: 'Commit', dedupeKey: `commit:${SHA_B}`, commit: SHA_B, branch: 'main' }]);
    h.clock.ms = 180_000;
    await h.poller.pollDue();
    expect(h.triggered).toHaveLength(1);
  });

  it('after a restart, builds a commit pushed while it was down (the last commit seen is kept in the store)', async () => {
    const saved = new Map<string, string>();
    const before = harness([task('app', {})], saved);
    before.heads.set('main', SHA_A);
    await before.poller.pollDue();
    expect(before.triggered).toEqual([]);
    // The server stops; a commit is pushed; a new poller (a restarted server) looks again.
    const after = harness([task('app', {})], saved);
    after.heads.set('main', SHA_B);
    await after.poller.pollDue();
    expect(after.triggered).toEqual([{ kind: 'Commit', dedupeKey: `commit:${SHA_B}`, commit: SHA_B, branch: 'main' }]);
    expect(after.ignored).toEqual([]);
    // Nothing new: a third start builds nothing.
    const again = harness([task('app', {})], saved);
    again.heads.set('main', SHA_B);
    await again.poller.pollDue();
    expect(again.triggered).toEqual([]);
  });

  it("injects the task's git access token into the URL it lists, without the fragment", async () => {
    const h = harness([task('app', {})]);
    h.heads.set('main', SHA_A);
    await h.poller.pollDue();
    expect(h.calls).toEqual(['https://slipway:tok-123@git.example.invalid/acme/app.git main']);
  });

  it('records a failure once, with credentials redacted, until polling works again', async () => {
    const h = harness([task('app', {})]);
    h.heads.set('main', new Error('fatal: unable to access https://slipway:tok-123@git.example.invalid/acme/app.git/'));
    for (const ms of [0, 60_000, 120_000]) {
      h.clock.ms = ms;
      await h.poller.pollDue();
    }
    expect(h.calls).toHaveLength(3);
    expect(h.ignored).toHaveLength(1);
    expect(h.ignored[0]).toMatch(/^polling https:\/\/git\.example\.invalid\/acme\/app\.git failed: fatal: unable to access https:\/\/slipway:\*\*\*@/);
    expect(h.ignored[0]).not.toContain('tok-123');
    h.heads.set('main', null);
    h.clock.ms = 180_000;
    await h.poller.pollDue();
    expect(h.ignored[1]).toMatch(/has no branch main/);
    h.heads.set('main', SHA_A);
    h.clock.ms = 240_000;
    await h.poller.pollDue();
    expect(h.ignored[2]).toMatch(/first look/);
  });

  it('starts over when the branch of the trigger changes', async () => {
    const tasks = [task('app', {})];
    const h = harness(tasks);
    h.heads.set('main', SHA_A);
    h.heads.set('release', SHA_B);
    await h.poller.pollDue();
    tasks[0] = task('app', { branch: 'release' });
    await h.poller.pollDue();
    expect(h.triggered).toEqual([]);
    expect(h.ignored.filter((r) => r.includes('first look'))).toHaveLength(2);
  });
});
