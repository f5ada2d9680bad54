import { sql, type Kysely, type SqlBool } from 'kysely';
import type { EventStore, GcStore, UploadStore } from '../metadata-store.js';
import type { Database } from './schema.js';

type Db = Kysely<Database>;

/** A blob link (`rb`) that is neither a manifest of its repository nor referenced by one. */
const LINK_IS_UNREFERENCED = sql<SqlBool>`NOT EXISTS (SELECT 1 FROM manifests m WHERE m.repository_id = rb.repository_id AND m.digest = rb.digest)
  AND NOT EXISTS (SELECT 1 FROM manifest_references mr WHERE mr.repository_id = rb.repository_id AND mr.child_digest = rb.digest)`;

export function uploadStore(db: Db): UploadStore {
  return {
    async create(u) {
      await db.insertInto('uploads').values({ id: u.id, repository: u.repository, created_at: u.createdAt, updated_at: u.updatedAt }).execute();
    },
    async get(id) {
      const row = await db.selectFrom('uploads').selectAll().where('id', '=', id).executeTakeFirst();
      return row && { id: row.id, repository: row.repository, createdAt: row.created_at, updatedAt: row.updated_at };
    },
    async touch(id, at) {
      await db.updateTable('uploads').set({ updated_at: at }).where('id', '=', id).execute();
    },
    async delete(id) {
      await db.deleteFrom('uploads').where('id', '=', id).execute();
    },
    async olderThan(cutoff) {
      const rows = await db.selectFrom('uploads').selectAll().where('updated_at', '<', cutoff).execute();
      return rows.map((row) => ({ id: row.id, repository: row.repository, createdAt: row.created_at, updatedAt: row.updated_at }));
    },
  };
}

export function eventStore(db: Db): EventStore {
  return {
    async append(e) {
      await db
        .insertInto('registry_events')
        .values({ id: e.id, action: e.action, repository: e.repository, occurred_at: e.occurredAt, payload: e.payload })
        .execute();
    },
    async list(afterSeq, limit) {
      const rows = await db.selectFrom('registry_events').selectAll().where('seq', '>', afterSeq).orderBy('seq').limit(limit).execute();
      return rows.map((r) => ({ seq: r.seq, id: r.id, action: r.action, repository: r.repository, occurredAt: r.occurred_at, payload: r.payload }));
    },
    async lastSeq() {
      const row = await db.selectFrom('registry_events').select((eb) => eb.fn.max('seq').as('seq')).executeTakeFirst();
      return Number(row?.seq ?? 0);
    },
  };
}

export function gcStore(db: Db): GcStore {
  return {
    async unreferencedManifests(cutoff) {
      return db
        .selectFrom('manifests as m')
        .innerJoin('repositories as r', 'r.id', 'm.repository_id')
        .select(['r.name as repository', 'm.digest', 'm.media_type as mediaType'])
        .where('m.created_at', '<', cutoff)
        .where(({ not, exists, selectFrom, and, eb }) =>
          and([
            not(exists(selectFrom('tags as t').select('t.name').whereRef('t.repository_id', '=', 'm.repository_id').whereRef('t.manifest_digest', '=', 'm.digest'))),
            not(
              exists(
                selectFrom('manifest_references as mr')
                  .select('mr.child_digest')
                  .whereRef('mr.repository_id', '=', 'm.repository_id')
                  .whereRef('mr.child_digest', '=', 'm.digest'),
              ),
            ),
            // A referrer (signature, SBOM) lives as long as its subject does.
            eb.or([
              eb('m.subject_digest', 'is', null),
              not(exists(selectFrom('manifests as s').select('s.digest').whereRef('s.repository_id', '=', 'm.repository_id').whereRef('s.digest', '=', 'm.subject_digest'))),
            ]),
          ]),
        )
        .execute();
    },
    async danglingLinks(cutoff) {
      return db
        .selectFrom('repository_blobs as rb')
        .innerJoin('repositories as r', 'r.id', 'rb.repository_id')
        .select(['r.name as repository', 'rb.digest'])
        .where('rb.linked_at', '<', cutoff)
        .where(LINK_IS_UNREFERENCED)
        .execute();
    },
    async removeLinkIfDangling(repository, digest, cutoff) {
      const res = await db
        .deleteFrom('repository_blobs as rb')
        .where('rb.repository_id', '=', db.selectFrom('repositories').select('id').where('name', '=', repository))
        .where('rb.digest', '=', digest)
        .where('rb.linked_at', '<', cutoff)
        .where(LINK_IS_UNREFERENCED)
        .executeTakeFirst();
      return Number(res.numDeletedRows) > 0;
    },
    async takeOrphanBlobs() {
      const rows = await db
        .deleteFrom('blobs as b')
        .where(({ not, exists, selectFrom }) => not(exists(selectFrom('repository_blobs as rb').select('rb.digest').whereRef('rb.digest', '=', 'b.digest'))))
        // Unqualified: SQLite rejects alias-qualified columns in RETURNING ("no such column: b.digest").
        .returning(['digest', 'size_bytes'])
        .execute();
      return rows.map((r) => ({ digest: r.digest, sizeBytes: r.size_bytes }));
    },
  };
}
