import { createHmac } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ApiTriggerEventList, ApiWebhookResult } from '../../src/api/contract/trigger-events.js';
import type { ApiRun } from '../../src/api/contract/runs.js';
import type { Task, TaskSecrets } from '../../src/tasks/task-model.js';
import { githubSignature } from '../../src/triggers/source/webhook-signature.js';
import { SHA2, SHA3, giteaPush, githubPing, githubPullRequest, githubPush, gitlabPush } from '../../src/triggers/source/webhook-samples.test-support.js';
import { buildTestServer, type Response, type TestServer } from '../helpers/build-test-server.js';

/** Source-trigger webhooks over HTTP (in-process): signatures, branch matching, dedupe, forks, recording. */

const SECRET = 'int-webhook-secret';

function sourceTask(name: string): Task {
  return {
    name,
    status: 'Enabled',
    platform: 'linux/amd64',
    agentCpu: 2,
    agentPoolName: null,
    timeoutSeconds: 600,
    step: { type: 'Docker', contextPath: 'https://git.example.invalid/acme/app.git#main', dockerFilePath: 'Dockerfile', imageNames: ['app:{{.Run.ID}}'], isPushEnabled: true, noCache: false, target: null, arguments: [], secretArgumentNames: [] },
    triggers: {
      source: { name: 'defaultSourceTriggerName', status: 'Enabled', repositoryUrl: 'https://git.example.invalid/acme/app.git#main', branch: 'main', events: ['commit', 'pullrequest'], allowForks: false, pollIntervalSeconds: null },
      baseImage: null,
      timers: [],
    },
    credentials: [],
    identity: null,
    createdAt: '2026-01-01T00:00:00.000Z',
    updatedAt: '2026-01-01T00:00:00.000Z',
  };
}

const secrets: TaskSecrets = { gitAccessToken: null, secretArguments: [], secretValues: [], registryPasswords: {}, webhookSecret: SECRET };

let server: TestServer;

beforeEach(async () => {
  server = await buildTestServer();
  await server.built.taskStore.create(sourceTask('app'), secrets);
});

afterEach(async () => {
  await server?.close();
});

function github(event: string, body: unknown, options: { delivery?: string; secret?: string; signature?: string | null } = {}): Promise<Response> {
  const payload = typeof body === 'string' ? body : JSON.stringify(body);
  const signature = options.signature === undefined ? githubSignature(options.secret ?? SECRET, payload) : options.signature;
  return server.request({
    method: 'POST',
    url: '/api/v1/tasks/app/webhook',
    auth: false,
    headers: { 'content-type': 'application/json', 'x-github-event': event, 'x-github-delivery': options.delivery ?? 'delivery-1', ...(signature === null ? {} : { 'x-hub-signature-256': signature }) },
    payload,
  });
}

async function runs(): Promise<ApiRun[]> {
  return (await server.get('/api/v1/runs?top=100')).json<{ runs: ApiRun[] }>().runs;
}

async function events(): Promise<ApiTriggerEventList['events']> {
  const res = await server.get('/api/v1/tasks/app/trigger-events?top=50');
  expect(res.statusCode, res.body).toBe(200);
  return res.json<ApiTriggerEventList>().events;
}

describe('POST /api/v1/tasks/:name/webhook', () => {
  it('queues one run for the newest commit of a signed push, and none for a redelivery', async () => {
    const first = await github('push', githubPush());
    expect(first.statusCode, first.body).toBe(202);
    const queued = first.json<ApiWebhookResult>();
    expect(queued).toMatchObject({ outcome: 'queued', runId: expect.stringMatching(/^ca/) });
    const [run] = await runs();
    expect(run).toMatchObject({ runId: queued.runId, task: 'app', trigger: 'Commit', status: 'Queued' });
    expect(JSON.stringify(run)).toContain(SHA3);

    const again = await github('push', githubPush());
    expect(again.statusCode).toBe(202);
    expect(again.json<ApiWebhookResult>()).toMatchObject({ outcome: 'duplicate', runId: queued.runId });
    expect(await runs()).toHaveLength(1);
    expect((await events()).map((e) => e.outcome)).toEqual(['duplicate', 'queued']);
  });

  it('runs a commit once whether it comes from GitHub, Gitea or GitLab', async () => {
    expect((await github('push', githubPush())).json<ApiWebhookResult>().outcome).toBe('queued');
    const body = JSON.stringify(giteaPush());
    const gitea = await server.request({
      method: 'POST',
      url: '/api/v1/tasks/app/webhook',
      auth: false,
      headers: { 'content-type': 'application/json', 'x-gitea-event': 'push', 'x-github-event': 'push', 'x-gitea-delivery': 'g-1', 'x-gitea-signature': createHmac('sha256', SECRET).update(body).digest('hex') },
      payload: body,
    });
    expect(gitea.json<ApiWebhookResult>().outcome).toBe('duplicate');
    const gitlab = await server.request({ method: 'POST', url: '/api/v1/tasks/app/webhook', auth: false, headers: { 'content-type': 'application/json', 'x-gitlab-event': 'Push Hook', 'x-gitlab-token': SECRET }, payload: JSON.stringify(gitlabPush()) });
    expect(gitlab.json<ApiWebhookResult>().outcome).toBe('duplicate');
    expect(await runs()).toHaveLength(1);
  });

  it('rejects unsigned and wrongly signed deliveries with 401 WEBHOOK_REJECTED, and records them', async () => {
    const wrong = await github('push', githubPush(), { secret: 'not-the-secret', delivery: 'bad-1' });
    expect(wrong.statusCode).toBe(401);
    expect(wrong.json()).toMatchObject({ error: { code: 'WEBHOOK_REJECTED', detail: { provider: 'github', deliveryId: 'bad-1' } } });
    const unsigned = await github('push', githubPush(), { signature: null });
    expect(unsigned.json()).toMatchObject({ error: { code: 'WEBHOOK_REJECTED' } });
    const anonymous = await server.request({ method: 'POST', url: '/api/v1/tasks/app/webhook', auth: false, headers: { 'content-type': 'application/json' }, payload: JSON.stringify(githubPush()) });
    expect(anonymous.statusCode).toBe(401);
    const badToken = await server.request({ method: 'POST', url: '/api/v1/tasks/app/webhook', auth: false, headers: { 'content-type': 'application/json', 'x-gitlab-event': 'Push Hook', 'x-gitlab-token': 'nope' }, payload: JSON.stringify(gitlabPush()) });
    expect(badToken.statusCode).toBe(401);
    expect(await runs()).toEqual([]);
    const recorded = await events();
    expect(recorded.map((e) => e.outcome)).toEqual(['rejected', 'rejected', 'rejected', 'rejected']);
    expect(recorded[3]).toMatchObject({ kind: 'Commit', detail: { provider: 'github', deliveryId: 'bad-1' }, reason: expect.stringMatching(/does not match/) });
  });

  it('answers 400 REQUEST_INVALID for malformed JSON and a push without its fields, and records both', async () => {
    const broken = await github('push', '{"ref": "refs/heads/main", ');
    expect(broken.statusCode).toBe(400);
    expect(broken.json()).toMatchObject({ error: { code: 'REQUEST_INVALID' } });
    const missing = await github('push', { ref: 'refs/heads/main' });
    expect(missing.statusCode).toBe(400);
    expect((await events()).map((e) => [e.outcome, e.reason])).toEqual([
      ['rejected', 'the payload has no "after" commit'],
      ['rejected', expect.stringMatching(/not valid JSON/)],
    ]);
  });

  it('ignores pushes to another branch and pull requests from forks, saying why', async () => {
    const other = await github('push', githubPush({ ref: 'refs/heads/dev' }));
    expect(other.statusCode).toBe(202);
    expect(other.json<ApiWebhookResult>()).toEqual({ outcome: 'ignored', reason: 'push to branch dev, not main', runId: null });
    const fork = await github('pull_request', githubPullRequest('opened', { fork: true }));
    expect(fork.json<ApiWebhookResult>()).toMatchObject({ outcome: 'ignored', reason: expect.stringMatching(/forks/) });
    expect(await runs()).toEqual([]);
    const [forkEvent] = await events();
    expect(forkEvent).toMatchObject({ kind: 'PullRequest', outcome: 'ignored', detail: { pullRequest: { number: 42, isFork: true } } });
  });

  it('queues a pull request from the same repository once per head commit', async () => {
    const opened = await github('pull_request', githubPullRequest('opened'));
    expect(opened.json<ApiWebhookResult>()).toMatchObject({ outcome: 'queued' });
    const edited = await github('pull_request', githubPullRequest('synchronize'));
    expect(edited.json<ApiWebhookResult>()).toMatchObject({ outcome: 'duplicate' });
    const [run] = await runs();
    expect(run).toMatchObject({ trigger: 'PullRequest' });
    expect(JSON.stringify(run)).toContain(SHA2);
  });

  it('answers a ping with 200, 401 for an unknown task (as for a bad signature: task names stay private), and needs no Slipway credentials', async () => {
    const ping = await github('ping', githubPing);
    expect(ping.statusCode).toBe(200);
    expect(ping.json<ApiWebhookResult>()).toMatchObject({ outcome: 'ignored', runId: null });
    const unknown = await server.request({ method: 'POST', url: '/api/v1/tasks/nope/webhook', auth: false, headers: { 'content-type': 'application/json', 'x-github-event': 'push' }, payload: '{}' });
    expect(unknown.statusCode).toBe(401);
    expect(unknown.json()).toMatchObject({ error: { code: 'WEBHOOK_REJECTED' } });
  });

  it('accepts GitHub form-encoded deliveries signed over the raw form body', async () => {
    const form = `payload=${encodeURIComponent(JSON.stringify(githubPush()))}`;
    const res = await server.request({ method: 'POST', url: '/api/v1/tasks/app/webhook', auth: false, headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-github-event': 'push', 'x-hub-signature-256': githubSignature(SECRET, form) }, payload: form });
    expect(res.json<ApiWebhookResult>()).toMatchObject({ outcome: 'queued' });
  });
});

describe('GET /api/v1/tasks/:name/trigger-events', () => {
  it('needs credentials, checks top, and answers 404 for a task that never existed', async () => {
    expect((await server.get('/api/v1/tasks/app/trigger-events', { auth: false })).statusCode).toBe(401);
    expect((await server.get('/api/v1/tasks/app/trigger-events?top=0')).json()).toMatchObject({ error: { code: 'REQUEST_INVALID' } });
    expect((await server.get('/api/v1/tasks/app/trigger-events')).json()).toEqual({ events: [] });
    expect((await server.get('/api/v1/tasks/nope/trigger-events')).statusCode).toBe(404);
  });

  it('returns the newest events first, at most top', async () => {
    await github('push', githubPush({ ref: 'refs/heads/a' }));
    await github('push', githubPush({ ref: 'refs/heads/b' }));
    const res = await server.get('/api/v1/tasks/app/trigger-events?top=1');
    expect(res.json<ApiTriggerEventList>().events).toEqual([expect.objectContaining({ taskName: 'app', outcome: 'ignored', reason: 'push to branch b, not main' })]);
  });
});
