import type { ApiTriggerEvent, ApiTriggerEventList } from '../../../api/contract/trigger-events.js';
import type { CommandInput, CommandSpec } from '../../command.js';
import { flagString } from '../../command.js';
import { ApiClient } from '../../client/api-client.js';
import { withClient, type ClientContext } from '../../client/client-context.js';
import { formatOutput, parseOutputFormat, type FormatOptions } from '../../output/format.js';
import { ExitCode, usageError } from '../../run-cli.js';
import { COMMON_FLAGS, parseTop } from '../repository/repository-options.js';

/** How many events explain-trigger shows unless --top says otherwise. */
export const DEFAULT_EVENTS_TOP = 20;

export interface ExplainTriggerOptions {
  readonly name: string;
  readonly top: number;
  readonly format: FormatOptions;
}

/** The trigger-events call; kept beside its only command (move into ApiClient when more task calls land there). */
export class TriggerEventsClient extends ApiClient {
  triggerEvents(name: string, top: number, signal: AbortSignal): Promise<ApiTriggerEventList> {
    return this.json('GET', `/tasks/${encodeURIComponent(name)}/trigger-events?top=${top}`, signal);
  }
}

export function parseExplainTrigger(input: CommandInput): ExplainTriggerOptions {
  const name = flagString(input, 'name');
  if (name === undefined || name === '') throw usageError('--name (-n) is required');
  const query = flagString(input, 'query');
  // A table by default: this command is read by people; -o json gives the events as the API has them.
  const output = flagString(input, 'output') === undefined && query === undefined ? 'table' : parseOutputFormat(flagString(input, 'output'));
  return { name, top: parseTop(input) ?? DEFAULT_EVENTS_TOP, format: { output, ...(query === undefined ? {} : { query }) } };
}

/** One row: TIME, KIND, OUTCOME, RUN, REASON. */
export function eventRow(event: ApiTriggerEvent): Record<string, string> {
  return { time: event.receivedAt.replace(/\.\d+Z$/, 'Z'), kind: event.kind, outcome: event.outcome, run: event.runId ?? '', reason: event.reason };
}

export function formatTriggerEvents(events: readonly ApiTriggerEvent[], format: FormatOptions): string {
  if (format.output !== 'table' || format.query !== undefined) return formatOutput(events, format);
  return formatOutput(events.map(eventRow), format);
}

/** Prints what the task's triggers saw, newest first: why it ran, why it did not. */
export async function runExplainTrigger(options: ExplainTriggerOptions, ctx: ClientContext): Promise<number> {
  const client = new TriggerEventsClient(ctx.client.options);
  const { events } = await client.triggerEvents(options.name, options.top, ctx.signal);
  if (events.length === 0 && options.format.output === 'table' && options.format.query === undefined) {
    ctx.io.err(`No trigger events recorded for task ${options.name} yet.`);
    return ExitCode.ok;
  }
  ctx.io.out(formatTriggerEvents(events, options.format));
  return ExitCode.ok;
}

export const taskExplainTriggerCommand: CommandSpec = {
  path: ['task', 'explain-trigger'],
  summary: "Explain why a task ran or did not: the last events its triggers saw (webhooks, polling, timers, base images)",
  usage: 'slipway task explain-trigger -n NAME [--top N] [-o FORMAT] [--query JMESPATH]',
  flags: {
    name: { type: 'string', short: 'n', description: 'The task name (required)' },
    top: { type: 'string', description: `Show at most N events, newest first (default ${DEFAULT_EVENTS_TOP})` },
    ...COMMON_FLAGS,
    output: { ...COMMON_FLAGS.output, description: 'Output format: table (default), json, tsv or yaml' },
  },
  examples: ['slipway task explain-trigger -n app', 'slipway task explain-trigger -n app --top 5 -o json', "slipway task explain-trigger -n app --query \"[?outcome=='rejected'].reason\""],
  async run(input, io) {
    const options = parseExplainTrigger(input);
    return withClient(input, io, (ctx) => runExplainTrigger(options, ctx));
  },
};
