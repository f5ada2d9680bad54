import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { isAppError } from '../../core/errors/index.js';
import type { Task, TimerTrigger } from '../../tasks/task-model.js';
import type { TaskService } from '../../tasks/task-service.js';
import type { TaskStore } from '../../tasks/task-store.js';
import { parseCron, type CronSchedule } from './cron.js';

const MINUTE_MS = 60_000;
/** Most missed ticks counted one by one for the "missed" event; beyond it the event says "more than". */
const MAX_COUNTED_MISSES = 1000;

export interface TimerSchedulerOptions {
  readonly taskStore: Pick<TaskStore, 'list' | 'claimTick' | 'lastTick'>;
  readonly tasks: Pick<TaskService, 'trigger' | 'ignore'>;
  readonly logger: Logger;
  /**
   * A due tick this much older than now is not run but recorded as missed (see docs/triggers.md).
   * @defaultValue 3600
   */
  readonly catchUpSeconds?: number;
  /** @defaultValue `() => new Date()` */
  readonly now?: () => Date;
  /** Delay after each minute boundary before a pass, so the tick's minute has begun on every clock. @defaultValue 1000 */
  readonly wakeDelayMs?: number;
  /** Timer functions (tests pass fakes). @defaultValue globalThis.setTimeout / clearTimeout */
  readonly setTimer?: (fn: () => void, delayMs: number) => unknown;
  readonly clearTimer?: (handle: unknown) => void;
}

/** What one pass did for one timer. */
export interface TimerOutcome {
  readonly taskName: string;
  readonly timerName: string;
  readonly tick: string;
  /** `fired`: claimed and handed to TaskService; `missed`: claimed, too old, recorded as ignored; `taken`: another server (or an earlier pass) claimed it. */
  readonly outcome: 'fired' | 'missed' | 'taken';
}

/**
 * Fires task timers (ACR TimerTrigger): wakes shortly after each UTC minute starts and, for
 * every Enabled timer of every Enabled task, handles the latest scheduled tick not handled yet.
 *
 * Exactly once per tick: a tick is first claimed in the task store (one INSERT that only the
 * first claimer wins, so across restarts and servers sharing a database), and only the winner
 * triggers the task, with `timer:<name>:<tick>` as the dedupe key as a second guard.
 *
 * The missed-tick rule: per timer only the LATEST due tick is ever run, and only while it is
 * younger than `catchUpSeconds`; older due ticks (the server was down, or stalled) are skipped
 * and recorded once as an ignored trigger event. A timer never fires for ticks at or before the
 * timer's `since` (when it was added, or its schedule or status last changed). A clock that jumps back
 * re-fires nothing: only ticks after the newest claimed one are due.
 */
export class TimerScheduler {
  private readonly now: () => Date;
  private readonly catchUpMs: number;
  private readonly schedules = new Map<string, CronSchedule | Error>();
  private readonly reportedInvalid = new Set<string>();
  private handle: unknown;
  private running: Promise<unknown> | undefined;
  private isStopped = true;

  constructor(private readonly options: TimerSchedulerOptions) {
    this.now = options.now ?? (() => new Date());
    this.catchUpMs = (options.catchUpSeconds ?? 3600) * 1000;
  }

  /** Runs a pass at once (this is when missed ticks are found after a restart), then one after each minute boundary. */
  start(): void {
    if (!this.isStopped) return;
    this.isStopped = false;
    this.runPass();
  }

  /** Stops waking and waits for a pass in progress. */
  async stop(): Promise<void> {
    this.isStopped = true;
    if (this.handle !== undefined) (this.options.clearTimer ?? clearTimeout)(this.handle as NodeJS.Timeout);
    this.handle = undefined;
    await this.running;
  }

  /** Resolves when no pass is in progress (for tests driving a fake clock). */
  async idle(): Promise<void> {
    await this.running;
  }

  /** One pass over every task's timers as of `at`. Errors of one task are logged and do not stop the others. */
  async poll(at: Date = this.now()): Promise<TimerOutcome[]> {
    const outcomes: TimerOutcome[] = [];
    for (const task of await this.options.taskStore.list()) {
      if (task.status !== 'Enabled') continue;
      for (const timer of task.triggers.timers) {
        if (timer.status !== 'Enabled') continue;
        try {
          const outcome = await this.handleTimer(task, timer, at);
          if (outcome !== undefined) outcomes.push(outcome);
        } catch (err) {
          this.options.logger.error({ err, taskName: task.name, timer: timer.name }, 'timer: cannot handle tick');
        }
      }
    }
    return outcomes;
  }

  private runPass(): void {
    const pass = this.poll()
      .catch((err: unknown) => this.options.logger.error({ err }, 'timer: pass failed'))
      .finally(() => {
        if (this.running === pass) this.running = undefined;
        this.scheduleNext();
      });
    this.running = pass;
  }

  private scheduleNext(): void {
    if (this.isStopped) return;
    const nowMs = this.now().getTime();
    const delayMs = MINUTE_MS - (nowMs % MINUTE_MS) + (this.options.wakeDelayMs ?? 1000);
    const set = this.options.setTimer ?? ((fn: () => void, ms: number): unknown => setTimeout(fn, ms).unref());
    this.handle = set(() => {
      this.handle = undefined;
      if (!this.isStopped) this.runPass();
    }, delayMs);
  }

  private schedule(task: Task, timer: TimerTrigger): CronSchedule | undefined {
    let parsed = this.schedules.get(timer.schedule);
    if (parsed === undefined) {
      try {
        parsed = parseCron(timer.schedule);
      } catch (err) {
        if (!isAppError(err)) throw err;
        parsed = err;
      }
      this.schedules.set(timer.schedule, parsed);
    }
    if (!(parsed instanceof Error)) return parsed;
    // Saved before schedules were validated, or written to the database directly: say so once.
    const key = `${task.name}\n${timer.name}\n${timer.schedule}`;
    if (!this.reportedInvalid.has(key)) {
      this.reportedInvalid.add(key);
      this.options.logger.warn({ taskName: task.name, timer: timer.name, schedule: timer.schedule, reason: parsed.message }, 'timer: invalid schedule, timer skipped');
    }
    return undefined;
  }

  /** Claims the latest due tick of one timer and fires it, or records it as missed; undefined when nothing is due. */
  private async handleTimer(task: Task, timer: TimerTrigger, at: Date): Promise<TimerOutcome | undefined> {
    const cron = this.schedule(task, timer);
    if (cron === undefined) return undefined;
    const latest = cron.previous(at);
    if (latest === undefined) return undefined;
    const since = await this.handledUntil(task, timer);
    if (latest.getTime() <= since.getTime()) return undefined;
    const tick = latest.toISOString();
    const base = { taskName: task.name, timerName: timer.name, tick };
    if (!(await this.options.taskStore.claimTick(task.name, timer.name, tick, at.toISOString()))) return { ...base, outcome: 'taken' };
    await this.recordSkipped(task, timer, cron, { since, latest });
    if (at.getTime() - latest.getTime() > this.catchUpMs) {
      await this.options.tasks.ignore(task.name, 'Timer', `missed while the server was down: tick ${tick} is older than the catch-up window (${this.catchUpMs / 1000}s)`, { timer: timer.name, tick, schedule: timer.schedule });
      this.options.logger.warn({ taskName: task.name, timer: timer.name, tick }, 'timer: tick missed, not run');
      return { ...base, outcome: 'missed' };
    }
    const result = await this.options.tasks.trigger(task.name, { kind: 'Timer', dedupeKey: `timer:${timer.name}:${tick}`, timer: { name: timer.name, tick } });
    this.options.logger.info({ taskName: task.name, timer: timer.name, tick, outcome: result.outcome, runId: result.run?.runId ?? null }, 'timer: tick fired');
    return { ...base, outcome: 'fired' };
  }

  /** Ticks at or before this are not this timer's to fire: the newest claimed one, or when the timer was added or changed. */
  private async handledUntil(task: Task, timer: TimerTrigger): Promise<Date> {
    const claimed = await this.options.taskStore.lastTick(task.name, timer.name);
    // The timer's own start (added, or schedule or status changed): editing anything else on the
    // task does not move it. Timers saved before `since` existed use the task's updatedAt.
    const changedMs = Date.parse(timer.since ?? task.updatedAt);
    const claimedMs = claimed === undefined ? Number.NEGATIVE_INFINITY : Date.parse(claimed);
    return new Date(Math.max(changedMs, claimedMs));
  }

  /** One ignored event for the due ticks before the latest (never a burst of catch-up runs). */
  private async recordSkipped(task: Task, timer: TimerTrigger, cron: CronSchedule, range: { since: Date; latest: Date }): Promise<void> {
    const first = cron.next(range.since);
    if (first.getTime() >= range.latest.getTime()) return;
    let count = 0;
    let last = first;
    for (let t = first; t.getTime() < range.latest.getTime() && count < MAX_COUNTED_MISSES; t = cron.next(t)) {
      count += 1;
      last = t;
    }
    const isCapped = count >= MAX_COUNTED_MISSES;
    const what = isCapped ? `${MAX_COUNTED_MISSES} or more ticks from ${first.toISOString()}` : count === 1 ? `tick ${first.toISOString()}` : `${count} ticks from ${first.toISOString()} to ${last.toISOString()}`;
    await this.options.tasks.ignore(task.name, 'Timer', `missed while the server was down: ${what} (only the latest due tick is considered)`, {
      timer: timer.name,
      schedule: timer.schedule,
      firstTick: first.toISOString(),
      count,
      isCountCapped: isCapped,
    });
    this.options.logger.warn({ taskName: task.name, timer: timer.name, firstTick: first.toISOString(), count }, 'timer: ticks missed, not run');
  }
}

export type AttachTimerSchedulerOptions = TimerSchedulerOptions;

/**
 * Starts the timer scheduler when the server listens and stops it before the server closes
 * (runs already queued stay queued for the agent).
 */
export function attachTimerScheduler(app: FastifyInstance, options: AttachTimerSchedulerOptions): TimerScheduler {
  const scheduler = new TimerScheduler(options);
  app.addHook('onListen', async () => {
    scheduler.start();
    options.logger.info({ catchUpSeconds: options.catchUpSeconds ?? 3600 }, 'timer scheduler started');
  });
  app.addHook('preClose', async () => scheduler.stop());
  return scheduler;
}
