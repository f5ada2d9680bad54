import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { CommandInput } from '../../command.js';
import { ApiClient } from '../../client/api-client.js';
import type { ClientContext } from '../../client/client-context.js';
import { streamedText, stubFetch, type StubRoute } from '../../client/stub-fetch.js';
import { captureIo } from '../../output/capture-io.js';
import { ExitCode } from '../../run-cli.js';
import { run } from './run-fixture.js';
import { parseTaskRun, runTaskRun } from './task-run.js';

const BASE = 'http://127.0.0.1:5999';
const input = (flags: CommandInput['flags']): CommandInput => ({ flags, positionals: [] });
const timing = { intervalMs: 0, backoffMs: () => 0 };
const queued = run({ runId: 'ca7', task: 'web-build', runType: 'AutoBuild' });

let dir: string;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'slipway-task-run-'));
});

afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

function context(routes: StubRoute[]) {
  const stub = stubFetch(BASE, routes);
  const captured = captureIo();
  const ctx: ClientContext = { io: captured.io, client: new ApiClient({ baseUrl: BASE, fetch: stub.fetch }), stdin: captured.io.stdin!, signal: captured.io.signal! };
  return { ctx, captured, stub };
}

describe('parsing task run', () => {
  it('takes the overrides az takes', () => {
    const options = parseTaskRun(input({ name: 'web-build', set: ['a=1'], 'set-secret': ['pw=x'], arg: ['MODE'], 'secret-arg': ['T=s'], file: 'alt.Dockerfile', target: 'final', context: 'https://git.example.invalid/o/a.git#dev' }), { env: { MODE: 'env-mode' }, cwd: dir });
    expect(options).toMatchObject({
      name: 'web-build',
      context: { kind: 'remote', location: 'https://git.example.invalid/o/a.git#dev' },
      file: 'alt.Dockerfile',
      target: 'final',
      values: [{ name: 'a', value: '1' }],
      secretValues: [{ name: 'pw', value: 'x' }],
      args: [{ name: 'MODE', value: 'env-mode' }],
      secretArgs: [{ name: 'T', value: 's' }],
    });
    expect(parseTaskRun(input({ name: 'web-build', context: '.' }), { env: {}, cwd: dir }).context).toEqual({ kind: 'local', dir });
  });

  it('needs -n and refuses /dev/null as an override', () => {
    expect(() => parseTaskRun(input({}), { env: {}, cwd: dir })).toThrow(/--name \(-n\) is required/);
    expect(() => parseTaskRun(input({ name: 'web-build', context: '/dev/null' }), { env: {}, cwd: dir })).toThrow(/cannot override a context/);
  });
});

describe('runTaskRun', () => {
  it('starts a manual run with the overrides, streams its log and exits with its outcome', async () => {
    const { ctx, captured, stub } = context([
      { method: 'POST', path: '/api/v1/tasks/web-build/runs', status: 201, body: queued },
      { method: 'GET', path: '/api/v1/runs/ca7/logs?offset=0&follow=true', respond: () => streamedText('step output\n') },
      { method: 'GET', path: '/api/v1/runs/ca7', body: run({ runId: 'ca7', status: 'Failed', runErrorMessage: 'exit 1' }) },
    ]);
    const options = parseTaskRun(input({ name: 'web-build', set: ['a=1'], 'secret-arg': ['T=hidden-9'], target: 'final' }), { env: {}, cwd: dir });
    expect(await runTaskRun(options, ctx, timing)).toBe(ExitCode.failure);
    expect(JSON.parse(stub.calls[0]!.body!)).toEqual({ values: [{ name: 'a', value: '1' }], secretArguments: [{ name: 'T', value: 'hidden-9' }], target: 'final' });
    expect(captured.stdout()).toBe('step output\n');
    expect(captured.stderr()).toMatch(/^Queued a run with ID: ca7\nWaiting for an agent...\nRun ID: ca7 was unsuccessful after 0s, status: Failed\nexit 1\n$/);
    expect(captured.stdout() + captured.stderr()).not.toContain('hidden-9');
    stub.verify();
  });

  it('uploads a local folder override and sends its context id; --no-wait prints the queued run', async () => {
    await writeFile(join(dir, 'Dockerfile'), 'FROM scratch\n');
    const { ctx, captured, stub } = context([
      { method: 'POST', path: '/api/v1/contexts', status: 201, respond: async (init) => {
        for await (const _chunk of init.body as unknown as AsyncIterable<Uint8Array>) void _chunk;
        return new Response(JSON.stringify({ contextId: '00000000-0000-4000-8000-000000000001', sizeBytes: 2048, digest: 'sha256:0' }), { status: 201 });
      } },
      { method: 'POST', path: '/api/v1/tasks/web-build/runs', status: 201, body: queued },
    ]);
    expect(await runTaskRun(parseTaskRun(input({ name: 'web-build', context: '.', 'no-wait': true }), { env: {}, cwd: dir }), ctx, timing)).toBe(0);
    expect(JSON.parse(stub.calls[1]!.body!)).toEqual({ contextId: '00000000-0000-4000-8000-000000000001' });
    expect(JSON.parse(captured.stdout())).toMatchObject({ runId: 'ca7', task: 'web-build', trigger: 'Manual' });
    stub.verify();
  });
});
