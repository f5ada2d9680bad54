import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiAuditList } from '../../src/api/contract/audit.js';
import { buildTestServer, type TestServer } from '../helpers/build-test-server.js';

/** Changes to secrets, policies, identities, users, scope maps and tokens land in the audit log, without their values. */

const SECRET = 'audit-secret-value-41f7';
const PASSWORD = 'audit-user-password-9c2e';
let server: TestServer;

beforeAll(async () => {
  server = await buildTestServer();
});
afterAll(async () => {
  await server?.close();
});

async function call(method: 'POST' | 'PUT' | 'PATCH' | 'DELETE' | 'GET', url: string, payload?: object): Promise<string> {
  const res = await server.request({ method, url, ...(payload === undefined ? {} : { payload }) });
  expect(res.statusCode, `${method} ${url}: ${res.body}`).toBeLessThan(300);
  return res.body;
}

describe('audit of access changes', () => {
  it('records who changed secrets, policies, identities, users, scope maps and tokens, and who revealed a value', async () => {
    await call('POST', '/api/v1/vaults', { name: 'search' });
    await call('PUT', '/api/v1/vaults/search/secrets/api-key', { value: SECRET });
    expect(await call('GET', '/api/v1/vaults/search/secrets/api-key?reveal=true')).toContain(SECRET);
    await call('GET', '/api/v1/vaults/search/secrets/api-key');
    await call('POST', '/api/v1/identities', { name: 'indexer' });
    await call('PUT', '/api/v1/vaults/search/policies/indexer', { secretPermissions: ['get', 'list'] });
    await call('POST', '/api/v1/users', { name: 'dev-user', password: PASSWORD, roles: ['Reader'] });
    await call('PATCH', '/api/v1/users/dev-user', { roles: ['Contributor'] });
    await call('POST', '/api/v1/scope-maps', { name: 'team-read', actions: ['repositories/team/*/content/read'] });
    const token = await call('POST', '/api/v1/tokens', { name: 'ci-token', scopeMap: 'team-read' });
    await call('DELETE', '/api/v1/vaults/search/policies/indexer');
    const failed = await server.request({ method: 'DELETE', url: '/api/v1/vaults/nowhere' });
    expect(failed.statusCode).toBe(404);

    const list = (await server.get('/api/v1/audit?top=100')).json<ApiAuditList>();
    const seen = list.events.map((e) => `${e.action} ${e.target.kind}:${e.target.name} by ${e.actor}`).reverse();
    expect(seen).toEqual([
      'vault.create vault:search by admin',
      'secret.set secret:search/api-key by admin',
      'secret.reveal secret:search/api-key by admin',
      'identity.create identity:indexer by admin',
      'policy.set policy:search/indexer by admin',
      'user.create user:dev-user by admin',
      'user.update user:dev-user by admin',
      'scope-map.create scope-map:team-read by admin',
      'token.create token:ci-token by admin',
      'policy.delete policy:search/indexer by admin',
    ]);
    const text = JSON.stringify(list);
    expect(text).not.toContain(SECRET);
    expect(text).not.toContain(PASSWORD);
    for (const password of JSON.stringify(JSON.parse(token)).match(/"password[12]?"\s*:\s*"([^"]+)"/g) ?? []) expect(text).not.toContain(password.split('"')[3]);
  });
});
