import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OciClient, basic, busyboxTarball, engineSocket, sh, startSlipway, tempDir, type SlipwayProcess } from '../helpers/e2e.js';

const PASSWORD = 'e2e-clients-password';
const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';
const OCI_INDEX = 'application/vnd.oci.image.index.v1+json';

describe('real OCI clients against a running Slipway', () => {
  let slipway: SlipwayProcess;
  let dir: { path: string; remove(): Promise<void> };
  let dockerEnv: NodeJS.ProcessEnv;
  let oci: OciClient;
  const docker = (...args: string[]): Promise<string> => sh('docker', args, dockerEnv);

  beforeAll(async () => {
    dir = await tempDir('clients');
    slipway = await startSlipway({ dataDir: join(dir.path, 'data'), password: PASSWORD });
    await mkdir(join(dir.path, 'docker-config'));
    dockerEnv = { DOCKER_HOST: `unix://${engineSocket()}`, DOCKER_CONFIG: join(dir.path, 'docker-config') };
    oci = new OciClient(slipway.url, basic('admin', PASSWORD));
    await sh('docker', ['login', slipway.hostPort, '-u', 'admin', '--password-stdin'], dockerEnv, PASSWORD);
  }, 120_000);

  afterAll(async () => {
    await slipway?.kill();
    await dir?.remove();
  });

  it('docker pushes an image made locally, pulls it back and runs it', async () => {
    const image = `${slipway.hostPort}/e2e/busybox:1`;
    await docker('import', await busyboxTarball(), image);
    await docker('push', image);
    await docker('rmi', image);
    await docker('pull', image);
    expect((await docker('run', '--rm', image, 'echo', 'hello from slipway')).trim()).toBe('hello from slipway');
  }, 180_000);

  it('docker login stores an identity token, not the password', async () => {
    const config = await readFile(join(dockerEnv.DOCKER_CONFIG!, 'config.json'), 'utf8');
    expect(config).not.toContain(Buffer.from(`admin:${PASSWORD}`).toString('base64'));
    expect(JSON.parse(config).auths[slipway.hostPort].identitytoken).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+$/);
  });

  it('skopeo copies an image out of Slipway and back in under another name', async () => {
    const creds = `admin:${PASSWORD}`;
    const layout = join(dir.path, 'oci-layout');
    await sh('skopeo', ['copy', '--src-creds', creds, `docker://${slipway.hostPort}/e2e/busybox:1`, `oci:${layout}:copy`]);
    await sh('skopeo', ['copy', '--dest-creds', creds, `oci:${layout}:copy`, `docker://${slipway.hostPort}/e2e/copied:v2`]);
    const inspected = JSON.parse(await sh('skopeo', ['inspect', '--creds', creds, `docker://${slipway.hostPort}/e2e/copied:v2`]));
    expect(inspected.Name).toBe(`${slipway.hostPort}/e2e/copied`);
    expect(inspected.Layers).toHaveLength(1);
  }, 120_000);

  it('podman pulls an image pushed by docker', async () => {
    const image = `${slipway.hostPort}/e2e/busybox:1`;
    const root = join(dir.path, 'podman');
    const common = ['--root', join(root, 'root'), '--runroot', join(root, 'run'), '--storage-driver', 'vfs'];
    await sh('podman', [...common, 'pull', '--creds', `admin:${PASSWORD}`, image]);
    const images = await sh('podman', [...common, 'images', '--format', '{{.Repository}}:{{.Tag}}']);
    expect(images).toContain(image);
  }, 120_000);

  it('serves a multi-arch index: docker picks linux/amd64 and skopeo copies every platform', async () => {
    const amd64Raw = await oci.get('/v2/e2e/busybox/manifests/1', { accept: 'application/vnd.docker.distribution.manifest.v2+json' });
    const amd64Bytes = Buffer.from(await amd64Raw.arrayBuffer());
    const amd64 = JSON.parse(amd64Bytes.toString());
    // The amd64 image's blobs live in e2e/busybox: mount them, then push the same manifest bytes.
    for (const d of [amd64.config, ...amd64.layers]) {
      const mounted = await fetch(`${slipway.url}/v2/e2e/multi/blobs/uploads/?mount=${d.digest}&from=e2e/busybox`, { method: 'POST', headers: { authorization: basic('admin', PASSWORD) } });
      expect(mounted.status).toBe(201);
    }
    const put = await fetch(`${slipway.url}/v2/e2e/multi/manifests/${amd64Raw.headers.get('docker-content-digest')}`, {
      method: 'PUT',
      headers: { authorization: basic('admin', PASSWORD), 'content-type': amd64Raw.headers.get('content-type')! },
      body: amd64Bytes,
    });
    expect(put.status).toBe(201);
    const armConfig = await oci.pushBlob('e2e/multi', Buffer.from(JSON.stringify({ architecture: 'arm64', os: 'linux', rootfs: { type: 'layers', diff_ids: [] } })));
    const arm = await oci.pushManifest('e2e/multi', 'arm64-only', { schemaVersion: 2, mediaType: OCI_MANIFEST, config: { mediaType: 'application/vnd.oci.image.config.v1+json', ...armConfig }, layers: [] }, OCI_MANIFEST);
    const index = {
      schemaVersion: 2,
      mediaType: OCI_INDEX,
      manifests: [
        { mediaType: amd64Raw.headers.get('content-type'), digest: amd64Raw.headers.get('docker-content-digest'), size: amd64Bytes.length, platform: { os: 'linux', architecture: 'amd64' } },
        { mediaType: OCI_MANIFEST, digest: arm.digest, size: arm.size, platform: { os: 'linux', architecture: 'arm64' } },
      ],
    };
    await oci.pushManifest('e2e/multi', 'latest', index, OCI_INDEX);
    const image = `${slipway.hostPort}/e2e/multi:latest`;
    await docker('pull', image);
    expect((await docker('run', '--rm', image, 'uname', '-m')).trim()).toBe('x86_64');
    const out = join(dir.path, 'multi-layout');
    await sh('skopeo', ['copy', '--all', '--src-creds', `admin:${PASSWORD}`, `docker://${image}`, `oci:${out}:all`]);
    const copiedIndex = JSON.parse(await readFile(join(out, 'index.json'), 'utf8'));
    const top = copiedIndex.manifests[0].digest.replace('sha256:', '');
    const nested = JSON.parse(await readFile(join(out, 'blobs', 'sha256', top), 'utf8'));
    expect(nested.manifests.map((m: { platform: { architecture: string } }) => m.platform.architecture).sort()).toEqual(['amd64', 'arm64']);
  }, 180_000);

  it('stores an artifact with a subject and lists it through the referrers API', async () => {
    const subject = await oci.get('/v2/e2e/busybox/manifests/1', { accept: 'application/vnd.docker.distribution.manifest.v2+json' });
    const subjectBytes = Buffer.from(await subject.arrayBuffer());
    const empty = await oci.pushBlob('e2e/busybox', Buffer.from('{}'));
    const sbom = await oci.pushBlob('e2e/busybox', Buffer.from('{"spdxVersion":"SPDX-2.3"}'));
    const artifact = {
      schemaVersion: 2,
      mediaType: OCI_MANIFEST,
      artifactType: 'application/spdx+json',
      config: { mediaType: 'application/vnd.oci.empty.v1+json', ...empty },
      layers: [{ mediaType: 'application/spdx+json', ...sbom }],
      subject: { mediaType: subject.headers.get('content-type'), digest: subject.headers.get('docker-content-digest'), size: subjectBytes.length },
      annotations: { 'org.opencontainers.image.created': '2026-11-29T00:00:00Z' },
    };
    const pushed = await oci.pushManifest('e2e/busybox', (await import('../helpers/e2e.js')).sha256(JSON.stringify(artifact)), artifact, OCI_MANIFEST);
    expect(pushed.response.headers.get('oci-subject')).toBe(subject.headers.get('docker-content-digest'));
    const all = (await (await oci.get(`/v2/e2e/busybox/referrers/${subject.headers.get('docker-content-digest')}`)).json()) as { manifests: unknown[] };
    expect(all.manifests).toEqual([expect.objectContaining({ digest: pushed.digest, artifactType: 'application/spdx+json' })]);
    const filtered = await oci.get(`/v2/e2e/busybox/referrers/${subject.headers.get('docker-content-digest')}?artifactType=application/vnd.example.other`);
    expect(filtered.headers.get('oci-filters-applied')).toBe('artifactType');
    expect(((await filtered.json()) as { manifests: unknown[] }).manifests).toEqual([]);
    // skopeo reads the artifact back by digest like any manifest.
    const raw = await sh('skopeo', ['inspect', '--raw', '--creds', `admin:${PASSWORD}`, `docker://${slipway.hostPort}/e2e/busybox@${pushed.digest}`]);
    expect(JSON.parse(raw).subject.digest).toBe(subject.headers.get('docker-content-digest'));
  }, 120_000);
});
