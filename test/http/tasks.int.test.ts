import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buildTestServer, type Response, type TestServer } from '../helpers/build-test-server.js';
import type { ApiRun } from '../../src/api/contract/runs.js';
import type { ApiTask, ApiTaskCreated, ApiTaskCredentials } from '../../src/api/contract/tasks.js';

/** Saved tasks over /api/v1 (src/api/contract/tasks.ts): every route, every validation error. */

const GIT = 'https://git.example.invalid/org/app.git#release:web';
const TARBALL = 'http://files.example.invalid/ctx.tar.gz';
const TOKEN = 'pat-secret-value-9f1';
const SECRET_ARG = 'secret-arg-value-77a';
const TASK_FILE = 'version: v1.1.0\nsteps:\n  - cmd: $Registry/library/busybox echo {{.Values.greeting}}\n';

let server: TestServer;

beforeEach(async () => {
  server = await buildTestServer();
});

afterEach(async () => {
  await server.close();
});

function send(method: 'POST' | 'PATCH' | 'DELETE' | 'GET', url: string, payload?: unknown): Promise<Response> {
  return server.request({ method, url, ...(payload === undefined ? {} : { payload: payload as Record<string, unknown> }) });
}

function expectApiError(res: Response, status: number, code: string, field?: string): void {
  const error = res.json<{ error: { code: string; detail: { field?: string } | null } }>().error;
  expect({ status: res.statusCode, code: error.code }).toEqual({ status, code });
  if (field !== undefined) expect(error.detail?.field).toBe(field);
}

async function create(body: Record<string, unknown>): Promise<ApiTaskCreated> {
  const res = await send('POST', '/api/v1/tasks', body);
  expect(res.statusCode, res.body).toBe(201);
  return res.json<ApiTaskCreated>();
}

const dockerTask = (name = 'web-build', extra: Record<string, unknown> = {}): Record<string, unknown> => ({
  name,
  contextPath: GIT,
  file: 'Dockerfile',
  imageNames: ['web:{{.Run.ID}}'],
  arguments: [{ name: 'MODE', value: 'prod' }],
  secretArguments: [{ name: 'NPM_TOKEN', value: SECRET_ARG }],
  gitAccessToken: TOKEN,
  timers: [{ schedule: '0 2 * * *' }, { name: 'weekly', schedule: '30 4 * * SUN' }],
  ...extra,
});

const encodedTask = (name = 'nightly-run'): Record<string, unknown> => ({
  name,
  contextPath: '/dev/null',
  taskFile: TASK_FILE,
  values: [{ name: 'greeting', value: 'hi' }],
  secretValues: [{ name: 'pw', value: 'hunter22' }],
});

describe('creating tasks', () => {
  it('creates a Docker task from a git URL with ACR defaults and returns the webhook secret once', async () => {
    const created = await create(dockerTask());
    expect(created.webhookSecret).toMatch(/^[0-9a-f]{64}$/);
    expect(created).toMatchObject({
      name: 'web-build',
      status: 'Enabled',
      platform: { os: 'Linux', architecture: 'amd64', variant: null },
      agentConfiguration: { cpu: 2 },
      agentPoolName: null,
      timeout: 3600,
      provisioningState: 'Succeeded',
      step: {
        type: 'Docker',
        contextPath: GIT,
        dockerFilePath: 'Dockerfile',
        imageNames: ['web:{{.Run.ID}}'],
        isPushEnabled: true,
        noCache: false,
        target: null,
        arguments: [
          { name: 'MODE', value: 'prod', isSecret: false },
          { name: 'NPM_TOKEN', value: null, isSecret: true },
        ],
      },
      trigger: {
        sourceTriggers: [{ name: 'defaultSourceTriggerName', sourceRepository: { sourceControlType: 'Git', repositoryUrl: GIT, branch: 'release' }, sourceTriggerEvents: ['commit'], status: 'Enabled' }],
        baseImageTrigger: { name: 'defaultBaseimageTriggerName', baseImageTriggerType: 'Runtime', status: 'Enabled' },
        timerTriggers: [
          { name: 't1', schedule: '0 2 * * *', status: 'Enabled' },
          { name: 'weekly', schedule: '30 4 * * SUN', status: 'Enabled' },
        ],
      },
      credentials: { customRegistries: {} },
    });
    const shown = await send('GET', '/api/v1/tasks/web-build');
    expect(shown.statusCode).toBe(200);
    expect(shown.json()).not.toHaveProperty('webhookSecret');
    for (const body of [JSON.stringify(created), shown.body]) {
      expect(body).not.toContain(TOKEN);
      expect(body).not.toContain(SECRET_ARG);
    }
    const stored = await server.built.taskStore.getWithSecrets('web-build');
    expect(stored?.secrets).toMatchObject({ gitAccessToken: TOKEN, secretArguments: [{ name: 'NPM_TOKEN', value: SECRET_ARG }], webhookSecret: created.webhookSecret });
  });

  it('refuses --assign-identity with an identity that does not exist, and accepts one that does', async () => {
    const refused = await server.request({ method: 'POST', url: '/api/v1/tasks', payload: { ...encodedTask(), name: 'needs-identity', identity: 'no-such-identity' } });
    expect(refused.statusCode).toBe(400);
    expect(refused.json()).toMatchObject({ error: { code: 'TASK_INVALID', detail: { identity: 'no-such-identity' } } });
    expect((await server.request({ method: 'POST', url: '/api/v1/identities', payload: { name: 'indexer' } })).statusCode).toBe(201);
    const created = await create({ ...encodedTask(), name: 'has-identity', identity: 'indexer' });
    expect(created.name).toBe('has-identity');
  });

  it('makes a FileTask from a .yaml file in a tarball context, with no source trigger (nothing to watch)', async () => {
    const created = await create({ name: 'file-task', contextPath: TARBALL, file: 'ci/build.yaml', valuesFilePath: 'ci/values.yaml', platform: 'linux/arm64/v8', timeout: 600, status: 'Disabled', baseImageTriggerEnabled: false });
    expect(created).toMatchObject({
      status: 'Disabled',
      platform: { os: 'Linux', architecture: 'arm64', variant: 'v8' },
      timeout: 600,
      step: { type: 'FileTask', contextPath: TARBALL, taskFilePath: 'ci/build.yaml', valuesFilePath: 'ci/values.yaml', values: [] },
      trigger: { sourceTriggers: [], baseImageTrigger: { status: 'Disabled', baseImageTriggerType: 'Runtime' }, timerTriggers: [] },
    });
  });

  it('makes an EncodedTask from /dev/null: the task file base64 as ACR shows it, secret values hidden, no source trigger', async () => {
    const created = await create({ ...encodedTask(), valuesFile: 'greeting: from-file\n', pullRequestTriggerEnabled: false, baseImageTriggerType: 'All', agentPoolName: 'pool-1', identity: '[system]' });
    expect(created.step).toEqual({
      type: 'EncodedTask',
      contextPath: null,
      encodedTaskContent: Buffer.from(TASK_FILE).toString('base64'),
      encodedValuesContent: Buffer.from('greeting: from-file\n').toString('base64'),
      values: [
        { name: 'greeting', value: 'hi', isSecret: false },
        { name: 'pw', value: null, isSecret: true },
      ],
      baseImageDependencies: [],
    });
    expect(created.trigger.sourceTriggers).toEqual([]);
    expect(created.trigger.baseImageTrigger?.baseImageTriggerType).toBe('All');
    expect(created).toMatchObject({ agentPoolName: 'pool-1', identity: { type: 'SystemAssigned' } });
    expect(JSON.stringify(created)).not.toContain('hunter22');
  });

  it('turns on the pull-request trigger when asked and keeps commit on by default', async () => {
    const created = await create(dockerTask('pr-build', { pullRequestTriggerEnabled: true, allowForks: true, pollIntervalSeconds: 60, timers: undefined }));
    expect(created.trigger.sourceTriggers[0]).toMatchObject({ sourceTriggerEvents: ['commit', 'pullrequest'], allowForks: true, pollIntervalSeconds: 60 });
    const none = await create(dockerTask('no-source', { commitTriggerEnabled: false, timers: undefined }));
    expect(none.trigger.sourceTriggers).toEqual([]);
  });

  it('answers TASK_EXISTS when the name is taken', async () => {
    await create(dockerTask());
    expectApiError(await send('POST', '/api/v1/tasks', dockerTask()), 409, 'TASK_EXISTS');
  });

  it.each([
    ['a name shorter than 5', { name: 'abc' }, 'name'],
    ['a name with a dot', { name: 'web.build' }, 'name'],
    ['a context without file', { file: undefined }, 'file'],
    ['a local folder context', { contextPath: './app' }, 'contextPath'],
    ['an invalid cron', { timers: [{ schedule: '61 * * * *' }] }, undefined],
    ['a 6-field cron', { timers: [{ schedule: '0 30 9 * * 1-5' }] }, undefined],
    ['two timers with one name', { timers: [{ name: 'a', schedule: '* * * * *' }, { name: 'a', schedule: '0 * * * *' }] }, 'timers'],
    ['an unknown platform', { platform: 'plan9/amd64' }, 'platform'],
    ['a timeout over 28800', { timeout: 28801 }, 'timeout'],
    ['a bad status', { status: 'On' }, 'status'],
    ['a bad base-image trigger type', { baseImageTriggerType: 'BuildTime' }, 'baseImageTriggerType'],
    ['a bad image name', { imageNames: ['UPPER/Case:tag'] }, 'imageNames'],
    ['a bad argument name', { arguments: [{ name: 'bad-name', value: 'x' }] }, 'arguments'],
    ['a task file text with a context', { taskFile: TASK_FILE }, 'taskFile'],
    ['a non-YAML task file', { file: 'build.py' }, 'file'],
    ['a file outside the context', { file: '../Dockerfile' }, 'file'],
    ['a cpu of 0', { cpu: 0 }, 'cpu'],
    ['a poll interval under 10 s', { pollIntervalSeconds: 1 }, 'pollIntervalSeconds'],
  ])('refuses %s with TASK_INVALID naming the field', async (_what, change, field) => {
    expectApiError(await send('POST', '/api/v1/tasks', { ...dockerTask(), ...change }), 400, 'TASK_INVALID', field);
  });

  it.each([
    ['a commit trigger without git context', { commitTriggerEnabled: true }, 'commitTriggerEnabled'],
    ['a pull-request trigger without git context', { pullRequestTriggerEnabled: true }, 'pullRequestTriggerEnabled'],
    ['no task file', { taskFile: undefined }, 'taskFile'],
    ['a path instead of text', { file: 'task.yaml' }, 'file'],
  ])('refuses an EncodedTask with %s', async (_what, change, field) => {
    expectApiError(await send('POST', '/api/v1/tasks', { ...encodedTask(), ...change }), 400, 'TASK_INVALID', field);
  });

  it('checks an EncodedTask with the task-file front end: TASKFILE_INVALID with every problem', async () => {
    const res = await send('POST', '/api/v1/tasks', { ...encodedTask(), taskFile: 'version: v1.1.0\nsteps:\n  - cmd: busybox echo {{.Values.greeting\n' });
    expectApiError(res, 400, 'TASKFILE_INVALID');
    expect(res.json<{ error: { detail: { problems: string[] } } }>().error.detail.problems[0]).toMatch(/^task\.yaml:\d+:\d+: error:/);
    expect((await send('GET', '/api/v1/tasks/nightly-run')).statusCode).toBe(404);
  });

  it('names a bad cron field in the error and stores nothing', async () => {
    const res = await send('POST', '/api/v1/tasks', { ...dockerTask(), timers: [{ schedule: '0 25 * * *' }] });
    expectApiError(res, 400, 'TASK_INVALID');
    expect(res.json<{ error: { message: string } }>().error.message).toMatch(/hour/);
    expect((await send('GET', '/api/v1/tasks')).json<{ tasks: ApiTask[] }>().tasks).toEqual([]);
  });

  it('needs credentials', async () => {
    const res = await server.request({ method: 'GET', url: '/api/v1/tasks', auth: false });
    expectApiError(res, 401, 'AUTH_REQUIRED');
    expectApiError(await server.request({ method: 'POST', url: '/api/v1/tasks', auth: false, payload: dockerTask() }), 401, 'AUTH_REQUIRED');
  });
});

describe('reading and deleting tasks', () => {
  it('lists tasks by name, shows one, deletes it, and answers TASK_NOT_FOUND after', async () => {
    await create(encodedTask('zeta-task'));
    await create(dockerTask('alpha-task'));
    const list = await send('GET', '/api/v1/tasks');
    expect(list.json<{ tasks: ApiTask[] }>().tasks.map((t) => t.name)).toEqual(['alpha-task', 'zeta-task']);
    expect(list.body).not.toContain('webhookSecret');
    expect((await send('DELETE', '/api/v1/tasks/alpha-task')).statusCode).toBe(204);
    expectApiError(await send('GET', '/api/v1/tasks/alpha-task'), 404, 'TASK_NOT_FOUND');
    expectApiError(await send('DELETE', '/api/v1/tasks/alpha-task'), 404, 'TASK_NOT_FOUND');
    expectApiError(await send('GET', '/api/v1/tasks/no.such'), 404, 'TASK_NOT_FOUND');
  });
});

describe('updating tasks', () => {
  it('changes only the fields given and leaves timers alone', async () => {
    await create(dockerTask());
    const res = await send('PATCH', '/api/v1/tasks/web-build', { status: 'Disabled', timeout: 900, imageNames: ['web:v2'], baseImageTriggerType: 'All', secretArguments: [] });
    expect(res.statusCode, res.body).toBe(200);
    const task = res.json<ApiTask>();
    expect(task).toMatchObject({ status: 'Disabled', timeout: 900, platform: { os: 'Linux', architecture: 'amd64' }, step: { type: 'Docker', imageNames: ['web:v2'], dockerFilePath: 'Dockerfile', arguments: [{ name: 'MODE', value: 'prod', isSecret: false }] } });
    expect(task.trigger.baseImageTrigger).toEqual({ name: 'defaultBaseimageTriggerName', baseImageTriggerType: 'All', status: 'Enabled' });
    expect(task.trigger.timerTriggers.map((t) => t.name)).toEqual(['t1', 'weekly']);
    expect((await server.built.taskStore.getWithSecrets('web-build'))?.secrets).toMatchObject({ gitAccessToken: TOKEN, secretArguments: [] });
  });

  it('merges the commit and pull-request flags as az does', async () => {
    await create(dockerTask());
    const patch = async (body: Record<string, unknown>): Promise<ApiTask['trigger']['sourceTriggers'][number] | undefined> => {
      const res = await send('PATCH', '/api/v1/tasks/web-build', body);
      expect(res.statusCode, res.body).toBe(200);
      return res.json<ApiTask>().trigger.sourceTriggers[0];
    };
    expect(await patch({ pullRequestTriggerEnabled: true })).toMatchObject({ sourceTriggerEvents: ['commit', 'pullrequest'], status: 'Enabled' });
    expect(await patch({ commitTriggerEnabled: false, pullRequestTriggerEnabled: false })).toMatchObject({ sourceTriggerEvents: [], status: 'Disabled' });
    expect(await patch({ pullRequestTriggerEnabled: true })).toMatchObject({ sourceTriggerEvents: ['pullrequest'], status: 'Enabled', sourceRepository: { branch: 'release' } });
    expect(await patch({ contextPath: 'https://git.example.invalid/org/other.git#dev' })).toMatchObject({ sourceRepository: { repositoryUrl: 'https://git.example.invalid/org/other.git#dev', branch: 'dev' }, sourceTriggerEvents: ['pullrequest'] });
    expect(await patch({ contextPath: TARBALL })).toBeUndefined();
  });

  it('switches the step type by the new file and checks an EncodedTask again', async () => {
    await create(dockerTask());
    const res = await send('PATCH', '/api/v1/tasks/web-build', { file: 'acb.yaml', values: [{ name: 'a', value: '1' }] });
    expect(res.json<ApiTask>().step).toMatchObject({ type: 'FileTask', taskFilePath: 'acb.yaml', values: [{ name: 'a', value: '1', isSecret: false }] });
    await create(encodedTask());
    const updated = await send('PATCH', '/api/v1/tasks/nightly-run', { taskFile: 'steps:\n  - cmd: busybox echo changed\n' });
    expect(updated.json<ApiTask>().step).toMatchObject({ type: 'EncodedTask', encodedTaskContent: Buffer.from('steps:\n  - cmd: busybox echo changed\n').toString('base64') });
    expectApiError(await send('PATCH', '/api/v1/tasks/nightly-run', { taskFile: 'steps: [' }), 400, 'TASKFILE_INVALID');
  });

  it('refuses invalid updates without changing the task', async () => {
    await create(dockerTask());
    const before = (await send('GET', '/api/v1/tasks/web-build')).json<ApiTask>();
    expectApiError(await send('PATCH', '/api/v1/tasks/web-build', { timeout: 0 }), 400, 'TASK_INVALID', 'timeout');
    expectApiError(await send('PATCH', '/api/v1/tasks/web-build', { timers: [] }), 400, 'TASK_INVALID', 'timers');
    expectApiError(await send('PATCH', '/api/v1/tasks/web-build', { name: 'renamed' }), 400, 'TASK_INVALID', 'name');
    expectApiError(await send('PATCH', '/api/v1/tasks/web-build', { contextPath: '/dev/null' }), 400, 'TASK_INVALID', 'taskFile');
    expectApiError(await send('PATCH', '/api/v1/tasks/web-build', { contextPath: TARBALL, commitTriggerEnabled: true }), 400, 'TASK_INVALID', 'commitTriggerEnabled');
    expect((await send('GET', '/api/v1/tasks/web-build')).json<ApiTask>()).toEqual(before);
    expectApiError(await send('PATCH', '/api/v1/tasks/missing-task', { timeout: 60 }), 404, 'TASK_NOT_FOUND');
  });
});

describe('manual runs of a task', () => {
  it('queues an AutoBuild run recording the task and trigger Manual, with overrides; GET /runs filters by task', async () => {
    await create(dockerTask());
    const res = await send('POST', '/api/v1/tasks/web-build/runs', { arguments: [{ name: 'MODE', value: 'debug' }], target: 'final', secretArguments: [{ name: 'X', value: 'override-secret-1' }] });
    expect(res.statusCode, res.body).toBe(201);
    const run = res.json<ApiRun>();
    expect(run).toMatchObject({ task: 'web-build', trigger: 'Manual', runType: 'AutoBuild', status: 'Queued', sourceLocation: 'https://slipway:***@git.example.invalid/org/app.git#release:web' });
    expect(res.body).not.toContain('override-secret-1');
    expect(res.body).not.toContain(TOKEN);
    const record = await server.built.taskStore.listEvents('web-build', 5);
    expect(record[0]).toMatchObject({ kind: 'Manual', outcome: 'queued', runId: run.runId });
    await create(encodedTask());
    const other = await send('POST', '/api/v1/tasks/nightly-run/runs', { values: [{ name: 'greeting', value: 'hello' }] });
    expect(other.json<ApiRun>()).toMatchObject({ task: 'nightly-run', trigger: 'Manual', runType: 'AutoRun' });
    const filtered = (await send('GET', '/api/v1/runs?task=web-build')).json<{ runs: ApiRun[] }>().runs;
    expect(filtered.map((r) => r.runId)).toEqual([run.runId]);
  });

  it('runs a Disabled task by hand (ACR does too)', async () => {
    await create(dockerTask('off-task', { status: 'Disabled' }));
    expect((await send('POST', '/api/v1/tasks/off-task/runs', {})).statusCode).toBe(201);
  });

  it('refuses bad overrides and unknown tasks', async () => {
    await create(dockerTask());
    const id = '00000000-0000-4000-8000-000000000000';
    expectApiError(await send('POST', '/api/v1/tasks/web-build/runs', { contextId: id, contextPath: TARBALL }), 400, 'TASK_INVALID', 'contextId');
    expectApiError(await send('POST', '/api/v1/tasks/web-build/runs', { contextId: id }), 404, 'SOURCE_NOT_FOUND');
    expectApiError(await send('POST', '/api/v1/tasks/web-build/runs', { contextId: 'nope' }), 400, 'TASK_INVALID', 'contextId');
    expectApiError(await send('POST', '/api/v1/tasks/web-build/runs', { file: '/etc/passwd' }), 400, 'TASK_INVALID', 'file');
    expectApiError(await send('POST', '/api/v1/tasks/web-build/runs', { values: [{ name: '', value: 'x' }] }), 400, 'TASK_INVALID', 'values');
    expectApiError(await send('POST', '/api/v1/tasks/missing-task/runs', {}), 404, 'TASK_NOT_FOUND');
  });
});

describe('timers', () => {
  it('lists, adds (named or the next free tN), updates and removes timers', async () => {
    await create(dockerTask());
    expect((await send('GET', '/api/v1/tasks/web-build/timers')).json()).toEqual({
      timerTriggers: [
        { name: 't1', schedule: '0 2 * * *', status: 'Enabled' },
        { name: 'weekly', schedule: '30 4 * * SUN', status: 'Enabled' },
      ],
    });
    const added = await send('POST', '/api/v1/tasks/web-build/timers', { schedule: '*/15 * * * *', status: 'Disabled' });
    expect(added.statusCode, added.body).toBe(201);
    expect(added.json<ApiTask>().trigger.timerTriggers[2]).toEqual({ name: 't2', schedule: '*/15 * * * *', status: 'Disabled' });
    const named = await send('POST', '/api/v1/tasks/web-build/timers', { name: 'monthly', schedule: '0 0 1 JAN-DEC *' });
    expect(named.statusCode).toBe(201);
    const updated = await send('PATCH', '/api/v1/tasks/web-build/timers/t2', { status: 'Enabled', schedule: '0 * * * *' });
    expect(updated.json<ApiTask>().trigger.timerTriggers.find((t) => t.name === 't2')).toEqual({ name: 't2', schedule: '0 * * * *', status: 'Enabled' });
    const removed = await send('DELETE', '/api/v1/tasks/web-build/timers/t1');
    expect(removed.json<ApiTask>().trigger.timerTriggers.map((t) => t.name)).toEqual(['weekly', 't2', 'monthly']);
  });

  it('refuses a taken name, a bad cron, a bad status, and answers TASK_NOT_FOUND for an unknown timer or task', async () => {
    await create(dockerTask());
    expectApiError(await send('POST', '/api/v1/tasks/web-build/timers', { name: 'weekly', schedule: '* * * * *' }), 400, 'TASK_INVALID', 'name');
    expectApiError(await send('POST', '/api/v1/tasks/web-build/timers', { schedule: '* * *' }), 400, 'TASK_INVALID');
    expectApiError(await send('POST', '/api/v1/tasks/web-build/timers', {}), 400, 'TASK_INVALID', 'timer.schedule');
    expectApiError(await send('PATCH', '/api/v1/tasks/web-build/timers/t1', { schedule: '0 0 31 2 *' }), 400, 'TASK_INVALID');
    expectApiError(await send('PATCH', '/api/v1/tasks/web-build/timers/t1', { status: 'yes' }), 400, 'TASK_INVALID', 'status');
    expectApiError(await send('PATCH', '/api/v1/tasks/web-build/timers/nope', { status: 'Disabled' }), 404, 'TASK_NOT_FOUND');
    expectApiError(await send('DELETE', '/api/v1/tasks/web-build/timers/nope'), 404, 'TASK_NOT_FOUND');
    expectApiError(await send('GET', '/api/v1/tasks/missing-task/timers'), 404, 'TASK_NOT_FOUND');
  });
});

describe('registry credentials', () => {
  it('adds, lists, updates and removes credentials; passwords are stored apart and never shown', async () => {
    await create(dockerTask());
    const added = await send('POST', '/api/v1/tasks/web-build/credentials', { loginServer: 'Other.Example.Invalid:5000', username: 'bot', password: 'cred-pass-3x' });
    expect(added.statusCode, added.body).toBe(201);
    expect(added.json<ApiTaskCredentials>()).toEqual({ customRegistries: { 'other.example.invalid:5000': { userName: 'bot', identity: null } } });
    await send('POST', '/api/v1/tasks/web-build/credentials', { loginServer: 'id.example.invalid', identity: 'system' });
    const listed = await send('GET', '/api/v1/tasks/web-build/credentials');
    expect(Object.keys(listed.json<ApiTaskCredentials>().customRegistries)).toEqual(['other.example.invalid:5000', 'id.example.invalid']);
    expect((await server.built.taskStore.getWithSecrets('web-build'))?.secrets.registryPasswords).toEqual({ 'other.example.invalid:5000': 'cred-pass-3x' });
    const updated = await send('PATCH', '/api/v1/tasks/web-build/credentials/other.example.invalid:5000', { username: 'bot2', password: 'cred-pass-4y' });
    expect(updated.json<ApiTaskCredentials>().customRegistries['other.example.invalid:5000']).toEqual({ userName: 'bot2', identity: null });
    const task = await send('GET', '/api/v1/tasks/web-build');
    for (const body of [added.body, listed.body, updated.body, task.body]) expect(body).not.toMatch(/cred-pass/);
    const removed = await send('DELETE', '/api/v1/tasks/web-build/credentials/other.example.invalid:5000');
    expect(removed.json<ApiTaskCredentials>()).toEqual({ customRegistries: { 'id.example.invalid': { userName: null, identity: 'system' } } });
    expect((await server.built.taskStore.getWithSecrets('web-build'))?.secrets.registryPasswords).toEqual({});
  });

  it('refuses a duplicate, half a user/password pair, a bad server, and answers TASK_NOT_FOUND for an unknown one', async () => {
    await create(dockerTask());
    await send('POST', '/api/v1/tasks/web-build/credentials', { loginServer: 'reg.example.invalid', username: 'u', password: 'p' });
    expectApiError(await send('POST', '/api/v1/tasks/web-build/credentials', { loginServer: 'reg.example.invalid', identity: 'system' }), 400, 'TASK_INVALID', 'loginServer');
    expectApiError(await send('POST', '/api/v1/tasks/web-build/credentials', { loginServer: 'x.example.invalid', username: 'u' }), 400, 'TASK_INVALID', 'password');
    expectApiError(await send('POST', '/api/v1/tasks/web-build/credentials', { loginServer: 'x.example.invalid' }), 400, 'TASK_INVALID', 'username');
    expectApiError(await send('POST', '/api/v1/tasks/web-build/credentials', { loginServer: 'https://x/y' }), 400, 'TASK_INVALID', 'loginServer');
    expectApiError(await send('PATCH', '/api/v1/tasks/web-build/credentials/none.example.invalid', { identity: 'system' }), 404, 'TASK_NOT_FOUND');
    expectApiError(await send('DELETE', '/api/v1/tasks/web-build/credentials/none.example.invalid'), 404, 'TASK_NOT_FOUND');
    expectApiError(await send('GET', '/api/v1/tasks/missing-task/credentials'), 404, 'TASK_NOT_FOUND');
  });
});
