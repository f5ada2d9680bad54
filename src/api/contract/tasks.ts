/**
 * /api/v1 contract for saved tasks (`slipway task create|show|list|update|delete|run`, `task timer …`,
 * `task credential …`): the server implements it, the CLI uses it. Task JSON uses ACR's Task field
 * names (az-acr-surface §2.2–2.4); secrets are never shown.
 *
 * POST   /api/v1/tasks                              body ApiTaskCreateRequest; 201 ApiTaskCreated (the webhook secret, once)
 * GET    /api/v1/tasks                              200 { tasks: ApiTask[] }, by name
 * GET    /api/v1/tasks/:name                        200 ApiTask; 404 TASK_NOT_FOUND
 * PATCH  /api/v1/tasks/:name                        body ApiTaskUpdateRequest (only the fields given change); 200 ApiTask
 * DELETE /api/v1/tasks/:name                        204; 404 TASK_NOT_FOUND
 * POST   /api/v1/tasks/:name/runs                   body ApiTaskRunRequest (overrides); 201 ApiRun (trigger Manual)
 * GET    /api/v1/tasks/:name/timers                 200 { timerTriggers: ApiTimerTrigger[] }
 * POST   /api/v1/tasks/:name/timers                 body ApiTimerRequest; 201 ApiTask
 * PATCH  /api/v1/tasks/:name/timers/:timer          body ApiTimerUpdateRequest; 200 ApiTask
 * DELETE /api/v1/tasks/:name/timers/:timer          200 ApiTask
 * GET    /api/v1/tasks/:name/credentials            200 ApiTaskCredentials
 * POST   /api/v1/tasks/:name/credentials            body ApiCredentialRequest; 201 ApiTaskCredentials
 * PATCH  /api/v1/tasks/:name/credentials/:server    body ApiCredentialUpdateRequest; 200 ApiTaskCredentials
 * DELETE /api/v1/tasks/:name/credentials/:server    200 ApiTaskCredentials
 *
 * Errors: TASK_INVALID (400, `detail.field` names the field), TASKFILE_INVALID (400, an
 * EncodedTask's YAML, every problem in `detail.problems`), TASK_EXISTS (409), TASK_NOT_FOUND (404;
 * also an unknown timer or login server, named in `detail`), SOURCE_INVALID / SOURCE_NOT_ALLOWED
 * for a context URL.
 */

import type { ApiNameValue } from './runs.js';

export type ApiTaskStatus = 'Enabled' | 'Disabled';

/** An argument or value; a secret one shows `value: null`. */
export interface ApiTaskArgument {
  readonly name: string;
  readonly value: string | null;
  readonly isSecret: boolean;
}

export interface ApiBaseImageDependency {
  readonly type: 'RunTime' | 'BuildTime';
  readonly registry: string;
  readonly repository: string;
  readonly tag: string | null;
  readonly digest: string | null;
}

export interface ApiDockerStep {
  readonly type: 'Docker';
  readonly contextPath: string | null;
  readonly dockerFilePath: string;
  readonly imageNames: readonly string[];
  readonly isPushEnabled: boolean;
  readonly noCache: boolean;
  readonly target: string | null;
  readonly arguments: readonly ApiTaskArgument[];
  readonly baseImageDependencies: readonly ApiBaseImageDependency[];
}

export interface ApiFileTaskStep {
  readonly type: 'FileTask';
  readonly contextPath: string;
  readonly taskFilePath: string;
  readonly valuesFilePath: string | null;
  readonly values: readonly ApiTaskArgument[];
  readonly baseImageDependencies: readonly ApiBaseImageDependency[];
}

export interface ApiEncodedTaskStep {
  readonly type: 'EncodedTask';
  readonly contextPath: null;
  /** base64 of the task file, as ACR shows it. */
  readonly encodedTaskContent: string;
  /** base64 of the values file, or null. */
  readonly encodedValuesContent: string | null;
  readonly values: readonly ApiTaskArgument[];
  readonly baseImageDependencies: readonly ApiBaseImageDependency[];
}

export type ApiTaskStep = ApiDockerStep | ApiFileTaskStep | ApiEncodedTaskStep;

export interface ApiSourceTrigger {
  readonly name: string;
  /** `sourceControlType` is always `Git` in Slipway (ACR's provider names do not apply). */
  readonly sourceRepository: { readonly sourceControlType: 'Git'; readonly repositoryUrl: string; readonly branch: string };
  readonly sourceTriggerEvents: readonly ('commit' | 'pullrequest')[];
  readonly status: ApiTaskStatus;
  /** Slipway: pull requests from forks run only when true. */
  readonly allowForks: boolean;
  /** Slipway: poll with `git ls-remote` every N seconds; null for webhooks only. */
  readonly pollIntervalSeconds: number | null;
}

export interface ApiBaseImageTrigger {
  readonly name: string;
  readonly baseImageTriggerType: 'All' | 'Runtime';
  readonly status: ApiTaskStatus;
}

export interface ApiTimerTrigger {
  readonly name: string;
  /** Five-field cron, UTC. */
  readonly schedule: string;
  readonly status: ApiTaskStatus;
}

export interface ApiCustomRegistryCredential {
  readonly userName: string | null;
  readonly identity: string | null;
}

export interface ApiTaskCredentials {
  readonly customRegistries: Readonly<Record<string, ApiCustomRegistryCredential>>;
}

export interface ApiTask {
  readonly name: string;
  readonly status: ApiTaskStatus;
  readonly platform: { readonly os: string; readonly architecture: string; readonly variant: string | null };
  readonly agentConfiguration: { readonly cpu: number };
  readonly agentPoolName: string | null;
  /** Seconds. */
  readonly timeout: number;
  readonly step: ApiTaskStep;
  readonly trigger: {
    readonly sourceTriggers: readonly ApiSourceTrigger[];
    readonly baseImageTrigger: ApiBaseImageTrigger | null;
    readonly timerTriggers: readonly ApiTimerTrigger[];
  };
  readonly credentials: ApiTaskCredentials;
  readonly identity: { readonly type: 'SystemAssigned' | 'UserAssigned'; readonly userAssignedIdentities?: Readonly<Record<string, object>> } | null;
  readonly creationDate: string;
  readonly lastUpdatedTime: string;
  readonly provisioningState: 'Succeeded';
}

/** The create response: the task, plus the key its webhooks are signed with (shown this once). */
export interface ApiTaskCreated extends ApiTask {
  readonly webhookSecret: string;
}

/** A timer given at create (`--schedule [NAME:]CRON`); unnamed ones become `t1`, `t2`… by position. */
export interface ApiTimerRequest {
  readonly name?: string;
  readonly schedule: string;
  /** @defaultValue 'Enabled' */
  readonly status?: ApiTaskStatus;
}

export interface ApiTimerUpdateRequest {
  readonly schedule?: string;
  readonly status?: ApiTaskStatus;
}

/**
 * What a task runs. The step type follows ACR: no context (`contextPath` null or `/dev/null`)
 * makes an EncodedTask from `taskFile`; with a context, a `file` ending in .yaml/.yml (and ACR's
 * other task extensions) makes a FileTask, any other `file` a Docker step.
 */
export interface ApiTaskStepFields {
  /** A git URL (`…/repo.git#ref:folder`) or a tarball URL the server fetches at every run; null or `/dev/null` for none. */
  readonly contextPath?: string | null;
  /** Dockerfile or task file, inside the context. */
  readonly file?: string;
  /** The task file's text (EncodedTask: a local `-f` file or `--cmd`). */
  readonly taskFile?: string;
  /** A values file's text (EncodedTask) … */
  readonly valuesFile?: string | null;
  /** … or its path inside the context (FileTask). */
  readonly valuesFilePath?: string | null;
  readonly imageNames?: readonly string[];
  /** @defaultValue true */
  readonly isPushEnabled?: boolean;
  readonly noCache?: boolean;
  readonly target?: string | null;
  readonly arguments?: readonly ApiNameValue[];
  readonly secretArguments?: readonly ApiNameValue[];
  readonly values?: readonly ApiNameValue[];
  readonly secretValues?: readonly ApiNameValue[];
  /** Used to fetch the context; never shown. null clears it (update). */
  readonly gitAccessToken?: string | null;
}

export interface ApiTaskSettings {
  readonly status?: ApiTaskStatus;
  /** `os/arch[/variant]`. @defaultValue 'linux/amd64' */
  readonly platform?: string;
  /** @defaultValue 2 */
  readonly cpu?: number;
  /** Seconds, 1..28800. @defaultValue 3600 */
  readonly timeout?: number;
  readonly agentPoolName?: string | null;
  /** @defaultValue true for a git context, else false */
  readonly commitTriggerEnabled?: boolean;
  /** @defaultValue false */
  readonly pullRequestTriggerEnabled?: boolean;
  readonly allowForks?: boolean;
  readonly pollIntervalSeconds?: number | null;
  /** @defaultValue true */
  readonly baseImageTriggerEnabled?: boolean;
  /** @defaultValue 'Runtime' */
  readonly baseImageTriggerType?: 'All' | 'Runtime';
}

export interface ApiTaskCreateRequest extends ApiTaskStepFields, ApiTaskSettings {
  /** `^[a-zA-Z0-9-_]*$`, 5..50 characters (ACR's rule). */
  readonly name: string;
  /** @defaultValue 'defaultSourceTriggerName' */
  readonly sourceTriggerName?: string;
  /** @defaultValue 'defaultBaseimageTriggerName' */
  readonly baseImageTriggerName?: string;
  readonly timers?: readonly ApiTimerRequest[];
  /** `system`, or a user-assigned identity id (`--assign-identity`). */
  readonly identity?: string | null;
}

/** PATCH: only the fields given change; timers are left alone (use the timer routes). */
export type ApiTaskUpdateRequest = ApiTaskStepFields & ApiTaskSettings;

/** `task run` overrides: a context (an uploaded one, or a URL), the file, values and arguments. */
export interface ApiTaskRunRequest {
  readonly contextId?: string;
  readonly contextPath?: string;
  readonly file?: string;
  readonly values?: readonly ApiNameValue[];
  readonly secretValues?: readonly ApiNameValue[];
  readonly arguments?: readonly ApiNameValue[];
  readonly secretArguments?: readonly ApiNameValue[];
  readonly target?: string;
}

export interface ApiCredentialRequest {
  /** `host[:port]` of the other registry. */
  readonly loginServer: string;
  readonly username?: string;
  /** Never shown. */
  readonly password?: string;
  /** `system` or a client id. */
  readonly identity?: string;
}

export interface ApiCredentialUpdateRequest {
  readonly username?: string | null;
  readonly password?: string | null;
  readonly identity?: string | null;
}

export interface ApiTaskList {
  readonly tasks: readonly ApiTask[];
}

/** GET /api/v1/tasks/:name/dependencies: the base images the task's base-image trigger tracks (ACR's BaseImageDependency, plus when). */
export interface ApiTaskDependencies {
  readonly dependencies: readonly {
    readonly type: 'RunTime' | 'BuildTime';
    readonly registry: string;
    readonly repository: string;
    readonly tag: string | null;
    readonly digest: string | null;
    /** When the successful run that recorded it finished. */
    readonly recordedAt: string;
    /** When the digest behind the tag was last compared (bases in other registries are polled). */
    readonly checkedAt: string | null;
  }[];
}
