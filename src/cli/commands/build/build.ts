import { readFile } from 'node:fs/promises';
import type { ApiQuickBuildRequest, ApiRun } from '../../../api/contract/runs.js';
import type { Readable } from 'node:stream';
import { fetchGitContext, packLocalContext } from '../../../sources/index.js';
import type { CommandSpec } from '../../command.js';
import { withClient, type ClientContext } from '../../client/client-context.js';
import { formatOutput, type FormatOptions } from '../../output/format.js';
import { ExitCode } from '../../run-cli.js';
import { COMMON_FLAGS } from '../repository/repository-options.js';
import { followRun, unsuccessfulMessage, waitForRun, type FollowRunOptions } from '../task/run-view.js';
import { parseBuild, type BuildOptions, type BuildSource } from './build-options.js';
import { progressReporter } from './upload-progress.js';

/** Timing knobs tests turn down; the CLI uses the defaults. */
export type BuildTiming = FollowRunOptions & { readonly now?: () => number };

type ContextPart = Pick<ApiQuickBuildRequest, 'contextId' | 'sourceLocation' | 'dockerfile' | 'dockerfileContent'>;

/** A local folder, or a `file://` repository cloned on this machine, as a tar stream. */
function packSource(source: Extract<BuildSource, { kind: 'local' | 'git-local' }>, signal: AbortSignal): Promise<Readable> {
  if (source.kind === 'git-local') return fetchGitContext(source.url, source.ref, source.subfolder, { dockerfile: source.dockerfile, signal });
  const external = source.externalDockerfile === undefined ? {} : { externalDockerfile: { path: source.externalDockerfile, name: source.dockerfile } };
  return packLocalContext(source.dir, { dockerfile: source.dockerfile, signal, ...external });
}

/**
 * Packs and streams a local folder (or file:// repository), passes a git or tarball URL on for
 * the server to fetch, or reads the Dockerfile for a build without context.
 */
async function prepareContext(source: BuildSource, ctx: ClientContext, timing: BuildTiming): Promise<ContextPart> {
  if (source.kind === 'none') {
    const content = source.dockerfilePath === '-' ? await ctx.stdin.readAll() : await readFile(source.dockerfilePath, 'utf8');
    return { contextId: null, dockerfileContent: content };
  }
  if (source.kind === 'remote') return { contextId: null, sourceLocation: source.location, dockerfile: source.dockerfile };
  const tar = await packSource(source, ctx.signal);
  const progress = progressReporter(ctx.io, timing.now ?? Date.now);
  const uploaded = await ctx.client.uploadContext(tar, ctx.signal, progress.update);
  progress.done(uploaded.sizeBytes);
  return { contextId: uploaded.contextId, dockerfile: source.dockerfile };
}

export function buildRequest(options: BuildOptions, context: ContextPart): ApiQuickBuildRequest {
  return {
    ...context,
    images: options.images,
    ...(options.buildArgs.length ? { buildArgs: options.buildArgs } : {}),
    ...(options.secretBuildArgs.length ? { secretBuildArgs: options.secretBuildArgs } : {}),
    ...(options.target === undefined ? {} : { target: options.target }),
    noPush: options.isPushDisabled,
    noCache: options.isCacheDisabled,
    platform: options.platform,
    timeoutSeconds: options.timeoutSeconds,
  };
}

/** Exit 0 only for Succeeded; otherwise az's "was unsuccessful" line on stderr and exit 1. */
export function finish(run: ApiRun, ctx: ClientContext): number {
  if (run.status === 'Succeeded') return ExitCode.ok;
  ctx.io.err(unsuccessfulMessage(run));
  return ExitCode.failure;
}

/** Ctrl-C while following stops following only: the run goes on, as with az. */
export async function followToEnd(runId: string, ctx: ClientContext, timing: BuildTiming): Promise<number> {
  try {
    return finish(await followRun(ctx, runId, timing), ctx);
  } catch (err) {
    if ((err as Error).name !== 'AbortError') throw err;
    ctx.io.err(`Stopped following run ${runId}; it keeps running. Follow it again with: slipway task logs --run-id ${runId}`);
    return ExitCode.cancelled;
  }
}

export async function runBuild(options: BuildOptions, ctx: ClientContext, timing: BuildTiming = {}): Promise<number> {
  if (options.images.length === 0 && !options.isWaitDisabled) ctx.io.err('warning: no -t/--image given; the image is built but not pushed');
  const context = await prepareContext(options.source, ctx, timing);
  const queued = await ctx.client.createRun(buildRequest(options, context), ctx.signal);
  return afterQueued(queued, { ...options, what: 'build' }, ctx, timing);
}

/** How a client waits for a run it queued (`build`, `run`, `task run`): `--no-wait`, `--no-logs`, or follow. */
export interface WaitChoice {
  readonly isWaitDisabled: boolean;
  readonly isLogsDisabled: boolean;
  readonly format: FormatOptions;
}

/**
 * What every command that queues a run does next: print its id; with `--no-wait` the queued
 * run; with `--no-logs` wait and print the finished run; else stream the log. The exit code is
 * the run's outcome.
 */
export async function afterQueued(queued: ApiRun, choice: WaitChoice & { readonly what: 'build' | 'run' }, ctx: ClientContext, timing: BuildTiming): Promise<number> {
  ctx.io.err(`Queued a ${choice.what} with ID: ${queued.runId}`);
  if (choice.isWaitDisabled) {
    ctx.io.out(formatOutput(queued, choice.format));
    return ExitCode.ok;
  }
  ctx.io.err('Waiting for an agent...');
  if (!choice.isLogsDisabled) return followToEnd(queued.runId, ctx, timing);
  const run = await waitForRun(ctx, queued.runId, timing);
  ctx.io.out(formatOutput(run, choice.format));
  return finish(run, ctx);
}

export const BUILD_FLAGS = {
  image: { type: 'string', short: 't', multiple: true, description: 'Image name REPO:TAG to push, repeatable; templated ({{.Run.ID}}, {{.Run.Date}}, $Registry). None: build without pushing' },
  file: { type: 'string', short: 'f', description: 'Dockerfile: for a folder, relative to the current folder and possibly outside it (default: CONTEXT/Dockerfile); for a git or tarball URL, relative to its root; "-" reads it from stdin with /dev/null' },
  'build-arg': { type: 'string', multiple: true, description: 'Build argument NAME=VALUE, repeatable; a bare NAME takes the local environment value or ""' },
  'secret-build-arg': { type: 'string', multiple: true, description: 'Secret build argument NAME[=VALUE], repeatable; never printed nor logged' },
  target: { type: 'string', description: 'Build stage to stop at (multi-stage Dockerfiles)' },
  'no-push': { type: 'boolean', description: 'Build only; do not push the images' },
  'no-cache': { type: 'boolean', description: 'Do not use the build cache' },
  'no-logs': { type: 'boolean', description: 'Do not stream the log: wait silently, then print the finished run' },
  'no-wait': { type: 'boolean', description: 'Print the queued run and return at once' },
  platform: { type: 'string', description: 'os/arch[/variant] (default linux/amd64)' },
  timeout: { type: 'string', description: 'Run timeout in seconds (default 3600, at most 28800)' },
  ...COMMON_FLAGS,
} as const;

export const buildCommand: CommandSpec = {
  path: ['build'],
  summary: 'Build an image from a context on the server (a quick task), push it and stream the log',
  usage: 'slipway build [-t IMAGE]... [-f DOCKERFILE] [--build-arg K[=V]]... [--secret-build-arg K[=V]]... [--target STAGE] [--no-push] [--no-cache] [--no-logs] [--no-wait] [--platform OS/ARCH] [--timeout SECONDS] CONTEXT',
  flags: BUILD_FLAGS,
  maxPositionals: 1,
  examples: [
    'slipway build -t hello:{{.Run.ID}} .',
    'slipway build -t app:v1 -t app:latest -f docker/app.Dockerfile --build-arg VERSION=1.2 .',
    'slipway build --no-logs -o json -t app:{{.Run.ID}} ./app',
    'slipway build -t tool:v1 -f - /dev/null < Dockerfile',
    'slipway build -t web:{{.Run.ID}} https://git.example.invalid/org/app.git#main:web',
    'slipway build -t app:v1 http://files.example.invalid/app-context.tar.gz',
  ],
  async run(input, io) {
    const options = parseBuild(input, { env: io.env, cwd: io.cwd });
    return withClient(input, io, (ctx) => runBuild(options, ctx));
  },
};
