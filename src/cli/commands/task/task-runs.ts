import type { ApiRunStatus } from '../../../api/contract/runs.js';
import type { CommandInput, CommandSpec } from '../../command.js';
import { flagString } from '../../command.js';
import { CLIENT_FLAGS, withClient, type ClientContext } from '../../client/client-context.js';
import type { RunFilter } from '../../client/api-client.js';
import type { FormatOptions } from '../../output/format.js';
import { ExitCode, usageError } from '../../run-cli.js';
import { COMMON_FLAGS, parseFormat, parseTop } from '../repository/repository-options.js';
import { formatRuns, followRun } from './run-view.js';

const RUN_STATUSES: readonly ApiRunStatus[] = ['Queued', 'Started', 'Running', 'Succeeded', 'Failed', 'Canceled', 'Error', 'Timeout'];
/** az's default for `task list-runs --top`. */
export const DEFAULT_TOP = 15;

export interface ListRunsOptions {
  readonly filter: RunFilter;
  readonly format: FormatOptions;
}

export function parseRunStatus(text: string | undefined): ApiRunStatus | undefined {
  if (text === undefined) return undefined;
  const status = RUN_STATUSES.find((s) => s.toLowerCase() === text.toLowerCase());
  if (!status) throw usageError(`--run-status must be one of ${RUN_STATUSES.join(', ')}, not "${text}"`);
  return status;
}

export function parseListRuns(input: CommandInput): ListRunsOptions {
  const status = parseRunStatus(flagString(input, 'run-status'));
  const image = flagString(input, 'image');
  if (image !== undefined && !/^[^\s:@]+(:[\w][\w.-]*|@sha256:[a-f0-9]{64})$/.test(image)) throw usageError(`--image must be REPO:TAG or REPO@DIGEST, not "${image}"`);
  const task = flagString(input, 'name');
  const filter: RunFilter = { top: parseTop(input) ?? DEFAULT_TOP, ...(task === undefined ? {} : { task }), ...(status ? { status } : {}), ...(image === undefined ? {} : { image }) };
  return { filter, format: parseFormat(input) };
}

export async function runListRuns(options: ListRunsOptions, ctx: ClientContext): Promise<number> {
  const { runs } = await ctx.client.listRuns(options.filter, ctx.signal);
  ctx.io.out(formatRuns(runs, options.format));
  return ExitCode.ok;
}

export interface RunIdOptions {
  readonly runId: string;
  readonly format: FormatOptions;
}

export function parseRunId(input: CommandInput): RunIdOptions {
  const runId = flagString(input, 'run-id');
  if (runId === undefined || runId === '') throw usageError('--run-id is required');
  return { runId, format: parseFormat(input) };
}

export async function runShowRun(options: RunIdOptions, ctx: ClientContext): Promise<number> {
  ctx.io.out(formatRuns(await ctx.client.getRun(options.runId, ctx.signal), options.format));
  return ExitCode.ok;
}

/** Asks the server to cancel; the run's build stops there. A run that already finished is RUN_STATE_INVALID (exit 1). */
export async function runCancelRun(options: RunIdOptions, ctx: ClientContext): Promise<number> {
  ctx.io.out(formatRuns(await ctx.client.cancelRun(options.runId, ctx.signal), options.format));
  return ExitCode.ok;
}

const RUN_ID_FLAG = { 'run-id': { type: 'string', description: 'The run ID, e.g. ca1 (required)' } } as const;

export const taskListRunsCommand: CommandSpec = {
  path: ['task', 'list-runs'],
  summary: 'List runs, newest first',
  usage: 'slipway task list-runs [-n TASK] [--top N] [--run-status STATUS] [--image REPO:TAG] [-o FORMAT] [--query JMESPATH]',
  flags: {
    name: { type: 'string', short: 'n', description: 'Only runs of this saved task' },
    top: { type: 'string', description: `Return at most N runs (default ${DEFAULT_TOP})` },
    'run-status': { type: 'string', description: `Only runs with this status: ${RUN_STATUSES.join(', ')}` },
    image: { type: 'string', description: 'Only runs that produced this image, REPO:TAG or REPO@DIGEST' },
    ...COMMON_FLAGS,
  },
  examples: ['slipway task list-runs -o table', 'slipway task list-runs -n web-build --top 5', 'slipway task list-runs --run-status Failed --top 5', 'slipway task list-runs --image hello:ca1'],
  async run(input, io) {
    const options = parseListRuns(input);
    return withClient(input, io, (ctx) => runListRuns(options, ctx));
  },
};

export const taskShowRunCommand: CommandSpec = {
  path: ['task', 'show-run'],
  summary: 'Show one run',
  usage: 'slipway task show-run --run-id ID [-o FORMAT] [--query JMESPATH]',
  flags: { ...RUN_ID_FLAG, ...COMMON_FLAGS },
  examples: ['slipway task show-run --run-id ca1', 'slipway task show-run --run-id ca1 --query outputImages'],
  async run(input, io) {
    const options = parseRunId(input);
    return withClient(input, io, (ctx) => runShowRun(options, ctx));
  },
};

export const taskCancelRunCommand: CommandSpec = {
  path: ['task', 'cancel-run'],
  summary: 'Cancel a queued or running run (its build stops, its containers are removed)',
  usage: 'slipway task cancel-run --run-id ID [-o FORMAT] [--query JMESPATH]',
  flags: { ...RUN_ID_FLAG, ...COMMON_FLAGS },
  examples: ['slipway task cancel-run --run-id ca3'],
  async run(input, io) {
    const options = parseRunId(input);
    return withClient(input, io, (ctx) => runCancelRun(options, ctx));
  },
};

/** Replays a finished run's log or follows a running one; without --run-id, the newest run's. Never fails on the run's status. */
export async function runLogs(runId: string | undefined, ctx: ClientContext, filter: { task?: string; image?: string } = {}): Promise<number> {
  let id = runId;
  if (id === undefined) {
    const newest = (await ctx.client.listRuns({ top: 1, ...filter }, ctx.signal)).runs[0];
    if (!newest) {
      ctx.io.err('There are no runs yet.');
      return ExitCode.ok;
    }
    id = newest.runId;
    ctx.io.err(`Showing logs of the last created run...\nRun ID: ${id}`);
  }
  await followRun(ctx, id);
  return ExitCode.ok;
}

export const taskLogsCommand: CommandSpec = {
  path: ['task', 'logs'],
  summary: "Print a run's log: replay a finished run, follow a running one",
  usage: 'slipway task logs [--run-id ID | -n TASK | --image REPO:TAG]',
  flags: {
    'run-id': { type: 'string', description: 'The run ID (default: the newest run)' },
    name: { type: 'string', short: 'n', description: 'Without --run-id: the newest run of this task' },
    image: { type: 'string', description: 'Without --run-id: the newest run that pushed this image (REPO:TAG or REPO@DIGEST)' },
    ...CLIENT_FLAGS,
  },
  examples: ['slipway task logs --run-id ca1', 'slipway task logs', 'slipway task logs -n feed-index'],
  async run(input, io) {
    const runId = flagString(input, 'run-id');
    const task = flagString(input, 'name');
    const image = flagString(input, 'image');
    return withClient(input, io, (ctx) => runLogs(runId, ctx, { ...(task === undefined ? {} : { task }), ...(image === undefined ? {} : { image }) }));
  },
};
