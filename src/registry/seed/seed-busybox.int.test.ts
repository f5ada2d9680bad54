import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../config/load.js';
import { openRegistry, type OpenedRegistry } from '../../app/open-registry.js';
import { digestOf, parseManifestRef, type RepoName } from '../../oci/index.js';
import { busyboxRootfs } from './busybox-rootfs.js';
import { buildImage } from './image-builder.js';
import { seedBusybox } from './seed-busybox.js';

const ctx = { log: pino({ level: 'silent' }), signal: new AbortController().signal, actor: { name: 'test' } };

describe('seedBusybox', () => {
  let dir: string;
  let opened: OpenedRegistry;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'slipway-seed-'));
    opened = await openRegistry(loadConfig({ env: {}, overrides: { dataDir: dir } }).config);
  });
  afterEach(async () => {
    await opened.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('builds the same image twice: a reproducible layer, config and manifest', async () => {
    const rootfs = await busyboxRootfs();
    const a = buildImage({ rootfs, cmd: ['sh'], createdBy: 't' });
    const b = buildImage({ rootfs: await busyboxRootfs(), cmd: ['sh'], createdBy: 't' });
    expect(b.manifest.digest).toBe(a.manifest.digest);
    expect(b.layer.digest).toBe(a.layer.digest);
  });

  it('makes an amd64/linux OCI image whose diff_id is the digest of the uncompressed layer', async () => {
    const image = buildImage({ rootfs: await busyboxRootfs(), cmd: ['sh'], createdBy: 't', architecture: 'amd64' });
    const config = JSON.parse(image.config.bytes.toString());
    expect(config).toMatchObject({ architecture: 'amd64', os: 'linux', config: { Cmd: ['sh'] }, rootfs: { type: 'layers' } });
    expect(config.rootfs.diff_ids).toEqual([digestOf(gunzipSync(image.layer.bytes))]);
    const manifest = JSON.parse(image.manifest.bytes.toString());
    expect(manifest.layers[0]).toEqual({ mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', digest: image.layer.digest, size: image.layer.bytes.length });
    expect(manifest.config.digest).toBe(image.config.digest);
  });

  it('puts bin/busybox, bin/sh, bin/echo, etc/passwd and tmp/ in the layer', async () => {
    const paths = (await busyboxRootfs()).map((e) => e.path);
    expect(paths).toEqual(expect.arrayContaining(['bin/busybox', 'bin/sh', 'bin/echo', 'etc/passwd', 'tmp']));
    expect([...paths].sort()).toEqual(paths);
  });

  it('pushes library/busybox:latest, then reports it already present with the same digest', async () => {
    const first = await seedBusybox(ctx, opened.registry);
    expect(first).toMatchObject({ repository: 'library/busybox', tag: 'latest', outcome: 'pushed' });
    const record = await opened.registry.manifests.resolve(ctx, 'library/busybox' as RepoName, parseManifestRef('latest') as never);
    expect(record.digest).toBe(first.digest);
    const second = await seedBusybox(ctx, opened.registry);
    expect(second).toMatchObject({ outcome: 'already present', digest: first.digest });
  });

  it('fails with a message naming busybox-static when the binary is missing', async () => {
    await expect(seedBusybox(ctx, opened.registry, { busyboxPath: join(dir, 'no-busybox') })).rejects.toThrow(/busybox-static/);
  });
});
