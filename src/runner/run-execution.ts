import type { ContainerEngine } from '../engine/container-engine.js';
import { AppError, Errors, isAppError } from '../core/errors/index.js';
import type { RunFailure, RunOutcome } from '../queue/run-queue.js';
import type { ObjectStore } from '../registry/storage/object-store.js';
import { OPEN_SOURCE_POLICY, type SourcePolicy } from '../sources/index.js';
import type { SecretSource } from '../vault/index.js';
import type { LogSignals } from './log-signals.js';
import { fetchRemoteContext } from './remote-context.js';
import type { RunLog } from './run-log.js';

/*
 * What every kind of run shares while an agent executes it: the runner's options, the abort
 * control, the report to the queue, metering, and fetching a git or tarball context.
 */

/** The user name and password of a URL with credentials, redacted from the run's log. */
export function urlSecrets(location: string | null): string[] {
  if (location === null || !location.includes('@')) return [];
  try {
    const url = new URL(location);
    return [decodeURIComponent(url.password), url.password === '' ? decodeURIComponent(url.username) : ''].filter((v) => v.length >= 4);
  } catch {
    return [];
  }
}

export interface RunnerOptions {
  readonly engine: ContainerEngine;
  readonly objects: ObjectStore;
  /** Slipway's own registry, `host:port`, as the engine reaches it. */
  readonly registry: string;
  /** Slipway's registry as users name it (the host of `server.publicUrl`), when set. */
  readonly publicRegistry?: string;
  readonly pricePerSecond: number;
  /** A short-lived registry token with push and pull on exactly these repositories. */
  readonly pushToken: (runId: string, repositories: readonly string[], pullOnly?: readonly string[]) => string;
  /** Repositories of Slipway anyone may pull (the mirror namespace). @defaultValue none */
  readonly isAnonymousRepository?: (repository: string) => boolean;
  /** What a run may fetch as its context (config `sources`). @defaultValue everything, 1 GiB */
  readonly sources?: SourcePolicy;
  /** Told each time a run's log grows (log followers in this process wake up). */
  readonly logSignals?: LogSignals;
  /** Vault secrets, read with the run's identity. @defaultValue none: vault references fail the run */
  readonly secretSource?: SecretSource;
}

/** Why the agent aborted a run it holds. */
export type AbortCause = 'cancel' | 'timeout' | 'shutdown';

export interface RunControl {
  readonly signal: AbortSignal;
  /** The cause once `signal` fired. */
  cause(): AbortCause | undefined;
}

/** What the agent reports to the queue: `complete` with an outcome, or `fail`. */
export type RunReport = { readonly kind: 'complete'; readonly outcome: RunOutcome } | { readonly kind: 'fail'; readonly failure: RunFailure };

/** One run being executed, whatever its type: what `report` and `metering` need. */
export interface Execution<S extends { readonly timeoutSeconds: number } = { readonly timeoutSeconds: number }> {
  readonly options: RunnerOptions;
  readonly runId: string;
  readonly spec: S;
  readonly log: RunLog;
  readonly redact: (text: string) => string;
  readonly control: RunControl;
  readonly startedAt: number;
  /** The stored context tar: uploaded, or fetched from the run's sourceLocation; null for none. */
  contextId: string | null;
}

export function metering(x: Execution): { billedSeconds: number; cost: number; logSizeBytes: number } {
  const billedSeconds = Math.max(1, Math.ceil((Date.now() - x.startedAt) / 1000));
  return { billedSeconds, cost: Number((billedSeconds * x.options.pricePerSecond).toFixed(6)), logSizeBytes: x.log.sizeBytes };
}

const CAUSE_STATUS = { cancel: 'Canceled', timeout: 'Timeout' } as const;

/** Errors caused by what the user asked for (their Dockerfile, context or task file): the run is Failed, not Error. */
const FAILED_CODES: ReadonlySet<string> = new Set(
  [
    Errors.ENGINE_BUILD_FAILED,
    Errors.ENGINE_PUSH_FAILED,
    Errors.SOURCE_NOT_FOUND,
    Errors.SOURCE_INVALID,
    Errors.SOURCE_GIT_FAILED,
    Errors.SOURCE_DOCKERFILE_MISSING,
    Errors.SOURCE_NOT_ALLOWED,
    Errors.TASKFILE_INVALID,
    Errors.TASK_STEP_FAILED,
    Errors.TASK_SECRET_UNRESOLVED,
    Errors.SECRET_ACCESS_DENIED,
    Errors.SECRET_NOT_FOUND,
    Errors.VAULT_NOT_FOUND,
  ].map((e) => e.code),
);

/** Turns what the run threw into its outcome; every message goes through the redactor. */
export async function report(x: Execution, err: unknown): Promise<RunReport> {
  const cause = x.control.cause();
  const appError = isAppError(err) ? err : new AppError(Errors.UNKNOWN, { message: String((err as Error)?.message ?? err) });
  const message = x.redact(cause === 'timeout' ? `the run exceeded its timeout of ${x.spec.timeoutSeconds}s` : cause === 'cancel' ? 'the run was canceled' : appError.message);
  x.log.line(`run ${x.runId}: ${message}`);
  await x.log.close().catch(() => undefined);
  const results = metering(x);
  if (cause === 'cancel' || cause === 'timeout') return { kind: 'complete', outcome: { status: CAUSE_STATUS[cause], runErrorMessage: message, ...results } };
  if (cause === 'shutdown') return { kind: 'fail', failure: { isRetryable: true, errorCode: Errors.ENGINE_CANCELLED.code, runErrorMessage: 'the agent stopped before the run finished', ...results } };
  if (FAILED_CODES.has(appError.code)) {
    return { kind: 'complete', outcome: { status: 'Failed', errorCode: appError.code, runErrorMessage: message, ...results } };
  }
  return { kind: 'fail', failure: { isRetryable: false, errorCode: appError.code, runErrorMessage: message, ...results } };
}

/** Fetches a run's git or tarball context into the store; returns its context id. */
export async function fetchRunContext(x: Execution, location: string, dockerfile: string | null): Promise<string> {
  const fetched = await fetchRemoteContext(location, {
    objects: x.options.objects,
    policy: x.options.sources ?? OPEN_SOURCE_POLICY,
    dockerfile,
    signal: x.control.signal,
    log: (line) => x.log.line(line),
  });
  return fetched.contextId;
}


/** The run's registry tokens join its redactor as they are issued: no log line shows one. */
export function withRedactedTokens(options: RunnerOptions, redactor: { add(values: readonly string[]): void }): RunnerOptions {
  return {
    ...options,
    pushToken: (runId, repositories, pullOnly) => {
      const token = options.pushToken(runId, repositories, pullOnly);
      redactor.add([token]);
      return token;
    },
  };
}

