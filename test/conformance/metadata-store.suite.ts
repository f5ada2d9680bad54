import { afterEach, beforeEach, describe, expect } from 'vitest';
import type { MetadataStore } from '../../src/metadata/metadata-store.js';
import { OCI_MANIFEST, T0, T1, T2, digestFor, manifest, pushManifest, type Ctx } from './metadata-store.fixtures.js';
import { gcTests, transactionTests } from './metadata-store.gc-cases.js';
import { conformanceTests, type ConformanceTest, type SkipList } from './skip-list.js';

/** Builds a fresh, migrated (`init()`ed) store with no data; `cleanup` drops what it holds. */
export type MetadataStoreFactory = () => Promise<{ store: MetadataStore; cleanup(): Promise<void> }>;

/**
 * The MetadataStore contract (src/metadata/metadata-store.ts) that every dialect runs.
 * It uses only the port, so SQLite and PostgreSQL run the same tests. `skip` maps a test
 * title to the reason this adapter cannot honour it.
 */
export function metadataStoreSuite(name: string, factory: MetadataStoreFactory, skip?: SkipList): void {
  describe(`MetadataStore conformance: ${name}`, () => {
    const { test, checkSkipList } = conformanceTests(skip);
    const ctx = {} as { store: MetadataStore };
    let cleanup: () => Promise<void>;

    beforeEach(async () => {
      const made = await factory();
      ctx.store = made.store;
      cleanup = made.cleanup;
    });

    afterEach(async () => {
      await ctx.store.close();
      await cleanup();
    });

    describe('repositories', () => repositoryTests(test, ctx));
    describe('blobs', () => blobTests(test, ctx));
    describe('manifests', () => manifestTests(test, ctx));
    describe('tags', () => tagTests(test, ctx));
    describe('uploads, events and users', () => supportTests(test, ctx));
    describe('garbage collection queries', () => gcTests(test, ctx));
    describe('transactions', () => transactionTests(test, ctx));
    checkSkipList();
  });
}

function repositoryTests(test: ConformanceTest, ctx: Ctx): void {
  test('ensure creates a repository once and exists reports it', async () => {
    const { store } = ctx;
    expect(await store.repositories.exists('team/app')).toBe(false);
    await store.repositories.ensure('team/app');
    await store.repositories.ensure('team/app');
    expect(await store.repositories.exists('team/app')).toBe(true);
    expect(await store.repositories.list({ limit: 10 })).toEqual(['team/app']);
  });

  test('list returns names in lexical order, after last, at most limit of them', async () => {
    const { store } = ctx;
    for (const repo of ['c/x', 'a', 'b/y', 'a/b', 'd']) await store.repositories.ensure(repo);
    expect(await store.repositories.list({ limit: 10 })).toEqual(['a', 'a/b', 'b/y', 'c/x', 'd']);
    expect(await store.repositories.list({ limit: 2 })).toEqual(['a', 'a/b']);
    expect(await store.repositories.list({ last: 'a/b', limit: 2 })).toEqual(['b/y', 'c/x']);
    expect(await store.repositories.list({ last: 'd', limit: 2 })).toEqual([]);
  });

  test('delete reports false for a repository that does not exist', async () => {
    expect(await ctx.store.repositories.delete('never/made')).toBe(false);
  });

  test('delete removes the repository with its tags, manifests and blob links, and nothing of others', async () => {
    const { store } = ctx;
    const layer = digestFor('layer');
    const image = digestFor('image');
    for (const repo of ['doomed', 'kept']) {
      await store.blobs.registerAndLink(repo, layer, 100);
      await pushManifest(store, manifest(repo, image, { references: [layer] }));
      await store.tags.set(repo, 'latest', image, T0);
    }
    expect(await store.repositories.delete('doomed')).toBe(true);
    expect(await store.repositories.exists('doomed')).toBe(false);
    expect(await store.tags.resolve('doomed', 'latest')).toBeUndefined();
    expect(await store.manifests.get('doomed', image)).toBeUndefined();
    expect(await store.blobs.linkedSize('doomed', layer)).toBeUndefined();
    expect((await store.tags.resolve('kept', 'latest'))?.digest).toBe(image);
    expect(await store.blobs.linkedSize('kept', layer)).toBe(100);
    await store.repositories.ensure('doomed');
    expect(await store.manifests.list('doomed')).toEqual([]);
    expect(await store.tags.list('doomed', { limit: 10 })).toEqual([]);
  });
}

function blobTests(test: ConformanceTest, ctx: Ctx): void {
  const blob = digestFor('blob');

  test('registerAndLink creates the repository and makes the blob visible there only', async () => {
    const { store } = ctx;
    await store.blobs.registerAndLink('one', blob, 42);
    expect(await store.repositories.exists('one')).toBe(true);
    expect(await store.blobs.linkedSize('one', blob)).toBe(42);
    expect(await store.blobs.size(blob)).toBe(42);
    expect(await store.blobs.linkedSize('two', blob)).toBeUndefined();
    expect(await store.blobs.linkedSize('one', digestFor('other'))).toBeUndefined();
  });

  test('registerAndLink is idempotent for the same repository and blob', async () => {
    const { store } = ctx;
    await store.blobs.registerAndLink('one', blob, 42);
    await store.blobs.registerAndLink('one', blob, 42);
    expect(await store.blobs.linkedSize('one', blob)).toBe(42);
  });

  test('size counts a blob only while some repository links it', async () => {
    const { store } = ctx;
    expect(await store.blobs.size(blob)).toBeUndefined();
    await store.blobs.registerAndLink('one', blob, 42);
    await store.blobs.registerAndLink('two', blob, 42);
    expect(await store.blobs.unlink('one', blob)).toBe(true);
    expect(await store.blobs.size(blob)).toBe(42);
    expect(await store.blobs.unlink('two', blob)).toBe(true);
    expect(await store.blobs.size(blob)).toBeUndefined();
  });

  test('unlink removes only that repository link and reports false when there was none', async () => {
    const { store } = ctx;
    await store.blobs.registerAndLink('one', blob, 42);
    await store.blobs.registerAndLink('two', blob, 42);
    expect(await store.blobs.unlink('one', blob)).toBe(true);
    expect(await store.blobs.unlink('one', blob)).toBe(false);
    expect(await store.blobs.unlink('nowhere', blob)).toBe(false);
    expect(await store.blobs.linkedSize('one', blob)).toBeUndefined();
    expect(await store.blobs.linkedSize('two', blob)).toBe(42);
  });

  test('linkedAmong returns the subset linked into the repository, manifests included', async () => {
    const { store } = ctx;
    const image = digestFor('image');
    await store.blobs.registerAndLink('one', blob, 42);
    await store.blobs.registerAndLink('two', digestFor('elsewhere'), 1);
    await pushManifest(store, manifest('one', image, { references: [blob] }));
    const found = await store.blobs.linkedAmong('one', [blob, image, digestFor('elsewhere'), digestFor('unknown')]);
    expect([...found].sort()).toEqual([blob, image].sort());
    expect(await store.blobs.linkedAmong('one', [])).toEqual(new Set());
    expect(await store.blobs.linkedAmong('nowhere', [blob])).toEqual(new Set());
  });
}

function manifestTests(test: ConformanceTest, ctx: Ctx): void {
  const image = digestFor('image');
  const layer = digestFor('layer');

  test('put returns true for a new manifest and false when it is stored again, keeping the first record', async () => {
    const { store } = ctx;
    const m = manifest('app', image, { references: [layer], annotations: '{"a":"b"}', artifactType: 'application/x-test' });
    expect(await pushManifest(store, m, T0)).toBe(true);
    expect(await pushManifest(store, m, T1)).toBe(false);
    expect(await store.manifests.get('app', image)).toEqual({
      repository: 'app',
      digest: image,
      mediaType: OCI_MANIFEST,
      sizeBytes: 512,
      artifactType: 'application/x-test',
      subjectDigest: null,
      annotations: '{"a":"b"}',
      createdAt: T0,
    });
  });

  test('get returns undefined for an unknown manifest or repository', async () => {
    const { store } = ctx;
    await pushManifest(store, manifest('app', image));
    expect(await store.manifests.get('app', digestFor('unknown'))).toBeUndefined();
    expect(await store.manifests.get('other', image)).toBeUndefined();
  });

  test('the same manifest can live in two repositories independently', async () => {
    const { store } = ctx;
    expect(await pushManifest(store, manifest('one', image))).toBe(true);
    expect(await pushManifest(store, manifest('two', image))).toBe(true);
    expect(await store.manifests.delete('one', image)).toEqual([]);
    expect(await store.manifests.get('two', image)).toBeDefined();
  });

  test('list returns the manifests of a repository in creation order with their tags', async () => {
    const { store } = ctx;
    const older = digestFor('older');
    await pushManifest(store, manifest('app', image), T1);
    await pushManifest(store, manifest('app', older), T0);
    await pushManifest(store, manifest('elsewhere', digestFor('elsewhere')), T0);
    await store.tags.set('app', 'v2', image, T1);
    await store.tags.set('app', 'latest', image, T1);
    const listed = await store.manifests.list('app');
    expect(listed.map((m) => [m.digest, m.tags])).toEqual([
      [older, []],
      [image, ['latest', 'v2']],
    ]);
    expect(await store.manifests.list('unknown')).toEqual([]);
  });

  test('delete removes the manifest, its own link and its tags, returning the tag names', async () => {
    const { store } = ctx;
    await pushManifest(store, manifest('app', image));
    await store.tags.set('app', 'v1', image, T0);
    await store.tags.set('app', 'latest', image, T0);
    expect(await store.manifests.delete('app', image)).toEqual(['latest', 'v1']);
    expect(await store.manifests.get('app', image)).toBeUndefined();
    expect(await store.tags.resolve('app', 'v1')).toBeUndefined();
    expect(await store.blobs.linkedAmong('app', [image])).toEqual(new Set());
  });

  test('delete returns undefined when the manifest or repository does not exist', async () => {
    const { store } = ctx;
    await store.repositories.ensure('app');
    expect(await store.manifests.delete('app', image)).toBeUndefined();
    expect(await store.manifests.delete('unknown', image)).toBeUndefined();
  });

  test('referrers lists manifests whose subject is the digest, filtered by artifact type', async () => {
    const { store } = ctx;
    await pushManifest(store, manifest('app', image));
    const sig = digestFor('signature');
    const sbom = digestFor('sbom');
    await pushManifest(store, manifest('app', sig, { subjectDigest: image, artifactType: 'application/vnd.dev.cosign' }));
    await pushManifest(store, manifest('app', sbom, { subjectDigest: image, artifactType: 'application/spdx+json' }));
    await pushManifest(store, manifest('other', digestFor('foreign'), { subjectDigest: image, artifactType: 'application/spdx+json' }));
    expect((await store.manifests.referrers('app', image)).map((m) => m.digest).sort()).toEqual([sig, sbom].sort());
    const sboms = await store.manifests.referrers('app', image, 'application/spdx+json');
    expect(sboms.map((m) => [m.digest, m.subjectDigest, m.artifactType])).toEqual([[sbom, image, 'application/spdx+json']]);
    expect(await store.manifests.referrers('app', image, 'application/none')).toEqual([]);
    expect(await store.manifests.referrers('app', digestFor('no-subject'))).toEqual([]);
  });
}

function tagTests(test: ConformanceTest, ctx: Ctx): void {
  const first = digestFor('first');
  const second = digestFor('second');

  test('set returns the digest the tag pointed at before, and resolve follows the move', async () => {
    const { store } = ctx;
    await pushManifest(store, manifest('app', first));
    await pushManifest(store, manifest('app', second));
    expect(await store.tags.set('app', 'latest', first, T0)).toBeUndefined();
    expect(await store.tags.set('app', 'latest', second, T1)).toBe(first);
    expect(await store.tags.set('app', 'latest', second, T2)).toBe(second);
    expect(await store.tags.resolve('app', 'latest')).toEqual({ repository: 'app', name: 'latest', digest: second, createdAt: T0, updatedAt: T2 });
  });

  test('resolve returns undefined for an unknown tag or repository', async () => {
    const { store } = ctx;
    await pushManifest(store, manifest('app', first));
    await store.tags.set('app', 'latest', first, T0);
    expect(await store.tags.resolve('app', 'missing')).toBeUndefined();
    expect(await store.tags.resolve('other', 'latest')).toBeUndefined();
  });

  test('list orders tags by code point and pages with last and limit', async () => {
    const { store } = ctx;
    await pushManifest(store, manifest('app', first));
    const tags = ['v1.9', 'latest', 'B', 'v1.10', '1.0', '_x', 'a-b', 'A'];
    for (const tag of tags) await store.tags.set('app', tag, first, T0);
    const lexical = ['1.0', 'A', 'B', '_x', 'a-b', 'latest', 'v1.10', 'v1.9'];
    expect(await store.tags.list('app', { limit: 100 })).toEqual(lexical);
    expect(await store.tags.list('app', { limit: 3 })).toEqual(lexical.slice(0, 3));
    expect(await store.tags.list('app', { last: 'B', limit: 3 })).toEqual(lexical.slice(3, 6));
    expect(await store.tags.list('app', { last: 'v1.9', limit: 3 })).toEqual([]);
    expect((await store.tags.listDetailed('app')).map((t) => t.name)).toEqual(lexical);
    expect(await store.tags.list('unknown', { limit: 10 })).toEqual([]);
  });

  test('delete removes a tag but not its manifest and reports false when the tag did not exist', async () => {
    const { store } = ctx;
    await pushManifest(store, manifest('app', first));
    await store.tags.set('app', 'latest', first, T0);
    expect(await store.tags.delete('app', 'latest')).toBe(true);
    expect(await store.tags.delete('app', 'latest')).toBe(false);
    expect(await store.tags.delete('unknown', 'latest')).toBe(false);
    expect(await store.tags.resolve('app', 'latest')).toBeUndefined();
    expect(await store.manifests.get('app', first)).toBeDefined();
  });
}

function supportTests(test: ConformanceTest, ctx: Ctx): void {
  test('uploads can be created, read, touched, found by age and deleted', async () => {
    const { store } = ctx;
    await store.uploads.create({ id: 'u-old', repository: 'app', createdAt: T0, updatedAt: T0 });
    await store.uploads.create({ id: 'u-new', repository: 'app', createdAt: T0, updatedAt: T2 });
    expect(await store.uploads.get('u-old')).toEqual({ id: 'u-old', repository: 'app', createdAt: T0, updatedAt: T0 });
    expect(await store.uploads.get('missing')).toBeUndefined();
    expect((await store.uploads.olderThan(T1)).map((u) => u.id)).toEqual(['u-old']);
    await store.uploads.touch('u-old', T2);
    expect((await store.uploads.get('u-old'))?.updatedAt).toBe(T2);
    expect(await store.uploads.olderThan(T1)).toEqual([]);
    await store.uploads.delete('u-old');
    await store.uploads.delete('u-old');
    expect(await store.uploads.get('u-old')).toBeUndefined();
    expect(await store.uploads.get('u-new')).toBeDefined();
  });

  test('events are listed in append order, after a sequence number, at most limit of them', async () => {
    const { store } = ctx;
    for (const id of ['e1', 'e2', 'e3']) {
      await store.events.append({ id, action: 'push', repository: 'app', occurredAt: T0, payload: JSON.stringify({ id }) });
    }
    const all = await store.events.list(0, 10);
    expect(all.map((e) => e.id)).toEqual(['e1', 'e2', 'e3']);
    expect(all[0]).toMatchObject({ action: 'push', repository: 'app', occurredAt: T0, payload: '{"id":"e1"}' });
    const seqs = all.map((e) => e.seq);
    expect([...seqs].sort((a, b) => a - b)).toEqual(seqs);
    expect(new Set(seqs).size).toBe(3);
    expect((await store.events.list(seqs[0]!, 1)).map((e) => e.id)).toEqual(['e2']);
    expect(await store.events.list(seqs[2]!, 10)).toEqual([]);
  });

  test('users are created once, read back and can change their password', async () => {
    const { store } = ctx;
    expect(await store.users.create({ name: 'admin', passwordHash: 'h1', isAdmin: true, createdAt: T0 })).toBe(true);
    expect(await store.users.create({ name: 'admin', passwordHash: 'h2', isAdmin: false, createdAt: T1 })).toBe(false);
    expect(await store.users.create({ name: 'dev', passwordHash: 'h3', isAdmin: false, createdAt: T1 })).toBe(true);
    expect(await store.users.get('admin')).toEqual({ name: 'admin', passwordHash: 'h1', isAdmin: true, createdAt: T0 });
    expect((await store.users.get('dev'))?.isAdmin).toBe(false);
    expect(await store.users.get('nobody')).toBeUndefined();
    await store.users.setPassword('admin', 'h4');
    expect((await store.users.get('admin'))?.passwordHash).toBe('h4');
  });
}

