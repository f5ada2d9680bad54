import type { ApiTaskStatus, ApiTimerRequest, ApiTimerUpdateRequest } from '../../../api/contract/tasks.js';
import type { CommandInput, CommandSpec } from '../../command.js';
import { flagString } from '../../command.js';
import { withClient, type ClientContext } from '../../client/client-context.js';
import { formatOutput, type FormatOptions } from '../../output/format.js';
import { ExitCode, usageError } from '../../run-cli.js';
import { COMMON_FLAGS, parseFormat } from '../repository/repository-options.js';
import { boolFlag, formatTasks, requiredName } from './task-options.js';

/** `task timer add|update|remove|list` (az acr task timer …): named 5-field UTC cron timers. */

export type TimerAction =
  | { readonly kind: 'add'; readonly request: ApiTimerRequest }
  | { readonly kind: 'update'; readonly timer: string; readonly request: ApiTimerUpdateRequest }
  | { readonly kind: 'remove'; readonly timer: string }
  | { readonly kind: 'list' };

export interface TimerOptions {
  readonly name: string;
  readonly action: TimerAction;
  readonly format: FormatOptions;
}

function status(input: CommandInput): { status?: ApiTaskStatus } {
  const enabled = boolFlag(input, 'enabled');
  return enabled === undefined ? {} : { status: enabled ? 'Enabled' : 'Disabled' };
}

function timerName(input: CommandInput): string {
  const timer = flagString(input, 'timer-name');
  if (timer === undefined || timer === '') throw usageError('--timer-name is required');
  return timer;
}

export function parseTimer(input: CommandInput, kind: TimerAction['kind']): TimerOptions {
  const base = { name: requiredName(input), format: parseFormat(input) };
  const schedule = flagString(input, 'schedule');
  switch (kind) {
    case 'add': {
      if (schedule === undefined) throw usageError('--schedule is required: a 5-field cron expression in UTC, e.g. "0 2 * * *"');
      const timer = flagString(input, 'timer-name');
      return { ...base, action: { kind, request: { schedule, ...(timer === undefined ? {} : { name: timer }), ...status(input) } } };
    }
    case 'update': {
      const request = { ...(schedule === undefined ? {} : { schedule }), ...status(input) };
      if (Object.keys(request).length === 0) throw usageError('nothing to update: pass --schedule and/or --enabled');
      return { ...base, action: { kind, timer: timerName(input), request } };
    }
    case 'remove':
      return { ...base, action: { kind, timer: timerName(input) } };
    case 'list':
      return { ...base, action: { kind } };
  }
}

export async function runTimer(options: TimerOptions, ctx: ClientContext): Promise<number> {
  const { name, action } = options;
  if (action.kind === 'list') {
    ctx.io.out(formatOutput((await ctx.client.listTimers(name, ctx.signal)).timerTriggers, options.format));
    return ExitCode.ok;
  }
  const task =
    action.kind === 'add'
      ? await ctx.client.addTimer(name, action.request, ctx.signal)
      : action.kind === 'update'
        ? await ctx.client.updateTimer(name, action.timer, action.request, ctx.signal)
        : await ctx.client.removeTimer(name, action.timer, ctx.signal);
  ctx.io.out(formatTasks(task, options.format));
  return ExitCode.ok;
}

const NAME_FLAG = { name: { type: 'string', short: 'n', description: 'The task name (required)' } } as const;
const TIMER_NAME = { 'timer-name': { type: 'string', description: 'The timer name' } } as const;
const SCHEDULE = { schedule: { type: 'string', description: 'A 5-field cron expression in UTC (minute hour day-of-month month day-of-week), e.g. "0 2 * * MON-FRI"' } } as const;
const ENABLED = { enabled: { type: 'string', description: 'true|false: whether the timer fires (default true on add)' } } as const;

function command(kind: TimerAction['kind'], spec: Omit<CommandSpec, 'path' | 'run'>): CommandSpec {
  return {
    ...spec,
    path: ['task', 'timer', kind],
    async run(input, io) {
      const options = parseTimer(input, kind);
      return withClient(input, io, (ctx) => runTimer(options, ctx));
    },
  };
}

export const taskTimerAddCommand = command('add', {
  summary: 'Add a timer to a task (unnamed: the next free t1, t2…)',
  usage: 'slipway task timer add -n NAME [--timer-name TIMER] --schedule CRON [--enabled true|false]',
  flags: { ...NAME_FLAG, ...TIMER_NAME, ...SCHEDULE, ...ENABLED, ...COMMON_FLAGS },
  examples: ['slipway task timer add -n nightly --timer-name t2 --schedule "30 1 * * *"'],
});

export const taskTimerUpdateCommand = command('update', {
  summary: "Change a timer's schedule or turn it on or off",
  usage: 'slipway task timer update -n NAME --timer-name TIMER [--schedule CRON] [--enabled true|false]',
  flags: { ...NAME_FLAG, ...TIMER_NAME, ...SCHEDULE, ...ENABLED, ...COMMON_FLAGS },
  examples: ['slipway task timer update -n nightly --timer-name t1 --enabled false'],
});

export const taskTimerRemoveCommand = command('remove', {
  summary: 'Remove a timer from a task',
  usage: 'slipway task timer remove -n NAME --timer-name TIMER',
  flags: { ...NAME_FLAG, ...TIMER_NAME, ...COMMON_FLAGS },
  examples: ['slipway task timer remove -n nightly --timer-name t2'],
});

export const taskTimerListCommand = command('list', {
  summary: "List a task's timers",
  usage: 'slipway task timer list -n NAME [-o FORMAT] [--query JMESPATH]',
  flags: { ...NAME_FLAG, ...COMMON_FLAGS },
  examples: ['slipway task timer list -n nightly -o table'],
});
