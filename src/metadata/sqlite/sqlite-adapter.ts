import BetterSqlite3 from 'better-sqlite3';
import { readdirSync, readFileSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Kysely, SqliteDialect, sql } from 'kysely';
import type { Database } from '../sql/schema.js';
import { SqlRunQueue, type SqlRunQueueOptions } from '../../queue/sql/sql-run-queue.js';
import { SqlTaskStore, type SecretsSealer } from '../../tasks/sql/sql-task-store.js';
import { SqlWebhookStore } from '../../webhooks/sql/sql-webhook-store.js';
import { SqlAuditStore } from '../../audit/sql/sql-audit-store.js';
import { SqlVaultStore } from '../../vault/sql/sql-vault-store.js';
import { SqlMetadataStore, type SqlDialectAdapter } from '../sql/sql-metadata-store.js';

const MIGRATIONS_DIR = fileURLToPath(new URL('./migrations/', import.meta.url));

export interface SqliteOptions {
  /** Database file, or `:memory:`. */
  readonly path: string;
  /** How long a writer waits for another process's lock. @defaultValue 10000 */
  readonly busyTimeoutMs?: number;
}

/** Applies every `NNNN_name.sql` not yet recorded in `schema_migrations`, each in its own transaction. */
function migrate(raw: BetterSqlite3.Database): void {
  raw.exec('CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)');
  const applied = new Set((raw.prepare('SELECT version FROM schema_migrations').all() as Array<{ version: number }>).map((r) => r.version));
  const files = readdirSync(MIGRATIONS_DIR).filter((f) => /^\d{4}_[a-z0-9_]+\.sql$/.test(f)).sort();
  for (const file of files) {
    const version = Number(file.slice(0, 4));
    if (applied.has(version)) continue;
    const text = readFileSync(MIGRATIONS_DIR + file, 'utf8');
    raw.transaction(() => {
      raw.exec(text);
      raw.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)').run(version, file, new Date().toISOString());
    }).immediate();
  }
}

function open(options: SqliteOptions): BetterSqlite3.Database {
  if (options.path !== ':memory:') mkdirSync(dirname(options.path), { recursive: true });
  const raw = new BetterSqlite3(options.path);
  raw.pragma('journal_mode = WAL');
  // FULL: a commit reaches the disk before the client hears 201, so a push survives power loss too.
  raw.pragma('synchronous = FULL');
  raw.pragma('foreign_keys = ON');
  // Deleted and overwritten content is zeroed, not left in free pages: a run's secret request,
  // cleared when the run ends, does not linger in the file.
  raw.pragma('secure_delete = ON');
  raw.pragma(`busy_timeout = ${options.busyTimeoutMs ?? 10_000}`);
  return raw;
}

/** The SQLite dialect adapter: one connection, its migrations and its transaction runner. */
function createSqliteAdapter(options: SqliteOptions): SqlDialectAdapter {
  const raw = open(options);
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: raw }) });
  let isClosed = false;
  return {
    dialect: 'sqlite',
    db,
    async migrate() {
      migrate(raw);
    },
    async transaction(fn) {
      return db.connection().execute(async (conn) => {
        // IMMEDIATE takes the write lock up front, so another process (slipway gc) cannot
        // invalidate this transaction's reads between its first read and its first write.
        await sql`BEGIN IMMEDIATE`.execute(conn);
        try {
          const result = await fn(conn);
          await sql`COMMIT`.execute(conn);
          return result;
        } catch (err) {
          await sql`ROLLBACK`.execute(conn);
          throw err;
        }
      });
    },
    async close() {
      if (isClosed) return;
      isClosed = true;
      await db.destroy();
    },
  };
}

export function createSqliteMetadataStore(options: SqliteOptions): SqlMetadataStore {
  return new SqlMetadataStore(createSqliteAdapter(options));
}

export interface SqliteBackends {
  readonly metadata: SqlMetadataStore;
  /** Reads and writes runs over the same connection as `metadata`. */
  readonly runQueue: SqlRunQueue;
  /** Saved tasks and trigger bookkeeping, same connection. */
  readonly taskStore: SqlTaskStore;
  /** Outbound webhooks and their deliveries, same connection. */
  readonly webhookStore: SqlWebhookStore;
  /** The audit log, same connection. */
  readonly auditStore: SqlAuditStore;
  /** Vaults, secrets, identities and policies, same connection. */
  readonly vaultStore: SqlVaultStore;
  /** Applies migrations (idempotent). */
  init(): Promise<void>;
  /** Closes the queue, then the shared connection. */
  close(): Promise<void>;
}

/**
 * The metadata store and the run queue over ONE SQLite connection, so neither hands its
 * connection out: the composition root gets two ports, the adapter keeps the connection.
 */
export function createSqliteBackends(options: SqliteOptions & { readonly runQueue?: SqlRunQueueOptions; readonly taskSecretsSealer?: SecretsSealer }): SqliteBackends {
  const adapter = createSqliteAdapter(options);
  const metadata = new SqlMetadataStore(adapter);
  const runQueue = new SqlRunQueue(adapter, options.runQueue);
  return {
    metadata,
    runQueue,
    taskStore: new SqlTaskStore(adapter, options.taskSecretsSealer),
    webhookStore: new SqlWebhookStore(adapter, options.taskSecretsSealer),
    auditStore: new SqlAuditStore(adapter.db),
    vaultStore: new SqlVaultStore(adapter),
    init: () => metadata.init(),
    async close() {
      await runQueue.close();
      await metadata.close();
    },
  };
}
