import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { ADMIN_PASSWORD, buildTestServer, expectError, pushBlobs, pushImage, pushManifest, type TestServer } from '../helpers/build-test-server.js';
import { imageConfig, layerA, layerB, ociImage, ociIndex } from '../fixtures/oci/images.js';

/**
 * The pull-through cache against a real upstream: a second Slipway on a loopback socket whose
 * `library/` needs credentials (mirror namespace off), so every fetch goes through its token flow.
 */

interface Upstream {
  readonly server: TestServer;
  readonly url: string;
  /** What the cache asked the upstream for, in order (its /v2 requests, not the test's own pushes). */
  readonly requests: string[];
}

const servers: TestServer[] = [];

async function startUpstream(): Promise<Upstream> {
  const server = await buildTestServer({ overrides: { 'registry.mirrorNamespace': '' } });
  servers.push(server);
  const requests: string[] = [];
  server.app.addHook('onRequest', async (request) => {
    if (request.url.startsWith('/v2/') && request.headers['user-agent'] === 'slipway-pull-through') requests.push(`${request.method} ${request.url}`);
  });
  await server.app.listen({ host: '127.0.0.1', port: 0 });
  return { server, url: `http://127.0.0.1:${(server.app.server.address() as AddressInfo).port}`, requests };
}

async function startCache(upstreamUrl: string, overrides: Record<string, unknown> = {}): Promise<TestServer> {
  const server = await buildTestServer({
    overrides: {
      'registry.upstream.url': upstreamUrl,
      'registry.upstream.username': 'admin',
      'registry.upstream.password': ADMIN_PASSWORD,
      'registry.upstream.timeoutSeconds': 5,
      ...overrides,
    },
  });
  servers.push(server);
  return server;
}

/** A loopback URL nothing listens on (a closed server's port). */
async function deadUrl(): Promise<string> {
  const up = await startUpstream();
  await up.server.app.close();
  return up.url;
}

afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

const anon = { auth: false } as const;

describe('pull-through cache of the mirror namespace', () => {
  it('fetches a missing tag and its blobs from the upstream with credentials, then serves them itself', async () => {
    const upstream = await startUpstream();
    const image = await pushImage(upstream.server, 'library/hello', { tag: '1' });
    const cache = await startCache(upstream.url);

    const manifest = await cache.get('/v2/library/hello/manifests/1', anon);
    expect(manifest.statusCode, manifest.body).toBe(200);
    expect(manifest.headers['docker-content-digest']).toBe(image.digest);
    expect(Buffer.from(manifest.rawPayload).equals(image.bytes)).toBe(true);
    const blob = await cache.get(`/v2/library/hello/blobs/${layerA.digest}`, anon);
    expect(blob.statusCode).toBe(200);
    expect(blob.body).toBe(layerA.bytes.toString());
    // The token flow ran: a 401 challenge, then the retry with the bearer token.
    expect(upstream.requests.filter((r) => r.startsWith('GET /v2/library/hello/manifests/1'))).toHaveLength(2);

    // Stored like a push: listed, tagged, and served with the upstream gone.
    await upstream.server.app.close();
    expect((await cache.get('/v2/library/hello/tags/list')).json()).toEqual({ name: 'library/hello', tags: ['1'] });
    expect((await cache.get(`/v2/library/hello/manifests/${image.digest}`, anon)).statusCode).toBe(200);
    expect((await cache.head(`/v2/library/hello/blobs/${layerA.digest}`, anon)).headers['content-length']).toBe(String(layerA.size));
    expectError(await cache.get(`/v2/library/hello/blobs/${layerB.digest}`, anon), 404, 'BLOB_UNKNOWN');
  });

  it('fetches an index, then each child only when it is asked for', async () => {
    const upstream = await startUpstream();
    const a = ociImage('a');
    const b = ociImage('b');
    await pushBlobs(upstream.server, 'library/multi', [imageConfig, layerA, layerB]);
    await pushManifest(upstream.server, 'library/multi', a);
    await pushManifest(upstream.server, 'library/multi', b);
    const index = ociIndex([a, b]);
    await pushManifest(upstream.server, 'library/multi', index, 'latest');
    const cache = await startCache(upstream.url);

    expect((await cache.get('/v2/library/multi/manifests/latest', anon)).headers['docker-content-digest']).toBe(index.digest);
    expect(upstream.requests.some((r) => r.includes(a.digest))).toBe(false);
    const child = await cache.head(`/v2/library/multi/manifests/${a.digest}`, anon);
    expect(child.statusCode).toBe(200);
    expect(child.headers['content-type']).toBe(a.mediaType);
    expect(upstream.requests.some((r) => r.includes(b.digest))).toBe(false);
  });

  it('fetches a blob once for concurrent requests, all of which get the right bytes', async () => {
    const upstream = await startUpstream();
    await pushImage(upstream.server, 'library/hello', { tag: '1' });
    const cache = await startCache(upstream.url);
    await cache.get('/v2/library/hello/manifests/1', anon);
    const answers = await Promise.all(Array.from({ length: 6 }, () => cache.get(`/v2/library/hello/blobs/${layerB.digest}`, anon)));
    expect(answers.map((r) => [r.statusCode, r.body])).toEqual(Array.from({ length: 6 }, () => [200, layerB.bytes.toString()]));
    expect(upstream.requests.filter((r) => r.startsWith(`GET /v2/library/hello/blobs/${layerB.digest}`))).toHaveLength(1); // the token cached from the manifest fetch covers it
  });

  it('picks up a tag that moved upstream once the TTL has passed (TTL 0: every pull checks)', async () => {
    const upstream = await startUpstream();
    const v1 = await pushImage(upstream.server, 'library/moving', { tag: 'latest' });
    const cache = await startCache(upstream.url, { 'registry.upstream.tagTtlSeconds': 0 });
    expect((await cache.get('/v2/library/moving/manifests/latest', anon)).headers['docker-content-digest']).toBe(v1.digest);
    const v2 = ociImage('v2');
    await pushManifest(upstream.server, 'library/moving', v2, 'latest');
    expect((await cache.get('/v2/library/moving/manifests/latest', anon)).headers['docker-content-digest']).toBe(v2.digest);
    // Unchanged upstream: confirmed by HEAD, nothing fetched again.
    const before = upstream.requests.filter((r) => r.startsWith('GET ')).length;
    expect((await cache.head('/v2/library/moving/manifests/latest', anon)).headers['docker-content-digest']).toBe(v2.digest);
    expect(upstream.requests.filter((r) => r.startsWith('GET ')).length).toBe(before);
    // Upstream gone: the cached tag is still served.
    await upstream.server.app.close();
    expect((await cache.get('/v2/library/moving/manifests/latest', anon)).headers['docker-content-digest']).toBe(v2.digest);
  });

  it('keeps serving a cached tag within its TTL without asking the upstream', async () => {
    const upstream = await startUpstream();
    const v1 = await pushImage(upstream.server, 'library/steady', { tag: 'latest' });
    const cache = await startCache(upstream.url, { 'registry.upstream.tagTtlSeconds': 3600 });
    await cache.get('/v2/library/steady/manifests/latest', anon);
    await pushManifest(upstream.server, 'library/steady', ociImage('v2'), 'latest');
    const asked = upstream.requests.length;
    expect((await cache.get('/v2/library/steady/manifests/latest', anon)).headers['docker-content-digest']).toBe(v1.digest);
    expect(upstream.requests.length).toBe(asked);
  });

  it('answers a miss with MANIFEST_UNKNOWN saying the upstream could not be reached, never a 500', async () => {
    const cache = await startCache(await deadUrl());
    const res = await cache.get('/v2/library/nginx/manifests/latest', anon);
    expectError(res, 404, 'MANIFEST_UNKNOWN');
    const error = res.json<{ errors: Array<{ message: string; detail: Record<string, string> }> }>().errors[0]!;
    expect(error.message).toMatch(/^library\/nginx:latest is not cached here and the upstream registry 127\.0\.0\.1:\d+ could not be reached \(ECONNREFUSED\)$/);
    expect(error.detail).toMatchObject({ tag: 'latest', upstreamError: 'UPSTREAM_UNAVAILABLE', reason: 'ECONNREFUSED' });
    expect((await cache.head('/v2/library/nginx/manifests/latest', anon)).statusCode).toBe(404);
    expectError(await cache.get(`/v2/library/nginx/blobs/${layerA.digest}`, anon), 404, 'BLOB_UNKNOWN');
  });

  it('says an image does not exist upstream either when the upstream answers 404', async () => {
    const upstream = await startUpstream();
    const cache = await startCache(upstream.url);
    const res = await cache.get('/v2/library/absent/manifests/1', anon);
    expectError(res, 404, 'MANIFEST_UNKNOWN');
    expect(res.json<{ errors: Array<{ message: string }> }>().errors[0]!.message).toContain('does not exist upstream');
  });

  it('says the upstream refused access when the credentials are wrong', async () => {
    const upstream = await startUpstream();
    await pushImage(upstream.server, 'library/hello', { tag: '1' });
    const cache = await startCache(upstream.url, { 'registry.upstream.password': 'wrong-password' });
    const res = await cache.get('/v2/library/hello/manifests/1', anon);
    expectError(res, 404, 'MANIFEST_UNKNOWN');
    const error = res.json<{ errors: Array<{ message: string; detail: Record<string, string> }> }>().errors[0]!;
    expect(error.detail.upstreamError).toBe('UPSTREAM_DENIED');
    expect(error.message).not.toContain('wrong-password');
  });

  it('proxies only the mirror namespace, and pushes there work as before', async () => {
    const upstream = await startUpstream();
    await pushImage(upstream.server, 'team/app', { tag: '1' });
    const cache = await startCache(upstream.url);
    expectError(await cache.get('/v2/team/app/manifests/1'), 404, 'MANIFEST_UNKNOWN');
    expect(upstream.requests).toEqual([]);
    const pushed = await pushImage(cache, 'library/own', { tag: 'x' });
    expect((await cache.get('/v2/library/own/manifests/x', anon)).headers['docker-content-digest']).toBe(pushed.digest);
  });

  it('maps the namespace onto repositoryPrefix upstream', async () => {
    const upstream = await startUpstream();
    const image = await pushImage(upstream.server, 'hub/mirror/hello', { tag: '1' });
    const cache = await startCache(upstream.url, { 'registry.upstream.repositoryPrefix': 'hub/mirror' });
    expect((await cache.get('/v2/library/hello/manifests/1', anon)).headers['docker-content-digest']).toBe(image.digest);
  });
});
