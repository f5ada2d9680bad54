import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OciClient, basic, sh, startSlipway, tempDir, type SlipwayProcess } from '../helpers/e2e.js';
import { imageConfig, layerA, layerB, ociImage } from '../fixtures/oci/images.js';

/**
 * The pull-through cache between two real Slipway processes, pulled with skopeo: the upstream
 * keeps `library/` private (mirror namespace off), so the cache runs the Docker token flow with
 * its configured credentials; the cache serves `library/` anonymously, as the Docker Hub mirror.
 */

const UPSTREAM_PASSWORD = 'e2e-upstream-password';
const CACHE_PASSWORD = 'e2e-cache-password';

interface OciLayout {
  readonly manifests: Array<{ digest: string }>;
}

describe('pull-through cache with skopeo and a second Slipway as upstream', () => {
  let dir: { path: string; remove(): Promise<void> };
  let upstream: SlipwayProcess;
  let cache: SlipwayProcess;
  let upstreamPort: number;
  let cacheLog = '';
  const startUpstream = (port = 0): Promise<SlipwayProcess> =>
    startSlipway({ dataDir: join(dir.path, 'upstream'), password: UPSTREAM_PASSWORD, port, env: { SLIPWAY_MIRROR_NAMESPACE: '' } });
  const pushTo = async (repo: string, tag: string, variant: string): Promise<string> => {
    const client = new OciClient(upstream.url, basic('admin', UPSTREAM_PASSWORD));
    for (const blob of [imageConfig, layerA, layerB]) await client.pushBlob(repo, blob.bytes);
    const image = ociImage(variant);
    return (await client.pushManifest(repo, tag, JSON.parse(image.bytes.toString()), image.mediaType)).digest;
  };
  /** skopeo copy through the cache into an OCI layout; returns the manifest digest it wrote. */
  const pull = async (ref: string, into: string): Promise<string> => {
    const target = join(dir.path, into);
    await sh('skopeo', ['copy', '--preserve-digests', '--src-no-creds', '--src-tls-verify=false', `docker://${cache.hostPort}/${ref}`, `oci:${target}`]);
    const layout = JSON.parse(await readFile(join(target, 'index.json'), 'utf8')) as OciLayout;
    return layout.manifests[0]!.digest;
  };

  beforeAll(async () => {
    dir = await tempDir('pull-through');
    upstream = await startUpstream();
    upstreamPort = Number(upstream.hostPort.split(':')[1]);
    cache = await startSlipway({
      dataDir: join(dir.path, 'cache'),
      password: CACHE_PASSWORD,
      env: {
        SLIPWAY_UPSTREAM_URL: upstream.url,
        SLIPWAY_UPSTREAM_USERNAME: 'admin',
        SLIPWAY_UPSTREAM_PASSWORD: UPSTREAM_PASSWORD,
        SLIPWAY_UPSTREAM_TAG_TTL_SECONDS: '0',
        SLIPWAY_UPSTREAM_TIMEOUT_SECONDS: '5',
      },
    });
    cache.child.stdout!.on('data', (d: Buffer) => (cacheLog += d.toString()));
  }, 60_000);

  afterAll(async () => {
    await cache?.kill();
    await upstream?.kill();
    await dir?.remove();
  }, 30_000);

  it('skopeo pulls an image the cache lacks; the upstream required credentials, the cache none', async () => {
    const digest = await pushTo('library/hello', '1', 'v1');
    const anonymous = await fetch(`${upstream.url}/v2/library/hello/manifests/1`);
    expect(anonymous.status).toBe(401);
    expect(await pull('library/hello:1', 'first')).toBe(digest);
    const layer = await readFile(join(dir.path, 'first', 'blobs', 'sha256', layerA.digest.slice('sha256:'.length)));
    expect(layer.equals(layerA.bytes)).toBe(true);
  }, 60_000);

  it('serves a tag that moved upstream once its TTL (0 here) has passed', async () => {
    const moved = await pushTo('library/hello', '1', 'v2');
    expect(await pull('library/hello:1', 'moved')).toBe(moved);
  }, 60_000);

  it('names an image that exists nowhere as missing upstream too', async () => {
    await expect(sh('skopeo', ['inspect', '--no-creds', '--tls-verify=false', `docker://${cache.hostPort}/library/absent:1`])).rejects.toThrow(
      /manifest unknown.*library\/absent:1 is not cached here and does not exist upstream/s,
    );
  }, 30_000);

  it('with the upstream stopped, still serves what it cached and says clearly what is missing', async () => {
    const cachedDigest = await fetch(`${cache.url}/v2/library/hello/manifests/1`, { method: 'HEAD', headers: { accept: 'application/vnd.oci.image.manifest.v1+json' } });
    await upstream.kill();
    expect(await pull('library/hello:1', 'offline')).toBe(cachedDigest.headers.get('docker-content-digest'));
    await expect(sh('skopeo', ['inspect', '--no-creds', '--tls-verify=false', `docker://${cache.hostPort}/library/nginx:latest`])).rejects.toThrow(
      new RegExp(`library/nginx:latest is not cached here and the upstream registry 127\\.0\\.0\\.1:${upstreamPort} could not be reached \\(ECONNREFUSED\\)`),
    );
    const warnings = cacheLog.split('\n').filter((l) => l.includes('"msg":"upstream fetch failed"'));
    expect(warnings.some((l) => l.includes('"ref":"library/nginx:latest"') && l.includes('"reason":"ECONNREFUSED"'))).toBe(true);
    expect(cacheLog).not.toContain(UPSTREAM_PASSWORD);
  }, 60_000);

  it('picks up the upstream again when it comes back on the same address', async () => {
    upstream = await startUpstream(upstreamPort);
    const digest = await pushTo('library/later', 'x', 'later');
    expect(await pull('library/later:x', 'later')).toBe(digest);
  }, 60_000);
});
