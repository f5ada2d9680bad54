import { describe, expect, it } from 'vitest';
import type { CommandInput } from '../../command.js';
import { ApiClient } from '../../client/api-client.js';
import type { ClientContext } from '../../client/client-context.js';
import { streamedText, stubFetch, type StubRoute } from '../../client/stub-fetch.js';
import { captureIo } from '../../output/capture-io.js';
import { ExitCode, runCli } from '../../run-cli.js';
import { COMMANDS } from '../index.js';
import { run } from './run-fixture.js';
import { formatRuns, runDuration } from './run-view.js';
import { exitCodeFor } from '../../run-cli.js';
import { parseListRuns, parseRunId, runCancelRun, runListRuns, runLogs, runShowRun } from './task-runs.js';

const BASE = 'http://127.0.0.1:5999';
const input = (flags: CommandInput['flags']): CommandInput => ({ flags, positionals: [] });

const runs = [
  run({ runId: 'ca2', status: 'Running', startTime: '2026-01-01T00:01:00.123Z' }),
  run({ runId: 'ca1', status: 'Succeeded', task: 'nightly', startTime: '2026-01-01T00:00:00.000Z', finishTime: '2026-01-01T01:02:03.400Z', trigger: 'Timer' }),
];

function context(routes: StubRoute[]): { ctx: ClientContext; captured: ReturnType<typeof captureIo>; stub: ReturnType<typeof stubFetch> } {
  const stub = stubFetch(BASE, routes);
  const captured = captureIo();
  const ctx: ClientContext = { io: captured.io, client: new ApiClient({ baseUrl: BASE, fetch: stub.fetch }), stdin: captured.io.stdin!, signal: captured.io.signal! };
  return { ctx, captured, stub };
}

describe('parsing task run commands', () => {
  it('defaults --top to 15 like az, matches --run-status case-insensitively and checks --image', () => {
    expect(parseListRuns(input({}))).toEqual({ filter: { top: 15 }, format: { output: 'json' } });
    expect(parseListRuns(input({ top: '3', 'run-status': 'failed', image: 'hello:ca1' })).filter).toEqual({ top: 3, status: 'Failed', image: 'hello:ca1' });
    expect(() => parseListRuns(input({ 'run-status': 'Done' }))).toThrow(/--run-status must be one of Queued, Started/);
    expect(() => parseListRuns(input({ image: 'hello' }))).toThrow(/--image must be REPO:TAG or REPO@DIGEST/);
    expect(() => parseRunId(input({}))).toThrow(/--run-id is required/);
  });

  it('filters by a saved task with -n, sent as ?task=', async () => {
    expect(parseListRuns(input({ name: 'web-build' })).filter).toEqual({ top: 15, task: 'web-build' });
    const { ctx, stub } = context([{ method: 'GET', path: '/api/v1/runs?top=15&task=web-build', body: { runs: [] } }]);
    expect(await runListRuns(parseListRuns(input({ name: 'web-build' })), ctx)).toBe(0);
    stub.verify();
  });
});

describe('run output', () => {
  it("prints az's run columns in a table", () => {
    const lines = formatRuns(runs, { output: 'table' }).trimEnd().split('\n');
    expect(lines[0]).toMatch(/^RUN ID\s+TASK\s+PLATFORM\s+STATUS\s+TRIGGER\s+STARTED\s+DURATION$/);
    expect(lines[2]!.split(/\s{2,}/)).toEqual(['ca2', 'linux', 'Running', 'Manual', '2026-01-01T00:01:00Z']);
    expect(lines[3]!.split(/\s{2,}/)).toEqual(['ca1', 'nightly', 'linux', 'Succeeded', 'Timer', '2026-01-01T00:00:00Z', '01:02:03']);
    expect(lines).toHaveLength(4);
  });

  it('prints the API shape in JSON, and a queried table from the raw runs', () => {
    expect(JSON.parse(formatRuns(runs, { output: 'json' }))).toEqual(runs);
    expect(formatRuns(runs, { output: 'table', query: '[].{id: runId}' })).toBe('ID\n---\nca2\nca1\n');
    expect(formatRuns(runs[1]!, { output: 'table' }).split('\n')[0]).toMatch(/^RUN ID/);
    expect(runDuration(runs[0]!)).toBe('');
  });
});

describe('task commands', () => {
  it('list-runs sends the filter and prints a table', async () => {
    const { ctx, captured, stub } = context([{ method: 'GET', path: '/api/v1/runs?top=15&status=Running', body: { runs: [runs[0]] } }]);
    expect(await runListRuns(parseListRuns(input({ 'run-status': 'Running', output: 'table' })), ctx)).toBe(0);
    expect(captured.stdout()).toMatch(/^RUN ID.*\n-+.*\nca2 /);
    stub.verify();
  });

  it('logs replays a finished run and exits 0 whatever its status', async () => {
    const { ctx, captured, stub } = context([
      { method: 'GET', path: '/api/v1/runs/ca1/logs?offset=0&follow=true', respond: () => streamedText('boom\n') },
      { method: 'GET', path: '/api/v1/runs/ca1', body: run({ status: 'Failed' }) },
    ]);
    expect(await runLogs('ca1', ctx)).toBe(0);
    expect(captured.stdout()).toBe('boom\n');
    stub.verify();
  });

  it('logs without --run-id follows the newest run', async () => {
    const { ctx, captured, stub } = context([
      { method: 'GET', path: '/api/v1/runs?top=1', body: { runs: [runs[0]] } },
      { method: 'GET', path: '/api/v1/runs/ca2/logs?offset=0&follow=true', respond: () => streamedText('hi\n') },
      { method: 'GET', path: '/api/v1/runs/ca2', body: run({ runId: 'ca2', status: 'Succeeded' }) },
    ]);
    expect(await runLogs(undefined, ctx)).toBe(0);
    expect(captured.stderr()).toBe('Showing logs of the last created run...\nRun ID: ca2\n');
    expect(captured.stdout()).toBe('hi\n');
    stub.verify();
  });

  it('logs -n TASK follows the newest run of that task', async () => {
    const { ctx, captured, stub } = context([
      { method: 'GET', path: '/api/v1/runs?top=1&task=nightly', body: { runs: [runs[1]] } },
      { method: 'GET', path: '/api/v1/runs/ca1/logs?offset=0&follow=true', respond: () => streamedText('nightly log\n') },
      { method: 'GET', path: '/api/v1/runs/ca1', body: runs[1] },
    ]);
    expect(await runLogs(undefined, ctx, { task: 'nightly' })).toBe(0);
    expect(captured.stdout()).toBe('nightly log\n');
    stub.verify();
  });

  it('show-run prints one run; an unknown run maps to exit 4, cancelling a finished one to exit 1', async () => {
    const notFound = { error: { code: 'RUN_NOT_FOUND', message: 'run not found', detail: { runId: 'ca9' }, requestId: 'r' } };
    const finishedAlready = { error: { code: 'RUN_STATE_INVALID', message: 'run already finished', detail: null, requestId: 'r' } };
    const { ctx, captured, stub } = context([
      { method: 'GET', path: '/api/v1/runs/ca1', body: runs[1] },
      { method: 'GET', path: '/api/v1/runs/ca9', status: 404, body: notFound },
      { method: 'POST', path: '/api/v1/runs/ca2/cancel', status: 202, body: run({ runId: 'ca2', status: 'Canceled' }) },
      { method: 'POST', path: '/api/v1/runs/ca1/cancel', status: 409, body: finishedAlready },
    ]);
    expect(await runShowRun(parseRunId(input({ 'run-id': 'ca1', output: 'tsv', query: 'status' })), ctx)).toBe(0);
    expect(captured.stdout()).toBe('Succeeded\n');
    const missing = await runShowRun(parseRunId(input({ 'run-id': 'ca9' })), ctx).catch((err: unknown) => err);
    expect(exitCodeFor(missing)).toBe(ExitCode.notFound);
    expect(await runCancelRun(parseRunId(input({ 'run-id': 'ca2', query: 'status' })), ctx)).toBe(0);
    expect(captured.stdout()).toContain('"Canceled"');
    const late = await runCancelRun(parseRunId(input({ 'run-id': 'ca1' })), ctx).catch((err: unknown) => err);
    expect(exitCodeFor(late)).toBe(ExitCode.failure);
    stub.verify();
  });

  it('are registered and need --run-id', async () => {
    const captured = captureIo({ env: { SLIPWAY_CONFIG_HOME: '/nonexistent-slipway-test' } });
    expect(await runCli(COMMANDS, ['task', 'show-run'], captured.io)).toBe(ExitCode.usage);
    expect(await runCli(COMMANDS, ['task', 'cancel-run'], captured.io)).toBe(ExitCode.usage);
    const names = COMMANDS.map((c) => c.path.join(' '));
    expect(names).toEqual(expect.arrayContaining(['build', 'task list-runs', 'task show-run', 'task cancel-run', 'task logs']));
  });
});
