import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiUserApiToken, ApiUserApiTokenList } from '../../src/api/contract/access.js';
import type { ApiAuditList } from '../../src/api/contract/audit.js';
import { BASIC_AUTH, buildTestServer, expectError, type TestServer } from '../helpers/build-test-server.js';

/** Users' API tokens over HTTP: managed by the user or an Owner, signing in to /v2, /oauth2/token and /api/v1. */

const basic = (name: string, password: string): string => `Basic ${Buffer.from(`${name}:${password}`).toString('base64')}`;
const ALICE = basic('alice', 'alice-password-1');
const BOB = basic('bob', 'bob-password-1');
let server: TestServer;

beforeAll(async () => {
  server = await buildTestServer();
  for (const [name, roles] of [['alice', ['AcrPush', 'Reader']], ['bob', ['Reader']]] as const) {
    const res = await server.request({ method: 'POST', url: '/api/v1/users', payload: { name, password: `${name}-password-1`, roles } });
    expect(res.statusCode, res.body).toBe(201);
  }
});
afterAll(async () => {
  await server?.close();
});

async function create(auth: string, user: string, payload: object): Promise<ApiUserApiToken> {
  const res = await server.request({ method: 'POST', url: `/api/v1/users/${user}/api-tokens`, auth, payload });
  expect(res.statusCode, res.body).toBe(201);
  return res.json<ApiUserApiToken>();
}

/** Status and `/api/v1` error code together (never the message). */
function expectApiError(res: { statusCode: number; json: <T>() => T }, status: number, code: string): void {
  expect({ status: res.statusCode, code: res.json<{ error?: { code: string } }>().error?.code }).toEqual({ status, code });
}

const startUpload = (auth: string): Promise<{ statusCode: number }> => server.request({ method: 'POST', url: '/v2/alice/app/blobs/uploads/', auth });

describe('users’ API tokens over HTTP', () => {
  it('lets a user make a token that signs in as them to /v2, /oauth2/token and /api/v1, and lists it without the secret', async () => {
    const made = await create(ALICE, 'alice', { name: 'ci' });
    expect(made).toMatchObject({ name: 'ci', user: 'alice', roles: null, expiresAt: null });
    const auth = basic('alice', made.secret!);
    expect((await server.request({ method: 'GET', url: '/api/v1/whoami', auth })).json()).toMatchObject({ name: 'alice', kind: 'user' });
    expect((await server.request({ method: 'GET', url: '/v2/', auth })).statusCode).toBe(200);
    expect((await startUpload(auth)).statusCode).toBe(202);
    const issued = await server.request({ method: 'GET', url: '/oauth2/token?service=slipway&scope=repository:alice/app:pull,push&offline_token=true', auth });
    expect(issued.statusCode).toBe(200);
    expect(issued.json()).not.toHaveProperty('refresh_token');
    const list = (await server.request({ method: 'GET', url: '/api/v1/users/alice/api-tokens', auth: ALICE })).json<ApiUserApiTokenList>();
    expect(list.apiTokens.map((t) => t.name)).toEqual(['ci']);
    expect(list.apiTokens[0]!.lastUsedAt).not.toBeNull();
    expect(JSON.stringify(list)).not.toContain(made.secret!);
  });

  it('keeps other users out, lets an Owner manage anyone’s tokens, and 401s a wrong secret', async () => {
    expectApiError(await server.request({ method: 'GET', url: '/api/v1/users/alice/api-tokens', auth: BOB }), 403, 'AUTH_DENIED');
    expectApiError(await server.request({ method: 'POST', url: '/api/v1/users/alice/api-tokens', auth: BOB, payload: { name: 'x' } }), 403, 'AUTH_DENIED');
    const made = await create(BASIC_AUTH, 'bob', { name: 'by-owner' });
    expect(made.user).toBe('bob');
    expectApiError(await server.request({ method: 'GET', url: '/api/v1/whoami', auth: basic('bob', `${made.secret!.slice(0, -1)}A`) }), 401, 'AUTH_REQUIRED');
    expectApiError(await server.request({ method: 'POST', url: '/api/v1/users/bob/api-tokens', payload: { name: 'by-owner' } }), 409, 'API_TOKEN_EXISTS');
    expectApiError(await server.request({ method: 'DELETE', url: '/api/v1/users/bob/api-tokens/none' }), 404, 'API_TOKEN_NOT_FOUND');
  });

  it('limits a token to its roles, and lets it mint nothing wider', async () => {
    const made = await create(ALICE, 'alice', { name: 'pull-only', roles: ['Reader'] });
    const auth = basic('alice', made.secret!);
    expectError(await server.request({ method: 'POST', url: '/v2/alice/app/blobs/uploads/', auth }), 403, 'DENIED');
    expectApiError(await server.request({ method: 'POST', url: '/api/v1/users/alice/api-tokens', auth, payload: { name: 'wider', roles: ['AcrPush'] } }), 400, 'ACCESS_INVALID');
    expect((await create(auth, 'alice', { name: 'narrower' })).roles).toEqual(['Reader']);
  });

  it('stops a deleted token on the very next request and records the changes in the audit log', async () => {
    const made = await create(ALICE, 'alice', { name: 'short-lived' });
    const auth = basic('alice', made.secret!);
    expect((await startUpload(auth)).statusCode).toBe(202);
    const deleted = await server.request({ method: 'DELETE', url: '/api/v1/users/alice/api-tokens/short-lived', auth: ALICE });
    expect(deleted.statusCode).toBe(204);
    expectError(await server.request({ method: 'POST', url: '/v2/alice/app/blobs/uploads/', auth }), 401, 'UNAUTHORIZED');
    const audit = (await server.get('/api/v1/audit?top=100')).json<ApiAuditList>();
    const seen = audit.events.map((e) => `${e.action} ${e.target.kind}:${e.target.name} by ${e.actor}`);
    expect(seen).toContain('api-token.create api-token:alice/short-lived by alice');
    expect(seen).toContain('api-token.delete api-token:alice/short-lived by alice');
    expect(JSON.stringify(audit)).not.toContain(made.secret!);
  });
});
