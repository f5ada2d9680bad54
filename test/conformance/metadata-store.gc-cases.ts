import { expect } from 'vitest';
import { FAR_FUTURE, OCI_INDEX, OCI_MANIFEST, T0, T1, T2, digestFor, manifest, pushManifest, type Ctx } from './metadata-store.fixtures.js';
import type { ConformanceTest } from './skip-list.js';

export function gcTests(test: ConformanceTest, ctx: Ctx): void {
  const sorted = <T extends { digest: string }>(rows: T[]): T[] => [...rows].sort((a, b) => a.digest.localeCompare(b.digest));

  test('unreferencedManifests skips tagged, index-referenced, recent and live-subject referrer manifests', async () => {
    const { store } = ctx;
    const d = (seed: string): string => digestFor(seed);
    await pushManifest(store, manifest('app', d('untagged')));
    await pushManifest(store, manifest('app', d('tagged')));
    await store.tags.set('app', 'latest', d('tagged'), T0);
    await pushManifest(store, manifest('app', d('child')));
    await pushManifest(store, manifest('app', d('index'), { mediaType: OCI_INDEX, references: [d('child')] }));
    await store.tags.set('app', 'multi', d('index'), T0);
    await pushManifest(store, manifest('app', d('live-referrer'), { subjectDigest: d('tagged') }));
    await pushManifest(store, manifest('app', d('orphan-referrer'), { subjectDigest: d('gone') }));
    await pushManifest(store, manifest('app', d('recent')), T2);
    // The child is referenced only from app: in other it is unreferenced.
    await pushManifest(store, manifest('other', d('child')));
    expect(sorted(await store.gc.unreferencedManifests(T1))).toEqual(
      sorted([
        { repository: 'app', digest: d('untagged'), mediaType: OCI_MANIFEST },
        { repository: 'app', digest: d('orphan-referrer'), mediaType: OCI_MANIFEST },
        { repository: 'other', digest: d('child'), mediaType: OCI_MANIFEST },
      ]),
    );
  });

  test('danglingLinks lists blob links no manifest of their repository needs, linked before the cutoff', async () => {
    const { store } = ctx;
    const used = digestFor('used');
    const loose = digestFor('loose');
    const image = digestFor('image');
    await store.blobs.registerAndLink('app', used, 10);
    await store.blobs.registerAndLink('app', loose, 20);
    await store.blobs.registerAndLink('other', used, 10);
    await pushManifest(store, manifest('app', image, { references: [used] }));
    const links = sorted(await store.gc.danglingLinks(FAR_FUTURE));
    expect(links).toEqual(sorted([
      { repository: 'app', digest: loose },
      { repository: 'other', digest: used },
    ]));
    expect(await store.gc.danglingLinks('2000-01-01T00:00:00.000Z')).toEqual([]);
  });

  test('removeLinkIfDangling removes only links that are still dangling and older than the cutoff', async () => {
    const { store } = ctx;
    const used = digestFor('used');
    const loose = digestFor('loose');
    await store.blobs.registerAndLink('app', used, 10);
    await store.blobs.registerAndLink('app', loose, 20);
    await pushManifest(store, manifest('app', digestFor('image'), { references: [used] }));
    expect(await store.gc.removeLinkIfDangling('app', loose, '2000-01-01T00:00:00.000Z')).toBe(false);
    expect(await store.gc.removeLinkIfDangling('app', used, FAR_FUTURE)).toBe(false);
    expect(await store.gc.removeLinkIfDangling('app', loose, FAR_FUTURE)).toBe(true);
    expect(await store.gc.removeLinkIfDangling('app', loose, FAR_FUTURE)).toBe(false);
    expect(await store.gc.removeLinkIfDangling('unknown', loose, FAR_FUTURE)).toBe(false);
    expect(await store.blobs.linkedSize('app', loose)).toBeUndefined();
    expect(await store.blobs.linkedSize('app', used)).toBe(10);
  });

  test('takeOrphanBlobs returns blobs linked nowhere exactly once and keeps linked ones', async () => {
    const { store } = ctx;
    const orphan = digestFor('orphan');
    const linked = digestFor('linked');
    await store.blobs.registerAndLink('app', orphan, 7);
    await store.blobs.registerAndLink('app', linked, 9);
    await store.blobs.unlink('app', orphan);
    expect(await store.gc.takeOrphanBlobs()).toEqual([{ digest: orphan, sizeBytes: 7 }]);
    expect(await store.gc.takeOrphanBlobs()).toEqual([]);
    expect(await store.blobs.size(linked)).toBe(9);
  });
}

export function transactionTests(test: ConformanceTest, ctx: Ctx): void {
  test('withTransaction commits what the callback wrote and returns its value', async () => {
    const { store } = ctx;
    const result = await store.withTransaction(async (tx) => {
      await tx.blobs.registerAndLink('app', digestFor('blob'), 5);
      expect(await tx.blobs.linkedSize('app', digestFor('blob'))).toBe(5);
      return 'done';
    });
    expect(result).toBe('done');
    expect(await store.blobs.linkedSize('app', digestFor('blob'))).toBe(5);
  });

  test('withTransaction rolls back every write when the callback throws, and rethrows its error', async () => {
    const { store } = ctx;
    await store.repositories.ensure('existing');
    const failure = new Error('abort the push');
    await expect(
      store.withTransaction(async (tx) => {
        await tx.blobs.registerAndLink('app', digestFor('blob'), 5);
        await pushManifest(tx, manifest('app', digestFor('image')));
        await tx.tags.set('app', 'latest', digestFor('image'), T0);
        await tx.repositories.delete('existing');
        throw failure;
      }),
    ).rejects.toBe(failure);
    expect(await store.repositories.exists('app')).toBe(false);
    expect(await store.blobs.size(digestFor('blob'))).toBeUndefined();
    expect(await store.repositories.exists('existing')).toBe(true);
    expect(await store.withTransaction(async (tx) => tx.repositories.exists('existing'))).toBe(true);
  });
}
