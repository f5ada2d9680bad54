import type { ApiTaskCreateRequest, ApiTaskSettings, ApiTimerRequest } from '../../../api/contract/tasks.js';
import type { CommandInput, CommandSpec } from '../../command.js';
import { flagBool, flagString } from '../../command.js';
import { withClient, type ClientContext } from '../../client/client-context.js';
import { formatOutput, type FormatOptions } from '../../output/format.js';
import { ExitCode, usageError } from '../../run-cli.js';
import type { ParseEnv } from '../build/build-options.js';
import { COMMON_FLAGS, parseFormat } from '../repository/repository-options.js';
import { formatTasks, list, parseSettings, parseStepOptions, requiredName, stepFields, TASK_DEFINITION_FLAGS, type TaskStepOptions } from './task-options.js';

/** `task create|show|list|update|delete` (az acr task …). */

export interface CreateOptions {
  readonly name: string;
  readonly step: TaskStepOptions;
  readonly settings: ApiTaskSettings;
  readonly timers: readonly ApiTimerRequest[];
  readonly identity: string | undefined;
  readonly sourceTriggerName: string | undefined;
  readonly baseImageTriggerName: string | undefined;
  readonly format: FormatOptions;
}

/** `--schedule CRON` or `--schedule NAME:CRON` (az's form); unnamed timers are named t1, t2… by the server. */
export function parseSchedules(items: readonly string[]): ApiTimerRequest[] {
  return items.map((item) => {
    const named = /^([A-Za-z0-9_-]+):(.*)$/.exec(item);
    if (named) return { name: named[1] as string, schedule: (named[2] as string).trim() };
    return { schedule: item.trim() };
  });
}

export function parseCreate(input: CommandInput, where: ParseEnv): CreateOptions {
  return {
    name: requiredName(input),
    step: parseStepOptions(input, where, true),
    settings: parseSettings(input),
    timers: parseSchedules(list(input, 'schedule')),
    identity: flagString(input, 'assign-identity'),
    sourceTriggerName: flagString(input, 'source-trigger-name'),
    baseImageTriggerName: flagString(input, 'base-image-trigger-name'),
    format: parseFormat(input),
  };
}

/** Creates the task, prints it, and shows the webhook secret and URL once on stderr. */
export async function runCreate(options: CreateOptions, ctx: ClientContext): Promise<number> {
  const request: ApiTaskCreateRequest = {
    name: options.name,
    ...(await stepFields(options.step, ctx)),
    ...options.settings,
    ...(options.timers.length ? { timers: options.timers } : {}),
    ...(options.identity === undefined ? {} : { identity: options.identity }),
    ...(options.sourceTriggerName === undefined ? {} : { sourceTriggerName: options.sourceTriggerName }),
    ...(options.baseImageTriggerName === undefined ? {} : { baseImageTriggerName: options.baseImageTriggerName }),
  };
  const { webhookSecret, ...task } = await ctx.client.createTask(request, ctx.signal);
  ctx.io.out(formatTasks(task, options.format));
  ctx.io.err(
    [
      `Webhook URL:    ${ctx.client.baseUrl}/api/v1/tasks/${encodeURIComponent(task.name)}/webhook`,
      `Webhook secret: ${webhookSecret}`,
      'The secret is shown only now: set it as the webhook secret in your git server to sign deliveries.',
    ].join('\n'),
  );
  return ExitCode.ok;
}

export interface NameOptions {
  readonly name: string;
  readonly format: FormatOptions;
}

export function parseName(input: CommandInput): NameOptions {
  return { name: requiredName(input), format: parseFormat(input) };
}

export interface UpdateOptions {
  readonly name: string;
  readonly step: TaskStepOptions;
  readonly settings: ApiTaskSettings;
  readonly format: FormatOptions;
}

export function parseUpdate(input: CommandInput, where: ParseEnv): UpdateOptions {
  return { name: requiredName(input), step: parseStepOptions(input, where, false), settings: parseSettings(input), format: parseFormat(input) };
}

/** PATCH with only the flags given; what -f and --values mean without -c depends on the saved step. */
export async function runUpdate(options: UpdateOptions, ctx: ClientContext): Promise<number> {
  const fields = await stepFields(options.step, ctx, () => ctx.client.getTask(options.name, ctx.signal));
  const request = { ...fields, ...options.settings };
  if (Object.keys(request).length === 0) throw usageError('nothing to update: pass at least one flag to change');
  ctx.io.out(formatTasks(await ctx.client.updateTask(options.name, request, ctx.signal), options.format));
  return ExitCode.ok;
}

export interface DeleteTaskOptions extends NameOptions {
  readonly isConfirmed: boolean;
}

/** Asks y/N on a TTY; without one, `--yes` is required (before any request). */
export async function runDeleteTask(options: DeleteTaskOptions, ctx: ClientContext): Promise<number> {
  if (!options.isConfirmed) {
    if (!ctx.stdin.isTty) throw usageError('refusing to delete without confirmation: stdin is not a terminal, pass --yes');
    const answer = await ctx.stdin.prompt(`Are you sure you want to delete the task '${options.name}'? (y/N): `);
    if (!/^y(es)?$/i.test(answer.trim())) {
      ctx.io.err('delete cancelled; nothing was changed');
      return ExitCode.cancelled;
    }
  }
  await ctx.client.deleteTask(options.name, ctx.signal);
  if (ctx.io.isTty) ctx.io.err(`Deleted task ${options.name}`);
  return ExitCode.ok;
}

const CREATE_ONLY_FLAGS = {
  schedule: { type: 'string', multiple: true, description: 'A timer: CRON or NAME:CRON, 5 fields in UTC, e.g. "0 2 * * *"; repeatable (unnamed: t1, t2…)' },
  'assign-identity': { type: 'string', description: 'An identity for the task: system, or a user-assigned identity id' },
  'source-trigger-name': { type: 'string', description: 'The source trigger name (default defaultSourceTriggerName)' },
  'base-image-trigger-name': { type: 'string', description: 'The base-image trigger name (default defaultBaseimageTriggerName)' },
} as const;

export const taskCreateCommand: CommandSpec = {
  path: ['task', 'create'],
  summary: 'Create a saved task: a build or multi-step task run by hand, on commits, on base-image updates or on timers',
  usage: 'slipway task create -n NAME -c CONTEXT -f FILE [-t IMAGE]... [--cmd COMMAND] [--arg K=V]... [--set K=V]... [--schedule [NAME:]CRON]... [--commit-trigger-enabled true|false] [...]',
  flags: { ...TASK_DEFINITION_FLAGS, ...CREATE_ONLY_FLAGS },
  examples: [
    'slipway task create -n web-build -c https://git.example.invalid/org/app.git#main:web -f Dockerfile -t web:{{.Run.ID}}',
    'slipway task create -n nightly -c /dev/null -f nightly.yaml --schedule "0 2 * * *" --commit-trigger-enabled false',
    "slipway task create -n lint-all -c /dev/null --cmd '$Registry/tools/lint:1 --strict' --schedule weekdays:'0 6 * * MON-FRI'",
  ],
  async run(input, io) {
    const options = parseCreate(input, { env: io.env, cwd: io.cwd });
    return withClient(input, io, (ctx) => runCreate(options, ctx));
  },
};

export const taskShowCommand: CommandSpec = {
  path: ['task', 'show'],
  summary: 'Show a saved task (secrets are never shown)',
  usage: 'slipway task show -n NAME [--dependencies] [-o FORMAT] [--query JMESPATH]',
  flags: {
    name: TASK_DEFINITION_FLAGS.name,
    dependencies: { type: 'boolean', description: "List the base images the task's base-image trigger tracks, with their digests and when they were last checked" },
    ...COMMON_FLAGS,
  },
  examples: ['slipway task show -n web-build', 'slipway task show -n web-build --query trigger.timerTriggers -o table', 'slipway task show -n web-build --dependencies -o table'],
  async run(input, io) {
    const options = parseName(input);
    return withClient(input, io, async (ctx) => {
      if (flagBool(input, 'dependencies')) {
        const { dependencies } = await ctx.client.getTaskDependencies(options.name, ctx.signal);
        ctx.io.out(formatOutput(dependencies, options.format));
        return ExitCode.ok;
      }
      ctx.io.out(formatTasks(await ctx.client.getTask(options.name, ctx.signal), options.format));
      return ExitCode.ok;
    });
  },
};

export const taskListCommand: CommandSpec = {
  path: ['task', 'list'],
  summary: 'List saved tasks',
  usage: 'slipway task list [-o FORMAT] [--query JMESPATH]',
  flags: COMMON_FLAGS,
  examples: ['slipway task list -o table', 'slipway task list --query "[?status==\'Disabled\'].name" -o tsv'],
  async run(input, io) {
    const format = parseFormat(input);
    return withClient(input, io, async (ctx) => {
      ctx.io.out(formatTasks((await ctx.client.listTasks(ctx.signal)).tasks, format));
      return ExitCode.ok;
    });
  },
};

export const taskUpdateCommand: CommandSpec = {
  path: ['task', 'update'],
  summary: 'Change a saved task: only the flags given change (timers: slipway task timer)',
  usage: 'slipway task update -n NAME [-c CONTEXT] [-f FILE] [-t IMAGE]... [--status Enabled|Disabled] [--commit-trigger-enabled true|false] [...]',
  flags: TASK_DEFINITION_FLAGS,
  examples: ['slipway task update -n web-build --status Disabled', 'slipway task update -n web-build --pull-request-trigger-enabled true', 'slipway task update -n nightly -f nightly.yaml'],
  async run(input, io) {
    const options = parseUpdate(input, { env: io.env, cwd: io.cwd });
    return withClient(input, io, (ctx) => runUpdate(options, ctx));
  },
};

export const taskDeleteCommand: CommandSpec = {
  path: ['task', 'delete'],
  summary: 'Delete a saved task (its runs stay)',
  usage: 'slipway task delete -n NAME [--yes]',
  flags: { name: TASK_DEFINITION_FLAGS.name, yes: { type: 'boolean', short: 'y', description: 'Do not ask for confirmation (required when stdin is not a terminal)' }, ...COMMON_FLAGS },
  examples: ['slipway task delete -n web-build --yes'],
  async run(input, io) {
    const options = { ...parseName(input), isConfirmed: flagBool(input, 'yes') };
    return withClient(input, io, (ctx) => runDeleteTask(options, ctx));
  },
};

/** Printing shared by timer and credential commands. */
export function printData(ctx: ClientContext, data: unknown, format: FormatOptions): number {
  ctx.io.out(formatOutput(data, format));
  return ExitCode.ok;
}
