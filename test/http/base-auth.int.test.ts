import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BASIC_AUTH, buildTestServer, expectError, pushImage, uniqueRepo, type Response, type TestServer } from '../helpers/build-test-server.js';
import { layerA } from '../fixtures/oci/images.js';

interface TokenBody {
  token: string;
  access_token: string;
  expires_in: number;
  refresh_token?: string;
}

async function token(server: TestServer, scope: string, auth: string | false = BASIC_AUTH): Promise<string> {
  const res = await server.get(`/oauth2/token?service=slipway&scope=${encodeURIComponent(scope)}`, { auth });
  expect(res.statusCode, res.body).toBe(200);
  return res.json<TokenBody>().token;
}

const bearer = (t: string): string => `Bearer ${t}`;

function startUpload(server: TestServer, repo: string, auth: string | false): Promise<Response> {
  return server.request({ method: 'POST', url: `/v2/${repo}/blobs/uploads/`, auth });
}

describe('/v2/ base endpoint', () => {
  let server: TestServer;
  beforeEach(async () => {
    server = await buildTestServer();
  });
  afterEach(() => server.close());

  it('challenges an anonymous client with a Bearer realm and service', async () => {
    const res = await server.get('/v2/', { auth: false });
    expectError(res, 401, 'UNAUTHORIZED');
    const challenge = res.headers['www-authenticate'] as string;
    expect(challenge).toMatch(/^Bearer /);
    expect(challenge).toContain('realm="http://localhost:80/oauth2/token"');
    expect(challenge).toContain('service="slipway"');
    expect(res.headers['docker-distribution-api-version']).toBe('registry/2.0');
  });

  it('puts server.publicUrl in the realm, except for a client that came over loopback', async () => {
    const pub = await buildTestServer({ overrides: { 'server.publicUrl': 'https://slipway.example.invalid/' } });
    try {
      const realm = async (host: string): Promise<string> => (await pub.get('/v2/', { auth: false, headers: { host } })).headers['www-authenticate'] as string;
      expect(await realm('slipway.example.invalid')).toContain('realm="https://slipway.example.invalid/oauth2/token"');
      expect(await realm('10.1.2.3:5000')).toContain('realm="https://slipway.example.invalid/oauth2/token"');
      expect(await realm('127.0.0.1:5000')).toContain('realm="http://127.0.0.1:5000/oauth2/token"');
      expect(await realm('[::1]:5000')).toContain('realm="http://[::1]:5000/oauth2/token"');
    } finally {
      await pub.close();
    }
  });

  it('answers 200 with admin Basic credentials, with and without the trailing slash', async () => {
    for (const url of ['/v2/', '/v2']) {
      const res = await server.get(url);
      expect(res.statusCode).toBe(200);
      expect(res.headers['docker-distribution-api-version']).toBe('registry/2.0');
    }
  });

  it('answers HEAD /v2/ with 200', async () => {
    expect((await server.head('/v2/')).statusCode).toBe(200);
  });

  it('rejects a wrong Basic password with 401 UNAUTHORIZED and a challenge', async () => {
    const wrong = `Basic ${Buffer.from('admin:not-the-password').toString('base64')}`;
    const res = await server.get('/v2/', { auth: wrong });
    expectError(res, 401, 'UNAUTHORIZED');
    expect(res.headers['www-authenticate']).toMatch(/^Bearer realm=/);
  });

  it('rejects an unknown user with 401 UNAUTHORIZED', async () => {
    const res = await server.get('/v2/', { auth: `Basic ${Buffer.from('nobody:x').toString('base64')}` });
    expectError(res, 401, 'UNAUTHORIZED');
  });

  it('rejects a garbage Bearer token with 401 UNAUTHORIZED', async () => {
    expectError(await server.get('/v2/', { auth: 'Bearer not.a.token' }), 401, 'UNAUTHORIZED');
  });

  it('rejects an unknown Authorization scheme with 401 UNAUTHORIZED', async () => {
    expectError(await server.get('/v2/', { auth: 'Digest abc' }), 401, 'UNAUTHORIZED');
  });

  it('puts the needed scope in the challenge of a repository request', async () => {
    const res = await server.get('/v2/app/manifests/latest', { auth: false });
    expectError(res, 401, 'UNAUTHORIZED');
    expect(res.headers['www-authenticate']).toContain('scope="repository:app:pull"');
  });
});

describe('token endpoint', () => {
  let server: TestServer;
  afterEach(() => server.close());

  describe('with anonymous pull off', () => {
    beforeEach(async () => {
      server = await buildTestServer();
    });

    it('issues a token for Basic credentials that opens /v2/', async () => {
      const res = await server.get('/oauth2/token?service=slipway&scope=repository:app:pull', { auth: BASIC_AUTH });
      expect(res.statusCode).toBe(200);
      const body = res.json<TokenBody>();
      expect(body.token).toBe(body.access_token);
      expect(body.expires_in).toBeGreaterThan(0);
      expect((await server.get('/v2/', { auth: bearer(body.token) })).statusCode).toBe(200);
    });

    it('rejects wrong Basic credentials with 401 UNAUTHORIZED', async () => {
      const res = await server.get('/oauth2/token?service=slipway', { auth: `Basic ${Buffer.from('admin:nope').toString('base64')}` });
      expectError(res, 401, 'UNAUTHORIZED');
    });

    it('honours a pull-only token: pulls work, a push gets 401 with insufficient_scope', async () => {
      const repo = uniqueRepo();
      const image = await pushImage(server, repo, { tag: 'v1' });
      const pullToken = await token(server, `repository:${repo}:pull`);
      const pull = await server.get(`/v2/${repo}/manifests/v1`, { auth: bearer(pullToken) });
      expect(pull.statusCode).toBe(200);
      expect(pull.headers['docker-content-digest']).toBe(image.digest);

      const push = await startUpload(server, repo, bearer(pullToken));
      expectError(push, 401, 'UNAUTHORIZED');
      expect(push.headers['www-authenticate']).toContain('error="insufficient_scope"');
      expect(push.headers['www-authenticate']).toContain(`scope="repository:${repo}:pull,push"`);
    });

    it('does not let a token for one repository reach another', async () => {
      const repo = uniqueRepo();
      await pushImage(server, repo, { tag: 'v1' });
      const other = await token(server, 'repository:other:pull,push');
      expectError(await server.get(`/v2/${repo}/manifests/v1`, { auth: bearer(other) }), 401, 'UNAUTHORIZED');
    });

    it('honours a push token for the full upload flow', async () => {
      const repo = uniqueRepo();
      const pushToken = await token(server, `repository:${repo}:pull,push`);
      const res = await server.request({
        method: 'POST',
        url: `/v2/${repo}/blobs/uploads/?digest=${layerA.digest}`,
        auth: bearer(pushToken),
        headers: { 'content-type': 'application/octet-stream' },
        payload: layerA.bytes,
      });
      expect(res.statusCode).toBe(201);
    });

    it('gives an anonymous caller a token without access', async () => {
      const repo = uniqueRepo();
      await pushImage(server, repo, { tag: 'v1' });
      const anon = await token(server, `repository:${repo}:pull`, false);
      const res = await server.get(`/v2/${repo}/manifests/v1`, { auth: bearer(anon) });
      expectError(res, 401, 'UNAUTHORIZED');
      expect(res.headers['www-authenticate']).toContain('error="insufficient_scope"');
    });

    it('requires a catalog scope for /v2/_catalog', async () => {
      const pullOnly = await token(server, 'repository:app:pull');
      expectError(await server.get('/v2/_catalog', { auth: bearer(pullOnly) }), 401, 'UNAUTHORIZED');
      const catalog = await token(server, 'registry:catalog:*');
      expect((await server.get('/v2/_catalog', { auth: bearer(catalog) })).statusCode).toBe(200);
    });

    it('issues tokens through the OAuth2 password grant and refresh grant', async () => {
      const repo = uniqueRepo();
      const form = new URLSearchParams({ grant_type: 'password', username: 'admin', password: 'test-admin-password', service: 'slipway', scope: `repository:${repo}:pull,push`, access_type: 'offline', client_id: 'test' });
      const res = await server.request({ method: 'POST', url: '/oauth2/token', auth: false, headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: form.toString() });
      expect(res.statusCode, res.body).toBe(200);
      const body = res.json<TokenBody>();
      expect(body.refresh_token).toBeTypeOf('string');
      expect((await startUpload(server, repo, bearer(body.access_token))).statusCode).toBe(202);

      const refresh = new URLSearchParams({ grant_type: 'refresh_token', refresh_token: body.refresh_token!, service: 'slipway', scope: `repository:${repo}:pull` });
      const res2 = await server.request({ method: 'POST', url: '/oauth2/token', auth: false, headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: refresh.toString() });
      expect(res2.statusCode, res2.body).toBe(200);
      const pullOnly = res2.json<TokenBody>().access_token;
      expectError(await startUpload(server, repo, bearer(pullOnly)), 401, 'UNAUTHORIZED');
    });

    it('rejects a wrong password grant with 401 UNAUTHORIZED', async () => {
      const form = new URLSearchParams({ grant_type: 'password', username: 'admin', password: 'wrong', service: 'slipway' });
      const res = await server.request({ method: 'POST', url: '/oauth2/token', auth: false, headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: form.toString() });
      expectError(res, 401, 'UNAUTHORIZED');
    });

    it('rejects a refresh token used as a Bearer access token', async () => {
      const form = new URLSearchParams({ grant_type: 'password', username: 'admin', password: 'test-admin-password', service: 'slipway', access_type: 'offline' });
      const res = await server.request({ method: 'POST', url: '/oauth2/token', auth: false, headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: form.toString() });
      const refresh = res.json<TokenBody>().refresh_token!;
      expectError(await server.get('/v2/', { auth: bearer(refresh) }), 401, 'UNAUTHORIZED');
    });

    it('rejects an unknown grant type with 400 UNSUPPORTED', async () => {
      const res = await server.request({ method: 'POST', url: '/oauth2/token', auth: false, headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: 'grant_type=client_credentials' });
      expectError(res, 400, 'UNSUPPORTED');
    });
  });

  describe('with anonymous pull on', () => {
    beforeEach(async () => {
      server = await buildTestServer({ overrides: { 'auth.anonymousPull': true } });
    });

    it('lets an anonymous token pull but not push', async () => {
      const repo = uniqueRepo();
      const image = await pushImage(server, repo, { tag: 'v1' });
      const anon = await token(server, `repository:${repo}:pull,push`, false);
      const pull = await server.get(`/v2/${repo}/manifests/v1`, { auth: bearer(anon) });
      expect(pull.statusCode).toBe(200);
      expect(pull.headers['docker-content-digest']).toBe(image.digest);
      const push = await startUpload(server, repo, bearer(anon));
      expectError(push, 401, 'UNAUTHORIZED');
      expect(push.headers['www-authenticate']).toContain('error="insufficient_scope"');
    });

    it('lets a client without credentials pull directly but not push', async () => {
      const repo = uniqueRepo();
      await pushImage(server, repo, { tag: 'v1' });
      expect((await server.get(`/v2/${repo}/manifests/v1`, { auth: false })).statusCode).toBe(200);
      expectError(await startUpload(server, repo, false), 401, 'UNAUTHORIZED');
    });

    it('still challenges an anonymous /v2/ so clients learn the realm', async () => {
      expectError(await server.get('/v2/', { auth: false }), 401, 'UNAUTHORIZED');
    });
  });
});
