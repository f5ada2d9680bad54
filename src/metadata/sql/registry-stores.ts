import type { Kysely } from 'kysely';
import type { BlobStore, ManifestRecord, ManifestStore, NewManifest, Page, RepositoryStore, TagStore } from '../metadata-store.js';
import type { Database } from './schema.js';

type Db = Kysely<Database>;

export function repoId(db: Db, name: string) {
  return db.selectFrom('repositories').select('id').where('name', '=', name);
}

export async function ensureRepository(db: Db, name: string): Promise<number> {
  const now = new Date().toISOString();
  await db.insertInto('repositories').values({ name, created_at: now }).onConflict((oc) => oc.column('name').doNothing()).execute();
  const row = await repoId(db, name).executeTakeFirstOrThrow();
  return row.id;
}

export function repositoryStore(db: Db): RepositoryStore {
  return {
    async ensure(name) {
      await ensureRepository(db, name);
    },
    async exists(name) {
      return (await repoId(db, name).executeTakeFirst()) !== undefined;
    },
    async list(page: Page) {
      let q = db.selectFrom('repositories').select('name').orderBy('name').limit(page.limit);
      if (page.last !== undefined) q = q.where('name', '>', page.last);
      return (await q.execute()).map((r) => r.name);
    },
    async delete(name) {
      const row = await repoId(db, name).executeTakeFirst();
      if (!row) return false;
      // Children first: SQLite enforces the foreign keys only when told to, so do it by hand.
      await db.deleteFrom('tags').where('repository_id', '=', row.id).execute();
      await db.deleteFrom('manifest_references').where('repository_id', '=', row.id).execute();
      await db.deleteFrom('manifests').where('repository_id', '=', row.id).execute();
      await db.deleteFrom('repository_blobs').where('repository_id', '=', row.id).execute();
      await db.deleteFrom('repositories').where('id', '=', row.id).execute();
      return true;
    },
  };
}

export function blobStore(db: Db): BlobStore {
  return {
    async size(digest) {
      // Only blobs some repository links count: an unlinked row may be garbage whose content is gone.
      const row = await db
        .selectFrom('blobs as b')
        .select('b.size_bytes')
        .where('b.digest', '=', digest)
        .where(({ exists, selectFrom }) => exists(selectFrom('repository_blobs as rb').select('rb.digest').whereRef('rb.digest', '=', 'b.digest')))
        .executeTakeFirst();
      return row?.size_bytes;
    },
    async isRecorded(digest) {
      return (await db.selectFrom('blobs').select('digest').where('digest', '=', digest).executeTakeFirst()) !== undefined;
    },
    async registerAndLink(repository, digest, sizeBytes) {
      const now = new Date().toISOString();
      await db
        .insertInto('blobs')
        .values({ digest, size_bytes: sizeBytes, created_at: now, touched_at: now })
        .onConflict((oc) => oc.column('digest').doUpdateSet({ touched_at: now }))
        .execute();
      const id = await ensureRepository(db, repository);
      await db
        .insertInto('repository_blobs')
        .values({ repository_id: id, digest, linked_at: now })
        .onConflict((oc) => oc.columns(['repository_id', 'digest']).doUpdateSet({ linked_at: now }))
        .execute();
    },
    async linkedSize(repository, digest) {
      const row = await db
        .selectFrom('repository_blobs as rb')
        .innerJoin('blobs as b', 'b.digest', 'rb.digest')
        .select('b.size_bytes')
        .where('rb.repository_id', '=', repoId(db, repository))
        .where('rb.digest', '=', digest)
        .executeTakeFirst();
      return row?.size_bytes;
    },
    async unlink(repository, digest) {
      const res = await db
        .deleteFrom('repository_blobs')
        .where('repository_id', '=', repoId(db, repository))
        .where('digest', '=', digest)
        .executeTakeFirst();
      return Number(res.numDeletedRows) > 0;
    },
    async linkedAmong(repository, digests) {
      if (digests.length === 0) return new Set();
      const rows = await db
        .selectFrom('repository_blobs')
        .select('digest')
        .where('repository_id', '=', repoId(db, repository))
        .where('digest', 'in', [...digests])
        .execute();
      return new Set(rows.map((r) => r.digest));
    },
  };
}

function toManifest(repository: string, row: Database['manifests']): ManifestRecord {
  return {
    repository,
    digest: row.digest,
    mediaType: row.media_type,
    sizeBytes: row.size_bytes,
    artifactType: row.artifact_type,
    subjectDigest: row.subject_digest,
    annotations: row.annotations,
    createdAt: row.created_at,
  };
}

export function manifestStore(db: Db): ManifestStore {
  return {
    async get(repository, digest) {
      const row = await db
        .selectFrom('manifests')
        .selectAll()
        .where('repository_id', '=', repoId(db, repository))
        .where('digest', '=', digest)
        .executeTakeFirst();
      return row && toManifest(repository, row);
    },
    async put(m: NewManifest, createdAt) {
      const id = await ensureRepository(db, m.repository);
      const res = await db
        .insertInto('manifests')
        .values({
          repository_id: id,
          digest: m.digest,
          media_type: m.mediaType,
          size_bytes: m.sizeBytes,
          artifact_type: m.artifactType,
          subject_digest: m.subjectDigest,
          annotations: m.annotations,
          created_at: createdAt,
        })
        .onConflict((oc) => oc.columns(['repository_id', 'digest']).doNothing())
        .executeTakeFirst();
      const isNew = Number(res.numInsertedOrUpdatedRows ?? 0n) > 0;
      const children = [...new Set(m.references)];
      if (isNew && children.length > 0) {
        await db
          .insertInto('manifest_references')
          .values(children.map((child) => ({ repository_id: id, manifest_digest: m.digest, child_digest: child })))
          .onConflict((oc) => oc.doNothing())
          .execute();
      }
      return isNew;
    },
    async delete(repository, digest) {
      const row = await repoId(db, repository).executeTakeFirst();
      if (!row) return undefined;
      const tags = await db
        .deleteFrom('tags')
        .where('repository_id', '=', row.id)
        .where('manifest_digest', '=', digest)
        .returning('name')
        .execute();
      await db.deleteFrom('manifest_references').where('repository_id', '=', row.id).where('manifest_digest', '=', digest).execute();
      const res = await db.deleteFrom('manifests').where('repository_id', '=', row.id).where('digest', '=', digest).executeTakeFirst();
      if (Number(res.numDeletedRows) === 0) return undefined;
      await db.deleteFrom('repository_blobs').where('repository_id', '=', row.id).where('digest', '=', digest).execute();
      return tags.map((t) => t.name).sort();
    },
    async list(repository) {
      const id = repoId(db, repository);
      const rows = await db.selectFrom('manifests').selectAll().where('repository_id', '=', id).orderBy('created_at').execute();
      const tags = await db.selectFrom('tags').select(['name', 'manifest_digest']).where('repository_id', '=', id).orderBy('name').execute();
      return rows.map((row) => ({
        ...toManifest(repository, row),
        tags: tags.filter((t) => t.manifest_digest === row.digest).map((t) => t.name),
      }));
    },
    async referrers(repository, subject, artifactType) {
      let q = db
        .selectFrom('manifests')
        .selectAll()
        .where('repository_id', '=', repoId(db, repository))
        .where('subject_digest', '=', subject);
      if (artifactType !== undefined) q = q.where('artifact_type', '=', artifactType);
      return (await q.orderBy('digest').execute()).map((row) => toManifest(repository, row));
    },
  };
}

export function tagStore(db: Db): TagStore {
  return {
    async resolve(repository, tag) {
      const row = await db
        .selectFrom('tags')
        .selectAll()
        .where('repository_id', '=', repoId(db, repository))
        .where('name', '=', tag)
        .executeTakeFirst();
      return row && { repository, name: row.name, digest: row.manifest_digest, createdAt: row.created_at, updatedAt: row.updated_at };
    },
    async set(repository, tag, digest, at) {
      const id = await ensureRepository(db, repository);
      const previous = await db
        .selectFrom('tags')
        .select('manifest_digest')
        .where('repository_id', '=', id)
        .where('name', '=', tag)
        .executeTakeFirst();
      await db
        .insertInto('tags')
        .values({ repository_id: id, name: tag, manifest_digest: digest, created_at: at, updated_at: at })
        .onConflict((oc) => oc.columns(['repository_id', 'name']).doUpdateSet({ manifest_digest: digest, updated_at: at }))
        .execute();
      return previous?.manifest_digest;
    },
    async list(repository, page) {
      // The spec asks for lexical (code point) order: SQLite's default BINARY collation;
      // a PostgreSQL schema must declare the column COLLATE "C".
      let q = db
        .selectFrom('tags')
        .select('name')
        .where('repository_id', '=', repoId(db, repository))
        .orderBy('name')
        .limit(page.limit);
      if (page.last !== undefined) q = q.where('name', '>', page.last);
      return (await q.execute()).map((r) => r.name);
    },
    async listDetailed(repository) {
      const rows = await db.selectFrom('tags').selectAll().where('repository_id', '=', repoId(db, repository)).orderBy('name').execute();
      return rows.map((row) => ({ repository, name: row.name, digest: row.manifest_digest, createdAt: row.created_at, updatedAt: row.updated_at }));
    },
    async delete(repository, tag) {
      const res = await db.deleteFrom('tags').where('repository_id', '=', repoId(db, repository)).where('name', '=', tag).executeTakeFirst();
      return Number(res.numDeletedRows) > 0;
    },
  };
}
