import { AppError, Errors } from '../core/errors/index.js';

/**
 * The run state machine: which status may follow which. ACR's RunStatus values, minus
 * `Started` (Slipway moves a run straight from Queued to Running when an agent leases it).
 *
 *   Queued ──lease──▶ Running ──▶ Succeeded | Failed | Canceled | Error | Timeout
 *     │                  │
 *     └──cancel──▶ Canceled   └──retryable failure or expired lease with attempts left──▶ Queued
 *
 * A terminal status is final: nothing moves a run out of it.
 */

export const RunStatus = {
  Queued: 'Queued',
  Running: 'Running',
  Succeeded: 'Succeeded',
  Failed: 'Failed',
  Canceled: 'Canceled',
  Error: 'Error',
  Timeout: 'Timeout',
} as const;
export type RunStatus = (typeof RunStatus)[keyof typeof RunStatus];

/** The statuses an agent may report when it finishes a run it holds. */
export type RunOutcomeStatus = 'Succeeded' | 'Failed' | 'Canceled' | 'Timeout';

export type TerminalRunStatus = Exclude<RunStatus, 'Queued' | 'Running'>;

const NEXT: Readonly<Record<RunStatus, readonly RunStatus[]>> = {
  Queued: ['Running', 'Canceled'],
  Running: ['Succeeded', 'Failed', 'Canceled', 'Error', 'Timeout', 'Queued'],
  Succeeded: [],
  Failed: [],
  Canceled: [],
  Error: [],
  Timeout: [],
};

export function isRunStatus(value: unknown): value is RunStatus {
  return typeof value === 'string' && Object.hasOwn(NEXT, value);
}

export function isTerminalStatus(status: RunStatus): status is TerminalRunStatus {
  return NEXT[status].length === 0;
}

export function canTransition(from: RunStatus, to: RunStatus): boolean {
  return NEXT[from].includes(to);
}

/** The statuses that may follow `from` (empty for a terminal status). */
export function nextStatuses(from: RunStatus): readonly RunStatus[] {
  return NEXT[from];
}

/** Statuses from which a run can move to `to`; the queue puts them in its UPDATE's WHERE. */
export function statusesLeadingTo(to: RunStatus): RunStatus[] {
  return (Object.keys(NEXT) as RunStatus[]).filter((from) => canTransition(from, to));
}

/** Throws RUN_STATE_INVALID unless `to` may follow `from`. */
export function assertTransition(runId: string, from: RunStatus, to: RunStatus): void {
  if (canTransition(from, to)) return;
  throw new AppError(Errors.RUN_STATE_INVALID, {
    message: `run ${runId} cannot go from ${from} to ${to}`,
    detail: { runId, from, to },
  });
}
