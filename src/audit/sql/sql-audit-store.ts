import type { Kysely } from 'kysely';
import type { Database } from '../../metadata/sql/schema.js';
import type { AuditEvent, AuditStore } from '../audit-log.js';

/** AuditStore for every SQL dialect, over the metadata store's connection. */
export class SqlAuditStore implements AuditStore {
  constructor(private readonly db: Kysely<Database>) {}

  async append(event: Omit<AuditEvent, 'id'>): Promise<void> {
    await this.db
      .insertInto('audit_events')
      .values({ at: event.at, actor: event.actor, action: event.action, target_kind: event.target.kind, target_name: event.target.name, detail: JSON.stringify(event.detail) })
      .execute();
  }

  async list(limit: number): Promise<AuditEvent[]> {
    const rows = await this.db.selectFrom('audit_events').selectAll().orderBy('id', 'desc').limit(limit).execute();
    return rows.map((r) => ({ id: r.id, at: r.at, actor: r.actor, action: r.action, target: { kind: r.target_kind, name: r.target_name }, detail: JSON.parse(r.detail) as Record<string, unknown> }));
  }
}
