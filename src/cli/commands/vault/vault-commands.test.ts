import { describe, expect, it } from 'vitest';
import type { CommandInput } from '../../command.js';
import { ApiClient } from '../../client/api-client.js';
import type { ClientContext } from '../../client/client-context.js';
import { stubFetch, type StubRoute } from '../../client/stub-fetch.js';
import { captureIo, type CaptureOptions } from '../../output/capture-io.js';
import { parseVault, runVault } from './vault-commands.js';

/** `vault …`, `secret …` and `identity …` over strict HTTP stubs. */

const BASE = 'http://127.0.0.1:5999';
const input = (flags: CommandInput['flags'], positionals: string[] = []): CommandInput => ({ flags, positionals });
const secret = { vault: 'search', name: 'api-key', version: 'a'.repeat(32), contentType: null, createdTime: '2030-01-01T00:00:00Z', lastUpdateTime: '2030-01-02T00:00:00Z', versions: 2 };

function context(routes: StubRoute[], options: CaptureOptions = {}) {
  const stub = stubFetch(BASE, routes);
  const captured = captureIo(options);
  const ctx: ClientContext = { io: captured.io, client: new ApiClient({ baseUrl: BASE, fetch: stub.fetch }), stdin: captured.io.stdin!, signal: captured.io.signal! };
  return { ctx, captured, stub };
}

describe('secret set', () => {
  it('reads the value from stdin without its trailing newline, and prints metadata only', async () => {
    const { ctx, captured, stub } = context([{ method: 'PUT', path: '/api/v1/vaults/search/secrets/api-key', body: secret }], { stdinText: 'the-value\n' });
    await runVault(parseVault(input({ vault: 'search', name: 'api-key' }), 'secret-set'), ctx);
    expect(JSON.parse(stub.calls[0]!.body!)).toEqual({ value: 'the-value' });
    expect(captured.stdout()).not.toContain('the-value');
    stub.verify();
  });

  it('refuses --value with --file, and a missing --vault', () => {
    expect(() => parseVault(input({ vault: 'v', name: 'n', value: 'x', file: 'f' }), 'secret-set')).toThrow(/not several/);
    expect(() => parseVault(input({ name: 'n' }), 'secret-list')).toThrow(/--vault is required/);
  });
});

describe('secret show and list', () => {
  it('asks for the value only with --reveal, and lists as a table', async () => {
    const { ctx, captured, stub } = context([
      { method: 'GET', path: '/api/v1/vaults/search/secrets/api-key', body: secret },
      { method: 'GET', path: '/api/v1/vaults/search/secrets/api-key?reveal=true', body: { ...secret, value: 'shown' } },
      { method: 'GET', path: '/api/v1/vaults/search/secrets', body: { secrets: [secret] } },
    ]);
    await runVault(parseVault(input({ vault: 'search', name: 'api-key' }), 'secret-show'), ctx);
    expect(captured.stdout()).not.toContain('shown');
    await runVault(parseVault(input({ vault: 'search', name: 'api-key', reveal: true, query: 'value', output: 'tsv' }), 'secret-show'), ctx);
    expect(captured.stdout()).toContain('shown');
    await runVault(parseVault(input({ vault: 'search', output: 'table' }), 'secret-list'), ctx);
    expect(captured.stdout()).toMatch(/api-key/);
    stub.verify();
  });
});

describe('vault set-policy and identities', () => {
  it('takes permissions as az does (--secret-permissions get list) and sends them', async () => {
    const { ctx, stub } = context([{ method: 'PUT', path: '/api/v1/vaults/search/policies/indexer', body: { vault: 'search', identity: 'indexer', secretPermissions: ['get', 'list'] } }]);
    await runVault(parseVault(input({ name: 'search', identity: 'indexer', 'secret-permissions': ['get'] }, ['list']), 'vault-set-policy'), ctx);
    expect(JSON.parse(stub.calls[0]!.body!)).toEqual({ secretPermissions: ['get', 'list'] });
    stub.verify();
  });

  it('creates, lists and deletes identities', async () => {
    const identity = { name: 'indexer', description: 'index builds', createdTime: '2030-01-01T00:00:00Z' };
    const { ctx, stub } = context([
      { method: 'POST', path: '/api/v1/identities', status: 201, body: identity },
      { method: 'GET', path: '/api/v1/identities', body: { identities: [identity] } },
      { method: 'DELETE', path: '/api/v1/identities/indexer', status: 204 },
    ]);
    await runVault(parseVault(input({ name: 'indexer', description: 'index builds' }), 'identity-create'), ctx);
    expect(JSON.parse(stub.calls[0]!.body!)).toEqual({ name: 'indexer', description: 'index builds' });
    await runVault(parseVault(input({}), 'identity-list'), ctx);
    await runVault(parseVault(input({ name: 'indexer' }), 'identity-delete'), ctx);
    stub.verify();
  });
});
