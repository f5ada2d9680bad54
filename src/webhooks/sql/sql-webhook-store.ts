import type { Kysely, Selectable, Updateable } from 'kysely';
import { AppError, Errors } from '../../core/errors/index.js';
import type { Database, WebhookDeliveriesTable, WebhooksTable } from '../../metadata/sql/schema.js';
import type { SecretsSealer } from '../../tasks/sql/sql-task-store.js';
import type { SqlDialectAdapter } from '../../metadata/sql/sql-metadata-store.js';
import type { Webhook, WebhookAction, WebhookDelivery, WebhookHealth, WebhookSecrets, WebhookState, WebhookStatus } from '../webhook-model.js';
import type { WebhookChange, WebhookStore } from '../webhook-store.js';

function toWebhook(row: Selectable<WebhooksTable>): Webhook {
  return {
    name: row.name,
    actions: JSON.parse(row.actions) as WebhookAction[],
    scope: row.scope,
    status: row.status as WebhookStatus,
    cursor: row.cursor,
    health: {
      state: row.state as WebhookState,
      consecutiveFailures: row.consecutive_failures,
      failingSince: row.failing_since,
      nextAttemptAt: row.next_attempt_at,
      lastDeliveryAt: row.last_delivery_at,
    },
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

function toDelivery(row: Selectable<WebhookDeliveriesTable>): WebhookDelivery {
  return {
    id: row.id,
    webhook: row.webhook,
    eventId: row.event_id,
    eventSeq: row.event_seq,
    action: row.action,
    image: row.image,
    attempt: row.attempt,
    statusCode: row.status_code,
    response: row.response,
    error: row.error,
    durationMs: row.duration_ms,
    at: row.at,
  };
}

function healthColumns(health: WebhookHealth): Updateable<WebhooksTable> {
  return {
    state: health.state,
    consecutive_failures: health.consecutiveFailures,
    failing_since: health.failingSince,
    next_attempt_at: health.nextAttemptAt,
    last_delivery_at: health.lastDeliveryAt,
  };
}

function progressColumns(change: Pick<WebhookChange, 'cursor' | 'health'>): Updateable<WebhooksTable> {
  return { ...(change.cursor === undefined ? {} : { cursor: change.cursor }), ...(change.health === undefined ? {} : healthColumns(change.health)) };
}

/** WebhookStore for every SQL dialect, over the metadata store's connection. */
export class SqlWebhookStore implements WebhookStore {
  private readonly db: Kysely<Database>;

  /** `sealer` seals the secrets table's columns (the vault master key); without one they are stored as text. */
  constructor(
    private readonly adapter: SqlDialectAdapter,
    private readonly sealer: SecretsSealer = { seal: async (t) => t, open: async (t) => t },
  ) {
    this.db = adapter.db;
  }

  /** The URI (it may carry a token), the headers and the signing secret, each bound to its webhook and column. */
  private async sealed(name: string, secrets: Partial<WebhookSecrets>): Promise<{ service_uri?: string; custom_headers?: string; signing_secret?: string }> {
    return {
      ...(secrets.serviceUri === undefined ? {} : { service_uri: await this.sealer.seal(secrets.serviceUri, `webhook:${name}:uri`) }),
      ...(secrets.customHeaders === undefined ? {} : { custom_headers: await this.sealer.seal(JSON.stringify(secrets.customHeaders), `webhook:${name}:headers`) }),
      ...(secrets.signingSecret === undefined ? {} : { signing_secret: await this.sealer.seal(secrets.signingSecret, `webhook:${name}:signing`) }),
    };
  }

  /** Re-seals every webhook's secrets (master key rotation); returns how many rows were rewritten. */
  async resealSecrets(from: Pick<SecretsSealer, 'open'>, to: Pick<SecretsSealer, 'seal'>, isSealedBy: (stored: string) => 'from' | 'to' | 'plain'): Promise<number> {
    return this.adapter.transaction(async (db) => {
      const rows = await db.selectFrom('webhook_secrets').selectAll().execute();
      let count = 0;
      for (const row of rows) {
        const columns = { service_uri: 'uri', custom_headers: 'headers', signing_secret: 'signing' } as const;
        const set: Record<string, string> = {};
        for (const [column, label] of Object.entries(columns) as Array<[keyof typeof columns, string]>) {
          const stored = row[column];
          const state = isSealedBy(stored);
          if (state === 'to') continue;
          const aad = `webhook:${row.name}:${label}`;
          set[column] = await to.seal(state === 'plain' ? stored : await from.open(stored, aad), aad);
        }
        if (Object.keys(set).length === 0) continue;
        await db.updateTable('webhook_secrets').set(set).where('name', '=', row.name).execute();
        count += 1;
      }
      return count;
    });
  }

  async create(webhook: Webhook, secrets: WebhookSecrets): Promise<void> {
    await this.adapter.transaction(async (db) => {
      const inserted = await db
        .insertInto('webhooks')
        .values({ name: webhook.name, actions: JSON.stringify(webhook.actions), scope: webhook.scope, status: webhook.status, cursor: webhook.cursor, failing_since: null, next_attempt_at: null, last_delivery_at: null, created_at: webhook.createdAt, updated_at: webhook.updatedAt })
        .onConflict((oc) => oc.column('name').doNothing())
        .returning('name')
        .executeTakeFirst();
      if (inserted === undefined) throw new AppError(Errors.WEBHOOK_EXISTS, { detail: { name: webhook.name } });
      const sealed = await this.sealed(webhook.name, secrets);
      await db.insertInto('webhook_secrets').values({ name: webhook.name, service_uri: sealed.service_uri ?? '', custom_headers: sealed.custom_headers ?? '{}', signing_secret: sealed.signing_secret ?? '' }).execute();
    });
  }

  async get(name: string): Promise<Webhook | undefined> {
    const row = await this.db.selectFrom('webhooks').selectAll().where('name', '=', name).executeTakeFirst();
    return row === undefined ? undefined : toWebhook(row);
  }

  async secrets(name: string): Promise<WebhookSecrets | undefined> {
    const row = await this.db.selectFrom('webhook_secrets').selectAll().where('name', '=', name).executeTakeFirst();
    if (row === undefined) return undefined;
    return {
      serviceUri: await this.sealer.open(row.service_uri, `webhook:${name}:uri`),
      customHeaders: JSON.parse(await this.sealer.open(row.custom_headers, `webhook:${name}:headers`)) as Record<string, string>,
      signingSecret: await this.sealer.open(row.signing_secret, `webhook:${name}:signing`),
    };
  }

  async list(): Promise<Webhook[]> {
    return (await this.db.selectFrom('webhooks').selectAll().orderBy('name').execute()).map(toWebhook);
  }

  update(name: string, change: WebhookChange, at: string): Promise<Webhook> {
    return this.adapter.transaction(async (db) => {
      const row = await db
        .updateTable('webhooks')
        .set({
          ...(change.actions === undefined ? {} : { actions: JSON.stringify(change.actions) }),
          ...(change.scope === undefined ? {} : { scope: change.scope }),
          ...(change.status === undefined ? {} : { status: change.status }),
          ...progressColumns(change),
          updated_at: at,
        })
        .where('name', '=', name)
        .returningAll()
        .executeTakeFirst();
      if (row === undefined) throw new AppError(Errors.WEBHOOK_NOT_FOUND, { detail: { name } });
      const secrets = await this.sealed(name, {
        ...(change.serviceUri === undefined ? {} : { serviceUri: change.serviceUri }),
        ...(change.customHeaders === undefined ? {} : { customHeaders: change.customHeaders }),
      });
      if (Object.keys(secrets).length > 0) await db.updateTable('webhook_secrets').set(secrets).where('name', '=', name).execute();
      return toWebhook(row);
    });
  }

  async delete(name: string): Promise<boolean> {
    const result = await this.db.deleteFrom('webhooks').where('name', '=', name).executeTakeFirst();
    return Number(result.numDeletedRows) > 0;
  }

  async progress(name: string, change: Pick<WebhookChange, 'cursor' | 'health'>): Promise<void> {
    const set = progressColumns(change);
    if (Object.keys(set).length > 0) await this.db.updateTable('webhooks').set(set).where('name', '=', name).execute();
  }

  async recordDelivery(d: Omit<WebhookDelivery, 'id'>, keep: number): Promise<void> {
    await this.adapter.transaction(async (db) => {
      const exists = await db.selectFrom('webhooks').select('name').where('name', '=', d.webhook).executeTakeFirst();
      if (exists === undefined) return; // deleted while the attempt was in flight
      await db
        .insertInto('webhook_deliveries')
        .values({ webhook: d.webhook, event_id: d.eventId, event_seq: d.eventSeq, action: d.action, image: d.image, attempt: d.attempt, status_code: d.statusCode, response: d.response, error: d.error, duration_ms: d.durationMs, at: d.at })
        .execute();
      const oldestKept = await db.selectFrom('webhook_deliveries').select('id').where('webhook', '=', d.webhook).orderBy('id', 'desc').limit(1).offset(keep - 1).executeTakeFirst();
      if (oldestKept !== undefined) await db.deleteFrom('webhook_deliveries').where('webhook', '=', d.webhook).where('id', '<', oldestKept.id).execute();
    });
  }

  async deliveries(name: string, limit: number): Promise<WebhookDelivery[]> {
    const rows = await this.db.selectFrom('webhook_deliveries').selectAll().where('webhook', '=', name).orderBy('id', 'desc').limit(limit).execute();
    return rows.map(toDelivery);
  }
}
