import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { buildTestServer, expectError, pushImage, type TestServer } from '../helpers/build-test-server.js';
import { layerA } from '../fixtures/oci/images.js';

async function anonymousToken(server: TestServer, scope: string): Promise<string> {
  const res = await server.get(`/oauth2/token?service=slipway&scope=${encodeURIComponent(scope)}`, { auth: false });
  expect(res.statusCode, res.body).toBe(200);
  return res.json<{ token: string }>().token;
}

const bearer = (t: string): string => `Bearer ${t}`;
const mirrored = (): string => `library/m${randomUUID().slice(0, 8)}`;

describe('Docker Hub mirror namespace (registry.mirrorNamespace)', () => {
  let server: TestServer;
  afterEach(() => server.close());

  describe('with the default namespace, library', () => {
    it('lets an anonymous client pull library/x through the token flow, as dockerd does for a mirror', async () => {
      server = await buildTestServer();
      const repo = mirrored();
      const image = await pushImage(server, repo, { tag: 'latest' });
      const ping = await server.get('/v2/', { auth: false });
      expectError(ping, 401, 'UNAUTHORIZED');
      const token = await anonymousToken(server, `repository:${repo}:pull`);
      expect((await server.get('/v2/', { auth: bearer(token) })).statusCode).toBe(200);
      const manifest = await server.get(`/v2/${repo}/manifests/latest`, { auth: bearer(token) });
      expect(manifest.statusCode).toBe(200);
      expect(manifest.headers['docker-content-digest']).toBe(image.digest);
      expect((await server.get(`/v2/${repo}/blobs/${layerA.digest}`, { auth: bearer(token) })).statusCode).toBe(200);
    });

    it('lets an anonymous client pull library/x with a plain GET after the /v2/ challenge', async () => {
      server = await buildTestServer();
      const repo = mirrored();
      const image = await pushImage(server, repo, { tag: 'latest' });
      expectError(await server.get('/v2/', { auth: false }), 401, 'UNAUTHORIZED');
      const head = await server.head(`/v2/${repo}/manifests/latest`, { auth: false });
      expect(head.statusCode).toBe(200);
      expect(head.headers['docker-content-digest']).toBe(image.digest);
      expect((await server.get(`/v2/${repo}/blobs/${layerA.digest}`, { auth: false })).statusCode).toBe(200);
      expect((await server.get(`/v2/${repo}/tags/list`, { auth: false })).statusCode).toBe(200);
    });

    it('answers an anonymous pull of a missing library image with 404 MANIFEST_UNKNOWN, not 401', async () => {
      server = await buildTestServer();
      expectError(await server.get(`/v2/${mirrored()}/manifests/latest`, { auth: false }), 404, 'MANIFEST_UNKNOWN');
    });

    it('denies an anonymous push to library/x, with and without an anonymous token', async () => {
      server = await buildTestServer();
      const repo = mirrored();
      expectError(await server.request({ method: 'POST', url: `/v2/${repo}/blobs/uploads/`, auth: false }), 401, 'UNAUTHORIZED');
      const token = await anonymousToken(server, `repository:${repo}:pull,push`);
      const res = await server.request({ method: 'POST', url: `/v2/${repo}/blobs/uploads/`, auth: bearer(token) });
      expectError(res, 401, 'UNAUTHORIZED');
      expect(res.headers['www-authenticate']).toContain('error="insufficient_scope"');
    });

    it('denies an anonymous delete in library/x', async () => {
      server = await buildTestServer();
      const repo = mirrored();
      const image = await pushImage(server, repo, { tag: 'latest' });
      expectError(await server.delete(`/v2/${repo}/manifests/${image.digest}`, { auth: false }), 401, 'UNAUTHORIZED');
      expect((await server.get(`/v2/${repo}/manifests/latest`, { auth: false })).statusCode).toBe(200);
    });

    it('denies an anonymous pull outside the namespace (team/x, and a name that only starts with library)', async () => {
      server = await buildTestServer();
      for (const repo of [`team/${randomUUID().slice(0, 8)}`, `libraryx/${randomUUID().slice(0, 8)}`, 'library']) {
        await pushImage(server, repo, { tag: 'latest' });
        expectError(await server.get(`/v2/${repo}/manifests/latest`, { auth: false }), 401, 'UNAUTHORIZED');
        const token = await anonymousToken(server, `repository:${repo}:pull`);
        expectError(await server.get(`/v2/${repo}/manifests/latest`, { auth: bearer(token) }), 401, 'UNAUTHORIZED');
      }
    });

    it('still keeps the catalog for the admin', async () => {
      server = await buildTestServer();
      expectError(await server.get('/v2/_catalog', { auth: false }), 401, 'UNAUTHORIZED');
      const token = await anonymousToken(server, 'registry:catalog:*');
      expectError(await server.get('/v2/_catalog', { auth: bearer(token) }), 401, 'UNAUTHORIZED');
    });
  });

  it('serves another namespace when configured, and not library', async () => {
    server = await buildTestServer({ overrides: { 'registry.mirrorNamespace': 'hub' } });
    await pushImage(server, 'hub/app', { tag: 'latest' });
    await pushImage(server, 'library/app', { tag: 'latest' });
    expect((await server.get('/v2/hub/app/manifests/latest', { auth: false })).statusCode).toBe(200);
    expectError(await server.get('/v2/library/app/manifests/latest', { auth: false }), 401, 'UNAUTHORIZED');
  });

  it('denies anonymous pulls of library/x when the namespace is disabled (empty)', async () => {
    server = await buildTestServer({ overrides: { 'registry.mirrorNamespace': '' } });
    const repo = mirrored();
    await pushImage(server, repo, { tag: 'latest' });
    expectError(await server.get(`/v2/${repo}/manifests/latest`, { auth: false }), 401, 'UNAUTHORIZED');
    const token = await anonymousToken(server, `repository:${repo}:pull`);
    expectError(await server.get(`/v2/${repo}/manifests/latest`, { auth: bearer(token) }), 401, 'UNAUTHORIZED');
  });
});
