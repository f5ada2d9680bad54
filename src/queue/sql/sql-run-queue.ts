import { sql, type Insertable, type Kysely, type Updateable } from 'kysely';
import { AppError, Errors } from '../../core/errors/index.js';
import type { Database, RunsTable } from '../../metadata/sql/schema.js';
import type { SqlDialectAdapter } from '../../metadata/sql/sql-metadata-store.js';
import { assertTransition, isTerminalStatus, type RunOutcomeStatus } from '../../tasks/run-state.js';
import { RunListeners } from '../run-listeners.js';
import type {
  EnqueueResult, HeartbeatResult, JsonObject, LeaseRequest, LeasedRun, NewRun, RunFailure, RunFilter,
  RunOutcome, RunQueue, RunQueueEventName, RunQueueEvents, RunRecord, RunStore,
} from '../run-queue.js';
import { PUBLIC_COLUMNS, outputRefPattern, resultColumns, toRunRecord, type PublicRunRow } from './run-rows.js';

export interface SqlRunQueueOptions {
  /** The clock; tests inject one instead of sleeping. @defaultValue () => new Date() */
  readonly now?: () => Date;
  /** Leases a run gets when `enqueue` does not say. @defaultValue 1 (never retried) */
  readonly defaultMaxAttempts?: number;
  /** Where a throwing event listener's error goes. @defaultValue ignored */
  readonly onListenerError?: (err: unknown) => void;
}

const OUTCOMES: ReadonlySet<RunOutcomeStatus> = new Set(['Succeeded', 'Failed', 'Canceled', 'Timeout']);
const DEFAULT_TOP = 15;
/** How many expired runs one `expireLeases` call reaps; callers run it periodically. */
const EXPIRE_BATCH = 100;

/** The columns a run's previous read had, which a compare-and-set UPDATE requires unchanged. */
type Expected = Pick<PublicRunRow, 'id' | 'status' | 'lease_owner' | 'lease_expires_at' | 'cancel_requested'>;

/**
 * The run queue for every SQL dialect, over the metadata store's Kysely instance.
 *
 * Every write is ONE statement: a conditional UPDATE (or INSERT … ON CONFLICT DO NOTHING)
 * whose WHERE holds the state it expects, with RETURNING. A statement is atomic in every
 * dialect, and SQLite takes its write lock when a writing statement starts (as BEGIN
 * IMMEDIATE does), so two processes on one file serialise without any lock held across an
 * await. Decisions that need a read first (fail, expireLeases) are compare-and-set: read,
 * decide, then UPDATE … WHERE the row still has what was read; a miss is re-read or reported.
 *
 * PostgreSQL: the same statements run unchanged under READ COMMITTED, except that lease's
 * candidate subquery gets `FOR UPDATE SKIP LOCKED`, so concurrent agents skip rows another
 * agent is claiming instead of queueing behind it, and a NOTIFY on enqueue wakes agents on
 * other machines (capabilities.crossProcessEvents).
 */
export class SqlRunQueue implements RunQueue, RunStore {
  readonly capabilities;
  private readonly db: Kysely<Database>;
  private readonly now: () => Date;
  private readonly defaultMaxAttempts: number;
  private readonly listeners: RunListeners;

  constructor(
    private readonly adapter: SqlDialectAdapter,
    options: SqlRunQueueOptions = {},
  ) {
    this.db = adapter.db;
    this.now = options.now ?? (() => new Date());
    this.defaultMaxAttempts = options.defaultMaxAttempts ?? 1;
    this.listeners = new RunListeners(options.onListenerError);
    this.capabilities = Object.freeze({ crossProcessEvents: false });
  }

  init(): Promise<void> {
    return this.adapter.migrate();
  }

  async close(): Promise<void> {
    this.listeners.clear();
  }

  on<E extends RunQueueEventName>(event: E, listener: (payload: RunQueueEvents[E]) => void): () => void {
    return this.listeners.on(event, listener);
  }

  async get(runId: string): Promise<RunRecord | undefined> {
    const row = await this.row(runId);
    return row === undefined ? undefined : toRunRecord(row);
  }

  async list(filter: RunFilter = {}): Promise<RunRecord[]> {
    let query = this.db.selectFrom('runs').select(PUBLIC_COLUMNS);
    if (filter.status !== undefined) query = query.where('status', '=', filter.status);
    if (filter.taskName !== undefined) query = query.where('task_name', '=', filter.taskName);
    if (filter.pool !== undefined) query = query.where('pool', '=', filter.pool);
    if (filter.image !== undefined) {
      query = query.where(sql<boolean>`output_refs LIKE ${outputRefPattern(filter.image)} ESCAPE '\\'`);
    }
    const rows = await query
      .orderBy('create_time', 'desc')
      .orderBy('id', 'desc')
      .limit(filter.top ?? DEFAULT_TOP)
      .execute();
    return rows.map(toRunRecord);
  }

  async enqueue(run: NewRun): Promise<EnqueueResult> {
    const key = run.idempotencyKey;
    // Looking first keeps run ids gap-free on replays: a conflicting INSERT would still use up an id.
    const existing = key === undefined ? undefined : await this.byKey(key);
    if (existing !== undefined) return { run: existing, isCreated: false };
    const row = await this.db
      .insertInto('runs')
      .values(this.newRow(run))
      .onConflict((oc) => oc.column('idempotency_key').doNothing())
      .returning(PUBLIC_COLUMNS)
      .executeTakeFirst();
    if (row === undefined) {
      const winner = key === undefined ? undefined : await this.byKey(key);
      if (winner === undefined) throw new Error('enqueue: insert was ignored but no run holds the idempotency key');
      return { run: winner, isCreated: false };
    }
    const created = toRunRecord(row);
    this.listeners.emit('enqueued', { run: created });
    return { run: created, isCreated: true };
  }

  async lease(request: LeaseRequest): Promise<LeasedRun | undefined> {
    const now = this.now();
    const nowIso = now.toISOString();
    let candidate = this.db
      .selectFrom('runs')
      .select('id')
      .where('status', '=', 'Queued')
      .where('pool', '=', request.pool)
      .orderBy('priority', 'desc')
      .orderBy('create_time', 'asc')
      .orderBy('id', 'asc')
      .limit(1);
    if (this.adapter.dialect === 'postgres') candidate = candidate.forUpdate().skipLocked();
    const row = await this.db
      .updateTable('runs')
      .set((eb) => ({
        status: 'Running',
        lease_owner: request.ownerId,
        lease_expires_at: new Date(now.getTime() + request.leaseTtlMs).toISOString(),
        heartbeat_at: nowIso,
        start_time: eb.fn.coalesce('start_time', eb.val(nowIso)),
        updated_time: nowIso,
        attempts: eb('attempts', '+', 1),
      }))
      .where('id', '=', candidate)
      .where('status', '=', 'Queued')
      .returning([...PUBLIC_COLUMNS, 'secret_request'])
      .executeTakeFirst();
    if (row === undefined) return undefined;
    const run = toRunRecord(row);
    this.listeners.emit('leased', { run });
    return { run, secretRequest: row.secret_request === null ? null : (JSON.parse(row.secret_request) as JsonObject) };
  }

  async heartbeat(runId: string, ownerId: string, leaseTtlMs: number): Promise<HeartbeatResult> {
    const now = this.now();
    const row = await this.db
      .updateTable('runs')
      .set({ lease_expires_at: new Date(now.getTime() + leaseTtlMs).toISOString(), heartbeat_at: now.toISOString() })
      .where('run_id', '=', runId)
      .where('status', '=', 'Running')
      .where('lease_owner', '=', ownerId)
      .where('lease_expires_at', '>', now.toISOString())
      .returning(['lease_expires_at', 'cancel_requested'])
      .executeTakeFirst();
    if (row === undefined || row.lease_expires_at === null) throw await this.leaseLost(runId, ownerId, true);
    return { leaseExpiresAt: row.lease_expires_at, isCancelRequested: row.cancel_requested !== 0 };
  }

  async complete(runId: string, ownerId: string, outcome: RunOutcome): Promise<RunRecord> {
    if (!OUTCOMES.has(outcome.status)) {
      throw new AppError(Errors.RUN_STATE_INVALID, { message: `a run cannot complete as ${String(outcome.status)}`, detail: { runId, status: outcome.status } });
    }
    const row = await this.db
      .updateTable('runs')
      .set({
        ...this.finishColumns(outcome.status),
        ...resultColumns(outcome),
        error_code: outcome.errorCode ?? null,
        run_error_message: outcome.runErrorMessage ?? null,
      })
      .where('run_id', '=', runId)
      .where('status', '=', 'Running')
      .where('lease_owner', '=', ownerId)
      .returning(PUBLIC_COLUMNS)
      .executeTakeFirst();
    if (row === undefined) throw await this.leaseLost(runId, ownerId, false);
    return this.finished(row);
  }

  async fail(runId: string, ownerId: string, failure: RunFailure): Promise<RunRecord> {
    for (;;) {
      const current = await this.row(runId);
      if (current === undefined || current.status !== 'Running' || current.lease_owner !== ownerId) {
        throw await this.leaseLost(runId, ownerId, false);
      }
      const isRequeued = failure.isRetryable && current.cancel_requested === 0 && current.attempts < current.max_attempts;
      const set: Updateable<RunsTable> = isRequeued
        ? { ...this.requeueColumns(), ...resultColumns(failure), error_code: failure.errorCode, run_error_message: failure.runErrorMessage }
        : {
            ...this.finishColumns(current.cancel_requested === 0 ? 'Error' : 'Canceled'),
            ...resultColumns(failure),
            error_code: failure.errorCode,
            run_error_message: failure.runErrorMessage,
          };
      const row = await this.compareAndSet(current, set);
      if (row !== undefined) return isRequeued ? this.requeued(row) : this.finished(row);
    }
  }

  async requestCancel(runId: string): Promise<RunRecord> {
    const queued = await this.db
      .updateTable('runs')
      .set(this.finishColumns('Canceled'))
      .where('run_id', '=', runId)
      .where('status', '=', 'Queued')
      .returning(PUBLIC_COLUMNS)
      .executeTakeFirst();
    if (queued !== undefined) return this.finished(queued);
    const running = await this.db
      .updateTable('runs')
      .set({ cancel_requested: 1, updated_time: this.now().toISOString() })
      .where('run_id', '=', runId)
      .where('status', '=', 'Running')
      .where('cancel_requested', '=', 0)
      .returning(PUBLIC_COLUMNS)
      .executeTakeFirst();
    if (running !== undefined) {
      const run = toRunRecord(running);
      this.listeners.emit('cancelRequested', { run });
      return run;
    }
    const current = await this.get(runId);
    if (current === undefined) throw notFound(runId);
    if (current.status === 'Canceled' || current.status === 'Running') return current;
    assertTransition(runId, current.status, 'Canceled');
    return current;
  }

  async expireLeases(): Promise<RunRecord[]> {
    const nowIso = this.now().toISOString();
    const expired = await this.db
      .selectFrom('runs')
      .select(PUBLIC_COLUMNS)
      .where('status', '=', 'Running')
      .where('lease_expires_at', '<=', nowIso)
      .orderBy('lease_expires_at')
      .limit(EXPIRE_BATCH)
      .execute();
    const changed: RunRecord[] = [];
    for (const current of expired) {
      const run = await this.expireOne(current);
      if (run !== undefined) changed.push(run);
    }
    return changed;
  }

  /** Reaps one expired run unless its agent heartbeated or finished since it was read. */
  private async expireOne(current: PublicRunRow): Promise<RunRecord | undefined> {
    if (current.cancel_requested === 0 && current.attempts < current.max_attempts) {
      const row = await this.compareAndSet(current, { ...this.requeueColumns(), error_code: Errors.RUN_LEASE_EXPIRED.code });
      return row === undefined ? undefined : this.requeued(row);
    }
    const status = current.cancel_requested === 0 ? 'Error' : 'Canceled';
    const row = await this.compareAndSet(current, {
      ...this.finishColumns(status),
      error_code: Errors.RUN_LEASE_EXPIRED.code,
      run_error_message: `agent ${current.lease_owner ?? ''} stopped heartbeating; its lease expired at ${current.lease_expires_at ?? ''}`,
    });
    return row === undefined ? undefined : this.finished(row);
  }

  private compareAndSet(expected: Expected, set: Updateable<RunsTable>): Promise<PublicRunRow | undefined> {
    const { lease_owner: owner, lease_expires_at: expiresAt } = expected;
    return this.db
      .updateTable('runs')
      .set(set)
      .where('id', '=', expected.id)
      .where('status', '=', expected.status)
      .where('cancel_requested', '=', expected.cancel_requested)
      .where((eb) => (owner === null ? eb('lease_owner', 'is', null) : eb('lease_owner', '=', owner)))
      .where((eb) => (expiresAt === null ? eb('lease_expires_at', 'is', null) : eb('lease_expires_at', '=', expiresAt)))
      .returning(PUBLIC_COLUMNS)
      .executeTakeFirst();
  }

  /** A finished run keeps no secrets: its secret request is only for the agent that runs it. */
  private finishColumns(status: RunOutcomeStatus | 'Error'): Updateable<RunsTable> {
    const nowIso = this.now().toISOString();
    return { status, finish_time: nowIso, updated_time: nowIso, lease_expires_at: null, secret_request: null };
  }

  private requeueColumns(): Updateable<RunsTable> {
    return { status: 'Queued', lease_owner: null, lease_expires_at: null, updated_time: this.now().toISOString() };
  }

  private finished(row: PublicRunRow): RunRecord {
    const run = toRunRecord(row);
    this.listeners.emit('finished', { run });
    return run;
  }

  private requeued(row: PublicRunRow): RunRecord {
    const run = toRunRecord(row);
    this.listeners.emit('requeued', { run });
    return run;
  }

  /** Explains why a lease-guarded write matched nothing. */
  private async leaseLost(runId: string, ownerId: string, isHeartbeat: boolean): Promise<AppError> {
    const current = await this.row(runId);
    if (current === undefined) return notFound(runId);
    const detail = { runId, status: current.status, isOwner: current.lease_owner === ownerId };
    if (!isHeartbeat && current.status !== 'Running' && isTerminalStatus(current.status as RunRecord['status'])) {
      return new AppError(Errors.RUN_STATE_INVALID, { message: `run ${runId} already finished as ${current.status}`, detail });
    }
    return new AppError(Errors.QUEUE_LEASE_LOST, { message: `lease on run ${runId} was lost`, detail });
  }

  private row(runId: string): Promise<PublicRunRow | undefined> {
    return this.db.selectFrom('runs').select(PUBLIC_COLUMNS).where('run_id', '=', runId).executeTakeFirst();
  }

  private async byKey(key: string): Promise<RunRecord | undefined> {
    const row = await this.db.selectFrom('runs').select(PUBLIC_COLUMNS).where('idempotency_key', '=', key).executeTakeFirst();
    return row === undefined ? undefined : toRunRecord(row);
  }

  private newRow(run: NewRun): Insertable<RunsTable> {
    const nowIso = this.now().toISOString();
    const maxAttempts = run.maxAttempts ?? this.defaultMaxAttempts;
    if (!Number.isInteger(maxAttempts) || maxAttempts < 1) {
      throw new AppError(Errors.REQUEST_INVALID, { message: 'maxAttempts must be a whole number of at least 1', detail: { maxAttempts } });
    }
    return {
      run_type: run.runType,
      status: 'Queued',
      trigger: run.trigger,
      task_name: run.taskName ?? null,
      platform: run.platform ?? 'linux/amd64',
      agent_cpu: run.agentCpu ?? 2,
      request: JSON.stringify(run.request),
      secret_request: run.secretRequest === undefined ? null : JSON.stringify(run.secretRequest),
      pool: run.pool ?? 'default',
      priority: run.priority ?? 0,
      idempotency_key: run.idempotencyKey ?? null,
      create_time: nowIso,
      updated_time: nowIso,
      max_attempts: maxAttempts,
    };
  }
}

function notFound(runId: string): AppError {
  return new AppError(Errors.RUN_NOT_FOUND, { message: `run ${runId} not found`, detail: { runId } });
}
