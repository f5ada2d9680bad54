import { setTimeout as sleep } from 'node:timers/promises';
import { TERMINAL_RUN_STATUSES, type ApiRun } from '../../../api/contract/runs.js';
import type { ClientContext } from '../../client/client-context.js';
import { followLogs } from '../../client/log-follower.js';
import { formatOutput, type FormatOptions } from '../../output/format.js';
import { rawOut } from '../../output/io.js';

export function isTerminal(run: ApiRun): boolean {
  return TERMINAL_RUN_STATUSES.includes(run.status);
}

/** `2026-01-02T03:04:05.678Z` → `2026-01-02T03:04:05Z`, as az prints run times. */
function shortTime(iso: string | null): string {
  return iso === null ? '' : iso.replace(/\.\d+Z$/, 'Z');
}

/** HH:MM:SS from start to finish; empty while the run has not finished (az's DURATION column). */
export function runDuration(run: ApiRun): string {
  if (run.startTime === null || run.finishTime === null) return '';
  const total = Math.max(0, Math.round((Date.parse(run.finishTime) - Date.parse(run.startTime)) / 1000));
  const pad = (n: number): string => String(n).padStart(2, '0');
  return `${pad(Math.floor(total / 3600))}:${pad(Math.floor(total / 60) % 60)}:${pad(total % 60)}`;
}

/** The columns az prints for runs: RUN ID, TASK, PLATFORM, STATUS, TRIGGER, STARTED, DURATION. */
export function runRow(run: ApiRun): Record<string, string> {
  return {
    runId: run.runId,
    task: run.task ?? '',
    platform: run.platform.os,
    status: run.status,
    trigger: run.trigger,
    started: shortTime(run.startTime),
    duration: runDuration(run),
  };
}

/** JSON-like formats print the runs as the API returns them; a table without --query prints az's columns. */
export function formatRuns(data: ApiRun | readonly ApiRun[], format: FormatOptions): string {
  if (format.output !== 'table' || format.query !== undefined) return formatOutput(data, format);
  const runs: readonly ApiRun[] = Array.isArray(data) ? data : [data as ApiRun];
  return formatOutput(runs.map(runRow), format);
}

/** Whole seconds the run took (ACR's "after Xs"). */
export function runSeconds(run: ApiRun): number {
  if (run.durationMs !== null) return Math.round(run.durationMs / 1000);
  if (run.startTime === null || run.finishTime === null) return 0;
  return Math.max(0, Math.round((Date.parse(run.finishTime) - Date.parse(run.startTime)) / 1000));
}

/** `Run ID: ca1 was unsuccessful after 5s, status: Failed`, plus the run's error message. */
export function unsuccessfulMessage(run: ApiRun): string {
  const reason = run.runErrorMessage ? `\n${run.runErrorMessage}` : '';
  return `Run ID: ${run.runId} was unsuccessful after ${runSeconds(run)}s, status: ${run.status}${reason}`;
}

export interface WaitOptions {
  /** Longest wait between polls; the first ones are shorter (100 ms, doubling). @defaultValue 2000 */
  readonly intervalMs?: number;
}

/** Polls GET /runs/:id until the run reaches a terminal status: soon for quick runs, gently for long ones. */
export async function waitForRun(ctx: ClientContext, runId: string, options: WaitOptions = {}): Promise<ApiRun> {
  const maxMs = options.intervalMs ?? 2000;
  for (let attempt = 0; ; attempt++) {
    const run = await ctx.client.getRun(runId, ctx.signal);
    if (isTerminal(run)) return run;
    await sleep(Math.min(maxMs, 100 * 2 ** attempt), undefined, { signal: ctx.signal });
  }
}

export interface FollowRunOptions extends WaitOptions {
  /** Passed to the log follower (tests use 0). */
  readonly backoffMs?: (attempt: number) => number;
}

/**
 * Streams the run's log to stdout until the server ends it, then returns the run. Should the body
 * end while the run is still going (a server restart closing connections cleanly), it follows
 * again from the offset it reached, and falls back to polling after a few such rounds.
 */
export async function followRun(ctx: ClientContext, runId: string, options: FollowRunOptions = {}): Promise<ApiRun> {
  const output = rawOut(ctx.io);
  let offset = 0;
  for (let round = 0; round < 3; round++) {
    ({ offset } = await followLogs(ctx.client, { runId, output, signal: ctx.signal, offset, ...(options.backoffMs ? { backoffMs: options.backoffMs } : {}) }));
    const run = await ctx.client.getRun(runId, ctx.signal);
    if (isTerminal(run)) return run;
  }
  return waitForRun(ctx, runId, options);
}
