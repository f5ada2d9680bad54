import type { Task, TaskDependency, TaskSecrets, TriggerEvent } from './task-model.js';

/**
 * Saved tasks and their trigger bookkeeping, written once over SQL (tasks/sql/). Errors are
 * AppErrors: TASK_NOT_FOUND, TASK_EXISTS; a database failure surfaces as the adapter's error.
 */
export interface TaskStore {
  /** TASK_EXISTS when the name is taken. */
  create(task: Task, secrets: TaskSecrets): Promise<void>;
  get(name: string): Promise<Task | undefined>;
  /** The task with its secrets: only for running and verifying webhooks, never for display. */
  getWithSecrets(name: string): Promise<{ task: Task; secrets: TaskSecrets } | undefined>;
  /** Every task, by name. */
  list(): Promise<Task[]>;
  /**
   * Read-modify-write in one transaction: `change` gets the current task and secrets and
   * returns the new ones (it may throw to refuse). TASK_NOT_FOUND when absent.
   */
  update(name: string, change: (task: Task, secrets: TaskSecrets) => { task: Task; secrets: TaskSecrets }): Promise<Task>;
  /** False when there was no such task. Its dependencies, ticks go with it; events stay. */
  delete(name: string): Promise<boolean>;

  recordEvent(event: Omit<TriggerEvent, 'id'>): Promise<TriggerEvent>;
  /** The task's newest events first. */
  listEvents(taskName: string, limit: number): Promise<TriggerEvent[]>;

  /** Replaces what the task tracks with the base images of its latest successful run. */
  setDependencies(taskName: string, deps: readonly Omit<TaskDependency, 'taskName'>[]): Promise<void>;
  dependencies(taskName: string): Promise<TaskDependency[]>;
  /** Every task tracking `repository:tag` (any registry; the caller decides which are the same). */
  dependentsOf(repository: string, tag: string): Promise<TaskDependency[]>;
  /** All dependencies whose registry is one of `registries` NOT (for polling external registries). */
  externalDependencies(ownRegistries: readonly string[]): Promise<TaskDependency[]>;
  markChecked(dep: Pick<TaskDependency, 'taskName' | 'registry' | 'repository' | 'tag' | 'type'>, checkedAt: string): Promise<void>;

  /**
   * Claims one timer tick: true for the first caller, false for every later one (another
   * server, a restart that sees the same tick). One INSERT, atomic in every dialect.
   */
  claimTick(taskName: string, timerName: string, tick: string, claimedAt: string): Promise<boolean>;
  /** The newest tick claimed for the timer, if any. */
  lastTick(taskName: string, timerName: string): Promise<string | undefined>;

  /**
   * Re-seals every task's secrets (master key rotation): values `isSealedBy` says are sealed
   * with the old key are opened with `from` and sealed with `to`; plaintext is sealed; values
   * already sealed with the new key are left. Returns how many were rewritten.
   */
  resealSecrets(
    from: { open(stored: string, aad: string): Promise<string> },
    to: { seal(plaintext: string, aad: string): Promise<string> },
    isSealedBy: (stored: string) => 'from' | 'to' | 'plain',
  ): Promise<number>;

  /** The commit the git poller last saw for the task's `target` (`repo#branch`), if any. */
  pollHead(taskName: string, target: string): Promise<string | undefined>;
  savePollHead(taskName: string, target: string, sha: string, at: string): Promise<void>;

  /** How far the consumer `name` read its outbox; undefined before its first save. */
  cursor(name: string): Promise<number | undefined>;
  saveCursor(name: string, position: number, at: string): Promise<void>;
}
