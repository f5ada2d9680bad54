import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { checkRemoteSource, OPEN_SOURCE_POLICY, parseContextSpec, redactUrl, type SourcePolicy } from '../../sources/index.js';
import type { Task } from '../../tasks/task-model.js';
import { runContextUrl, type TaskService } from '../../tasks/task-service.js';
import type { TaskStore } from '../../tasks/task-store.js';
import { gitLsRemote, type LsRemote } from './git-ls-remote.js';

export interface GitPollerOptions {
  readonly taskStore: Pick<TaskStore, 'list' | 'getWithSecrets' | 'pollHead' | 'savePollHead'>;
  readonly tasks: Pick<TaskService, 'trigger' | 'ignore'>;
  readonly logger: Logger;
  /** What the server may fetch (config `sources`): a repository it may not fetch is not polled. @defaultValue everything */
  readonly sources?: SourcePolicy;
  /** @defaultValue `git ls-remote` */
  readonly lsRemote?: LsRemote;
  /** Milliseconds since the epoch. @defaultValue Date.now */
  readonly now?: () => number;
  /** How often the poller looks for tasks that are due. @defaultValue 1000 */
  readonly tickMs?: number;
  /** Longest a single `git ls-remote` may take. @defaultValue 60000 */
  readonly lsRemoteTimeoutMs?: number;
}

interface PollTarget {
  readonly repoUrl: string;
  readonly branch: string;
  readonly intervalMs: number;
  /** A change of URL or branch starts over from a fresh first look. */
  readonly key: string;
  readonly spec: Extract<ReturnType<typeof parseContextSpec>, { kind: 'git' }>;
}

interface PollState {
  key: string;
  lastSha: string | null;
  nextDueMs: number;
  lastError: string | null;
  isPolling: boolean;
}

/** The repository and branch to poll, or undefined when the task is not polled. */
export function pollTarget(task: Task): PollTarget | undefined {
  const source = task.triggers.source;
  if (task.status !== 'Enabled' || source === null || source.status !== 'Enabled') return undefined;
  if (source.pollIntervalSeconds === null || source.pollIntervalSeconds <= 0 || !source.events.includes('commit')) return undefined;
  let spec;
  try {
    spec = parseContextSpec(source.repositoryUrl);
  } catch {
    return undefined;
  }
  if (spec.kind !== 'git') return undefined;
  return { repoUrl: spec.url, branch: source.branch, intervalMs: source.pollIntervalSeconds * 1000, key: `${spec.url}#${source.branch}`, spec };
}

/**
 * Polls the branch of every enabled task whose source trigger has `pollIntervalSeconds`, for
 * repositories that cannot send webhooks. The first look at a branch only remembers its commit;
 * a later, different commit triggers a Commit run keyed `commit:<sha>`, the same key a webhook
 * uses, so a repository with both runs each commit once. A failure is logged and recorded once
 * per task until polling succeeds again (no event per interval). The last commit seen is kept
 * in the task store (poll_heads), so after a restart a commit pushed meanwhile is built.
 */
export class GitPoller {
  private readonly states = new Map<string, PollState>();
  private readonly log: Logger;
  private readonly now: () => number;
  private controller = new AbortController();
  private timer: NodeJS.Timeout | undefined;
  private pass: Promise<void> | undefined;
  private isRunning = false;

  constructor(private readonly options: GitPollerOptions) {
    this.log = options.logger.child({ component: 'triggers.git-poller' });
    this.now = options.now ?? Date.now;
  }

  start(): void {
    if (this.isRunning) return;
    this.isRunning = true;
    this.controller = new AbortController();
    this.schedule(0);
  }

  async stop(): Promise<void> {
    this.isRunning = false;
    clearTimeout(this.timer);
    this.controller.abort(new Error('the git poller is stopping'));
    await this.pass;
  }

  private schedule(delayMs: number): void {
    this.timer = setTimeout(() => {
      this.pass = this.pollDue(this.controller.signal)
        .catch((err: unknown) => this.log.error({ err }, 'git poller pass failed'))
        .finally(() => {
          if (this.isRunning) this.schedule(this.options.tickMs ?? 1000);
        });
    }, delayMs);
    this.timer.unref();
  }

  /** One pass: polls every task that is due, in parallel; a task still being polled is skipped. */
  async pollDue(signal: AbortSignal = new AbortController().signal): Promise<void> {
    const tasks = await this.options.taskStore.list();
    const now = this.now();
    const polled = new Set<string>();
    await Promise.all(
      tasks.map(async (task) => {
        const target = pollTarget(task);
        if (target === undefined) return;
        polled.add(task.name);
        let state = this.states.get(task.name);
        if (state === undefined || state.key !== target.key) {
          // After a restart the last commit seen comes from the store: a push made while the
          // server was down is built, not taken as the first look.
          const saved = (await this.options.taskStore.pollHead(task.name, target.key)) ?? null;
          state = { key: target.key, lastSha: saved, nextDueMs: now, lastError: null, isPolling: false };
          this.states.set(task.name, state);
        }
        if (state.isPolling || now < state.nextDueMs) return;
        state.nextDueMs = now + target.intervalMs;
        state.isPolling = true;
        try {
          await this.pollTask(task.name, target, state, signal);
        } catch (err) {
          // The task went away between listing and triggering, or the database did.
          this.log.error({ err, taskId: task.name }, 'git poll failed');
        } finally {
          state.isPolling = false;
        }
      }),
    );
    for (const name of [...this.states.keys()]) if (!polled.has(name)) this.states.delete(name);
  }

  private async pollTask(taskName: string, target: PollTarget, state: PollState, signal: AbortSignal): Promise<void> {
    let sha: string;
    try {
      sha = await this.lookUp(taskName, target, signal);
    } catch (err) {
      if (signal.aborted) return;
      await this.failed(taskName, target, state, err);
      return;
    }
    if (state.lastError !== null) this.log.info({ taskId: taskName, ref: target.branch }, 'git polling works again');
    state.lastError = null;
    if (state.lastSha === sha) return;
    if (state.lastSha === null) {
      state.lastSha = sha;
      await this.options.taskStore.savePollHead(taskName, target.key, sha, new Date(this.now()).toISOString());
      await this.options.tasks.ignore(taskName, 'Commit', `polling ${target.branch}: first look, at ${sha}; a new commit from here starts a run`, { poll: true, branch: target.branch, commit: sha });
      return;
    }
    await this.options.tasks.trigger(taskName, { kind: 'Commit', dedupeKey: `commit:${sha}`, commit: sha, branch: target.branch });
    // Only now: a trigger that failed (the database was away) is tried again next time.
    state.lastSha = sha;
    await this.options.taskStore.savePollHead(taskName, target.key, sha, new Date(this.now()).toISOString());
  }

  private async lookUp(taskName: string, target: PollTarget, signal: AbortSignal): Promise<string> {
    await checkRemoteSource(target.spec, this.options.sources ?? OPEN_SOURCE_POLICY);
    const token = (await this.options.taskStore.getWithSecrets(taskName))?.secrets.gitAccessToken ?? null;
    const url = runContextUrl(target.repoUrl, undefined, token);
    const timeout = AbortSignal.timeout(this.options.lsRemoteTimeoutMs ?? 60_000);
    const sha = await (this.options.lsRemote ?? gitLsRemote)(url, target.branch, AbortSignal.any([signal, timeout]));
    if (sha === null) throw new Error(`the repository has no branch ${target.branch}`);
    return sha;
  }

  private async failed(taskName: string, target: PollTarget, state: PollState, err: unknown): Promise<void> {
    const message = redactUrl((err as Error).message ?? String(err)).slice(0, 500);
    if (message === state.lastError) return;
    state.lastError = message;
    this.log.warn({ taskId: taskName, ref: target.branch, url: redactUrl(target.repoUrl), err: message }, 'git polling failed');
    await this.options.tasks.ignore(taskName, 'Commit', `polling ${redactUrl(target.repoUrl)} failed: ${message}`, { poll: true, branch: target.branch });
  }
}

export type AttachGitPollerOptions = Omit<GitPollerOptions, 'now' | 'lsRemote'>;

/** Starts a GitPoller when the server listens and stops it when the server closes. */
export function attachGitPoller(app: FastifyInstance, options: AttachGitPollerOptions): GitPoller {
  const poller = new GitPoller(options);
  app.addHook('onListen', async () => poller.start());
  app.addHook('onClose', async () => poller.stop());
  return poller;
}
