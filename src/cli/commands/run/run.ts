import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { ApiNameValue, ApiQuickRunRequest } from '../../../api/contract/runs.js';
import { isAppError } from '../../../core/errors/index.js';
import { fetchGitContext, packLocalContext, parseContextSpec } from '../../../sources/index.js';
import { taskFileForCmd, withDefaultVersion } from '../../../tasks/quick-run.js';
import type { CommandInput, CommandSpec } from '../../command.js';
import { flagBool, flagString } from '../../command.js';
import { withClient, type ClientContext } from '../../client/client-context.js';
import type { FormatOptions } from '../../output/format.js';
import { usageError } from '../../run-cli.js';
import { COMMON_FLAGS, parseFormat } from '../repository/repository-options.js';
import { parsePlatform, parseTimeout, type ParseEnv } from '../build/build-options.js';
import { afterQueued, type BuildTiming } from '../build/build.js';
import { progressReporter } from '../build/upload-progress.js';

/** Where the task and its files come from. */
type RunSource =
  /** `/dev/null`: the task file is read here (or made from --cmd), the values file too. */
  | { readonly kind: 'none'; readonly taskFile: { readonly path: string } | { readonly cmd: string } }
  /** A folder or a file:// repository: packed and uploaded; -f and --values are paths inside it. */
  | { readonly kind: 'local'; readonly dir: string }
  | { readonly kind: 'git-local'; readonly url: string; readonly ref: string | null; readonly subfolder: string | null }
  /** A git or tarball URL the server fetches. */
  | { readonly kind: 'remote'; readonly location: string };

export interface RunOptions {
  readonly source: RunSource;
  /** Inside the context; ACR's default `acb.yaml`. */
  readonly taskFilePath: string;
  readonly valuesPath: string | undefined;
  readonly values: readonly ApiNameValue[];
  readonly secretValues: readonly ApiNameValue[];
  readonly platform: string;
  readonly timeoutSeconds: number | undefined;
  readonly isLogsDisabled: boolean;
  readonly isWaitDisabled: boolean;
  readonly format: FormatOptions;
}

function list(input: CommandInput, name: string): string[] {
  const value = input.flags[name];
  return Array.isArray(value) ? value : typeof value === 'string' ? [value] : [];
}

/** `--set NAME=VALUE`: split on the first `=`; a bare NAME is an empty value (no environment fallback, as in az). */
function pairs(items: readonly string[], flag: string): { name: string; value: string }[] {
  return items.map((item) => {
    const eq = item.indexOf('=');
    const name = eq === -1 ? item : item.slice(0, eq);
    if (name === '') throw usageError(`--${flag} needs a name: NAME=VALUE`);
    return { name, value: eq === -1 ? '' : item.slice(eq + 1) };
  });
}

function parseSource(contextArg: string | undefined, file: string | undefined, cmd: string | undefined, where: ParseEnv): RunSource {
  if (contextArg === undefined) throw usageError('the SOURCE_LOCATION argument is required: a folder, a git or tarball URL, or /dev/null');
  let spec;
  try {
    spec = parseContextSpec(contextArg);
  } catch (err) {
    throw isAppError(err) ? usageError(err.message) : err;
  }
  if (cmd !== undefined) {
    if (file !== undefined) throw usageError('--cmd and -f cannot be combined');
    if (spec.kind !== 'none') throw usageError('--cmd needs /dev/null as the SOURCE_LOCATION');
    return { kind: 'none', taskFile: { cmd } };
  }
  if (spec.kind === 'none') {
    if (file === undefined) throw usageError('with /dev/null, pass the task file with -f FILE or -f - (stdin), or a command with --cmd');
    return { kind: 'none', taskFile: { path: file === '-' ? '-' : resolve(where.cwd, file) } };
  }
  if (file === '-') throw usageError('-f - (task file from stdin) needs /dev/null as the SOURCE_LOCATION');
  if (spec.kind === 'local') return { kind: 'local', dir: resolve(where.cwd, spec.path) };
  if (spec.kind === 'git' && spec.url.toLowerCase().startsWith('file://')) return { kind: 'git-local', url: spec.url, ref: spec.ref, subfolder: spec.subfolder };
  return { kind: 'remote', location: contextArg };
}

export function parseRun(input: CommandInput, where: ParseEnv): RunOptions {
  if (input.positionals.length > 1) throw usageError(`unexpected argument "${input.positionals[1]}"`);
  const file = flagString(input, 'file');
  const timeout = flagString(input, 'timeout');
  const source = parseSource(input.positionals[0], file, flagString(input, 'cmd'), where);
  const values = flagString(input, 'values');
  return {
    source,
    taskFilePath: file ?? 'acb.yaml',
    // With /dev/null the values file is local; with a context it is a path inside it.
    valuesPath: values === undefined || source.kind !== 'none' ? values : resolve(where.cwd, values),
    values: pairs(list(input, 'set'), 'set'),
    secretValues: pairs(list(input, 'set-secret'), 'set-secret'),
    platform: parsePlatform(flagString(input, 'platform')),
    timeoutSeconds: timeout === undefined ? undefined : parseTimeout(timeout),
    isLogsDisabled: flagBool(input, 'no-logs'),
    isWaitDisabled: flagBool(input, 'no-wait'),
    format: parseFormat(input),
  };
}

type ContextPart = Pick<ApiQuickRunRequest, 'contextId' | 'sourceLocation' | 'taskFile' | 'taskFilePath' | 'valuesFile' | 'valuesFilePath'>;

async function prepare(options: RunOptions, ctx: ClientContext, timing: BuildTiming): Promise<ContextPart> {
  const { source } = options;
  if (source.kind === 'none') {
    const taskFile =
      'cmd' in source.taskFile
        ? taskFileForCmd(source.taskFile.cmd, options.timeoutSeconds)
        : withDefaultVersion(source.taskFile.path === '-' ? await ctx.stdin.readAll() : await readFile(source.taskFile.path, 'utf8'));
    const valuesFile = options.valuesPath === undefined ? {} : { valuesFile: await readFile(options.valuesPath, 'utf8') };
    return { contextId: null, taskFile, ...valuesFile };
  }
  const inContext = { taskFilePath: options.taskFilePath, ...(options.valuesPath === undefined ? {} : { valuesFilePath: options.valuesPath }) };
  if (source.kind === 'remote') return { contextId: null, sourceLocation: source.location, ...inContext };
  const tar =
    source.kind === 'git-local'
      ? await fetchGitContext(source.url, source.ref, source.subfolder, { dockerfile: null, signal: ctx.signal })
      : await packLocalContext(source.dir, { dockerfile: null, signal: ctx.signal });
  const progress = progressReporter(ctx.io, timing.now ?? Date.now);
  const uploaded = await ctx.client.uploadContext(tar, ctx.signal, progress.update);
  progress.done(uploaded.sizeBytes);
  return { contextId: uploaded.contextId, ...inContext };
}

export async function runQuickRun(options: RunOptions, ctx: ClientContext, timing: BuildTiming = {}): Promise<number> {
  const context = await prepare(options, ctx, timing);
  const request: ApiQuickRunRequest = {
    runType: 'QuickRun',
    ...context,
    ...(options.values.length ? { values: options.values } : {}),
    ...(options.secretValues.length ? { secretValues: options.secretValues } : {}),
    platform: options.platform,
    ...(options.timeoutSeconds === undefined ? {} : { timeoutSeconds: options.timeoutSeconds }),
  };
  const queued = await ctx.client.createRun(request, ctx.signal);
  return afterQueued(queued, { ...options, what: 'run' }, ctx, timing);
}

export const runCommand: CommandSpec = {
  path: ['run'],
  summary: 'Run a multi-step task file (or one command) on the server, as az acr run does, and stream its log',
  usage: 'slipway run [-f FILE | --cmd COMMAND] [--set K=V]... [--set-secret K=V]... [--values FILE] [--timeout SECONDS] [--platform OS/ARCH] [--no-logs] [--no-wait] SOURCE_LOCATION',
  flags: {
    file: { type: 'string', short: 'f', description: 'The task file: inside the context (default acb.yaml), or with /dev/null a local file or "-" for stdin' },
    cmd: { type: 'string', description: 'One container command (IMAGE ARGS...) instead of a task file; needs /dev/null' },
    set: { type: 'string', multiple: true, description: 'A value NAME=VALUE for {{.Values.NAME}}, repeatable' },
    'set-secret': { type: 'string', multiple: true, description: 'A secret value NAME=VALUE: like --set, never stored with the run nor logged; also what vault://NAME secrets resolve to' },
    values: { type: 'string', description: 'A YAML values file: inside the context, or with /dev/null a local file' },
    platform: { type: 'string', description: 'os/arch[/variant] (default linux/amd64)' },
    timeout: { type: 'string', description: 'Run timeout in seconds (default 3600, at most 28800)' },
    'no-logs': { type: 'boolean', description: 'Do not stream the log: wait silently, then print the finished run' },
    'no-wait': { type: 'boolean', description: 'Print the queued run and return at once' },
    ...COMMON_FLAGS,
  },
  maxPositionals: 1,
  examples: [
    'slipway run -f acb.yaml .',
    'slipway run -f build.yaml --set tag=v2 https://git.example.invalid/org/app.git#main',
    'slipway run -f task.yaml /dev/null',
    "slipway run --cmd '$Registry/tools/lint:1 --strict' /dev/null",
  ],
  async run(input, io) {
    const options = parseRun(input, { env: io.env, cwd: io.cwd });
    return withClient(input, io, (ctx) => runQuickRun(options, ctx));
  },
};
