import type { ImageDescriptor, JsonObject, JsonValue, RunRecord, RunStepRecord, RunTrigger, RunType } from '../queue/run-queue.js';
import type { RunStatus } from './run-state.js';

/** ACR's Platform object; `os` uses ACR's spelling (`Linux`, `Windows`). */
export interface RunPlatformView {
  readonly os: string;
  readonly architecture: string;
  readonly variant: string | null;
}

/**
 * A run as the API and `-o json` show it: ACR's Run field names (az-acr-surface §2.5), then
 * Slipway's extras. Built only from a RunRecord, which never holds secret values.
 */
export interface RunView {
  readonly runId: string;
  readonly name: string;
  readonly status: RunStatus;
  readonly runType: RunType;
  readonly task: string | null;
  readonly agentPoolName: string;
  readonly createTime: string;
  readonly startTime: string | null;
  readonly finishTime: string | null;
  readonly lastUpdatedTime: string;
  readonly outputImages: readonly ImageDescriptor[];
  readonly platform: RunPlatformView;
  readonly agentConfiguration: { readonly cpu: number };
  readonly sourceTrigger: JsonValue;
  readonly timerTrigger: JsonValue;
  readonly imageUpdateTrigger: JsonValue;
  readonly runErrorMessage: string | null;
  readonly isArchiveEnabled: false;
  readonly provisioningState: 'Succeeded';
  // Slipway extras.
  readonly trigger: RunTrigger;
  readonly errorCode: string | null;
  readonly attempts: number;
  readonly isCancelRequested: boolean;
  readonly billedSeconds: number | null;
  readonly cost: number | null;
  /** Time from creation to the first start; null until an agent took it. */
  readonly queuedMs: number | null;
  /** Time from the first start to the finish, null until finished. */
  readonly durationMs: number | null;
  readonly logSizeBytes: number | null;
  /** The git or tarball URL the context came from (credentials shown as `***`), else null. */
  readonly sourceLocation: string | null;
  /**
   * The images the build's FROM lines used (build args resolved), with the digests BuildKit
   * resolved; `type` is `Runtime` for the final stage's base, `BuildTime` for other stages
   * (ACR's dependency types). What base-image triggers watch.
   */
  readonly baseImages: readonly BaseImageView[];
  /** Multi-step runs: each step's status, times, exit code, images and base images; [] for builds. */
  readonly steps: readonly RunStepRecord[];
}

export interface BaseImageView {
  readonly registry: string;
  readonly repository: string;
  readonly tag: string | null;
  readonly digest: string | null;
  readonly type: 'Runtime' | 'BuildTime';
}

const OS_NAMES: Readonly<Record<string, string>> = { linux: 'Linux', windows: 'Windows' };

/** `linux/arm64/v8` → `{os: 'Linux', architecture: 'arm64', variant: 'v8'}`. */
export function platformView(platform: string): RunPlatformView {
  const [os = 'linux', architecture = 'amd64', variant] = platform.split('/');
  return { os: OS_NAMES[os.toLowerCase()] ?? os, architecture, variant: variant ?? null };
}

function msBetween(from: string | null, to: string | null): number | null {
  if (from === null || to === null) return null;
  return Date.parse(to) - Date.parse(from);
}

/** A trigger descriptor the run request carries (e.g. `sourceTrigger` for a commit), else null. */
function requestField(request: JsonObject, key: string, isApplicable: boolean): JsonValue {
  const value = request[key];
  return isApplicable && value !== undefined && value !== null && typeof value === 'object' ? value : null;
}

export function toRunView(run: RunRecord): RunView {
  const isSource = run.trigger === 'Commit' || run.trigger === 'PullRequest';
  return {
    runId: run.runId,
    name: run.runId,
    status: run.status,
    runType: run.runType,
    task: run.taskName,
    agentPoolName: run.pool,
    createTime: run.createTime,
    startTime: run.startTime,
    finishTime: run.finishTime,
    lastUpdatedTime: run.lastUpdatedTime,
    outputImages: run.outputImages.map(({ registry, repository, tag, digest }) => ({ registry, repository, tag, digest })),
    platform: platformView(run.platform),
    agentConfiguration: { cpu: run.agentCpu },
    sourceTrigger: requestField(run.request, 'sourceTrigger', isSource),
    timerTrigger: requestField(run.request, 'timerTrigger', run.trigger === 'Timer'),
    imageUpdateTrigger: requestField(run.request, 'imageUpdateTrigger', run.trigger === 'ImageUpdate'),
    runErrorMessage: run.runErrorMessage,
    isArchiveEnabled: false,
    provisioningState: 'Succeeded',
    trigger: run.trigger,
    errorCode: run.errorCode,
    attempts: run.attempts,
    isCancelRequested: run.isCancelRequested,
    billedSeconds: run.billedSeconds,
    cost: run.cost,
    queuedMs: msBetween(run.createTime, run.startTime),
    durationMs: msBetween(run.startTime, run.finishTime),
    logSizeBytes: run.logSizeBytes,
    sourceLocation: typeof run.request['sourceLocation'] === 'string' ? run.request['sourceLocation'] : null,
    steps: run.steps,
    baseImages: run.baseImages.map(({ registry, repository, tag, digest, isRuntime }) => ({ registry, repository, tag, digest, type: isRuntime ? 'Runtime' : 'BuildTime' })),
  };
}
