/**
 * Saved tasks (`slipway task create`, ACR's Task resource, az-acr-surface §2.2–2.4): what a task
 * runs (its step), when (its triggers) and with which credentials. Secret fields (a git access
 * token, secret args and values, registry passwords, the webhook secret) live in `TaskSecrets`,
 * stored apart and never returned by read APIs.
 */

export type TaskStatus = 'Enabled' | 'Disabled';

export interface NameValue {
  readonly name: string;
  readonly value: string;
}

/** A Docker step (`-f Dockerfile`): an AutoBuild run. */
export interface DockerStep {
  readonly type: 'Docker';
  /** Git or tarball URL (with `#ref:folder`), or null for none. */
  readonly contextPath: string | null;
  readonly dockerFilePath: string;
  /** `-t` templates. */
  readonly imageNames: readonly string[];
  readonly isPushEnabled: boolean;
  readonly noCache: boolean;
  readonly target: string | null;
  /** `--arg` values; `--secret-arg` names only (values in TaskSecrets). */
  readonly arguments: readonly NameValue[];
  readonly secretArgumentNames: readonly string[];
}

/** A FileTask step (`-f task.yaml` with a context): an AutoRun run. */
export interface FileTaskStep {
  readonly type: 'FileTask';
  readonly contextPath: string;
  readonly taskFilePath: string;
  readonly valuesFilePath: string | null;
  readonly values: readonly NameValue[];
  readonly secretValueNames: readonly string[];
}

/** An EncodedTask step (`-c /dev/null` with `-f file` or `--cmd`): an AutoRun run. */
export interface EncodedTaskStep {
  readonly type: 'EncodedTask';
  /** The task file's text (not base64: Slipway stores it as it is). */
  readonly taskFile: string;
  readonly valuesFile: string | null;
  readonly values: readonly NameValue[];
  readonly secretValueNames: readonly string[];
}

export type TaskStep = DockerStep | FileTaskStep | EncodedTaskStep;

export type SourceEvent = 'commit' | 'pullrequest';

export interface SourceTrigger {
  readonly name: string;
  readonly status: TaskStatus;
  /** The context URL with its fragment, as ACR keeps it. */
  readonly repositoryUrl: string;
  /** From the `#ref` of the context; `main` when the fragment names none. */
  readonly branch: string;
  readonly events: readonly SourceEvent[];
  /** Pull requests from forks run only when this is true. @defaultValue false */
  readonly allowForks: boolean;
  /** Poll the repository with `git ls-remote` every this many seconds (no webhook); null: webhooks only. */
  readonly pollIntervalSeconds: number | null;
}

export interface BaseImageTrigger {
  readonly name: string;
  readonly status: TaskStatus;
  readonly type: 'All' | 'Runtime';
}

export interface TimerTrigger {
  readonly name: string;
  /** Five-field cron, UTC. */
  readonly schedule: string;
  readonly status: TaskStatus;
  /**
   * When the timer was added, or its schedule or status last changed (ISO): ticks at or before
   * it are not its to fire. Absent on timers saved before it existed (the task's updatedAt counts).
   */
  readonly since?: string;
}

export interface TaskTriggers {
  readonly source: SourceTrigger | null;
  readonly baseImage: BaseImageTrigger | null;
  readonly timers: readonly TimerTrigger[];
}

/** Credentials for another registry a task pulls from or pushes to; the password is in TaskSecrets. */
export interface TaskCredential {
  readonly loginServer: string;
  readonly username: string | null;
  readonly identity: string | null;
}

export interface Task {
  readonly name: string;
  readonly status: TaskStatus;
  /** `os/arch[/variant]`. */
  readonly platform: string;
  readonly agentCpu: number;
  readonly agentPoolName: string | null;
  readonly timeoutSeconds: number;
  readonly step: TaskStep;
  readonly triggers: TaskTriggers;
  readonly credentials: readonly TaskCredential[];
  readonly identity: string | null;
  readonly createdAt: string;
  readonly updatedAt: string;
}

export interface TaskSecrets {
  /** `--git-access-token`: used to fetch the context, never shown. */
  readonly gitAccessToken: string | null;
  readonly secretArguments: readonly NameValue[];
  readonly secretValues: readonly NameValue[];
  /** Login server -> password. */
  readonly registryPasswords: Readonly<Record<string, string>>;
  /** HMAC key webhooks of this task are signed with (generated at create, shown once). */
  readonly webhookSecret: string;
}

/** ACR's trigger kinds for the run a task starts. */
export type TaskTriggerKind = 'Manual' | 'Commit' | 'PullRequest' | 'ImageUpdate' | 'Timer';

/**
 * Why a run of a task is wanted, with what it is about. `dedupeKey` makes one cause start one
 * run: the same key again (a redelivered webhook, a second server seeing the same timer tick,
 * the same new base digest) returns the run already made.
 */
export interface TaskTriggerCause {
  readonly kind: TaskTriggerKind;
  readonly dedupeKey: string | null;
  /** Commit / PullRequest: what to build. */
  readonly commit?: string;
  readonly branch?: string;
  readonly pullRequest?: { readonly number: number; readonly headRepository: string; readonly isFork: boolean };
  /** ImageUpdate: the base images whose digest moved. */
  readonly images?: readonly { readonly registry: string; readonly repository: string; readonly tag: string | null; readonly digest: string }[];
  /** Timer: the timer and the tick (ISO time) it fired for. */
  readonly timer?: { readonly name: string; readonly tick: string };
  /** Manual: overrides (`task run --set`, `-f`, `-c`). */
  readonly overrides?: TaskRunOverrides;
}

export interface TaskRunOverrides {
  /** An uploaded context id (a local folder `task run -c .`) or a URL. */
  readonly contextId?: string;
  readonly contextPath?: string;
  readonly file?: string;
  readonly values?: readonly NameValue[];
  readonly secretValues?: readonly NameValue[];
  readonly arguments?: readonly NameValue[];
  readonly secretArguments?: readonly NameValue[];
  readonly target?: string;
}

/** What a trigger saw and did, for `task explain-trigger`. */
export interface TriggerEvent {
  readonly id: number;
  readonly taskName: string;
  readonly kind: TaskTriggerKind;
  readonly receivedAt: string;
  /** `queued` a run, `duplicate` of an earlier cause, `ignored` (and why), or `rejected` (bad signature, bad payload). */
  readonly outcome: 'queued' | 'duplicate' | 'ignored' | 'rejected';
  readonly reason: string;
  readonly runId: string | null;
  readonly detail: Readonly<Record<string, unknown>>;
}

/** A base image a task's last successful run built from, for base-image triggers. */
export interface TaskDependency {
  readonly taskName: string;
  readonly registry: string;
  readonly repository: string;
  readonly tag: string | null;
  readonly digest: string | null;
  readonly type: 'Runtime' | 'BuildTime';
  readonly recordedAt: string;
  /** When the digest behind the tag was last compared (external registries are polled). */
  readonly checkedAt: string | null;
}
