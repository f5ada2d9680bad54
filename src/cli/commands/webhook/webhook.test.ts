import { describe, expect, it } from 'vitest';
import type { ApiWebhook } from '../../../api/contract/webhooks.js';
import type { CommandInput } from '../../command.js';
import { ApiClient } from '../../client/api-client.js';
import type { ClientContext } from '../../client/client-context.js';
import { stubFetch, type StubRoute } from '../../client/stub-fetch.js';
import { captureIo } from '../../output/capture-io.js';
import { ExitCode, exitCodeFor } from '../../run-cli.js';
import { runAuditList } from '../audit/audit-list.js';
import { runWebhook } from './webhook.js';
import { parseCreateRequest, parseUpdateRequest } from './webhook-options.js';

const BASE = 'http://127.0.0.1:5999';
const input = (flags: CommandInput['flags'], positionals: string[] = []): CommandInput => ({ flags, positionals });

const hook: ApiWebhook = {
  name: 'deployhook',
  actions: ['push', 'delete'],
  scope: 'web:*',
  status: 'enabled',
  provisioningState: 'Succeeded',
  customHeaderNames: ['Authorization'],
  health: { state: 'failing', consecutiveFailures: 9, failingSince: '2026-01-01T00:00:00.000Z', nextAttemptAt: null, lastDeliveryAt: null },
  backlog: 3,
  createdAt: '2026-01-01T00:00:00.000Z',
  updatedAt: '2026-01-01T00:00:00.000Z',
};

function context(routes: StubRoute[]) {
  const stub = stubFetch(BASE, routes);
  const captured = captureIo();
  const ctx: ClientContext = { io: captured.io, client: new ApiClient({ baseUrl: BASE, fetch: stub.fetch }), stdin: captured.io.stdin!, signal: captured.io.signal! };
  return { ctx, captured, stub };
}

describe('webhook CLI', () => {
  it('reads az-style space-separated actions and headers', () => {
    const request = parseCreateRequest(input({ name: 'deployhook', uri: 'https://hooks.example.invalid/x', actions: ['push'], headers: ['Authorization=Bearer a=b'], scope: 'web:*' }, ['delete', 'X-Env=prod']));
    expect(request).toEqual({ name: 'deployhook', serviceUri: 'https://hooks.example.invalid/x', actions: ['push', 'delete'], scope: 'web:*', customHeaders: { Authorization: 'Bearer a=b', 'X-Env': 'prod' } });
    expect(parseCreateRequest(input({ name: 'deployhook', uri: 'http://127.0.0.1:1/', actions: ['push,chart_push'] })).actions).toEqual(['push', 'chart_push']);
  });

  it('refuses unknown actions and empty updates, and clears headers with {}', () => {
    expect(exitCodeFor(captureError(() => parseCreateRequest(input({ name: 'deployhook', uri: 'http://127.0.0.1:1/', actions: ['pull'] }))))).toBe(ExitCode.usage);
    expect(exitCodeFor(captureError(() => parseUpdateRequest(input({ name: 'deployhook' }))))).toBe(ExitCode.usage);
    expect(parseUpdateRequest(input({ name: 'deployhook', headers: ['{}'] }))).toEqual({ customHeaders: {} });
  });

  it('lists webhooks as a table with health and backlog', async () => {
    const { ctx, captured, stub } = context([{ method: 'GET', path: '/api/v1/webhooks', body: { webhooks: [hook] } }]);
    expect(await runWebhook({ verb: 'list', input: input({}), format: { output: 'table' } }, ctx)).toBe(ExitCode.ok);
    expect(captured.stdout()).toMatch(/deployhook\s+push, delete\s+web:\*\s+enabled\s+failing\s+3/);
    stub.verify();
  });

  it('sends create as JSON and prints the signing secret once', async () => {
    const { ctx, captured, stub } = context([{ method: 'POST', path: '/api/v1/webhooks', status: 201, body: { ...hook, signingSecret: 'whsec_x' } }]);
    await runWebhook({ verb: 'create', input: input({ name: 'deployhook', uri: 'https://hooks.example.invalid/x', actions: ['push'] }), format: { output: 'json' } }, ctx);
    expect(JSON.parse(stub.calls[0]?.body ?? '{}')).toEqual({ name: 'deployhook', serviceUri: 'https://hooks.example.invalid/x', actions: ['push'] });
    expect(captured.stdout()).toContain('whsec_x');
  });

  it('lists delivery attempts and audit events', async () => {
    const { ctx, captured } = context([
      { method: 'GET', path: '/api/v1/webhooks/deployhook/events?top=2', body: { deliveries: [{ id: 2, eventId: 'e1', action: 'push', image: 'web:v1', attempt: 2, statusCode: null, response: '', error: 'timed out', durationMs: 10_000, timestamp: '2026-01-01T00:00:01.000Z' }] } },
      { method: 'GET', path: '/api/v1/audit?top=5', body: { events: [{ id: 1, timestamp: '2026-01-01T00:00:00.000Z', actor: 'admin', action: 'webhook.create', target: { kind: 'webhook', name: 'deployhook' }, detail: {} }] } },
    ]);
    await runWebhook({ verb: 'list-events', input: input({ name: 'deployhook', top: '2' }), format: { output: 'table' } }, ctx);
    await runAuditList({ top: 5, format: { output: 'table' } }, ctx);
    expect(captured.stdout()).toMatch(/e1\s+push\s+web:v1\s+2\s+timed out/);
    expect(captured.stdout()).toMatch(/admin\s+webhook\.create\s+webhook\/deployhook/);
  });

  it('refuses to delete without --yes when stdin is not a terminal', async () => {
    const { ctx, stub } = context([]);
    await expect(runWebhook({ verb: 'delete', input: input({ name: 'deployhook' }), format: { output: 'json' } }, ctx)).rejects.toMatchObject({ code: 'USAGE_INVALID' });
    expect(stub.calls).toHaveLength(0);
  });
});

function captureError(fn: () => unknown): unknown {
  try {
    fn();
  } catch (err) {
    return err;
  }
  throw new Error('expected an error');
}
