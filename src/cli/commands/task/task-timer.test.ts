import { describe, expect, it } from 'vitest';
import type { ApiTask } from '../../../api/contract/tasks.js';
import type { CommandInput } from '../../command.js';
import { ApiClient } from '../../client/api-client.js';
import type { ClientContext } from '../../client/client-context.js';
import { stubFetch, type StubRoute } from '../../client/stub-fetch.js';
import { captureIo, type CaptureOptions } from '../../output/capture-io.js';
import { formatCredentials, parseCredential, runCredential } from './task-credential.js';
import { parseTimer, runTimer } from './task-timer.js';

/** `task timer …` and `task credential …` over strict HTTP stubs. */

const BASE = 'http://127.0.0.1:5999';
const input = (flags: CommandInput['flags']): CommandInput => ({ flags, positionals: [] });
const timers = [
  { name: 't1', schedule: '0 2 * * *', status: 'Enabled' },
  { name: 'weekly', schedule: '30 4 * * SUN', status: 'Disabled' },
];
const taskWithTimers = { name: 'nightly', trigger: { timerTriggers: timers } } as unknown as ApiTask;

function context(routes: StubRoute[], options: CaptureOptions = {}) {
  const stub = stubFetch(BASE, routes);
  const captured = captureIo(options);
  const ctx: ClientContext = { io: captured.io, client: new ApiClient({ baseUrl: BASE, fetch: stub.fetch }), stdin: captured.io.stdin!, signal: captured.io.signal! };
  return { ctx, captured, stub };
}

describe('task timer', () => {
  it('adds a timer with its name, schedule and state', async () => {
    const { ctx, stub } = context([{ method: 'POST', path: '/api/v1/tasks/nightly/timers', status: 201, body: taskWithTimers }]);
    await runTimer(parseTimer(input({ name: 'nightly', 'timer-name': 'weekly', schedule: '30 4 * * SUN', enabled: 'false' }), 'add'), ctx);
    expect(JSON.parse(stub.calls[0]!.body!)).toEqual({ name: 'weekly', schedule: '30 4 * * SUN', status: 'Disabled' });
    stub.verify();
  });

  it('updates, removes and lists (a table of NAME, SCHEDULE, STATUS)', async () => {
    const { ctx, captured, stub } = context([
      { method: 'PATCH', path: '/api/v1/tasks/nightly/timers/t1', body: taskWithTimers },
      { method: 'DELETE', path: '/api/v1/tasks/nightly/timers/weekly', body: taskWithTimers },
      { method: 'GET', path: '/api/v1/tasks/nightly/timers', body: { timerTriggers: timers } },
    ]);
    await runTimer(parseTimer(input({ name: 'nightly', 'timer-name': 't1', schedule: '0 3 * * *' }), 'update'), ctx);
    expect(JSON.parse(stub.calls[0]!.body!)).toEqual({ schedule: '0 3 * * *' });
    await runTimer(parseTimer(input({ name: 'nightly', 'timer-name': 'weekly' }), 'remove'), ctx);
    const before = captured.stdout().length;
    await runTimer(parseTimer(input({ name: 'nightly', output: 'table' }), 'list'), ctx);
    const lines = captured.stdout().slice(before).trimEnd().split('\n');
    expect(lines[0]).toMatch(/^NAME\s+SCHEDULE\s+STATUS$/);
    expect(lines[3]!.split(/\s{2,}/)).toEqual(['weekly', '30 4 * * SUN', 'Disabled']);
    stub.verify();
  });

  it.each([
    [{ name: 'nightly' }, 'add', /--schedule is required/],
    [{ name: 'nightly', schedule: '* * * * *' }, 'update', /--timer-name is required/],
    [{ name: 'nightly', 'timer-name': 't1' }, 'update', /nothing to update/],
    [{ 'timer-name': 't1' }, 'remove', /--name \(-n\) is required/],
    [{ name: 'nightly', schedule: '* * * * *', enabled: 'sometimes' }, 'add', /--enabled must be true or false/],
  ] as const)('refuses bad usage %#', (flags, kind, message) => {
    expect(() => parseTimer(input(flags), kind)).toThrow(message);
  });
});

describe('task credential', () => {
  it('adds a user and a password read from stdin, and prints the map without it', async () => {
    const body = { customRegistries: { 'reg.example.invalid': { userName: 'bot', identity: null } } };
    const { ctx, captured, stub } = context([{ method: 'POST', path: '/api/v1/tasks/web-build/credentials', status: 201, body }], { stdinText: 'pw-from-stdin\n' });
    await runCredential(parseCredential(input({ name: 'web-build', 'login-server': 'reg.example.invalid', 'cred-username': 'bot', 'cred-password': '-' }), 'add'), ctx);
    expect(JSON.parse(stub.calls[0]!.body!)).toEqual({ loginServer: 'reg.example.invalid', username: 'bot', password: 'pw-from-stdin' });
    expect(JSON.parse(captured.stdout())).toEqual(body);
    stub.verify();
  });

  it('updates, removes and lists (a table row per registry)', async () => {
    const body = { customRegistries: { 'reg.example.invalid': { userName: null, identity: 'system' } } };
    const { ctx, stub } = context([
      { method: 'PATCH', path: '/api/v1/tasks/web-build/credentials/reg.example.invalid', body },
      { method: 'DELETE', path: '/api/v1/tasks/web-build/credentials/reg.example.invalid', body: { customRegistries: {} } },
      { method: 'GET', path: '/api/v1/tasks/web-build/credentials', body },
    ]);
    await runCredential(parseCredential(input({ name: 'web-build', 'login-server': 'reg.example.invalid', 'use-identity': '[system]' }), 'update'), ctx);
    expect(JSON.parse(stub.calls[0]!.body!)).toEqual({ identity: 'system' });
    await runCredential(parseCredential(input({ name: 'web-build', 'login-server': 'reg.example.invalid' }), 'remove'), ctx);
    await runCredential(parseCredential(input({ name: 'web-build' }), 'list'), ctx);
    expect(formatCredentials(body, { output: 'table' }).split('\n')[2]!.split(/\s{2,}/)).toEqual(['reg.example.invalid', 'system']);
    stub.verify();
  });

  it.each([
    [{ name: 'web-build', 'cred-username': 'u' }, 'add', /--login-server is required/],
    [{ name: 'web-build', 'login-server': 'r.example.invalid' }, 'add', /--cred-username with --cred-password, --use-identity/],
    [{ name: 'web-build', 'login-server': 'r.example.invalid' }, 'update', /nothing to update/],
  ] as const)('refuses bad usage %#', (flags, kind, message) => {
    expect(() => parseCredential(input(flags), kind)).toThrow(message);
  });
});
