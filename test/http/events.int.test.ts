import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buildTestServer, pushBlobs, pushImage, pushManifest, putManifest, uniqueRepo, type TestServer } from '../helpers/build-test-server.js';
import { MediaTypes, imageConfig, layerA, layerB, ociImage } from '../fixtures/oci/images.js';

interface RegistryEvent {
  seq: number;
  id: string;
  timestamp: string;
  action: string;
  target: { mediaType: string; size?: number; length?: number; digest: string; repository: string; tag?: string };
  request?: { id: string; host: string; method: string; useragent: string };
  actor: { name?: string };
}

const USER_AGENT = 'slipway-tests/1.0';

async function events(server: TestServer): Promise<RegistryEvent[]> {
  const res = await server.get('/api/v1/events');
  expect(res.statusCode, res.body).toBe(200);
  return res.json<{ events: RegistryEvent[] }>().events;
}

describe('registry events outbox', () => {
  let server: TestServer;
  let repo: string;
  beforeEach(async () => {
    server = await buildTestServer();
    repo = uniqueRepo();
  });
  afterEach(() => server.close());

  it('records a push by tag with ACR target and request fields', async () => {
    await pushBlobs(server, repo, [imageConfig, layerA, layerB]);
    const image = ociImage();
    const res = await server.request({ method: 'PUT', url: `/v2/${repo}/manifests/v1`, headers: { 'content-type': image.mediaType, 'user-agent': USER_AGENT }, payload: image.bytes });
    expect(res.statusCode).toBe(201);
    const [event, ...rest] = await events(server);
    expect(rest).toEqual([]);
    expect(event).toMatchObject({
      action: 'push',
      target: { mediaType: MediaTypes.ociManifest, size: image.size, length: image.size, digest: image.digest, repository: repo, tag: 'v1' },
      request: { method: 'PUT', host: 'localhost:80', useragent: USER_AGENT },
      actor: { name: 'admin' },
    });
    expect(event!.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(event!.request!.id).toEqual(expect.any(String));
    expect(event!.request!.id).not.toBe('');
    expect(Number.isNaN(Date.parse(event!.timestamp))).toBe(false);
  });

  it('records a push by digest without a tag', async () => {
    const image = await pushImage(server, repo);
    const [event] = await events(server);
    expect(event!.action).toBe('push');
    expect(event!.target.digest).toBe(image.digest);
    expect(event!.target).not.toHaveProperty('tag');
  });

  it('records nothing for blob uploads or a rejected manifest', async () => {
    await pushBlobs(server, repo, [imageConfig, layerA]);
    expect((await putManifest(server, repo, ociImage(), 'v1')).statusCode).toBe(400);
    expect(await events(server)).toEqual([]);
  });

  it('records a tag deletion as untag and a manifest deletion as delete, in order', async () => {
    const image = await pushImage(server, repo, { tag: 'v1' });
    await pushManifest(server, repo, image, 'v2');
    expect((await server.delete(`/v2/${repo}/manifests/v1`, { headers: { 'user-agent': USER_AGENT } })).statusCode).toBe(202);
    expect((await server.delete(`/v2/${repo}/manifests/${image.digest}`, { headers: { 'user-agent': USER_AGENT } })).statusCode).toBe(202);
    const all = await events(server);
    expect(all.map((e) => [e.action, e.target.tag ?? null])).toEqual([
      ['push', 'v1'],
      ['push', 'v2'],
      ['untag', 'v1'],
      ['delete', null],
    ]);
    expect(all.map((e) => e.seq)).toEqual([...all.map((e) => e.seq)].sort((a, b) => a - b));
    const [untag, del] = all.slice(2);
    expect(untag).toMatchObject({ target: { digest: image.digest, repository: repo, mediaType: MediaTypes.ociManifest }, request: { method: 'DELETE', useragent: USER_AGENT } });
    expect(del).toMatchObject({ target: { digest: image.digest, repository: repo, mediaType: MediaTypes.ociManifest }, request: { method: 'DELETE', useragent: USER_AGENT } });
  });

  it('records nothing for a delete that fails', async () => {
    await pushImage(server, repo, { tag: 'v1' });
    expect((await server.delete(`/v2/${repo}/manifests/nope`)).statusCode).toBe(404);
    expect((await events(server)).map((e) => e.action)).toEqual(['push']);
  });

  it('gives every event its own id', async () => {
    const image = await pushImage(server, repo, { tag: 'a' });
    await pushManifest(server, repo, image, 'b');
    const ids = (await events(server)).map((e) => e.id);
    expect(new Set(ids).size).toBe(ids.length);
  });
});
