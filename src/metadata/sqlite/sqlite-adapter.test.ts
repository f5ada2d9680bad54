import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { digestFor } from '../../../test/conformance/metadata-store.fixtures.js';
import { metadataStoreSuite } from '../../../test/conformance/metadata-store.suite.js';
import { createSqliteMetadataStore } from './sqlite-adapter.js';

async function tempDbPath(): Promise<{ path: string; cleanup(): Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'slipway-sqlite-'));
  return { path: join(dir, 'meta', 'slipway.db'), cleanup: () => rm(dir, { recursive: true, force: true }) };
}

metadataStoreSuite('sqlite', async () => {
  const { path, cleanup } = await tempDbPath();
  const store = createSqliteMetadataStore({ path });
  await store.init();
  return { store, cleanup };
});

describe('SQLite migrations', () => {
  let db: Awaited<ReturnType<typeof tempDbPath>>;

  beforeEach(async () => {
    db = await tempDbPath();
  });

  afterEach(async () => {
    await db.cleanup();
  });

  it('init can run twice on the same connection without failing or losing data', async () => {
    const store = createSqliteMetadataStore({ path: db.path });
    try {
      await store.init();
      await store.repositories.ensure('app');
      await store.init();
      expect(await store.repositories.list({ limit: 10 })).toEqual(['app']);
    } finally {
      await store.close();
    }
  });

  it('a second connection to the same file migrates idempotently and sees committed data', async () => {
    const first = createSqliteMetadataStore({ path: db.path });
    const second = createSqliteMetadataStore({ path: db.path });
    try {
      await first.init();
      await first.blobs.registerAndLink('app', digestFor('layer'), 3);
      await second.init();
      expect(await second.blobs.linkedSize('app', digestFor('layer'))).toBe(3);
      await second.tags.set('app', 'latest', await pushed(second), '2024-01-01T00:00:00.000Z');
      expect(await first.tags.list('app', { limit: 10 })).toEqual(['latest']);
    } finally {
      await first.close();
      await second.close();
    }
  });

  it('data survives closing the store and opening the file again', async () => {
    const before = createSqliteMetadataStore({ path: db.path });
    await before.init();
    await before.users.create({ name: 'admin', passwordHash: 'h', isAdmin: true, createdAt: '2024-01-01T00:00:00.000Z' });
    await before.close();
    const after = createSqliteMetadataStore({ path: db.path });
    try {
      await after.init();
      expect((await after.users.get('admin'))?.isAdmin).toBe(true);
    } finally {
      await after.close();
    }
  });
});

async function pushed(store: ReturnType<typeof createSqliteMetadataStore>): Promise<string> {
  const digest = digestFor('image');
  await store.blobs.registerAndLink('app', digest, 10);
  await store.manifests.put(
    { repository: 'app', digest, mediaType: 'application/vnd.oci.image.manifest.v1+json', sizeBytes: 10, artifactType: null, subjectDigest: null, annotations: null, references: [] },
    '2024-01-01T00:00:00.000Z',
  );
  return digest;
}
