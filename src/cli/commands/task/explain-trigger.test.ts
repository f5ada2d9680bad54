import { describe, expect, it } from 'vitest';
import type { ApiTriggerEvent } from '../../../api/contract/trigger-events.js';
import type { CommandInput } from '../../command.js';
import { ApiClient } from '../../client/api-client.js';
import type { ClientContext } from '../../client/client-context.js';
import { stubFetch, type StubRoute } from '../../client/stub-fetch.js';
import { captureIo } from '../../output/capture-io.js';
import { ExitCode, exitCodeFor, runCli } from '../../run-cli.js';
import { COMMANDS } from '../index.js';
import { parseExplainTrigger, runExplainTrigger } from './explain-trigger.js';

const BASE = 'http://127.0.0.1:5999';
const input = (flags: CommandInput['flags']): CommandInput => ({ flags, positionals: [] });

const events: ApiTriggerEvent[] = [
  { id: 3, taskName: 'app', kind: 'Commit', receivedAt: '2026-03-01T10:00:02.345Z', outcome: 'duplicate', reason: 'the same commit cause already started run ca1', runId: 'ca1', detail: { commit: 'c'.repeat(40) } },
  { id: 2, taskName: 'app', kind: 'Commit', receivedAt: '2026-03-01T10:00:01.000Z', outcome: 'rejected', reason: 'github webhook rejected: no X-Hub-Signature-256 header', runId: null, detail: { provider: 'github' } },
  { id: 1, taskName: 'app', kind: 'Commit', receivedAt: '2026-03-01T10:00:00.000Z', outcome: 'queued', reason: 'queued run ca1', runId: 'ca1', detail: {} },
];

function context(routes: StubRoute[]): { ctx: ClientContext; captured: ReturnType<typeof captureIo>; stub: ReturnType<typeof stubFetch> } {
  const stub = stubFetch(BASE, routes);
  const captured = captureIo();
  const ctx: ClientContext = { io: captured.io, client: new ApiClient({ baseUrl: BASE, fetch: stub.fetch }), stdin: captured.io.stdin!, signal: captured.io.signal! };
  return { ctx, captured, stub };
}

describe('slipway task explain-trigger', () => {
  it('needs --name, defaults to a table of 20 events, and checks --top', () => {
    expect(() => parseExplainTrigger(input({}))).toThrow(/--name \(-n\) is required/);
    expect(parseExplainTrigger(input({ name: 'app' }))).toEqual({ name: 'app', top: 20, format: { output: 'table' } });
    expect(parseExplainTrigger(input({ name: 'app', top: '5', output: 'json' }))).toEqual({ name: 'app', top: 5, format: { output: 'json' } });
    expect(parseExplainTrigger(input({ name: 'app', query: '[0]' })).format).toEqual({ output: 'json', query: '[0]' });
    expect(() => parseExplainTrigger(input({ name: 'app', top: '0' }))).toThrow(/--top/);
  });

  it('prints TIME, KIND, OUTCOME, RUN and REASON, newest first', async () => {
    const { ctx, captured, stub } = context([{ method: 'GET', path: '/api/v1/tasks/app/trigger-events?top=20', body: { events } }]);
    expect(await runExplainTrigger(parseExplainTrigger(input({ name: 'app' })), ctx)).toBe(ExitCode.ok);
    const lines = captured.stdout().trimEnd().split('\n');
    expect(lines[0]).toMatch(/^TIME\s+KIND\s+OUTCOME\s+RUN\s+REASON$/);
    expect(lines[2]!.split(/\s{2,}/)).toEqual(['2026-03-01T10:00:02Z', 'Commit', 'duplicate', 'ca1', 'the same commit cause already started run ca1']);
    expect(lines[3]!.split(/\s{2,}/)).toEqual(['2026-03-01T10:00:01Z', 'Commit', 'rejected', 'github webhook rejected: no X-Hub-Signature-256 header']);
    expect(lines).toHaveLength(5);
    stub.verify();
  });

  it('prints the events as the API has them with -o json, and says so when there are none', async () => {
    const { ctx, captured, stub } = context([
      { method: 'GET', path: '/api/v1/tasks/app/trigger-events?top=2', body: { events: events.slice(0, 2) } },
      { method: 'GET', path: '/api/v1/tasks/new/trigger-events?top=20', body: { events: [] } },
    ]);
    await runExplainTrigger(parseExplainTrigger(input({ name: 'app', top: '2', output: 'json' })), ctx);
    expect(JSON.parse(captured.stdout())).toEqual(events.slice(0, 2));
    await runExplainTrigger(parseExplainTrigger(input({ name: 'new' })), ctx);
    expect(captured.stderr()).toBe('No trigger events recorded for task new yet.\n');
    stub.verify();
  });

  it('maps an unknown task to exit 4, and is registered', async () => {
    const notFound = { error: { code: 'TASK_NOT_FOUND', message: 'task not found', detail: { name: 'nope' }, requestId: 'r' } };
    const { ctx } = context([{ method: 'GET', path: '/api/v1/tasks/nope/trigger-events?top=20', status: 404, body: notFound }]);
    const err = await runExplainTrigger(parseExplainTrigger(input({ name: 'nope' })), ctx).catch((e: unknown) => e);
    expect(exitCodeFor(err)).toBe(ExitCode.notFound);
    const captured = captureIo({ env: { SLIPWAY_CONFIG_HOME: '/nonexistent-slipway-test' } });
    expect(await runCli(COMMANDS, ['task', 'explain-trigger'], captured.io)).toBe(ExitCode.usage);
    expect(COMMANDS.map((c) => c.path.join(' '))).toContain('task explain-trigger');
  });
});
