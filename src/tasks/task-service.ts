import { AppError, Errors, isAppError } from '../core/errors/index.js';
import type { JsonObject, RunQueue, RunRecord, RunStore, RunTrigger } from '../queue/run-queue.js';
import { parseContextSpec, redactUrl } from '../sources/index.js';
import { DEFAULT_TIMEOUT_SECONDS, toRequestJson, type QuickBuildSpec } from './quick-build.js';
import { quickRunToJson, type QuickRunSpec } from './quick-run.js';
import type { NameValue, Task, TaskSecrets, TaskTriggerCause, TaskTriggerKind, TriggerEvent } from './task-model.js';
import type { TaskStore } from './task-store.js';
import { isVaultReference } from '../vault/index.js';

export interface TriggerResult {
  readonly outcome: TriggerEvent['outcome'];
  readonly reason: string;
  readonly run: RunRecord | null;
  readonly event: TriggerEvent;
}

export interface TaskServiceOptions {
  readonly store: TaskStore;
  readonly queue: RunQueue & RunStore;
  readonly now?: () => Date;
}

const RUN_TRIGGER: Readonly<Record<TaskTriggerKind, RunTrigger>> = { Manual: 'Manual', Commit: 'Commit', PullRequest: 'PullRequest', ImageUpdate: 'ImageUpdate', Timer: 'Timer' };

/**
 * The context URL a run of the task fetches: the task's, at the commit a source trigger names
 * (`#<sha>:folder` instead of `#branch:folder`), with the git access token as the password of an
 * https URL. The second value is the URL as shown (token redacted).
 */
export function runContextUrl(contextPath: string, commit: string | undefined, token: string | null): string {
  let url = contextPath;
  if (commit !== undefined) {
    const spec = parseContextSpec(contextPath);
    if (spec.kind === 'git') url = `${spec.url}#${commit}${spec.subfolder === null ? '' : `:${spec.subfolder}`}`;
  }
  if (token !== null && /^https?:\/\//i.test(url) && !/^https?:\/\/[^/@]*@/i.test(url)) {
    url = url.replace(/^(https?:\/\/)/i, `$1slipway:${encodeURIComponent(token)}@`);
  }
  return url;
}

function merged(base: readonly NameValue[], extra: readonly NameValue[] | undefined): { name: string; value: string }[] {
  const map = new Map(base.map((v) => [v.name, v.value]));
  for (const v of extra ?? []) map.set(v.name, v.value);
  return [...map].map(([name, value]) => ({ name, value }));
}

/** The task's credentials for other registries that have a user and password, for the run's secret request. */
function credentialsJson(task: Task, secrets: TaskSecrets): { registryCredentials?: { loginServer: string; username: string; password: string }[] } {
  const list = task.credentials.flatMap((c) => {
    const password = secrets.registryPasswords[c.loginServer];
    return c.username === null || password === undefined ? [] : [{ loginServer: c.loginServer, username: c.username, password }];
  });
  return list.length === 0 ? {} : { registryCredentials: list };
}

/** What the run's JSON shows about its trigger (ACR's sourceTrigger / timerTrigger / imageUpdateTrigger). */
function triggerDescriptor(cause: TaskTriggerCause, task: Task, at: string): JsonObject {
  switch (cause.kind) {
    case 'Commit':
    case 'PullRequest':
      return {
        sourceTrigger: {
          id: cause.dedupeKey ?? '',
          eventType: cause.kind === 'Commit' ? 'commit' : 'pullrequest',
          commitId: cause.commit ?? null,
          pullRequestId: cause.pullRequest === undefined ? null : String(cause.pullRequest.number),
          repositoryUrl: task.triggers.source?.repositoryUrl ?? null,
          branchName: cause.branch ?? null,
          providerType: 'Git',
        },
      };
    case 'Timer':
      return { timerTrigger: { timerTriggerName: cause.timer?.name ?? '', scheduleOccurrence: cause.timer?.tick ?? at } };
    case 'ImageUpdate':
      return { imageUpdateTrigger: { id: cause.dedupeKey ?? '', timestamp: at, images: (cause.images ?? []).map((i) => ({ registry: i.registry, repository: i.repository, tag: i.tag, digest: i.digest })) } };
    default:
      return {};
  }
}

/**
 * Turns a trigger's cause into at most one run of a task: checks the task and that trigger are
 * enabled, builds the run request from the task's step (AutoBuild for a Docker step, AutoRun for
 * a task file), and enqueues it with the cause's dedupe key, so the same cause never runs twice,
 * across restarts and servers. Every decision is recorded for `task explain-trigger`.
 */
export class TaskService {
  private readonly now: () => Date;

  constructor(private readonly options: TaskServiceOptions) {
    this.now = options.now ?? (() => new Date());
  }

  async trigger(taskName: string, cause: TaskTriggerCause): Promise<TriggerResult> {
    const found = await this.options.store.getWithSecrets(taskName);
    if (found === undefined) throw new AppError(Errors.TASK_NOT_FOUND, { detail: { name: taskName } });
    const { task, secrets } = found;
    const at = this.now().toISOString();
    const refusal = this.refusal(task, cause);
    if (refusal !== undefined) return this.record(task.name, cause, at, { outcome: 'ignored', reason: refusal, run: null });
    const built = this.runRequest(task, secrets, cause, at);
    const { run, isCreated } = await this.options.queue.enqueue({
      runType: built.runType,
      trigger: RUN_TRIGGER[cause.kind],
      taskName: task.name,
      platform: task.platform,
      agentCpu: task.agentCpu,
      ...(task.agentPoolName === null ? {} : { pool: task.agentPoolName }),
      request: built.request,
      secretRequest: built.secretRequest,
      ...(cause.dedupeKey === null ? {} : { idempotencyKey: `task:${task.name}:${cause.dedupeKey}` }),
    });
    if (!isCreated) return this.record(task.name, cause, at, { outcome: 'duplicate', reason: `the same ${cause.kind.toLowerCase()} cause already started run ${run.runId}`, run });
    return this.record(task.name, cause, at, { outcome: 'queued', reason: `queued run ${run.runId}`, run });
  }

  /** Records that a trigger refused a cause before reaching the task (a bad signature, a malformed payload). */
  async reject(taskName: string, kind: TaskTriggerKind, reason: string, detail: Readonly<Record<string, unknown>> = {}): Promise<TriggerEvent> {
    return this.options.store.recordEvent({ taskName, kind, receivedAt: this.now().toISOString(), outcome: 'rejected', reason, runId: null, detail });
  }

  /** Records that a trigger saw a cause and chose not to run (another branch, a fork, a same digest). */
  async ignore(taskName: string, kind: TaskTriggerKind, reason: string, detail: Readonly<Record<string, unknown>> = {}): Promise<TriggerEvent> {
    return this.options.store.recordEvent({ taskName, kind, receivedAt: this.now().toISOString(), outcome: 'ignored', reason, runId: null, detail });
  }

  /** Why the task does not run for this cause, or undefined when it does. Manual runs only need the task to exist. */
  private refusal(task: Task, cause: TaskTriggerCause): string | undefined {
    if (cause.kind === 'Manual') return undefined;
    if (task.status !== 'Enabled') return 'the task is Disabled';
    switch (cause.kind) {
      case 'Commit':
      case 'PullRequest': {
        const source = task.triggers.source;
        if (source === null || source.status !== 'Enabled') return 'the task has no enabled source trigger';
        const event = cause.kind === 'Commit' ? 'commit' : 'pullrequest';
        if (!source.events.includes(event)) return `the source trigger does not listen to ${event} events`;
        if (cause.pullRequest?.isFork === true && !source.allowForks) return 'pull requests from forks do not run this task (allowForks is off)';
        return undefined;
      }
      case 'ImageUpdate':
        return task.triggers.baseImage?.status === 'Enabled' ? undefined : 'the base-image trigger is off';
      case 'Timer': {
        const timer = task.triggers.timers.find((t) => t.name === cause.timer?.name);
        return timer?.status === 'Enabled' ? undefined : `timer ${cause.timer?.name ?? ''} is not an enabled timer of the task`;
      }
      default:
        return undefined;
    }
  }

  private async record(taskName: string, cause: TaskTriggerCause, at: string, result: { outcome: TriggerEvent['outcome']; reason: string; run: RunRecord | null }): Promise<TriggerResult> {
    const { outcome, reason, run } = result;
    const detail: Record<string, unknown> = {
      ...(cause.dedupeKey === null ? {} : { dedupeKey: cause.dedupeKey }),
      ...(cause.commit === undefined ? {} : { commit: cause.commit }),
      ...(cause.branch === undefined ? {} : { branch: cause.branch }),
      ...(cause.pullRequest === undefined ? {} : { pullRequest: cause.pullRequest }),
      ...(cause.images === undefined ? {} : { images: cause.images }),
      ...(cause.timer === undefined ? {} : { timer: cause.timer }),
    };
    const event = await this.options.store.recordEvent({ taskName, kind: cause.kind, receivedAt: at, outcome, reason, runId: run?.runId ?? null, detail });
    return { outcome, reason, run, event };
  }

  private runRequest(task: Task, secrets: TaskSecrets, cause: TaskTriggerCause, at: string): { runType: 'AutoBuild' | 'AutoRun'; request: JsonObject; secretRequest: JsonObject } {
    const o = cause.overrides ?? {};
    const step = task.step;
    const trigger = triggerDescriptor(cause, task, at);
    const timeoutSeconds = task.timeoutSeconds || DEFAULT_TIMEOUT_SECONDS;
    const contextPath = o.contextPath ?? (step.type === 'EncodedTask' ? null : step.contextPath);
    const contextId = o.contextId ?? null;
    // A vault reference as the git token goes to the agent as it is, which resolves it with the task's identity.
    const tokenRef = isVaultReference(secrets.gitAccessToken) ? { gitAccessTokenRef: secrets.gitAccessToken } : {};
    const identity = task.identity === null ? {} : { identity: task.identity };
    const location = contextId !== null || contextPath === null ? null : runContextUrl(contextPath, cause.commit, 'gitAccessTokenRef' in tokenRef ? null : secrets.gitAccessToken);
    const shown = location === null ? null : redactUrl(location);
    if (step.type === 'Docker') {
      if (contextId === null && location === null) throw new AppError(Errors.TASK_INVALID, { message: 'a Docker step needs a context' });
      const spec: QuickBuildSpec = {
        contextId,
        sourceLocation: shown,
        dockerfile: o.file ?? step.dockerFilePath,
        dockerfileContent: null,
        images: step.imageNames,
        buildArgs: merged(step.arguments, o.arguments),
        secretBuildArgNames: merged(secrets.secretArguments, o.secretArguments).map((a) => a.name),
        target: o.target ?? step.target,
        noPush: !step.isPushEnabled,
        noCache: step.noCache,
        platform: task.platform,
        timeoutSeconds,
      };
      return {
        runType: 'AutoBuild',
        request: { ...toRequestJson(spec), ...trigger, ...identity },
        secretRequest: { secretBuildArgs: merged(secrets.secretArguments, o.secretArguments), ...(location === null ? {} : { sourceLocation: location, ...tokenRef }), ...credentialsJson(task, secrets) },
      };
    }
    const values = merged(step.values, o.values);
    const secretValues = merged(secrets.secretValues, o.secretValues);
    const spec: QuickRunSpec = {
      contextId,
      sourceLocation: shown,
      // An EncodedTask keeps its own file, also with a context given to `task run -c`; `-f` names one in the context.
      taskFile: step.type === 'EncodedTask' && o.file === undefined ? step.taskFile : null,
      taskFilePath: o.file ?? (step.type === 'FileTask' ? step.taskFilePath : 'acb.yaml'),
      valuesFile: step.type === 'EncodedTask' ? step.valuesFile : null,
      valuesFilePath: step.type === 'FileTask' ? step.valuesFilePath : null,
      values,
      secretValueNames: secretValues.map((v) => v.name),
      platform: task.platform,
      timeoutSeconds,
    };
    return {
      runType: 'AutoRun',
      request: { ...quickRunToJson(spec), ...trigger, ...identity, ...(cause.commit === undefined ? {} : { commit: cause.commit }), ...(cause.branch === undefined ? {} : { branch: cause.branch }) },
      secretRequest: { secretValues, ...(location === null ? {} : { sourceLocation: location, ...tokenRef }), ...credentialsJson(task, secrets) },
    };
  }

  /** Records the base images of a task's successful run as what its base-image trigger tracks. */
  async recordDependencies(run: RunRecord): Promise<void> {
    if (run.taskName === null || run.status !== 'Succeeded') return;
    const at = this.now().toISOString();
    try {
      await this.options.store.setDependencies(
        run.taskName,
        run.baseImages.map((b) => ({ ...normaliseBase(b.registry, b.repository), tag: b.tag, digest: b.digest, type: b.isRuntime ? 'Runtime' : 'BuildTime', recordedAt: at, checkedAt: at })),
      );
    } catch (err) {
      if (!isAppError(err) || err.code !== Errors.TASK_NOT_FOUND.code) throw err;
    }
  }
}

/** `busybox` and `docker.io/busybox` are Docker Hub's `library/busybox`: the mirror namespace in Slipway. */
export function normaliseBase(registry: string, repository: string): { registry: string; repository: string } {
  const hub = registry === '' || registry === 'docker.io';
  if (!hub) return { registry, repository };
  return { registry: 'docker.io', repository: repository.includes('/') ? repository : `library/${repository}` };
}
