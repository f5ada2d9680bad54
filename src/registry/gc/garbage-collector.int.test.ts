import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../config/load.js';
import { openRegistry, type OpenedRegistry } from '../../app/open-registry.js';
import { digestOf, MediaType, type Digest, type RepoName, type Tag } from '../../oci/index.js';
import type { OpContext } from '../../core/context.js';
import { StorageLayout } from '../storage/layout.js';
import type { GcOptions } from './garbage-collector.js';

const ctx: OpContext = { log: pino({ level: 'silent' }), signal: new AbortController().signal, actor: { name: 'test' } };
const LATER = new Date(Date.now() + 2 * 3600 * 1000);
const AGED: GcOptions = { dryRun: false, graceSeconds: 3600, uploadExpirySeconds: 86_400, now: LATER };

describe('garbage collection', () => {
  let dir: string;
  let opened: OpenedRegistry;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'slipway-gc-'));
    opened = await openRegistry(loadConfig({ env: {}, overrides: { dataDir: dir } }).config);
  });
  afterEach(async () => {
    await opened.close();
    await rm(dir, { recursive: true, force: true });
  });

  const repo = (name: string): RepoName => name as RepoName;
  async function blob(r: string, text: string): Promise<{ digest: Digest; size: number }> {
    const data = Buffer.from(text);
    const digest = digestOf(data);
    await opened.registry.uploads.monolithic(ctx, repo(r), { digest, chunk: { body: Readable.from([data]) } });
    return { digest, size: data.length };
  }
  async function image(r: string, tag: string | undefined, layerText: string, extra: Record<string, unknown> = {}): Promise<{ digest: Digest; size: number }> {
    const config = await blob(r, `{"config":"${r}"}`);
    const layer = await blob(r, layerText);
    const bytes = Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: MediaType.ociManifest, config: { mediaType: MediaType.ociConfig, ...config }, layers: [{ mediaType: 'application/vnd.oci.image.layer.v1.tar', ...layer }], ...extra }));
    const digest = digestOf(bytes);
    await opened.registry.manifests.put(ctx, repo(r), tag ? { kind: 'tag', tag: tag as Tag } : { kind: 'digest', digest }, { bytes, contentType: MediaType.ociManifest });
    return { digest, size: bytes.length };
  }
  const hasContent = (digest: Digest): Promise<boolean> => opened.registry.objects.stat(StorageLayout.blob(digest)).then(() => true, () => false);

  it('spares everything younger than the grace period', async () => {
    await blob('app', 'orphan layer');
    await image('app', undefined, 'untagged layer');
    const report = await opened.registry.gc.run(ctx, { ...AGED, now: new Date() });
    expect(report.deletedManifests).toEqual([]);
    expect(report.deletedBlobs).toBe(0);
  });

  it('collects an untagged index, then the children it alone kept, but keeps tagged images and live referrers', async () => {
    const a = await image('app', 'a', 'layer a');
    const b = await image('app', 'b', 'layer b');
    const index = Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: MediaType.ociIndex, manifests: [{ mediaType: MediaType.ociManifest, ...a }, { mediaType: MediaType.ociManifest, ...b }] }));
    await opened.registry.manifests.put(ctx, repo('app'), { kind: 'tag', tag: 'multi' as Tag }, { bytes: index, contentType: MediaType.ociIndex });
    const referrer = await image('app', undefined, 'signature', { subject: { mediaType: MediaType.ociManifest, ...a } });
    await opened.registry.manifests.delete(ctx, repo('app'), { kind: 'tag', tag: 'b' as Tag });
    await opened.registry.manifests.delete(ctx, repo('app'), { kind: 'tag', tag: 'multi' as Tag });
    const orphan = await blob('app', 'orphan layer');

    const dry = await opened.registry.gc.run(ctx, { ...AGED, dryRun: true });
    expect(await hasContent(orphan.digest)).toBe(true);
    const report = await opened.registry.gc.run(ctx, AGED);

    expect(dry.deletedManifests).toEqual(report.deletedManifests);
    expect(dry.freedBytes).toBe(report.freedBytes);
    expect(report.deletedManifests.map((m) => m.digest).sort()).toEqual([b.digest, digestOf(index)].sort());
    expect(await hasContent(digestOf(Buffer.from('layer b')))).toBe(false);
    expect(await hasContent(orphan.digest)).toBe(false);
    expect(await hasContent(digestOf(Buffer.from('layer a')))).toBe(true);
    expect(await opened.registry.meta.manifests.get('app', referrer.digest)).toBeDefined();
    expect(report.freedBytes).toBeGreaterThan(0);
    const events = await opened.registry.meta.events.list(0, 100);
    expect(events.filter((e) => e.action === 'delete').map((e) => JSON.parse(e.payload).target.digest)).toEqual(expect.arrayContaining([b.digest]));
  });

  it('keeps content another repository still references', async () => {
    const one = await image('one', 'x', 'shared layer');
    await image('two', 'y', 'shared layer');
    await opened.registry.repositories.delete(ctx, repo('one'));
    const report = await opened.registry.gc.run(ctx, AGED);
    // Only what repository one alone held goes: its config and its manifest.
    expect(report.deletedBlobs).toBe(2);
    expect(await hasContent(one.digest)).toBe(false);
    expect(await hasContent(digestOf(Buffer.from('{"config":"one"}')))).toBe(false);
    expect(await hasContent(digestOf(Buffer.from('shared layer')))).toBe(true);
  });

  it('removes content no metadata knows of, such as a blob moved into place by a publish that crashed', async () => {
    const stray = Buffer.from('stray content');
    await opened.registry.objects.put(StorageLayout.blob(digestOf(stray)), stray);
    expect((await opened.registry.gc.run(ctx, { ...AGED, dryRun: true })).strayObjects).toBe(1);
    expect(await hasContent(digestOf(stray))).toBe(true);
    const report = await opened.registry.gc.run(ctx, AGED);
    expect(report.strayObjects).toBe(1);
    expect(await hasContent(digestOf(stray))).toBe(false);
  });

  it('removes upload sessions idle past their expiry', async () => {
    const id = await opened.registry.uploads.start(ctx, repo('app'));
    const report = await opened.registry.gc.run(ctx, { ...AGED, uploadExpirySeconds: 60 });
    expect(report.expiredUploads).toBe(1);
    expect(await opened.registry.meta.uploads.get(id)).toBeUndefined();
  });
});
