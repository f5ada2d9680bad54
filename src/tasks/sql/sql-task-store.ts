import type { Kysely, Selectable } from 'kysely';
import { AppError, Errors } from '../../core/errors/index.js';
import type { Database, TaskDependenciesTable, TriggerEventsTable } from '../../metadata/sql/schema.js';
import type { SqlDialectAdapter } from '../../metadata/sql/sql-metadata-store.js';
import type { Task, TaskDependency, TaskSecrets, TriggerEvent } from '../task-model.js';
import type { TaskStore } from '../task-store.js';

function notFound(name: string): AppError {
  return new AppError(Errors.TASK_NOT_FOUND, { detail: { name } });
}

function toDependency(row: Selectable<TaskDependenciesTable>): TaskDependency {
  return {
    taskName: row.task_name,
    registry: row.registry,
    repository: row.repository,
    tag: row.tag === '' ? null : row.tag,
    digest: row.digest,
    type: row.type as TaskDependency['type'],
    recordedAt: row.recorded_at,
    checkedAt: row.checked_at,
  };
}

function toEvent(row: Selectable<TriggerEventsTable>): TriggerEvent {
  return {
    id: row.id,
    taskName: row.task_name,
    kind: row.kind as TriggerEvent['kind'],
    receivedAt: row.received_at,
    outcome: row.outcome as TriggerEvent['outcome'],
    reason: row.reason,
    runId: row.run_id,
    detail: JSON.parse(row.detail) as Record<string, unknown>,
  };
}

/** Seals the `secrets` column; without one, secrets are stored as JSON text. */
export interface SecretsSealer {
  seal(plaintext: string, aad: string): Promise<string>;
  open(stored: string, aad: string): Promise<string>;
}

const PLAIN: SecretsSealer = { seal: async (t) => t, open: async (t) => t };

/** TaskStore for every SQL dialect, over the metadata store's connection. */
export class SqlTaskStore implements TaskStore {
  private readonly db: Kysely<Database>;

  constructor(
    private readonly adapter: SqlDialectAdapter,
    private sealer: SecretsSealer = PLAIN,
  ) {
    this.db = adapter.db;
  }

  /** Sets how the secrets column is sealed (the vault master key, once the config is known). */
  useSealer(sealer: SecretsSealer): void {
    this.sealer = sealer;
  }

  private sealSecrets(name: string, secrets: TaskSecrets): Promise<string> {
    return this.sealer.seal(JSON.stringify(secrets), `task:${name}`);
  }

  private async openSecrets(name: string, stored: string): Promise<TaskSecrets> {
    return JSON.parse(await this.sealer.open(stored, `task:${name}`)) as TaskSecrets;
  }

  async resealSecrets(from: SecretsSealer, to: SecretsSealer, isSealedBy: (stored: string) => 'from' | 'to' | 'plain'): Promise<number> {
    return this.adapter.transaction(async (db) => {
      const rows = await db.selectFrom('tasks').select(['name', 'secrets']).execute();
      let count = 0;
      for (const row of rows) {
        const state = isSealedBy(row.secrets);
        if (state === 'to') continue; // an earlier, interrupted rotation got this far
        const plain = state === 'plain' ? row.secrets : await from.open(row.secrets, `task:${row.name}`);
        await db.updateTable('tasks').set({ secrets: await to.seal(plain, `task:${row.name}`) }).where('name', '=', row.name).execute();
        count += 1;
      }
      return count;
    });
  }

  async create(task: Task, secrets: TaskSecrets): Promise<void> {
    const inserted = await this.db
      .insertInto('tasks')
      .values({ name: task.name, task: JSON.stringify(task), secrets: await this.sealSecrets(task.name, secrets), created_at: task.createdAt, updated_at: task.updatedAt })
      .onConflict((oc) => oc.column('name').doNothing())
      .returning('name')
      .executeTakeFirst();
    if (inserted === undefined) throw new AppError(Errors.TASK_EXISTS, { detail: { name: task.name } });
  }

  async get(name: string): Promise<Task | undefined> {
    const row = await this.db.selectFrom('tasks').select('task').where('name', '=', name).executeTakeFirst();
    return row === undefined ? undefined : (JSON.parse(row.task) as Task);
  }

  async getWithSecrets(name: string): Promise<{ task: Task; secrets: TaskSecrets } | undefined> {
    const row = await this.db.selectFrom('tasks').select(['task', 'secrets']).where('name', '=', name).executeTakeFirst();
    return row === undefined ? undefined : { task: JSON.parse(row.task) as Task, secrets: await this.openSecrets(name, row.secrets) };
  }

  async list(): Promise<Task[]> {
    const rows = await this.db.selectFrom('tasks').select('task').orderBy('name').execute();
    return rows.map((r) => JSON.parse(r.task) as Task);
  }

  update(name: string, change: (task: Task, secrets: TaskSecrets) => { task: Task; secrets: TaskSecrets }): Promise<Task> {
    return this.adapter.transaction(async (db) => {
      const row = await db.selectFrom('tasks').select(['task', 'secrets']).where('name', '=', name).executeTakeFirst();
      if (row === undefined) throw notFound(name);
      const next = change(JSON.parse(row.task) as Task, await this.openSecrets(name, row.secrets));
      await db.updateTable('tasks').set({ task: JSON.stringify(next.task), secrets: await this.sealSecrets(name, next.secrets), updated_at: next.task.updatedAt }).where('name', '=', name).execute();
      return next.task;
    });
  }

  async delete(name: string): Promise<boolean> {
    const deleted = await this.db.deleteFrom('tasks').where('name', '=', name).returning('name').executeTakeFirst();
    return deleted !== undefined;
  }

  async recordEvent(event: Omit<TriggerEvent, 'id'>): Promise<TriggerEvent> {
    const row = await this.db
      .insertInto('trigger_events')
      .values({ task_name: event.taskName, kind: event.kind, received_at: event.receivedAt, outcome: event.outcome, reason: event.reason, run_id: event.runId, detail: JSON.stringify(event.detail) })
      .returningAll()
      .executeTakeFirstOrThrow();
    return toEvent(row);
  }

  async listEvents(taskName: string, limit: number): Promise<TriggerEvent[]> {
    const rows = await this.db.selectFrom('trigger_events').selectAll().where('task_name', '=', taskName).orderBy('id', 'desc').limit(limit).execute();
    return rows.map(toEvent);
  }

  setDependencies(taskName: string, deps: readonly Omit<TaskDependency, 'taskName'>[]): Promise<void> {
    return this.adapter.transaction(async (db) => {
      await db.deleteFrom('task_dependencies').where('task_name', '=', taskName).execute();
      const seen = new Set<string>();
      for (const d of deps) {
        const key = `${d.registry}/${d.repository}:${d.tag ?? ''}/${d.type}`;
        if (seen.has(key)) continue;
        seen.add(key);
        await db
          .insertInto('task_dependencies')
          .values({ task_name: taskName, registry: d.registry, repository: d.repository, tag: d.tag ?? '', digest: d.digest, type: d.type, recorded_at: d.recordedAt, checked_at: d.checkedAt })
          .execute();
      }
    });
  }

  async dependencies(taskName: string): Promise<TaskDependency[]> {
    const rows = await this.db.selectFrom('task_dependencies').selectAll().where('task_name', '=', taskName).orderBy('type', 'desc').orderBy('repository').execute();
    return rows.map(toDependency);
  }

  async dependentsOf(repository: string, tag: string): Promise<TaskDependency[]> {
    const rows = await this.db.selectFrom('task_dependencies').selectAll().where('repository', '=', repository).where('tag', '=', tag).execute();
    return rows.map(toDependency);
  }

  async externalDependencies(ownRegistries: readonly string[]): Promise<TaskDependency[]> {
    let query = this.db.selectFrom('task_dependencies').selectAll();
    if (ownRegistries.length > 0) query = query.where('registry', 'not in', [...ownRegistries]);
    return (await query.execute()).map(toDependency);
  }

  async markChecked(dep: Pick<TaskDependency, 'taskName' | 'registry' | 'repository' | 'tag' | 'type'>, checkedAt: string): Promise<void> {
    await this.db
      .updateTable('task_dependencies')
      .set({ checked_at: checkedAt })
      .where('task_name', '=', dep.taskName)
      .where('registry', '=', dep.registry)
      .where('repository', '=', dep.repository)
      .where('tag', '=', dep.tag ?? '')
      .where('type', '=', dep.type)
      .execute();
  }

  async claimTick(taskName: string, timerName: string, tick: string, claimedAt: string): Promise<boolean> {
    const inserted = await this.db
      .insertInto('timer_ticks')
      .values({ task_name: taskName, timer_name: timerName, tick, claimed_at: claimedAt })
      .onConflict((oc) => oc.columns(['task_name', 'timer_name', 'tick']).doNothing())
      .returning('tick')
      .executeTakeFirst();
    return inserted !== undefined;
  }

  async lastTick(taskName: string, timerName: string): Promise<string | undefined> {
    const row = await this.db.selectFrom('timer_ticks').select('tick').where('task_name', '=', taskName).where('timer_name', '=', timerName).orderBy('tick', 'desc').limit(1).executeTakeFirst();
    return row?.tick;
  }

  async cursor(name: string): Promise<number | undefined> {
    const row = await this.db.selectFrom('trigger_cursors').select('position').where('name', '=', name).executeTakeFirst();
    return row?.position;
  }

  async saveCursor(name: string, position: number, at: string): Promise<void> {
    await this.db
      .insertInto('trigger_cursors')
      .values({ name, position, updated_at: at })
      .onConflict((oc) => oc.column('name').doUpdateSet({ position, updated_at: at }))
      .execute();
  }

  async pollHead(taskName: string, target: string): Promise<string | undefined> {
    const row = await this.db.selectFrom('poll_heads').select('sha').where('task_name', '=', taskName).where('target', '=', target).executeTakeFirst();
    return row?.sha;
  }

  async savePollHead(taskName: string, target: string, sha: string, at: string): Promise<void> {
    await this.db
      .insertInto('poll_heads')
      .values({ task_name: taskName, target, sha, seen_at: at })
      .onConflict((oc) => oc.column('task_name').doUpdateSet({ target, sha, seen_at: at }))
      .execute();
  }
}
