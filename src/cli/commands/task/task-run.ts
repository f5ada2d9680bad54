import { resolve } from 'node:path';
import type { ApiNameValue } from '../../../api/contract/runs.js';
import type { ApiTaskRunRequest } from '../../../api/contract/tasks.js';
import { isAppError } from '../../../core/errors/index.js';
import { fetchGitContext, packLocalContext, parseContextSpec } from '../../../sources/index.js';
import type { CommandInput, CommandSpec } from '../../command.js';
import { flagBool, flagString } from '../../command.js';
import { withClient, type ClientContext } from '../../client/client-context.js';
import type { FormatOptions } from '../../output/format.js';
import { usageError } from '../../run-cli.js';
import { parseNameValues, type ParseEnv } from '../build/build-options.js';
import { afterQueued, type BuildTiming } from '../build/build.js';
import { progressReporter } from '../build/upload-progress.js';
import { COMMON_FLAGS, parseFormat } from '../repository/repository-options.js';
import { list, pairs, requiredName } from './task-options.js';

/** `task run -n NAME`: a manual run of a saved task, with az's overrides, streamed like `slipway build`. */

/** An override context: a folder (packed and uploaded), a file:// repository (cloned here), or a URL for the server. */
export type RunContext =
  | { readonly kind: 'local'; readonly dir: string }
  | { readonly kind: 'git-local'; readonly url: string; readonly ref: string | null; readonly subfolder: string | null }
  | { readonly kind: 'remote'; readonly location: string };

export interface TaskRunOptions {
  readonly name: string;
  readonly context: RunContext | undefined;
  readonly file: string | undefined;
  readonly target: string | undefined;
  readonly values: readonly ApiNameValue[];
  readonly secretValues: readonly ApiNameValue[];
  readonly args: readonly ApiNameValue[];
  readonly secretArgs: readonly ApiNameValue[];
  readonly isLogsDisabled: boolean;
  readonly isWaitDisabled: boolean;
  readonly format: FormatOptions;
}

function parseRunContext(text: string | undefined, where: ParseEnv): RunContext | undefined {
  if (text === undefined) return undefined;
  let spec;
  try {
    spec = parseContextSpec(text);
  } catch (err) {
    throw isAppError(err) ? usageError(err.message) : err;
  }
  if (spec.kind === 'none') throw usageError('-c /dev/null cannot override a context: leave -c out to use the task\'s own');
  if (spec.kind === 'local') return { kind: 'local', dir: resolve(where.cwd, spec.path) };
  if (spec.kind === 'git' && spec.url.toLowerCase().startsWith('file://')) return { kind: 'git-local', url: spec.url, ref: spec.ref, subfolder: spec.subfolder };
  return { kind: 'remote', location: text };
}

export function parseTaskRun(input: CommandInput, where: ParseEnv): TaskRunOptions {
  return {
    name: requiredName(input),
    context: parseRunContext(flagString(input, 'context'), where),
    file: flagString(input, 'file'),
    target: flagString(input, 'target'),
    values: pairs(list(input, 'set'), 'set'),
    secretValues: pairs(list(input, 'set-secret'), 'set-secret'),
    args: parseNameValues(list(input, 'arg'), 'arg', where.env),
    secretArgs: parseNameValues(list(input, 'secret-arg'), 'secret-arg', where.env),
    isLogsDisabled: flagBool(input, 'no-logs'),
    isWaitDisabled: flagBool(input, 'no-wait'),
    format: parseFormat(input),
  };
}

/** A local override context is uploaded (az does the same for `task run -c .`); a URL is passed on. */
async function contextPart(context: RunContext | undefined, ctx: ClientContext, timing: BuildTiming): Promise<Pick<ApiTaskRunRequest, 'contextId' | 'contextPath'>> {
  if (context === undefined) return {};
  if (context.kind === 'remote') return { contextPath: context.location };
  const tar =
    context.kind === 'git-local'
      ? await fetchGitContext(context.url, context.ref, context.subfolder, { dockerfile: null, signal: ctx.signal })
      : await packLocalContext(context.dir, { dockerfile: null, signal: ctx.signal });
  const progress = progressReporter(ctx.io, timing.now ?? Date.now);
  const uploaded = await ctx.client.uploadContext(tar, ctx.signal, progress.update);
  progress.done(uploaded.sizeBytes);
  return { contextId: uploaded.contextId };
}

export function runRequest(options: TaskRunOptions, context: Pick<ApiTaskRunRequest, 'contextId' | 'contextPath'>): ApiTaskRunRequest {
  return {
    ...context,
    ...(options.file === undefined ? {} : { file: options.file }),
    ...(options.values.length ? { values: options.values } : {}),
    ...(options.secretValues.length ? { secretValues: options.secretValues } : {}),
    ...(options.args.length ? { arguments: options.args } : {}),
    ...(options.secretArgs.length ? { secretArguments: options.secretArgs } : {}),
    ...(options.target === undefined ? {} : { target: options.target }),
  };
}

export async function runTaskRun(options: TaskRunOptions, ctx: ClientContext, timing: BuildTiming = {}): Promise<number> {
  const context = await contextPart(options.context, ctx, timing);
  const queued = await ctx.client.runTask(options.name, runRequest(options, context), ctx.signal);
  return afterQueued(queued, { ...options, what: 'run' }, ctx, timing);
}

export const taskRunCommand: CommandSpec = {
  path: ['task', 'run'],
  summary: 'Run a saved task now (trigger Manual), with overrides, and stream its log',
  usage: 'slipway task run -n NAME [-c CONTEXT] [-f FILE] [--set K=V]... [--set-secret K=V]... [--arg K=V]... [--secret-arg K=V]... [--target STAGE] [--no-logs] [--no-wait]',
  flags: {
    name: { type: 'string', short: 'n', description: 'The task name (required)' },
    context: { type: 'string', short: 'c', description: "Instead of the task's context: a folder (uploaded), a git or tarball URL" },
    file: { type: 'string', short: 'f', description: "Instead of the task's Dockerfile or task file: a path inside the context" },
    set: { type: 'string', multiple: true, description: 'A value NAME=VALUE (task file), repeatable; wins over the saved one' },
    'set-secret': { type: 'string', multiple: true, description: 'A secret value NAME=VALUE, repeatable; never printed nor logged' },
    arg: { type: 'string', multiple: true, description: 'A build argument NAME=VALUE (Docker step), repeatable' },
    'secret-arg': { type: 'string', multiple: true, description: 'A secret build argument NAME[=VALUE], repeatable' },
    target: { type: 'string', description: 'Build stage to stop at (Docker step)' },
    'no-logs': { type: 'boolean', description: 'Do not stream the log: wait silently, then print the finished run' },
    'no-wait': { type: 'boolean', description: 'Print the queued run and return at once' },
    ...COMMON_FLAGS,
  },
  examples: ['slipway task run -n web-build', 'slipway task run -n nightly --set tag=v2 --no-wait -o json', 'slipway task run -n web-build -c . --arg MODE=debug'],
  async run(input, io) {
    const options = parseTaskRun(input, { env: io.env, cwd: io.cwd });
    return withClient(input, io, (ctx) => runTaskRun(options, ctx));
  },
};
