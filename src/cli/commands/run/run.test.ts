import { describe, expect, it } from 'vitest';
import { run } from '../task/run-fixture.js';
import type { CommandInput } from '../../command.js';
import { ApiClient } from '../../client/api-client.js';
import type { ClientContext } from '../../client/client-context.js';
import { stubFetch, type StubRoute } from '../../client/stub-fetch.js';
import { captureIo, type CaptureOptions } from '../../output/capture-io.js';
import { ExitCode, runCli } from '../../run-cli.js';
import { COMMANDS } from '../index.js';
import { parseRun, runQuickRun } from './run.js';

const BASE = 'http://127.0.0.1:5999';
const where = { env: {}, cwd: '/home/me/app' };
const input = (flags: CommandInput['flags'], positionals: string[] = ['/dev/null']): CommandInput => ({ flags, positionals });
const createRoute: StubRoute = { method: 'POST', path: '/api/v1/runs', status: 201, body: run({ runType: 'QuickRun' }) };
const timing = { intervalMs: 0, backoffMs: () => 0 };

function context(routes: StubRoute[], options: CaptureOptions = {}) {
  const stub = stubFetch(BASE, routes);
  const captured = captureIo(options);
  const ctx: ClientContext = { io: captured.io, client: new ApiClient({ baseUrl: BASE, fetch: stub.fetch }), stdin: captured.io.stdin!, signal: captured.io.signal! };
  return { ctx, captured, stub };
}

describe('parsing slipway run', () => {
  it('takes a folder with -f inside it (default acb.yaml), a URL for the server, /dev/null with a local file', () => {
    expect(parseRun(input({}, ['.']), where)).toMatchObject({ source: { kind: 'local', dir: '/home/me/app' }, taskFilePath: 'acb.yaml' });
    expect(parseRun(input({ file: 'ci/task.yaml', values: 'ci/values.yaml' }, ['https://git.example.invalid/o/a.git#main']), where)).toMatchObject({
      source: { kind: 'remote', location: 'https://git.example.invalid/o/a.git#main' },
      taskFilePath: 'ci/task.yaml',
      valuesPath: 'ci/values.yaml',
    });
    expect(parseRun(input({ file: 'task.yaml', values: 'v.yaml' }), where)).toMatchObject({ source: { kind: 'none', taskFile: { path: '/home/me/app/task.yaml' } }, valuesPath: '/home/me/app/v.yaml' });
    expect(parseRun(input({ set: ['a=1', 'b=x=y', 'bare'], 'set-secret': ['pw=s3'] }, ['.']), where)).toMatchObject({
      values: [{ name: 'a', value: '1' }, { name: 'b', value: 'x=y' }, { name: 'bare', value: '' }],
      secretValues: [{ name: 'pw', value: 's3' }],
      timeoutSeconds: undefined,
    });
  });

  it.each([
    [input({}), /pass the task file with -f FILE or -f - \(stdin\), or a command with --cmd/],
    [input({ cmd: 'busybox echo', file: 'x' }), /--cmd and -f cannot be combined/],
    [input({ cmd: 'busybox echo' }, ['.']), /--cmd needs \/dev\/null/],
    [input({ file: '-' }, ['.']), /needs \/dev\/null/],
    [input({}, []), /SOURCE_LOCATION argument is required/],
    [input({ set: ['=1'] }, ['.']), /--set needs a name/],
  ])('refuses bad usage %#', (bad, message) => {
    expect(() => parseRun(bad, where)).toThrow(message);
  });

  it('exits 2 through the CLI for bad usage, before any request', async () => {
    const captured = captureIo();
    expect(await runCli(COMMANDS, ['run', '--cmd', 'x', '.'], captured.io)).toBe(ExitCode.usage);
    expect(captured.stderr()).toMatch(/--cmd needs \/dev\/null.*\[USAGE_INVALID\]/);
  });
});

describe('runQuickRun', () => {
  it('sends --cmd as a one-step task file with the timeout, values and secret values, and never prints secrets', async () => {
    const { ctx, captured, stub } = context([createRoute]);
    const options = parseRun(input({ cmd: '$Registry/tools/lint:1 --strict', set: ['a=1'], 'set-secret': ['pw=hunter22'], timeout: '120', 'no-wait': true }), where);
    expect(await runQuickRun(options, ctx, timing)).toBe(0);
    expect(JSON.parse(stub.calls[0]!.body!)).toEqual({
      runType: 'QuickRun',
      contextId: null,
      taskFile: 'version: v1.1.0\nsteps:\n  - cmd: "$Registry/tools/lint:1 --strict"\n    disableWorkingDirectoryOverride: true\n    timeout: 120\n',
      values: [{ name: 'a', value: '1' }],
      secretValues: [{ name: 'pw', value: 'hunter22' }],
      platform: 'linux/amd64',
      timeoutSeconds: 120,
    });
    expect(captured.stderr()).toBe('Queued a run with ID: ca1\n');
    expect(captured.stdout() + captured.stderr()).not.toContain('hunter22');
    stub.verify();
  });

  it('reads a task file from stdin with /dev/null and adds version v1.1.0 when it has none', async () => {
    const { ctx, stub } = context([createRoute], { stdinText: 'steps:\n  - cmd: busybox echo hi\n' });
    expect(await runQuickRun(parseRun(input({ file: '-', 'no-wait': true }), where), ctx, timing)).toBe(0);
    expect(JSON.parse(stub.calls[0]!.body!).taskFile).toBe('version: v1.1.0\nsteps:\n  - cmd: busybox echo hi\n');
  });

  it('passes a URL to the server with the task and values paths inside it', async () => {
    const { ctx, stub } = context([createRoute]);
    await runQuickRun(parseRun(input({ file: 'ci/task.yaml', values: 'ci/v.yaml', 'no-wait': true }, ['http://127.0.0.1:9/ctx.tar.gz']), where), ctx, timing);
    expect(JSON.parse(stub.calls[0]!.body!)).toEqual({ runType: 'QuickRun', contextId: null, sourceLocation: 'http://127.0.0.1:9/ctx.tar.gz', taskFilePath: 'ci/task.yaml', valuesFilePath: 'ci/v.yaml', platform: 'linux/amd64' });
  });
});
