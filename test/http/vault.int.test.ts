import { readFile, readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buildTestServer, type Response, type TestServer } from '../helpers/build-test-server.js';

/** Vaults, secrets, identities and policies over /api/v1 (src/api/contract/vault.ts). */

const VALUE = 'search-admin-key-Qm7T2vX9';
let server: TestServer;

beforeEach(async () => {
  server = await buildTestServer();
});
afterEach(async () => server.close());

function send(method: 'POST' | 'PUT' | 'DELETE' | 'GET', url: string, payload?: unknown, auth?: string | false): Promise<Response> {
  return server.request({ method, url, ...(payload === undefined ? {} : { payload: payload as Record<string, unknown> }), ...(auth === undefined ? {} : { auth }) });
}

function expectError(res: Response, status: number, code: string): void {
  expect({ status: res.statusCode, code: res.json<{ error: { code: string } }>().error.code }).toEqual({ status, code });
}

describe('vaults and secrets', () => {
  beforeEach(async () => {
    expect((await send('POST', '/api/v1/vaults', { name: 'search' })).statusCode).toBe(201);
  });

  it('creates, lists, shows and deletes vaults; a name is taken case-insensitively', async () => {
    expectError(await send('POST', '/api/v1/vaults', { name: 'SEARCH' }), 409, 'VAULT_EXISTS');
    expectError(await send('POST', '/api/v1/vaults', { name: 'no_underscores' }), 400, 'REQUEST_INVALID');
    expect((await send('GET', '/api/v1/vaults')).json<{ vaults: { name: string }[] }>().vaults.map((v) => v.name)).toEqual(['search']);
    expect((await send('GET', '/api/v1/vaults/Search')).json<{ name: string; policies: unknown[] }>()).toMatchObject({ name: 'search', policies: [] });
    expect((await send('DELETE', '/api/v1/vaults/search')).statusCode).toBe(204);
    expectError(await send('GET', '/api/v1/vaults/search'), 404, 'VAULT_NOT_FOUND');
  });

  it('sets versions of a secret and never returns a value without reveal=true', async () => {
    const first = await send('PUT', '/api/v1/vaults/search/secrets/SearchServiceApiKey', { value: 'old-value-123' });
    expect(first.statusCode).toBe(200);
    await send('PUT', '/api/v1/vaults/search/secrets/SearchServiceApiKey', { value: VALUE });
    const list = await send('GET', '/api/v1/vaults/search/secrets');
    expect(list.body.includes(VALUE)).toBe(false);
    expect(list.json<{ secrets: { name: string; versions: number }[] }>().secrets).toMatchObject([{ name: 'SearchServiceApiKey', versions: 2 }]);
    const shown = await send('GET', '/api/v1/vaults/search/secrets/searchserviceapikey');
    expect(shown.body.includes(VALUE)).toBe(false);
    expect(shown.json()).not.toHaveProperty('value');
    expect((await send('GET', '/api/v1/vaults/search/secrets/SearchServiceApiKey?reveal=true')).json<{ value: string }>().value).toBe(VALUE);
    const old = first.json<{ version: string }>().version;
    expect((await send('GET', `/api/v1/vaults/search/secrets/SearchServiceApiKey?reveal=true&version=${old}`)).json<{ value: string }>().value).toBe('old-value-123');
    expect((await send('GET', '/api/v1/vaults/search/secrets/SearchServiceApiKey/versions')).json<{ versions: unknown[] }>().versions).toHaveLength(2);
    expect((await send('DELETE', '/api/v1/vaults/search/secrets/SearchServiceApiKey')).statusCode).toBe(204);
    expectError(await send('GET', '/api/v1/vaults/search/secrets/SearchServiceApiKey?reveal=true'), 404, 'SECRET_NOT_FOUND');
  });

  it('refuses anonymous callers and bad bodies', async () => {
    expectError(await send('GET', '/api/v1/vaults', undefined, false), 401, 'AUTH_REQUIRED');
    expectError(await send('GET', '/api/v1/vaults/search/secrets/x?reveal=true', undefined, false), 401, 'AUTH_REQUIRED');
    expectError(await send('PUT', '/api/v1/vaults/search/secrets/k', { value: 42 }), 400, 'REQUEST_INVALID');
    expectError(await send('PUT', '/api/v1/vaults/search/secrets/k', { value: '' }), 400, 'REQUEST_INVALID');
    expectError(await send('PUT', '/api/v1/vaults/nope/secrets/k', { value: 'v' }), 404, 'VAULT_NOT_FOUND');
  });

  it('keeps the value out of the database file and makes the master key file 0600', async () => {
    await send('PUT', '/api/v1/vaults/search/secrets/SearchServiceApiKey', { value: VALUE });
    const files = (await readdir(server.dataDir)).filter((f) => f.startsWith('slipway.db'));
    const bytes = Buffer.concat(await Promise.all(files.map((f) => readFile(join(server.dataDir, f)))));
    expect(bytes.includes(Buffer.from(VALUE))).toBe(false);
    expect((await stat(join(server.dataDir, 'keys', 'vault-master.key'))).mode & 0o777).toBe(0o600);
  });
});

describe('identities and policies', () => {
  beforeEach(async () => {
    await send('POST', '/api/v1/vaults', { name: 'search' });
  });

  it('creates identities, grants and revokes get/list on a vault, and shows them both ways', async () => {
    expect((await send('POST', '/api/v1/identities', { name: 'indexer', description: 'builds the index' })).statusCode).toBe(201);
    expectError(await send('POST', '/api/v1/identities', { name: 'Indexer' }), 409, 'IDENTITY_EXISTS');
    const set = await send('PUT', '/api/v1/vaults/search/policies/indexer', { secretPermissions: ['list', 'get'] });
    expect(set.json()).toMatchObject({ vault: 'search', identity: 'indexer', secretPermissions: ['get', 'list'] });
    expect((await send('GET', '/api/v1/identities/indexer')).json<{ policies: unknown[] }>().policies).toHaveLength(1);
    expect((await send('GET', '/api/v1/vaults/search/policies')).json<{ policies: unknown[] }>().policies).toHaveLength(1);
    expectError(await send('PUT', '/api/v1/vaults/search/policies/indexer', { secretPermissions: ['set'] }), 400, 'REQUEST_INVALID');
    expectError(await send('PUT', '/api/v1/vaults/search/policies/ghost', { secretPermissions: ['get'] }), 404, 'IDENTITY_NOT_FOUND');
    expect((await send('DELETE', '/api/v1/vaults/search/policies/indexer')).statusCode).toBe(204);
    expect((await send('GET', '/api/v1/vaults/search/policies')).json<{ policies: unknown[] }>().policies).toEqual([]);
    expect((await send('GET', '/api/v1/identities')).json<{ identities: { name: string }[] }>().identities.map((i) => i.name)).toEqual(['indexer']);
    expect((await send('DELETE', '/api/v1/identities/indexer')).statusCode).toBe(204);
    expectError(await send('GET', '/api/v1/identities/indexer'), 404, 'IDENTITY_NOT_FOUND');
  });
});
