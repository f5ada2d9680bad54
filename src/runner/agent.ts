import { setMaxListeners } from 'node:events';
import { isAppError, Errors } from '../core/errors/index.js';
import type { Log } from '../core/logging/log.js';
import type { LeasedRun, RunQueue } from '../queue/run-queue.js';
import { quickBuildFromJson } from '../tasks/quick-build.js';
import { executeRun, type AbortCause, type RunnerOptions, type RunReport } from './execute-run.js';

export interface AgentOptions {
  readonly queue: RunQueue;
  readonly runner: RunnerOptions;
  readonly log: Log;
  /** @defaultValue 'default' */
  readonly pool?: string;
  /** Identifies this agent in leases. */
  readonly ownerId: string;
  readonly leaseTtlMs: number;
  /** How long an idle agent waits before asking the queue again when no event woke it. @defaultValue 2000 */
  readonly idlePollMs?: number;
}

/** One run in progress: its abort switch and why it was pulled. */
interface Current {
  readonly runId: string;
  readonly controller: AbortController;
  cause: AbortCause | undefined;
  readonly done: Promise<void>;
}

/**
 * The loop that leases: takes one Queued run of its pool at a time, executes it on the engine
 * (execute-run.ts), heartbeats every third of the lease TTL (which also brings cancel
 * requests from other processes; in-process ones arrive at once as queue events), enforces the
 * run's timeout and reports the outcome. `stop` lets the current run finish within a grace
 * period, then aborts it.
 */
export class RunAgent {
  private current: Current | undefined;
  private isStopping = false;
  private loop: Promise<void> | undefined;
  private wake: (() => void) | undefined;
  private readonly unsubscribe: Array<() => void> = [];

  constructor(private readonly options: AgentOptions) {}

  start(): void {
    if (this.loop !== undefined) return;
    this.unsubscribe.push(this.options.queue.on('enqueued', () => this.wake?.()));
    this.unsubscribe.push(
      this.options.queue.on('cancelRequested', ({ run }) => {
        if (this.current?.runId === run.runId) this.abort(this.current, 'cancel');
      }),
    );
    this.loop = this.run();
  }

  /** Stops leasing; waits up to `graceMs` for the current run, then aborts it and waits for its report. */
  async stop(graceMs: number): Promise<void> {
    this.isStopping = true;
    this.wake?.();
    const current = this.current;
    if (current !== undefined) {
      let timer: NodeJS.Timeout | undefined;
      const grace = new Promise<void>((resolve) => (timer = setTimeout(resolve, graceMs)));
      await Promise.race([current.done, grace]);
      clearTimeout(timer);
      this.abort(current, 'shutdown');
    }
    await this.loop;
    for (const off of this.unsubscribe.splice(0)) off();
  }

  private abort(current: Current, cause: AbortCause): void {
    if (current.controller.signal.aborted) return;
    current.cause = cause;
    current.controller.abort(new Error(`run ${cause}`));
  }

  private async run(): Promise<void> {
    while (!this.isStopping) {
      let leased: LeasedRun | undefined;
      try {
        await this.options.queue.expireLeases();
        leased = await this.options.queue.lease({ pool: this.options.pool ?? 'default', ownerId: this.options.ownerId, leaseTtlMs: this.options.leaseTtlMs });
      } catch (err) {
        this.options.log.error({ err }, 'agent: cannot lease from the run queue');
      }
      if (leased === undefined) await this.idle();
      else await this.handle(leased);
    }
  }

  private idle(): Promise<void> {
    return new Promise<void>((resolve) => {
      const timer = setTimeout(done, this.options.idlePollMs ?? 2000);
      function done(): void {
        clearTimeout(timer);
        resolve();
      }
      this.wake = done;
    }).then(() => {
      this.wake = undefined;
    });
  }

  private async handle(leased: LeasedRun): Promise<void> {
    const runId = leased.run.runId;
    const log = this.options.log.child({ runId });
    const controller = new AbortController();
    // Every engine and store call of the run listens on this signal.
    setMaxListeners(0, controller.signal);
    let finish!: () => void;
    const current: Current = { runId, controller, cause: undefined, done: new Promise<void>((r) => (finish = r)) };
    this.current = current;
    if (leased.run.isCancelRequested) this.abort(current, 'cancel');
    const timeoutMs = quickBuildFromJson(leased.run.request).timeoutSeconds * 1000;
    const timeout = setTimeout(() => this.abort(current, 'timeout'), timeoutMs);
    const heartbeat = setInterval(() => void this.heartbeat(current, log), Math.max(1000, Math.floor(this.options.leaseTtlMs / 3)));
    log.info('agent: run started');
    try {
      const report = await executeRun(this.options.runner, leased, { signal: controller.signal, cause: () => current.cause }).catch(
        (err: unknown): RunReport => ({ kind: 'fail', failure: { isRetryable: false, errorCode: isAppError(err) ? err.code : Errors.UNKNOWN.code, runErrorMessage: 'the agent could not start the run' } }),
      );
      await this.send(runId, report, log);
    } finally {
      clearTimeout(timeout);
      clearInterval(heartbeat);
      this.current = undefined;
      finish();
    }
  }

  private async heartbeat(current: Current, log: Log): Promise<void> {
    try {
      const beat = await this.options.queue.heartbeat(current.runId, this.options.ownerId, this.options.leaseTtlMs);
      if (beat.isCancelRequested) this.abort(current, 'cancel');
    } catch (err) {
      log.warn({ err }, 'agent: heartbeat failed');
      if (isAppError(err) && err.code === Errors.QUEUE_LEASE_LOST.code) this.abort(current, 'shutdown');
    }
  }

  private async send(runId: string, report: RunReport, log: Log): Promise<void> {
    try {
      const run =
        report.kind === 'complete'
          ? await this.options.queue.complete(runId, this.options.ownerId, report.outcome)
          : await this.options.queue.fail(runId, this.options.ownerId, report.failure);
      log.info({ status: run.status, errorCode: run.errorCode }, 'agent: run finished');
    } catch (err) {
      log.error({ err }, 'agent: cannot report the run');
    }
  }
}
