/**
 * /api/v1 contract for contexts, runs and run logs: the server implements it, the CLI uses it.
 * Run JSON uses ACR's Run field names (see src/tasks/run-view.ts, which must satisfy ApiRun).
 *
 * POST /api/v1/contexts                      body: a tar (or tar+gzip) stream; 201 ApiContext
 * POST /api/v1/runs                          body: ApiQuickBuildRequest, or ApiQuickRunRequest
 *                                            (runType "QuickRun"); 201 ApiRun (status Queued)
 * GET  /api/v1/runs?top=&status=&image=&task=  200 { runs: ApiRun[] }, newest first (task: a saved task's runs)
 * GET  /api/v1/runs/:runId                   200 ApiRun; 404 RUN_NOT_FOUND
 * POST /api/v1/runs/:runId/cancel            202 ApiRun; 409 RUN_STATE_INVALID when already finished
 * GET  /api/v1/runs/:runId/logs?offset=N&follow=true
 *      200 text/plain; charset=utf-8, the log bytes from `offset` (default 0). Header
 *      `X-Log-Offset` is the offset the body starts at. Without follow, the body ends at the
 *      current end of the log; with follow, it streams new lines as the run writes them and ends
 *      when the run has finished and every byte was sent. A client that reconnects passes the
 *      offset it reached. Secrets never appear: the agent redacts them before storing.
 */

export interface ApiContext {
  readonly contextId: string;
  readonly sizeBytes: number;
  /** sha256 of the uploaded bytes. */
  readonly digest: string;
}

export interface ApiNameValue {
  readonly name: string;
  readonly value: string;
}

/** `slipway build`: a quick build (ACR's DockerBuildRequest). */
export interface ApiQuickBuildRequest {
  /** From POST /api/v1/contexts; null for a build without context (`/dev/null`). */
  readonly contextId: string | null;
  /**
   * A git URL (`https://host/repo.git#ref:subfolder`, `git@host:repo.git`, `git://`, `ssh://`, and
   * `file://` when the server allows it) or an http(s) tarball URL, fetched by the agent when the
   * run starts; instead of contextId. Credentials in it are kept secret and shown as `***`.
   */
  readonly sourceLocation?: string;
  /** Dockerfile path inside the context. @defaultValue 'Dockerfile' */
  readonly dockerfile?: string;
  /** The Dockerfile itself, for a build without context. */
  readonly dockerfileContent?: string;
  /** `-t` values (none: built, not pushed, as ACR does); templated server-side (`{{.Run.ID}}`, `{{.Run.Date}}`, `{{.Run.Registry}}`, `$Registry`, `$ID`). */
  readonly images: readonly string[];
  readonly buildArgs?: readonly ApiNameValue[];
  /** Never echoed back nor logged. */
  readonly secretBuildArgs?: readonly ApiNameValue[];
  readonly target?: string;
  readonly noPush?: boolean;
  readonly noCache?: boolean;
  /** `os/arch[/variant]`. @defaultValue 'linux/amd64' */
  readonly platform?: string;
  /** @defaultValue 3600 (ACR's), at most 28800 */
  readonly timeoutSeconds?: number;
}

/** `slipway run`: a multi-step task file (ACR's FileTaskRunRequest / EncodedTaskRunRequest). */
export interface ApiQuickRunRequest {
  readonly runType: 'QuickRun';
  /** An uploaded context; or sourceLocation; or neither (then taskFile is required). */
  readonly contextId?: string | null;
  /** A git or tarball URL the agent fetches (see ApiQuickBuildRequest). */
  readonly sourceLocation?: string;
  /** The task file's text (a local file with `/dev/null`, or one made from `--cmd`). */
  readonly taskFile?: string;
  /** The task file inside the context when taskFile is absent. @defaultValue 'acb.yaml' */
  readonly taskFilePath?: string;
  /** A values file's text, or its path inside the context. */
  readonly valuesFile?: string;
  readonly valuesFilePath?: string;
  /** `--set NAME=VALUE`, exposed as `{{.Values.NAME}}`. */
  readonly values?: readonly ApiNameValue[];
  /** `--set-secret NAME=VALUE`: like values, never stored with the request nor logged. */
  readonly secretValues?: readonly ApiNameValue[];
  /** @defaultValue 'linux/amd64' */
  readonly platform?: string;
  /** The whole run. @defaultValue 3600, at most 28800 */
  readonly timeoutSeconds?: number;
}

export interface ApiImageDescriptor {
  readonly registry: string;
  readonly repository: string;
  readonly tag: string | null;
  readonly digest: string | null;
}

export type ApiRunStatus = 'Queued' | 'Started' | 'Running' | 'Succeeded' | 'Failed' | 'Canceled' | 'Error' | 'Timeout';

export interface ApiRun {
  readonly runId: string;
  readonly name: string;
  readonly status: ApiRunStatus;
  readonly runType: string;
  readonly task: string | null;
  readonly agentPoolName: string;
  readonly createTime: string;
  readonly startTime: string | null;
  readonly finishTime: string | null;
  readonly lastUpdatedTime: string;
  readonly outputImages: readonly ApiImageDescriptor[];
  readonly platform: { readonly os: string; readonly architecture: string; readonly variant: string | null };
  readonly runErrorMessage: string | null;
  readonly trigger: string;
  readonly errorCode: string | null;
  readonly billedSeconds: number | null;
  readonly cost: number | null;
  readonly queuedMs: number | null;
  readonly durationMs: number | null;
  /** The git or tarball URL of the context, credentials as `***`; null for an upload or none. */
  readonly sourceLocation: string | null;
  /** FROM images with their resolved digests; `Runtime` for the final stage's base. */
  readonly baseImages: readonly (ApiImageDescriptor & { readonly type: 'Runtime' | 'BuildTime' })[];
  /** Multi-step runs: every step, in file order; [] for quick builds. */
  readonly steps: readonly ApiRunStep[];
}

export interface ApiRunStep {
  readonly id: string;
  readonly type: 'build' | 'push' | 'cmd';
  readonly status: 'Skipped' | 'Running' | 'Succeeded' | 'Failed';
  readonly startTime: string | null;
  readonly finishTime: string | null;
  readonly exitCode: number | null;
  readonly attempts: number;
  readonly errorMessage: string | null;
  readonly images: readonly ApiImageDescriptor[];
  readonly baseImages: readonly (ApiImageDescriptor & { readonly isRuntime: boolean })[];
}

export const TERMINAL_RUN_STATUSES: readonly ApiRunStatus[] = ['Succeeded', 'Failed', 'Canceled', 'Error', 'Timeout'];
