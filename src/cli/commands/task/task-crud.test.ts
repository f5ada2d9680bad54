import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ApiTask } from '../../../api/contract/tasks.js';
import type { CommandInput } from '../../command.js';
import { ApiClient } from '../../client/api-client.js';
import type { ClientContext } from '../../client/client-context.js';
import { stubFetch, type StubRoute } from '../../client/stub-fetch.js';
import { captureIo, type CaptureOptions } from '../../output/capture-io.js';
import { ExitCode, exitCodeFor, runCli } from '../../run-cli.js';
import { COMMANDS } from '../index.js';
import { parseCreate, parseSchedules, parseUpdate, runCreate, runDeleteTask, runUpdate } from './task-crud.js';
import { formatTasks } from './task-options.js';

const BASE = 'http://127.0.0.1:5999';
const GIT = 'https://git.example.invalid/org/app.git#main:web';
const input = (flags: CommandInput['flags']): CommandInput => ({ flags, positionals: [] });

function task(overrides: Partial<ApiTask> = {}): ApiTask {
  return {
    name: 'web-build',
    status: 'Enabled',
    platform: { os: 'Linux', architecture: 'amd64', variant: null },
    agentConfiguration: { cpu: 2 },
    agentPoolName: null,
    timeout: 3600,
    step: { type: 'Docker', contextPath: GIT, dockerFilePath: 'Dockerfile', imageNames: ['web:{{.Run.ID}}'], isPushEnabled: true, noCache: false, target: null, arguments: [], baseImageDependencies: [] },
    trigger: {
      sourceTriggers: [{ name: 'defaultSourceTriggerName', sourceRepository: { sourceControlType: 'Git', repositoryUrl: GIT, branch: 'main' }, sourceTriggerEvents: ['commit'], status: 'Enabled', allowForks: false, pollIntervalSeconds: null }],
      baseImageTrigger: { name: 'defaultBaseimageTriggerName', baseImageTriggerType: 'Runtime', status: 'Enabled' },
      timerTriggers: [],
    },
    credentials: { customRegistries: {} },
    identity: null,
    creationDate: '2026-01-01T00:00:00.000Z',
    lastUpdatedTime: '2026-01-01T00:00:00.000Z',
    provisioningState: 'Succeeded',
    ...overrides,
  };
}

let dir: string;
let where: { env: NodeJS.ProcessEnv; cwd: string };

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'slipway-task-cli-'));
  where = { env: { MODE: 'from-env' }, cwd: dir };
});

afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

function context(routes: StubRoute[], options: CaptureOptions = {}) {
  const stub = stubFetch(BASE, routes);
  const captured = captureIo(options);
  const ctx: ClientContext = { io: captured.io, client: new ApiClient({ baseUrl: BASE, fetch: stub.fetch }), stdin: captured.io.stdin!, signal: captured.io.signal! };
  return { ctx, captured, stub };
}

describe('parsing task create and update', () => {
  it('takes az flags: a git context with -f, images, args (bare NAME from the environment), schedules, trigger switches', () => {
    const options = parseCreate(input({ name: 'web-build', context: GIT, file: 'Dockerfile', image: ['a:1', 'b:2'], arg: ['MODE', 'X=1'], schedule: ['0 2 * * *', 'weekly:30 4 * * SUN'], 'commit-trigger-enabled': 'False', 'base-image-trigger-type': 'all', platform: 'Linux/ARM64', status: 'disabled' }), where);
    expect(options.step).toMatchObject({ source: { kind: 'remote', contextPath: GIT, file: 'Dockerfile' }, images: ['a:1', 'b:2'], args: [{ name: 'MODE', value: 'from-env' }, { name: 'X', value: '1' }] });
    expect(options.timers).toEqual([{ schedule: '0 2 * * *' }, { name: 'weekly', schedule: '30 4 * * SUN' }]);
    expect(options.settings).toEqual({ commitTriggerEnabled: false, baseImageTriggerType: 'All', platform: 'linux/arm64', status: 'Disabled' });
  });

  it.each([
    [{ context: GIT, file: 'Dockerfile' }, /--name \(-n\) is required/],
    [{ name: 'web-build', file: 'Dockerfile' }, /--context \(-c\) is required/],
    [{ name: 'web-build', context: '.', file: 'Dockerfile' }, /local folder \("\."\) cannot be used.*git repository.*slipway task run -c \./],
    [{ name: 'web-build', context: GIT }, /with a context, -f is required/],
    [{ name: 'web-build', context: '/dev/null' }, /with \/dev\/null, pass the task file/],
    [{ name: 'web-build', context: GIT, cmd: 'busybox echo' }, /--cmd needs \/dev\/null/],
    [{ name: 'web-build', context: '/dev/null', cmd: 'x', file: 'y' }, /--cmd and -f cannot be combined/],
    [{ name: 'web-build', context: GIT, file: 'Dockerfile', 'commit-trigger-enabled': 'maybe' }, /--commit-trigger-enabled must be true or false/],
    [{ name: 'web-build', context: GIT, file: 'Dockerfile', status: 'on' }, /--status must be one of Enabled, Disabled/],
    [{ name: 'web-build', context: GIT, file: 'Dockerfile', cpu: 'two' }, /--cpu must be a whole number/],
  ])('refuses bad usage %#', (flags, message) => {
    expect(() => parseCreate(input(flags), where)).toThrow(message);
  });

  it('splits NAME:CRON only when the part before the colon is a name', () => {
    expect(parseSchedules(['*/5 * * * *', 't9:0 0 * * *'])).toEqual([{ schedule: '*/5 * * * *' }, { name: 't9', schedule: '0 0 * * *' }]);
  });

  it('exits 2 through the CLI before any request', async () => {
    const captured = captureIo();
    expect(await runCli(COMMANDS, ['task', 'create', '-n', 'web-build', '-c', '.', '-f', 'Dockerfile'], captured.io)).toBe(ExitCode.usage);
    expect(captured.stderr()).toMatch(/cannot be used.*\[USAGE_INVALID\]/s);
  });
});

describe('task create', () => {
  it('sends the Docker step and settings, prints the task without the secret, and the webhook URL and secret on stderr', async () => {
    const { ctx, captured, stub } = context([{ method: 'POST', path: '/api/v1/tasks', status: 201, body: { ...task(), webhookSecret: 'f'.repeat(64) } }]);
    const options = parseCreate(input({ name: 'web-build', context: GIT, file: 'Dockerfile', image: ['web:{{.Run.ID}}'], 'secret-arg': ['TOKEN=s3cret-arg'], 'git-access-token': 'pat-1', 'no-push': true }), where);
    expect(await runCreate(options, ctx)).toBe(0);
    expect(JSON.parse(stub.calls[0]!.body!)).toEqual({
      name: 'web-build',
      contextPath: GIT,
      file: 'Dockerfile',
      imageNames: ['web:{{.Run.ID}}'],
      isPushEnabled: false,
      secretArguments: [{ name: 'TOKEN', value: 's3cret-arg' }],
      gitAccessToken: 'pat-1',
    });
    expect(JSON.parse(captured.stdout())).toEqual(task());
    expect(captured.stderr()).toContain(`Webhook URL:    ${BASE}/api/v1/tasks/web-build/webhook`);
    expect(captured.stderr()).toContain(`Webhook secret: ${'f'.repeat(64)}`);
    stub.verify();
  });

  it('reads a local task file and values file for /dev/null, adding version v1.1.0 like az', async () => {
    await writeFile(join(dir, 'nightly.yaml'), 'steps:\n  - cmd: busybox echo hi\n');
    await writeFile(join(dir, 'values.yaml'), 'a: 1\n');
    const { ctx, stub } = context([{ method: 'POST', path: '/api/v1/tasks', status: 201, body: { ...task(), webhookSecret: 'x' } }]);
    const options = parseCreate(input({ name: 'nightly', context: '/dev/null', file: 'nightly.yaml', values: 'values.yaml', set: ['b=2'], 'set-secret': ['pw=p'], schedule: ['0 2 * * *'], 'commit-trigger-enabled': 'false' }), where);
    await runCreate(options, ctx);
    expect(JSON.parse(stub.calls[0]!.body!)).toEqual({
      name: 'nightly',
      contextPath: null,
      taskFile: 'version: v1.1.0\nsteps:\n  - cmd: busybox echo hi\n',
      valuesFile: 'a: 1\n',
      values: [{ name: 'b', value: '2' }],
      secretValues: [{ name: 'pw', value: 'p' }],
      commitTriggerEnabled: false,
      timers: [{ schedule: '0 2 * * *' }],
    });
  });

  it('makes a one-step task file from --cmd', async () => {
    const { ctx, stub } = context([{ method: 'POST', path: '/api/v1/tasks', status: 201, body: { ...task(), webhookSecret: 'x' } }]);
    await runCreate(parseCreate(input({ name: 'lint-all', context: '/dev/null', cmd: '$Registry/tools/lint:1', timeout: '120' }), where), ctx);
    expect(JSON.parse(stub.calls[0]!.body!)).toMatchObject({ taskFile: expect.stringContaining('cmd: "$Registry/tools/lint:1"\n    disableWorkingDirectoryOverride: true\n    timeout: 120'), timeout: 120 });
  });

  it("rejects with the server's code for an invalid task (exit 1)", async () => {
    const { ctx } = context([{ method: 'POST', path: '/api/v1/tasks', status: 400, body: { error: { code: 'TASK_INVALID', message: 'timers[0].schedule: bad', detail: { field: 'timers' }, requestId: 'r' } } }]);
    const failure = runCreate(parseCreate(input({ name: 'web-build', context: GIT, file: 'Dockerfile', schedule: ['61 * * * *'] }), where), ctx);
    await expect(failure).rejects.toMatchObject({ code: 'TASK_INVALID', httpStatus: 400 });
    expect(exitCodeFor(await failure.catch((err: unknown) => err))).toBe(ExitCode.failure);
  });
});

describe('task update', () => {
  it('sends only the flags given', async () => {
    const { ctx, stub } = context([{ method: 'PATCH', path: '/api/v1/tasks/web-build', body: task({ status: 'Disabled' }) }]);
    expect(await runUpdate(parseUpdate(input({ name: 'web-build', status: 'Disabled', 'pull-request-trigger-enabled': 'true', image: ['web:v2'] }), where), ctx)).toBe(0);
    expect(JSON.parse(stub.calls[0]!.body!)).toEqual({ status: 'Disabled', pullRequestTriggerEnabled: true, imageNames: ['web:v2'] });
    stub.verify();
  });

  it('reads -f locally when the saved task has no context, and passes it as a path otherwise', async () => {
    await writeFile(join(dir, 'new.yaml'), 'version: v1.1.0\nsteps:\n  - cmd: busybox echo new\n');
    const encoded = task({ step: { type: 'EncodedTask', contextPath: null, encodedTaskContent: '', encodedValuesContent: null, values: [], baseImageDependencies: [] } });
    const first = context([
      { method: 'GET', path: '/api/v1/tasks/nightly', body: encoded },
      { method: 'PATCH', path: '/api/v1/tasks/nightly', body: encoded },
    ]);
    await runUpdate(parseUpdate(input({ name: 'nightly', file: 'new.yaml' }), where), first.ctx);
    expect(JSON.parse(first.stub.calls[1]!.body!)).toEqual({ taskFile: 'version: v1.1.0\nsteps:\n  - cmd: busybox echo new\n' });
    const second = context([
      { method: 'GET', path: '/api/v1/tasks/web-build', body: task() },
      { method: 'PATCH', path: '/api/v1/tasks/web-build', body: task() },
    ]);
    await runUpdate(parseUpdate(input({ name: 'web-build', file: 'docker/Dockerfile' }), where), second.ctx);
    expect(JSON.parse(second.stub.calls[1]!.body!)).toEqual({ file: 'docker/Dockerfile' });
  });

  it('refuses an update with nothing to change', async () => {
    const { ctx } = context([]);
    await expect(runUpdate(parseUpdate(input({ name: 'web-build' }), where), ctx)).rejects.toThrow(/nothing to update/);
  });
});

describe('task list, show and delete', () => {
  it("prints az's task columns in a table, counting only enabled triggers", () => {
    const tasks = [
      task(),
      task({ name: 'nightly', status: 'Disabled', step: { type: 'EncodedTask', contextPath: null, encodedTaskContent: '', encodedValuesContent: null, values: [], baseImageDependencies: [] }, trigger: { sourceTriggers: [], baseImageTrigger: { name: 'b', baseImageTriggerType: 'Runtime', status: 'Disabled' }, timerTriggers: [{ name: 't1', schedule: '0 2 * * *', status: 'Enabled' }] } }),
    ];
    const lines = formatTasks(tasks, { output: 'table' }).trimEnd().split('\n');
    expect(lines[0]).toMatch(/^NAME\s+PLATFORM\s+STATUS\s+SOURCE REPOSITORY\s+TRIGGERS$/);
    expect(lines[2]!.split(/\s{2,}/)).toEqual(['web-build', 'Linux', 'Enabled', GIT, 'BASE_IMAGE, SOURCE']);
    expect(lines[3]!.split(/\s{2,}/)).toEqual(['nightly', 'Linux', 'Disabled', 'TIMER']);
    expect(JSON.parse(formatTasks(tasks, { output: 'json' }))).toEqual(tasks);
  });

  it('lists tasks and answers an unknown task with TASK_NOT_FOUND (exit 4)', async () => {
    const { ctx, stub } = context([
      { method: 'GET', path: '/api/v1/tasks', body: { tasks: [task()] } },
      { method: 'GET', path: '/api/v1/tasks/missing-task', status: 404, body: { error: { code: 'TASK_NOT_FOUND', message: 'task not found', detail: { name: 'missing-task' }, requestId: 'r' } } },
    ]);
    expect(formatTasks((await ctx.client.listTasks(ctx.signal)).tasks, { output: 'tsv' }).split('\t')[0]).toBe('web-build');
    const error = await ctx.client.getTask('missing-task', ctx.signal).catch((err: unknown) => err);
    expect(error).toMatchObject({ code: 'TASK_NOT_FOUND' });
    expect(exitCodeFor(error)).toBe(ExitCode.notFound);
    stub.verify();
  });

  it('deletes with --yes, asks on a terminal, and refuses without either', async () => {
    const yes = context([{ method: 'DELETE', path: '/api/v1/tasks/web-build', status: 204 }]);
    expect(await runDeleteTask({ name: 'web-build', isConfirmed: true, format: { output: 'json' } }, yes.ctx)).toBe(0);
    yes.stub.verify();
    const asked = context([{ method: 'DELETE', path: '/api/v1/tasks/web-build', status: 204 }], { stdinIsTty: true, answers: ['y'] });
    expect(await runDeleteTask({ name: 'web-build', isConfirmed: false, format: { output: 'json' } }, asked.ctx)).toBe(0);
    expect(asked.captured.prompts[0]).toMatch(/delete the task 'web-build'/);
    const declined = context([], { stdinIsTty: true, answers: ['n'] });
    expect(await runDeleteTask({ name: 'web-build', isConfirmed: false, format: { output: 'json' } }, declined.ctx)).toBe(ExitCode.cancelled);
    const piped = context([]);
    await expect(runDeleteTask({ name: 'web-build', isConfirmed: false, format: { output: 'json' } }, piped.ctx)).rejects.toThrow(/pass --yes/);
  });
});
