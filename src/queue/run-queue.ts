/**
 * The run queue port: a durable queue of runs with leases and heartbeats, written once over
 * SQL (queue/sql/). In the embedded profile one process enqueues and leases on SQLite; in the
 * distributed profile servers enqueue and agents on other machines lease from PostgreSQL.
 * The database is the only coordinator: a run belongs to the agent whose lease is current.
 *
 * Reads (`RunStore`) and writes (`RunQueue`) are separate roles; one adapter implements both.
 * Read APIs never return a run's secret request: only `lease` hands it to the agent.
 */

import type { RunOutcomeStatus, RunStatus } from '../tasks/run-state.js';

export type JsonValue = string | number | boolean | null | JsonValue[] | { readonly [key: string]: JsonValue };
export type JsonObject = { readonly [key: string]: JsonValue };

/** ACR's runType values. */
export type RunType = 'QuickBuild' | 'QuickRun' | 'AutoBuild' | 'AutoRun';

/** What started the run (ACR's trigger kinds). */
export type RunTrigger = 'Manual' | 'Commit' | 'PullRequest' | 'Timer' | 'ImageUpdate';

/** An image the run pushed (ACR's ImageDescriptor). `registry` is the login server. */
export interface ImageDescriptor {
  readonly registry: string;
  readonly repository: string;
  readonly tag: string | null;
  readonly digest: string | null;
}

/** A base image a build used (FROM lines resolved), kept for base-image triggers. */
export interface BaseImageRecord extends ImageDescriptor {
  /** Whether the image ends up in the output (the final stage) or only helps build it. */
  readonly isRuntime: boolean;
}

/** Status of one step of a multi-step run (acb's step states, in ACR's run-status spelling). */
export type RunStepStatus = 'Skipped' | 'Running' | 'Succeeded' | 'Failed';

/** One step of a multi-step run as recorded when the run ends. */
export interface RunStepRecord {
  readonly id: string;
  readonly type: 'build' | 'push' | 'cmd';
  readonly status: RunStepStatus;
  readonly startTime: string | null;
  readonly finishTime: string | null;
  /** The last container's exit code (cmd steps), else null. */
  readonly exitCode: number | null;
  /** Container runs, retries and repeats included. */
  readonly attempts: number;
  /** What went wrong, also when `ignoreErrors` let the run go on. */
  readonly errorMessage: string | null;
  /** build steps: the images tagged; push steps: the images pushed (with digests). */
  readonly images: readonly ImageDescriptor[];
  /** build steps: FROM images with the digests the build resolved. */
  readonly baseImages: readonly BaseImageRecord[];
}

/** A run as stored, without its secret request. Times are ISO-8601 UTC strings. */
export interface RunRecord {
  readonly runId: string;
  readonly runType: RunType;
  readonly status: RunStatus;
  readonly trigger: RunTrigger;
  readonly taskName: string | null;
  /** `os/architecture[/variant]`, e.g. `linux/amd64`. */
  readonly platform: string;
  readonly agentCpu: number;
  /** The parsed, immutable request (context, tags, build args without secret values, …). */
  readonly request: JsonObject;
  readonly pool: string;
  readonly priority: number;
  readonly idempotencyKey: string | null;
  readonly createTime: string;
  readonly startTime: string | null;
  readonly finishTime: string | null;
  readonly lastUpdatedTime: string;
  readonly leaseOwner: string | null;
  readonly leaseExpiresAt: string | null;
  readonly heartbeatAt: string | null;
  /** How many times an agent leased the run. */
  readonly attempts: number;
  readonly maxAttempts: number;
  readonly isCancelRequested: boolean;
  readonly outputImages: readonly ImageDescriptor[];
  readonly baseImages: readonly BaseImageRecord[];
  readonly errorCode: string | null;
  readonly runErrorMessage: string | null;
  readonly billedSeconds: number | null;
  readonly cost: number | null;
  readonly logSizeBytes: number | null;
  /** Multi-step runs: every step of the task, in file order. Empty for quick builds. */
  readonly steps: readonly RunStepRecord[];
}

export interface NewRun {
  readonly runType: RunType;
  readonly trigger: RunTrigger;
  readonly taskName?: string;
  /** @defaultValue 'linux/amd64' */
  readonly platform?: string;
  /** @defaultValue 2 */
  readonly agentCpu?: number;
  readonly request: JsonObject;
  /** Secret values; stored apart from `request` and returned only by `lease`. */
  readonly secretRequest?: JsonObject;
  /** @defaultValue 'default' */
  readonly pool?: string;
  /** Higher runs first. @defaultValue 0 */
  readonly priority?: number;
  /** A second enqueue with the same key returns the first run instead of a new one. */
  readonly idempotencyKey?: string;
  /** Leases allowed in total (1 = never retried). @defaultValue the queue's `defaultMaxAttempts` */
  readonly maxAttempts?: number;
}

export interface EnqueueResult {
  readonly run: RunRecord;
  /** false when the idempotency key matched an existing run, which is returned as it is now. */
  readonly isCreated: boolean;
}

export interface LeaseRequest {
  readonly pool: string;
  /** Identifies the agent (e.g. `hostname:pid:uuid`); every later call must repeat it. */
  readonly ownerId: string;
  readonly leaseTtlMs: number;
}

export interface LeasedRun {
  readonly run: RunRecord;
  readonly secretRequest: JsonObject | null;
}

export interface HeartbeatResult {
  readonly leaseExpiresAt: string;
  /** Someone asked to cancel: the agent stops the work and completes the run as Canceled. */
  readonly isCancelRequested: boolean;
}

/** Metering and results an agent reports, whatever the outcome. */
export interface RunResults {
  readonly outputImages?: readonly ImageDescriptor[];
  readonly baseImages?: readonly BaseImageRecord[];
  readonly billedSeconds?: number;
  readonly cost?: number;
  readonly logSizeBytes?: number;
  readonly steps?: readonly RunStepRecord[];
}

export interface RunOutcome extends RunResults {
  readonly status: RunOutcomeStatus;
  readonly errorCode?: string;
  readonly runErrorMessage?: string;
}

export interface RunFailure extends RunResults {
  /** true: the run goes back to the queue while it has attempts left; false: it ends as Error. */
  readonly isRetryable: boolean;
  readonly errorCode: string;
  readonly runErrorMessage: string;
}

export interface RunFilter {
  readonly status?: RunStatus;
  readonly taskName?: string;
  readonly pool?: string;
  /** `repo:tag` or `repo@digest` among the run's output images. */
  readonly image?: string;
  /** @defaultValue 15 (ACR's `--top` default) */
  readonly top?: number;
}

/** Typed queue events, delivered in-process after the write committed. */
export interface RunQueueEvents {
  enqueued: { readonly run: RunRecord };
  leased: { readonly run: RunRecord };
  cancelRequested: { readonly run: RunRecord };
  /** The run reached a terminal status, whoever put it there. */
  finished: { readonly run: RunRecord };
  /** The run went back to the queue (retryable failure or expired lease with attempts left). */
  requeued: { readonly run: RunRecord };
}

export type RunQueueEventName = keyof RunQueueEvents;

export interface RunStore {
  /** The run, or undefined when no run has this id. */
  get(runId: string): Promise<RunRecord | undefined>;
  /** Runs matching every given filter, newest first (create time, then run id), at most `top`. */
  list(filter?: RunFilter): Promise<RunRecord[]>;
}

export interface RunQueueCapabilities {
  /** Whether `on` also hears writes made by other processes (PostgreSQL LISTEN/NOTIFY later). */
  readonly crossProcessEvents: boolean;
}

/**
 * Write side of the queue. Every method is atomic: it either commits its whole change or
 * none. Errors are AppErrors: RUN_NOT_FOUND, RUN_STATE_INVALID, QUEUE_LEASE_LOST;
 * a database failure surfaces as the adapter's store error.
 */
export interface RunQueue {
  readonly capabilities: RunQueueCapabilities;
  /** Creates the tables it needs (idempotent). */
  init(): Promise<void>;
  /** Detaches listeners; the connection belongs to whoever created it. */
  close(): Promise<void>;
  /**
   * Adds a Queued run with the next run id (`ca1`, `ca2`, … never reused). With an idempotency
   * key already used, returns that run unchanged (`isCreated: false`), whatever its status.
   */
  enqueue(run: NewRun): Promise<EnqueueResult>;
  /**
   * Atomically moves the highest-priority, then oldest, Queued run of `pool` to Running, owned
   * by `ownerId` until now + `leaseTtlMs`, and counts an attempt. Two callers, in one process
   * or many, never receive the same run. Undefined when the pool has no Queued run.
   */
  lease(request: LeaseRequest): Promise<LeasedRun | undefined>;
  /**
   * Extends the lease to now + `leaseTtlMs` and reports a pending cancel. QUEUE_LEASE_LOST when
   * the run is not Running under `ownerId` or the lease already expired; RUN_NOT_FOUND.
   */
  heartbeat(runId: string, ownerId: string, leaseTtlMs: number): Promise<HeartbeatResult>;
  /**
   * Ends a run the caller holds with the agent's outcome, results and finish time. Accepted
   * while the run is Running under `ownerId`, even past the lease deadline if nobody reaped it;
   * otherwise QUEUE_LEASE_LOST. RUN_NOT_FOUND for an unknown run.
   */
  complete(runId: string, ownerId: string, outcome: RunOutcome): Promise<RunRecord>;
  /**
   * Reports that the run could not be carried out. Retryable with attempts left (and no cancel
   * pending): back to Queued, lease cleared. Otherwise: Error with the given code and message
   * (Canceled when a cancel was pending). Same lease rules as `complete`.
   */
  fail(runId: string, ownerId: string, failure: RunFailure): Promise<RunRecord>;
  /**
   * Cancels: a Queued run becomes Canceled at once; a Running run gets a cancel flag its agent
   * sees on its next heartbeat (and the `cancelRequested` event). Idempotent for a run already
   * Canceled or already flagged; RUN_STATE_INVALID for another terminal status; RUN_NOT_FOUND.
   */
  requestCancel(runId: string): Promise<RunRecord>;
  /**
   * Reaps Running runs whose lease expired by now: back to Queued when attempts are left,
   * Canceled when a cancel was pending, else Error with error code RUN_LEASE_EXPIRED.
   * Returns the runs it changed. Safe to call from every process at any rate.
   */
  expireLeases(): Promise<RunRecord[]>;
  /** Subscribes to an event; returns the unsubscribe function. */
  on<E extends RunQueueEventName>(event: E, listener: (payload: RunQueueEvents[E]) => void): () => void;
}
