import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestServer, type TestServer } from '../helpers/build-test-server.js';

/**
 * The authorization matrix: every route the server registers, called by every kind of caller.
 * A route the table below does not classify fails the first test, so a new route cannot ship
 * without saying who may call it. "Allowed" means neither 401 nor 403 (the handler may still
 * answer 400 or 404: the requests name things that do not exist, so nothing is created).
 */

/** What a route needs (docs/access.md, "What each route needs"). */
type Need =
  | 'public'
  // The token endpoint: open to anonymous callers, but credentials sent must be valid.
  | 'tokenEndpoint'
  // Signed by its sender (HMAC), not by Slipway credentials: without a valid signature every caller gets 401.
  | 'signed'
  | 'authenticated'
  | 'pull'
  | 'push'
  | 'delete'
  | 'metadataRead'
  | 'catalog'
  | 'events'
  | 'buildsRead'
  | 'buildsWrite'
  | 'access'
  // A user's own things (its API tokens): the user named in the path, or an Owner. The matrix
  // calls these routes for the user `reader`, so one caller is that user.
  | 'selfOrOwner'
  | 'notAllowed';

type Who = 'anonymous' | 'noRole' | 'reader' | 'contributor' | 'acrPull' | 'acrPush' | 'acrDelete' | 'owner' | 'token' | 'tokenOtherRepo' | 'tokenExpired' | 'tokenDisabled';
const EVERYONE: readonly Who[] = ['anonymous', 'noRole', 'reader', 'contributor', 'acrPull', 'acrPush', 'acrDelete', 'owner', 'token', 'tokenOtherRepo', 'tokenExpired', 'tokenDisabled'];
const SIGNED_IN: readonly Who[] = ['noRole', 'reader', 'contributor', 'acrPull', 'acrPush', 'acrDelete', 'owner', 'token', 'tokenOtherRepo'];

/** Who may, per need: written out, not computed from the policy under test. */
const ALLOWED: Record<Exclude<Need, 'public' | 'notAllowed' | 'tokenEndpoint' | 'signed'>, readonly Who[]> = {
  authenticated: SIGNED_IN,
  pull: ['reader', 'contributor', 'acrPull', 'acrPush', 'owner', 'token'],
  push: ['contributor', 'acrPush', 'owner', 'token'],
  delete: ['contributor', 'acrDelete', 'owner', 'token'],
  metadataRead: ['reader', 'contributor', 'acrPull', 'acrPush', 'acrDelete', 'owner', 'token'],
  catalog: ['reader', 'contributor', 'acrPull', 'acrPush', 'owner'],
  events: ['reader', 'contributor', 'owner'],
  buildsRead: ['reader', 'contributor', 'owner'],
  buildsWrite: ['contributor', 'owner'],
  access: ['owner'],
  selfOrOwner: ['reader', 'owner'],
};

/** The user whose own routes (`selfOrOwner`) the matrix calls. */
const SELF = 'reader';

const REPO = 'team/app';
const DIGEST = `sha256:${'0'.repeat(64)}`;
const UPLOAD = '00000000-0000-4000-8000-000000000000';

interface Call {
  readonly method: string;
  readonly url: string;
  readonly need: Need;
  readonly payload?: string | object;
}

/** The OCI routes behind fastify's `/v2/*`, one call per operation (spec v1.1 endpoints). */
const V2_CALLS: readonly Call[] = [
  { method: 'GET', url: '/v2/_catalog', need: 'catalog' },
  { method: 'GET', url: `/v2/${REPO}/tags/list`, need: 'pull' },
  { method: 'GET', url: `/v2/${REPO}/manifests/latest`, need: 'pull' },
  { method: 'HEAD', url: `/v2/${REPO}/manifests/latest`, need: 'pull' },
  { method: 'GET', url: `/v2/${REPO}/blobs/${DIGEST}`, need: 'pull' },
  { method: 'HEAD', url: `/v2/${REPO}/blobs/${DIGEST}`, need: 'pull' },
  { method: 'GET', url: `/v2/${REPO}/referrers/${DIGEST}`, need: 'pull' },
  { method: 'POST', url: `/v2/${REPO}/blobs/uploads/`, need: 'push' },
  { method: 'GET', url: `/v2/${REPO}/blobs/uploads/${UPLOAD}`, need: 'push' },
  { method: 'PATCH', url: `/v2/${REPO}/blobs/uploads/${UPLOAD}`, need: 'push', payload: 'x' },
  { method: 'PUT', url: `/v2/${REPO}/blobs/uploads/${UPLOAD}?digest=${DIGEST}`, need: 'push', payload: 'x' },
  { method: 'DELETE', url: `/v2/${REPO}/blobs/uploads/${UPLOAD}`, need: 'push' },
  { method: 'PUT', url: `/v2/${REPO}/manifests/v1`, need: 'push', payload: '{}' },
  { method: 'DELETE', url: `/v2/${REPO}/manifests/${DIGEST}`, need: 'delete' },
  { method: 'DELETE', url: `/v2/${REPO}/blobs/${DIGEST}`, need: 'delete' },
  { method: 'OPTIONS', url: `/v2/${REPO}/tags/list`, need: 'notAllowed' },
];

/**
 * Every fastify route, `METHOD path` as registered, and what it needs. `/v2/*` expands to
 * V2_CALLS; a HEAD route added for a GET needs what the GET needs.
 */
const ROUTES: Readonly<Record<string, Need | 'v2'>> = {
  'GET /v2': 'authenticated',
  'HEAD /v2': 'authenticated',
  'POST /v2': 'notAllowed',
  'PUT /v2': 'notAllowed',
  'PATCH /v2': 'notAllowed',
  'DELETE /v2': 'notAllowed',
  'OPTIONS /v2': 'notAllowed',
  ...Object.fromEntries(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'].map((m) => [`${m} /v2/*`, 'v2' as const])),
  'GET /oauth2/token': 'tokenEndpoint',
  'POST /oauth2/token': 'public',
  'GET /healthz': 'public',
  'GET /api/v1/whoami': 'authenticated',
  'GET /api/v1/repositories': 'catalog',
  'DELETE /api/v1/repositories/:repo': 'delete',
  'GET /api/v1/repositories/:repo/tags': 'metadataRead',
  'DELETE /api/v1/repositories/:repo/tags/:tag': 'delete',
  'GET /api/v1/repositories/:repo/manifests': 'metadataRead',
  'DELETE /api/v1/repositories/:repo/manifests/:digest': 'delete',
  'GET /api/v1/events': 'events',
  'POST /api/v1/contexts': 'buildsWrite',
  'POST /api/v1/runs': 'buildsWrite',
  'GET /api/v1/runs': 'buildsRead',
  'GET /api/v1/runs/:runId': 'buildsRead',
  'POST /api/v1/runs/:runId/cancel': 'buildsWrite',
  'GET /api/v1/runs/:runId/logs': 'buildsRead',
  'POST /api/v1/tasks': 'buildsWrite',
  'GET /api/v1/tasks': 'buildsRead',
  'GET /api/v1/tasks/:name': 'buildsRead',
  'PATCH /api/v1/tasks/:name': 'buildsWrite',
  'DELETE /api/v1/tasks/:name': 'buildsWrite',
  'GET /api/v1/tasks/:name/dependencies': 'buildsRead',
  'POST /api/v1/tasks/:name/runs': 'buildsWrite',
  'GET /api/v1/tasks/:name/timers': 'buildsRead',
  'POST /api/v1/tasks/:name/timers': 'buildsWrite',
  'PATCH /api/v1/tasks/:name/timers/:timer': 'buildsWrite',
  'DELETE /api/v1/tasks/:name/timers/:timer': 'buildsWrite',
  'GET /api/v1/tasks/:name/credentials': 'buildsRead',
  'POST /api/v1/tasks/:name/credentials': 'buildsWrite',
  'PATCH /api/v1/tasks/:name/credentials/:loginServer': 'buildsWrite',
  'DELETE /api/v1/tasks/:name/credentials/:loginServer': 'buildsWrite',
  'GET /api/v1/tasks/:name/trigger-events': 'buildsRead',
  // Authenticated by the delivery's HMAC signature, not by Slipway credentials.
  'POST /api/v1/tasks/:name/webhook': 'signed',
  'GET /api/v1/users': 'access',
  'POST /api/v1/users': 'access',
  'GET /api/v1/users/:name': 'access',
  'PATCH /api/v1/users/:name': 'access',
  'DELETE /api/v1/users/:name': 'access',
  'GET /api/v1/users/:name/api-tokens': 'selfOrOwner',
  'POST /api/v1/users/:name/api-tokens': 'selfOrOwner',
  'DELETE /api/v1/users/:name/api-tokens/:token': 'selfOrOwner',
  'GET /api/v1/scope-maps': 'access',
  'POST /api/v1/scope-maps': 'access',
  'GET /api/v1/scope-maps/:name': 'access',
  'PATCH /api/v1/scope-maps/:name': 'access',
  'DELETE /api/v1/scope-maps/:name': 'access',
  'GET /api/v1/tokens': 'access',
  'POST /api/v1/tokens': 'access',
  'GET /api/v1/tokens/:name': 'access',
  'PATCH /api/v1/tokens/:name': 'access',
  'DELETE /api/v1/tokens/:name': 'access',
  'POST /api/v1/tokens/:name/generate-password': 'access',
  // Outbound webhooks and the audit log: Owner only (src/api/admin-access.ts).
  'POST /api/v1/webhooks': 'access',
  'GET /api/v1/webhooks': 'access',
  'GET /api/v1/webhooks/:name': 'access',
  'PATCH /api/v1/webhooks/:name': 'access',
  'DELETE /api/v1/webhooks/:name': 'access',
  'POST /api/v1/webhooks/:name/ping': 'access',
  'GET /api/v1/webhooks/:name/events': 'access',
  'POST /api/v1/webhooks/:name/get-config': 'access',
  'GET /api/v1/audit': 'access',
  // The vault: changes and revealing values Owner only, names and metadata Reader and up.
  'POST /api/v1/vaults': 'access',
  'GET /api/v1/vaults': 'buildsRead',
  'GET /api/v1/vaults/:vault': 'buildsRead',
  'DELETE /api/v1/vaults/:vault': 'access',
  'GET /api/v1/vaults/:vault/secrets': 'buildsRead',
  'PUT /api/v1/vaults/:vault/secrets/:secret': 'access',
  'GET /api/v1/vaults/:vault/secrets/:secret': 'buildsRead',
  'DELETE /api/v1/vaults/:vault/secrets/:secret': 'access',
  'GET /api/v1/vaults/:vault/secrets/:secret/versions': 'buildsRead',
  'GET /api/v1/vaults/:vault/policies': 'buildsRead',
  'PUT /api/v1/vaults/:vault/policies/:identity': 'access',
  'DELETE /api/v1/vaults/:vault/policies/:identity': 'access',
  'POST /api/v1/identities': 'access',
  'GET /api/v1/identities': 'buildsRead',
  'GET /api/v1/identities/:identity': 'buildsRead',
  'DELETE /api/v1/identities/:identity': 'access',
};

/** Values for path parameters: names that do not exist, so an allowed call changes nothing. */
const PARAMS: Record<string, string> = {
  repo: encodeURIComponent(REPO),
  tag: 'v1',
  digest: DIGEST,
  runId: 'ca999999',
  name: 'ghost-name',
  timer: 't1',
  loginServer: 'registry.example.invalid',
  vault: 'ghostvault',
  secret: 'ghost-secret',
  identity: 'ghost-identity',
};

/** `METHOD path` of every route, read from fastify's route tree (`printRoutes`). */
export function registeredRoutes(tree: string): string[] {
  const stack: string[] = [];
  const out: string[] = [];
  for (const line of tree.split('\n')) {
    const match = /^([│ ]*)[├└]── (\S+)(?: \(([^)]*)\))?/.exec(line.replace(/\u00a0/g, ' '));
    if (!match) continue;
    const depth = (match[1] as string).length / 4;
    const segment = match[2] as string;
    stack.length = depth;
    const parent = stack[depth - 1] ?? '';
    const path = parent === '' || segment.startsWith('/') ? parent + segment : `${parent}/${segment}`;
    stack.push(path);
    for (const method of (match[3] ?? '').split(',').map((m) => m.trim()).filter((m) => m !== '')) out.push(`${method} ${path}`);
  }
  return out;
}

/** The classification a registered route falls under (HEAD inherits its GET's). */
function classify(route: string): Need | 'v2' | undefined {
  const direct = ROUTES[route];
  if (direct !== undefined) return direct;
  return route.startsWith('HEAD ') ? ROUTES[`GET ${route.slice(5)}`] : undefined;
}

function concreteCalls(route: string): Call[] {
  const need = classify(route)!;
  const [method, path] = route.split(' ') as [string, string];
  if (need === 'v2') return V2_CALLS.filter((c) => c.method === method);
  const url = path.replace(/:([A-Za-z]+)/g, (_m, p: string) => (need === 'selfOrOwner' && p === 'name' ? SELF : (PARAMS[p] ?? 'ghost')));
  return [{ method, url, need, ...(['POST', 'PUT', 'PATCH'].includes(method) ? { payload: {} } : {}) }];
}

/** The status a caller must get; `allowed` is anything but 401 and 403. */
function expected(need: Need, who: Who): 'allowed' | 401 | 403 | 405 {
  if (need === 'notAllowed') return 405;
  if (need === 'public') return 'allowed';
  if (need === 'signed') return 401;
  if (need === 'tokenEndpoint') return who === 'tokenExpired' || who === 'tokenDisabled' ? 401 : 'allowed';
  if (who === 'anonymous' || who === 'tokenExpired' || who === 'tokenDisabled') return 401;
  return ALLOWED[need].includes(who) ? 'allowed' : 403;
}

const basic = (name: string, password: string): string => `Basic ${Buffer.from(`${name}:${password}`).toString('base64')}`;
const PASSWORD = 'matrix-password-1';

describe('authorization matrix', () => {
  let server: TestServer;
  const headers = new Map<Who, string | false>();

  async function api(method: string, url: string, payload: object): Promise<Record<string, unknown>> {
    const res = await server.request({ method: method as 'POST', url: `/api/v1${url}`, payload });
    expect(res.statusCode, res.body).toBeLessThan(300);
    return res.json();
  }

  async function token(name: string, scopeMap: string, extra: object = {}): Promise<string> {
    const created = (await api('POST', '/tokens', { name, scopeMap, ...extra })) as { credentials: { passwords: Array<{ value: string }> } };
    return basic(name, created.credentials.passwords[0]!.value);
  }

  beforeAll(async () => {
    server = await buildTestServer();
    const users: Array<[Who, string[]]> = [['noRole', []], ['reader', ['Reader']], ['contributor', ['Contributor']], ['acrPull', ['AcrPull']], ['acrPush', ['AcrPush']], ['acrDelete', ['AcrDelete']]];
    for (const [who, roles] of users) {
      await api('POST', '/users', { name: who.toLowerCase(), password: PASSWORD, roles });
      headers.set(who, basic(who.toLowerCase(), PASSWORD));
    }
    const all = ['content/read', 'content/write', 'content/delete', 'metadata/read', 'metadata/write'];
    await api('POST', '/scope-maps', { name: 'team-all', actions: all.map((a) => `repositories/team/*/${a}`) });
    await api('POST', '/scope-maps', { name: 'other-all', actions: all.map((a) => `repositories/other/app/${a}`) });
    headers.set('anonymous', false);
    headers.set('owner', basic('admin', 'test-admin-password'));
    headers.set('token', await token('team-token', 'team-all'));
    headers.set('tokenOtherRepo', await token('other-token', 'other-all'));
    // A fixed past date, not a wait: the clock-driven expiry is covered in src/auth tests.
    headers.set('tokenExpired', await token('expired-token', 'team-all', { expiry: '2001-01-01T00:00:00Z' }));
    headers.set('tokenDisabled', await token('disabled-token', 'team-all', { status: 'disabled' }));
  });
  afterAll(() => server.close());

  it('classifies every registered route (a new route must be added to this matrix)', () => {
    const routes = registeredRoutes(server.app.printRoutes({ commonPrefix: false }));
    expect(routes.length).toBeGreaterThan(40);
    expect(routes.filter((r) => classify(r) === undefined)).toEqual([]);
    for (const route of routes) expect(concreteCalls(route).length, route).toBeGreaterThan(0);
  });

  it('answers each caller of each route as the matrix says', async () => {
    const routes = registeredRoutes(server.app.printRoutes({ commonPrefix: false })).filter((r) => classify(r) !== undefined);
    const mismatches: string[] = [];
    let checked = 0;
    for (const call of routes.flatMap(concreteCalls)) {
      for (const who of EVERYONE) {
        const auth = headers.get(who)!;
        const res = await server.request({ method: call.method as 'GET', url: call.url, auth, ...(call.payload === undefined ? {} : { payload: call.payload }) });
        const want = expected(call.need, who);
        const isOk = want === 'allowed' ? res.statusCode !== 401 && res.statusCode !== 403 : res.statusCode === want;
        if (!isOk) mismatches.push(`${call.method} ${call.url} as ${who}: got ${res.statusCode}, want ${want} (${call.need})`);
        checked += 1;
      }
    }
    expect(mismatches).toEqual([]);
    expect(checked).toBeGreaterThan(500);
  });
});
