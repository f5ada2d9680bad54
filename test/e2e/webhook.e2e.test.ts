import { execFile } from 'node:child_process';
import { chmod, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiRun } from '../../src/api/contract/runs.js';
import type { ApiTriggerEventList, ApiWebhookResult } from '../../src/api/contract/trigger-events.js';
import { seedBusybox } from '../../src/registry/seed/index.js';
import type { Task, TaskSecrets } from '../../src/tasks/task-model.js';
import { githubSignature } from '../../src/triggers/source/webhook-signature.js';
import { BASIC_AUTH, buildTestServer, type TestServer } from '../helpers/build-test-server.js';
import { engineSocket } from '../helpers/e2e.js';
import { startGitHttpServer, type GitHttpServer } from '../helpers/git-http-server.js';
import { listenLocal } from '../helpers/raw-http.js';

/**
 * Source triggers end to end: a bare repository served over git's smart HTTP on loopback, whose
 * post-receive hook signs a GitHub-format push event with openssl and delivers it with curl; the
 * real agent and engine build what the trigger queued. Also: redelivery, a bad signature, and
 * polling a branch with `git ls-remote`.
 */

const exec = promisify(execFile);
const gitEnv = { ...process.env, GIT_AUTHOR_NAME: 'T', GIT_AUTHOR_EMAIL: 't@example.invalid', GIT_COMMITTER_NAME: 'T', GIT_COMMITTER_EMAIL: 't@example.invalid', GIT_CONFIG_NOSYSTEM: '1' };
const SECRET = 'e2e-webhook-secret-5f2a';

const socket = engineSocket();
let server: TestServer;
let port: number;
let work: string;
let gitServer: GitHttpServer;
let src: string;
let hookOut: string;

async function git(cwd: string, ...args: string[]): Promise<string> {
  return (await exec('git', ['-c', 'init.defaultBranch=main', ...args], { cwd, env: gitEnv })).stdout.trim();
}

/** The hook: for each updated ref, a push event with every new commit (oldest first) and `after` the newest. */
function postReceiveHook(url: string): string {
  return `#!/bin/sh
set -eu
OUT='${hookOut}'
while read old new ref; do
  commits=""
  for c in $(git rev-list --reverse "$old..$new"); do
    commits="$commits\${commits:+,}{\\"id\\":\\"$c\\",\\"message\\":\\"$(git log -1 --format=%s "$c")\\"}"
  done
  body="{\\"ref\\":\\"$ref\\",\\"before\\":\\"$old\\",\\"after\\":\\"$new\\",\\"deleted\\":false,\\"commits\\":[$commits],\\"head_commit\\":{\\"id\\":\\"$new\\"},\\"repository\\":{\\"id\\":1,\\"full_name\\":\\"acme/app\\"}}"
  printf '%s' "$body" > "$OUT/body.json"
  sig=$(openssl dgst -sha256 -hmac '${SECRET}' < "$OUT/body.json" | sed 's/^.*= //')
  printf 'sha256=%s' "$sig" > "$OUT/signature"
  curl -sS -o "$OUT/response.json" -w '%{http_code}' -X POST -H 'Content-Type: application/json' -H 'X-GitHub-Event: push' \\
    -H "X-GitHub-Delivery: $new" -H "X-Hub-Signature-256: sha256=$sig" --data-binary @"$OUT/body.json" '${url}' > "$OUT/status"
done
`;
}

function task(name: string, branch: string, pollIntervalSeconds: number | null): Task {
  const context = `${gitServer.url}/app.git#${branch}`;
  return {
    name,
    status: 'Enabled',
    platform: 'linux/amd64',
    agentCpu: 2,
    agentPoolName: null,
    timeoutSeconds: 600,
    step: { type: 'Docker', contextPath: context, dockerFilePath: 'Dockerfile', imageNames: [`${name}:{{.Run.ID}}`], isPushEnabled: false, noCache: true, target: null, arguments: [], secretArgumentNames: [] },
    triggers: { source: { name: 'defaultSourceTriggerName', status: 'Enabled', repositoryUrl: context, branch, events: ['commit', 'pullrequest'], allowForks: false, pollIntervalSeconds }, baseImage: null, timers: [] },
    credentials: [],
    identity: null,
    createdAt: '2026-01-01T00:00:00.000Z',
    updatedAt: '2026-01-01T00:00:00.000Z',
  };
}

const secrets: TaskSecrets = { gitAccessToken: null, secretArguments: [], secretValues: [], registryPasswords: {}, webhookSecret: SECRET };

async function commit(message: string): Promise<string> {
  await writeFile(join(src, 'version.txt'), `${message}\n`);
  await git(src, 'commit', '--quiet', '-am', message);
  return git(src, 'rev-parse', 'HEAD');
}

async function taskRuns(name: string): Promise<ApiRun[]> {
  return (await server.get('/api/v1/runs?top=100')).json<{ runs: ApiRun[] }>().runs.filter((r) => r.task === name);
}

async function triggerEvents(name: string): Promise<ApiTriggerEventList['events']> {
  return (await server.get(`/api/v1/tasks/${name}/trigger-events?top=100`)).json<ApiTriggerEventList>().events;
}

/** Polls `probe` until it returns a value, or fails after `timeoutMs` (no fixed sleeps). */
async function eventually<T>(probe: () => Promise<T | undefined>, what: string, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** Follows the log to its end (the response ends when the run is terminal), then reads the run. */
async function finish(runId: string): Promise<{ run: ApiRun; log: string }> {
  const res = await fetch(`http://127.0.0.1:${port}/api/v1/runs/${runId}/logs?follow=true`, { headers: { authorization: BASIC_AUTH }, signal: AbortSignal.timeout(120_000) });
  const log = await res.text();
  return { run: (await server.get(`/api/v1/runs/${runId}`)).json<ApiRun>(), log };
}

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'slipway-webhook-e2e-'));
  hookOut = join(work, 'hook-out');
  await mkdir(hookOut);
  server = await buildTestServer({ overrides: { 'engine.socket': socket } });
  port = await listenLocal(server.app);
  await seedBusybox({ log: pino({ level: 'silent' }), signal: new AbortController().signal, actor: { name: 'admin' } }, server.built.registry);
  const root = join(work, 'git-root');
  src = join(work, 'src');
  await mkdir(root);
  await mkdir(src);
  await git(src, 'init', '--quiet');
  await writeFile(join(src, 'Dockerfile'), `FROM 127.0.0.1:${port}/library/busybox\nCOPY version.txt /version.txt\nRUN echo "built: $(cat /version.txt)"\n`);
  await writeFile(join(src, 'version.txt'), 'zero\n');
  await git(src, 'add', '.');
  await git(src, 'commit', '--quiet', '-m', 'zero');
  await git(src, 'branch', 'poll');
  const bare = join(root, 'app.git');
  await exec('git', ['clone', '--quiet', '--bare', src, bare], { env: gitEnv });
  await git(bare, 'config', 'http.receivepack', 'true');
  await writeFile(join(bare, 'hooks', 'post-receive'), postReceiveHook(`http://127.0.0.1:${port}/api/v1/tasks/app/webhook`));
  await chmod(join(bare, 'hooks', 'post-receive'), 0o755);
  gitServer = await startGitHttpServer(root);
  await git(src, 'remote', 'add', 'origin', `${gitServer.url}/app.git`);
  await server.built.taskStore.create(task('app', 'main', null), secrets);
}, 120_000);

afterAll(async () => {
  await server?.close();
  await gitServer?.close();
  if (work) await rm(work, { recursive: true, force: true });
});

describe('webhooks from a post-receive hook', () => {
  it('builds the newest of three commits pushed at once, exactly once; a redelivery builds nothing; a bad signature is rejected', async () => {
    await commit('one');
    await commit('two');
    const newest = await commit('three');
    await git(src, 'push', '--quiet', 'origin', 'main');

    expect(await readFile(join(hookOut, 'status'), 'utf8')).toBe('202');
    const delivered = JSON.parse(await readFile(join(hookOut, 'response.json'), 'utf8')) as ApiWebhookResult;
    expect(delivered).toMatchObject({ outcome: 'queued', runId: expect.stringMatching(/^ca/) });
    const body = await readFile(join(hookOut, 'body.json'));
    expect((JSON.parse(body.toString()) as { commits: unknown[] }).commits).toHaveLength(3);

    const runs = await taskRuns('app');
    expect(runs.map((r) => r.runId)).toEqual([delivered.runId]);
    const { run, log } = await finish(delivered.runId!);
    expect(run.status, `${run.runErrorMessage}\n${log}`).toBe('Succeeded');
    expect(run).toMatchObject({ trigger: 'Commit', sourceTrigger: { commitId: newest, branchName: 'main', eventType: 'commit' } });
    expect(run.sourceLocation).toBe(`${gitServer.url}/app.git#${newest}`);
    expect(log).toContain('built: three');

    const headers = { 'content-type': 'application/json', 'x-github-event': 'push', 'x-github-delivery': newest };
    const redelivered = await fetch(`http://127.0.0.1:${port}/api/v1/tasks/app/webhook`, { method: 'POST', headers: { ...headers, 'x-hub-signature-256': await readFile(join(hookOut, 'signature'), 'utf8') }, body });
    expect(redelivered.status).toBe(202);
    expect(await redelivered.json()).toMatchObject({ outcome: 'duplicate', runId: delivered.runId });
    expect(await taskRuns('app')).toHaveLength(1);

    const forged = await fetch(`http://127.0.0.1:${port}/api/v1/tasks/app/webhook`, { method: 'POST', headers: { ...headers, 'x-hub-signature-256': githubSignature('not-the-secret', body) }, body });
    expect(forged.status).toBe(401);
    expect(await forged.json()).toMatchObject({ error: { code: 'WEBHOOK_REJECTED' } });
    expect(await taskRuns('app')).toHaveLength(1);
    expect((await triggerEvents('app')).map((e) => e.outcome)).toEqual(['rejected', 'duplicate', 'queued']);
  }, 180_000);
});

describe('polling a branch with git ls-remote', () => {
  it('remembers the first commit it sees, then builds a new one once; a webhook for that commit is a duplicate', async () => {
    await server.built.taskStore.create(task('polled', 'poll', 1), secrets);
    await eventually(async () => ((await triggerEvents('polled')).some((e) => e.reason.includes('first look')) ? true : undefined), 'the first look at the poll branch');
    expect(await taskRuns('polled')).toEqual([]);

    await git(src, 'checkout', '--quiet', 'poll');
    const polledCommit = await commit('polled');
    await git(src, 'push', '--quiet', 'origin', 'poll');
    await git(src, 'checkout', '--quiet', 'main');

    const [run] = await eventually(async () => {
      const runs = await taskRuns('polled');
      return runs.length > 0 ? runs : undefined;
    }, 'a run of the polled task');
    expect(run).toMatchObject({ trigger: 'Commit', sourceTrigger: { commitId: polledCommit, branchName: 'poll' } });
    const { run: done, log } = await finish(run!.runId);
    expect(done.status, `${done.runErrorMessage}\n${log}`).toBe('Succeeded');
    expect(log).toContain('built: polled');

    const body = JSON.stringify({ ref: 'refs/heads/poll', before: '0'.repeat(40), after: polledCommit, commits: [] });
    const webhook = await fetch(`http://127.0.0.1:${port}/api/v1/tasks/polled/webhook`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-github-event': 'push', 'x-hub-signature-256': githubSignature(SECRET, body) }, body });
    expect(await webhook.json()).toMatchObject({ outcome: 'duplicate', runId: run!.runId });
    expect(await taskRuns('polled')).toHaveLength(1);
  }, 180_000);
});
