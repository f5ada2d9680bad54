import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { ApiNameValue } from '../../../api/contract/runs.js';
import type { ApiTask, ApiTaskSettings, ApiTaskStepFields } from '../../../api/contract/tasks.js';
import { isAppError } from '../../../core/errors/index.js';
import { parseContextSpec, type ContextSpec } from '../../../sources/index.js';
import { taskFileForCmd, withDefaultVersion } from '../../../tasks/quick-run.js';
import type { CommandInput, FlagSpec } from '../../command.js';
import { flagBool, flagString } from '../../command.js';
import type { ClientContext } from '../../client/client-context.js';
import { formatOutput, type FormatOptions } from '../../output/format.js';
import { usageError } from '../../run-cli.js';
import { parseNameValues, parsePlatform, parseTimeout, type ParseEnv } from '../build/build-options.js';
import { COMMON_FLAGS } from '../repository/repository-options.js';

/** Flags and parsing shared by `task create` and `task update` (az's names and defaults). */

export function list(input: CommandInput, name: string): string[] {
  const value = input.flags[name];
  return Array.isArray(value) ? value : typeof value === 'string' ? [value] : [];
}

export function requiredName(input: CommandInput): string {
  const name = flagString(input, 'name');
  if (name === undefined || name === '') throw usageError('--name (-n) is required: the task name');
  return name;
}

/** `--set NAME=VALUE`: split on the first `=`; a bare NAME is "" (no environment fallback, as in az). */
export function pairs(items: readonly string[], flag: string): ApiNameValue[] {
  return items.map((item) => {
    const eq = item.indexOf('=');
    const name = eq === -1 ? item : item.slice(0, eq);
    if (name === '') throw usageError(`--${flag} needs a name: NAME=VALUE`);
    return { name, value: eq === -1 ? '' : item.slice(eq + 1) };
  });
}

/** az's three-state booleans: `--flag true|false`; undefined when not given. */
export function boolFlag(input: CommandInput, name: string): boolean | undefined {
  const text = flagString(input, name);
  if (text === undefined) return undefined;
  if (/^(true|yes|1)$/i.test(text)) return true;
  if (/^(false|no|0)$/i.test(text)) return false;
  throw usageError(`--${name} must be true or false, not "${text}"`);
}

function choice<T extends string>(input: CommandInput, name: string, allowed: readonly T[]): T | undefined {
  const text = flagString(input, name);
  if (text === undefined) return undefined;
  const found = allowed.find((a) => a.toLowerCase() === text.toLowerCase());
  if (found === undefined) throw usageError(`--${name} must be one of ${allowed.join(', ')}, not "${text}"`);
  return found;
}

/** Where the step's files come from: the server fetches a URL; with /dev/null the CLI reads the task file here. */
export type StepSource =
  | { readonly kind: 'none'; readonly taskFile: { readonly path: string } | { readonly cmd: string }; readonly valuesPath: string | undefined }
  | { readonly kind: 'remote'; readonly contextPath: string; readonly file: string | undefined; readonly valuesFilePath: string | undefined }
  /** update without -c: what -f and --values mean depends on the saved step (read then). */
  | {
      readonly kind: 'unchanged';
      readonly file: string | undefined;
      readonly cmd: string | undefined;
      readonly values: string | undefined;
      /** -f and --values resolved here, for a saved task without context. */
      readonly localFile: string | undefined;
      readonly localValues: string | undefined;
    };

function spec(context: string): ContextSpec {
  try {
    return parseContextSpec(context);
  } catch (err) {
    throw isAppError(err) ? usageError(err.message) : err;
  }
}

/**
 * ACR sends the context to the service verbatim and never uploads a folder at create: the
 * service fetches it at every run. A folder on this machine cannot be fetched later (and an
 * uploaded context is deleted when its run ends), so it is refused with what to use instead.
 */
export function parseStepSource(input: CommandInput, where: ParseEnv, isRequired: boolean): StepSource {
  const context = flagString(input, 'context');
  const file = flagString(input, 'file');
  const cmd = flagString(input, 'cmd');
  const values = flagString(input, 'values');
  if (cmd !== undefined && file !== undefined) throw usageError('--cmd and -f cannot be combined');
  if (context === undefined) {
    if (isRequired) throw usageError('--context (-c) is required: a git URL (…/repo.git#branch:folder), a tarball URL, or /dev/null with -f or --cmd');
    const local = (path: string | undefined): string | undefined => (path === undefined || path === '-' ? path : resolve(where.cwd, path));
    return { kind: 'unchanged', file, cmd, values, localFile: local(file), localValues: local(values) };
  }
  const s = spec(context);
  if (s.kind === 'local') {
    throw usageError(`a task's context is fetched by the server at every run, so a local folder ("${context}") cannot be used: push it to a git repository and pass its URL (…/repo.git#branch:folder), pass a tarball URL, or use /dev/null with -f; to run a folder once, use \`slipway task run -c ${context}\` or \`slipway build\``);
  }
  if (s.kind === 'none') {
    if (cmd !== undefined) return { kind: 'none', taskFile: { cmd }, valuesPath: values === undefined ? undefined : resolve(where.cwd, values) };
    if (file === undefined) throw usageError('with /dev/null, pass the task file with -f FILE or -f - (stdin), or a command with --cmd');
    return { kind: 'none', taskFile: { path: file === '-' ? '-' : resolve(where.cwd, file) }, valuesPath: values === undefined ? undefined : resolve(where.cwd, values) };
  }
  if (cmd !== undefined) throw usageError('--cmd needs /dev/null as the context');
  if (file === '-') throw usageError('-f - (task file from stdin) needs /dev/null as the context');
  if (file === undefined && isRequired) throw usageError('with a context, -f is required: the Dockerfile (a Docker build task) or the .yaml task file (a multi-step task) inside it');
  return { kind: 'remote', contextPath: context, file, valuesFilePath: values };
}

export interface TaskStepOptions {
  readonly source: StepSource;
  readonly images: readonly string[] | undefined;
  readonly isPushDisabled: boolean | undefined;
  readonly isCacheDisabled: boolean | undefined;
  readonly target: string | undefined;
  readonly args: readonly ApiNameValue[] | undefined;
  readonly secretArgs: readonly ApiNameValue[] | undefined;
  readonly values: readonly ApiNameValue[] | undefined;
  readonly secretValues: readonly ApiNameValue[] | undefined;
  readonly gitAccessToken: string | undefined;
  readonly timeoutSeconds: number | undefined;
}

/** A repeatable flag: undefined when absent (update leaves it alone), else its items. */
function many<T>(input: CommandInput, name: string, parse: (items: string[]) => T[]): T[] | undefined {
  return input.flags[name] === undefined ? undefined : parse(list(input, name));
}

export function parseStepOptions(input: CommandInput, where: ParseEnv, isCreate: boolean): TaskStepOptions {
  const timeout = flagString(input, 'timeout');
  return {
    source: parseStepSource(input, where, isCreate),
    images: many(input, 'image', (items) => items),
    isPushDisabled: input.flags['no-push'] === undefined ? undefined : flagBool(input, 'no-push'),
    isCacheDisabled: input.flags['no-cache'] === undefined ? undefined : flagBool(input, 'no-cache'),
    target: flagString(input, 'target'),
    args: many(input, 'arg', (items) => parseNameValues(items, 'arg', where.env)),
    secretArgs: many(input, 'secret-arg', (items) => parseNameValues(items, 'secret-arg', where.env)),
    values: many(input, 'set', (items) => pairs(items, 'set')),
    secretValues: many(input, 'set-secret', (items) => pairs(items, 'set-secret')),
    gitAccessToken: flagString(input, 'git-access-token'),
    timeoutSeconds: timeout === undefined ? undefined : parseTimeout(timeout),
  };
}

/** `--source-poll-interval SECONDS`; `0` turns polling off (null). */
function pollInterval(text: string | undefined): number | null | undefined {
  if (text === undefined) return undefined;
  if (!/^\d+$/.test(text)) throw usageError(`--source-poll-interval must be a whole number of seconds (0 turns polling off), not "${text}"`);
  return Number(text) === 0 ? null : Number(text);
}

export function parseSettings(input: CommandInput): ApiTaskSettings {
  const platform = flagString(input, 'platform');
  const cpu = flagString(input, 'cpu');
  if (cpu !== undefined && !/^[1-9]\d?$/.test(cpu)) throw usageError(`--cpu must be a whole number of CPUs, not "${cpu}"`);
  const settings: Record<string, unknown> = {
    status: choice(input, 'status', ['Enabled', 'Disabled'] as const),
    platform: platform === undefined ? undefined : parsePlatform(platform),
    cpu: cpu === undefined ? undefined : Number(cpu),
    timeout: flagString(input, 'timeout') === undefined ? undefined : parseTimeout(flagString(input, 'timeout')),
    agentPoolName: flagString(input, 'agent-pool'),
    commitTriggerEnabled: boolFlag(input, 'commit-trigger-enabled'),
    pullRequestTriggerEnabled: boolFlag(input, 'pull-request-trigger-enabled'),
    baseImageTriggerEnabled: boolFlag(input, 'base-image-trigger-enabled'),
    baseImageTriggerType: choice(input, 'base-image-trigger-type', ['All', 'Runtime'] as const),
    allowForks: boolFlag(input, 'pull-request-forks-enabled'),
    pollIntervalSeconds: pollInterval(flagString(input, 'source-poll-interval')),
  };
  return Object.fromEntries(Object.entries(settings).filter(([, v]) => v !== undefined)) as ApiTaskSettings;
}

async function readLocal(path: string, ctx: ClientContext): Promise<string> {
  return path === '-' ? ctx.stdin.readAll() : readFile(path, 'utf8');
}

/** The task file text for /dev/null: a local file (version added as az does) or one made from --cmd. */
async function encodedFields(taskFile: { readonly path: string } | { readonly cmd: string }, valuesPath: string | undefined, options: TaskStepOptions, ctx: ClientContext): Promise<ApiTaskStepFields> {
  const text = 'cmd' in taskFile ? taskFileForCmd(taskFile.cmd, options.timeoutSeconds) : withDefaultVersion(await readLocal(taskFile.path, ctx));
  return { taskFile: text, ...(valuesPath === undefined ? {} : { valuesFile: await readFile(valuesPath, 'utf8') }) };
}

/** The step part of a create or update request; for `unchanged` (update without -c) the saved step decides. */
export async function stepFields(options: TaskStepOptions, ctx: ClientContext, saved?: () => Promise<ApiTask>): Promise<ApiTaskStepFields> {
  const source = options.source;
  const fields: Record<string, unknown> = {
    imageNames: options.images,
    isPushEnabled: options.isPushDisabled === undefined ? undefined : !options.isPushDisabled,
    noCache: options.isCacheDisabled,
    target: options.target,
    arguments: options.args,
    secretArguments: options.secretArgs,
    values: options.values,
    secretValues: options.secretValues,
    gitAccessToken: options.gitAccessToken,
  };
  if (source.kind === 'none') Object.assign(fields, { contextPath: null }, await encodedFields(source.taskFile, source.valuesPath, options, ctx));
  if (source.kind === 'remote') Object.assign(fields, { contextPath: source.contextPath, file: source.file, valuesFilePath: source.valuesFilePath });
  if (source.kind === 'unchanged' && (source.file !== undefined || source.cmd !== undefined || source.values !== undefined)) {
    const isEncoded = saved !== undefined && (await saved()).step.type === 'EncodedTask';
    if (isEncoded) {
      const taskFile = source.cmd !== undefined ? { cmd: source.cmd } : source.localFile !== undefined ? { path: source.localFile } : undefined;
      if (taskFile !== undefined) Object.assign(fields, await encodedFields(taskFile, source.localValues, options, ctx));
      else if (source.localValues !== undefined) fields['valuesFile'] = await readFile(source.localValues, 'utf8');
    } else {
      if (source.cmd !== undefined) throw usageError('--cmd is for tasks without a context (/dev/null)');
      Object.assign(fields, { file: source.file, valuesFilePath: source.values });
    }
  }
  return Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined)) as ApiTaskStepFields;
}

/** az's task table: NAME, PLATFORM, STATUS, SOURCE REPOSITORY, TRIGGERS (the enabled ones, sorted). */
export function taskRow(task: ApiTask): Record<string, string> {
  const triggers: string[] = [];
  if (task.trigger.baseImageTrigger?.status === 'Enabled') triggers.push('BASE_IMAGE');
  if (task.trigger.sourceTriggers.some((t) => t.status === 'Enabled')) triggers.push('SOURCE');
  if (task.trigger.timerTriggers.some((t) => t.status === 'Enabled')) triggers.push('TIMER');
  return { name: task.name, platform: task.platform.os, status: task.status, sourceRepository: task.step.contextPath ?? '', triggers: triggers.join(', ') };
}

export function formatTasks(data: ApiTask | readonly ApiTask[], format: FormatOptions): string {
  if (format.output !== 'table' || format.query !== undefined) return formatOutput(data, format);
  const tasks: readonly ApiTask[] = Array.isArray(data) ? data : [data as ApiTask];
  return formatOutput(tasks.map(taskRow), format);
}

/** The step and settings flags `task create` and `task update` share. */
export const TASK_DEFINITION_FLAGS = {
  name: { type: 'string', short: 'n', description: 'The task name: 5 to 50 letters, digits, "-" or "_" (required)' },
  context: { type: 'string', short: 'c', description: 'A git URL (…/repo.git#branch:folder) or tarball URL the server fetches at every run, or /dev/null for none' },
  file: { type: 'string', short: 'f', description: 'With a context: the Dockerfile (a build task) or a .yaml task file (a multi-step task) inside it. With /dev/null: a local task file, or "-" for stdin' },
  cmd: { type: 'string', description: 'One container command instead of a task file (with /dev/null)' },
  image: { type: 'string', short: 't', multiple: true, description: 'Image name REPO:TAG to build and push (Docker step), repeatable; templated ({{.Run.ID}})' },
  'no-push': { type: 'boolean', description: 'Build only; do not push (Docker step)' },
  'no-cache': { type: 'boolean', description: 'Do not use the build cache (Docker step)' },
  target: { type: 'string', description: 'Build stage to stop at (Docker step)' },
  arg: { type: 'string', multiple: true, description: 'Build argument NAME=VALUE, repeatable; a bare NAME takes the local environment value' },
  'secret-arg': { type: 'string', multiple: true, description: 'Secret build argument NAME[=VALUE], repeatable; stored apart, never shown' },
  set: { type: 'string', multiple: true, description: 'A value NAME=VALUE for {{.Values.NAME}} (task file), repeatable' },
  'set-secret': { type: 'string', multiple: true, description: 'A secret value NAME=VALUE (task file), repeatable; stored apart, never shown' },
  values: { type: 'string', description: 'A values file: inside the context, or a local file with /dev/null' },
  platform: { type: 'string', description: 'os/arch[/variant] (default linux/amd64)' },
  cpu: { type: 'string', description: 'CPUs for the run (default 2)' },
  timeout: { type: 'string', description: 'Run timeout in seconds (default 3600, at most 28800)' },
  status: { type: 'string', description: 'Enabled (default) or Disabled: a Disabled task runs only by hand' },
  'agent-pool': { type: 'string', description: 'The agent pool that runs the task' },
  'git-access-token': { type: 'string', description: 'A token to fetch a private git context; stored apart, never shown' },
  'commit-trigger-enabled': { type: 'string', description: 'true|false: run on every push to the branch (default true with a git context)' },
  'pull-request-trigger-enabled': { type: 'string', description: 'true|false: run on pull requests (default false)' },
  'base-image-trigger-enabled': { type: 'string', description: 'true|false: run when a base image is updated (default true)' },
  'base-image-trigger-type': { type: 'string', description: 'All or Runtime (default): which base images trigger a run' },
  'pull-request-forks-enabled': { type: 'string', description: 'true|false: also run pull requests from forks (default false: their code would run with the task\'s secrets)' },
  'source-poll-interval': { type: 'string', description: 'Poll the git context with git ls-remote every SECONDS for new commits, for a git server that sends no webhooks (0: off, the default)' },
  ...COMMON_FLAGS,
} as const satisfies Record<string, FlagSpec>;
