import { Readable } from 'node:stream';
import { AppError, Errors, isAppError } from '../core/errors/index.js';
import type { BaseImageRecord, ImageDescriptor, LeasedRun, RunOutcome } from '../queue/run-queue.js';
import { StorageLayout } from '../registry/storage/layout.js';
import { writeTar } from '../registry/seed/index.js';
import { quickBuildFromJson, registryCredentialsFromJson, secretsFromJson, type QuickBuildSpec, type RegistryCredential } from '../tasks/quick-build.js';
import { digestFromRepoDigests, parseBaseImages } from './base-images.js';
import { readContextFile } from './context-file.js';
import { resolveImageName, type TargetImage } from './image-names.js';
import { SecretRedactor } from './redactor.js';
import { resolveRunSecrets } from './run-secrets.js';
import { RunLog } from './run-log.js';
import { pullPrivateBases } from './base-pull.js';
import { executeTaskRun } from './execute-task-run.js';
import { fetchRunContext, metering, report, urlSecrets, withRedactedTokens, type Execution as RunExecution, type RunControl, type RunnerOptions, type RunReport } from './run-execution.js';

export type { AbortCause, RunControl, RunnerOptions, RunReport } from './run-execution.js';

type Execution = RunExecution<QuickBuildSpec> & { readonly credentials: readonly RegistryCredential[] };

/** `#6 [1/2] FROM 127.0.0.1:5000/library/busybox@sha256:…`: the digest BuildKit resolved. */
const FROM_DIGEST = /\bFROM (\S+?)@(sha256:[a-f0-9]{64})/;

/** The Dockerfile's text; a context without it fails the run before the engine is asked. */
async function dockerfileText(x: Execution): Promise<string> {
  if (x.contextId === null) return x.spec.dockerfileContent ?? '';
  const tar = await x.options.objects.read(StorageLayout.context(x.contextId), { signal: x.control.signal });
  const text = await readContextFile(tar, x.spec.dockerfile);
  if (text === undefined) {
    throw new AppError(Errors.SOURCE_DOCKERFILE_MISSING, { message: `Dockerfile "${x.spec.dockerfile}" is not a file in the context (or is larger than 1 MiB)`, detail: { dockerfile: x.spec.dockerfile } });
  }
  return text.toString('utf8');
}

async function contextStream(x: Execution): Promise<Readable> {
  if (x.contextId !== null) return x.options.objects.read(StorageLayout.context(x.contextId), { signal: x.control.signal });
  const data = Buffer.from(x.spec.dockerfileContent ?? '', 'utf8');
  return Readable.from([writeTar([{ type: 'file', path: x.spec.dockerfile, mode: 0o644, data }])]);
}

function buildArgs(spec: QuickBuildSpec, secrets: QuickBuildSpec['buildArgs']): Record<string, string> {
  return Object.fromEntries([...spec.buildArgs, ...secrets].map((a) => [a.name, a.value]));
}

/** One spelling for an image name in a FROM line and in BuildKit's log: no Docker Hub prefix, no `:latest`. */
function imageKey(name: string): string {
  return name.replace(/^(docker\.io\/)?(library\/)?/, (m, hub: string | undefined, lib: string | undefined) => (hub && lib ? '' : m)).replace(/:latest$/, '');
}

/** Adds the digests BuildKit reported for FROM images to the parsed base images. */
function withDigests(bases: BaseImageRecord[], resolved: ReadonlyMap<string, string>): BaseImageRecord[] {
  const byKey = new Map([...resolved].map(([name, digest]) => [imageKey(name), digest]));
  return bases.map((b) => {
    const name = `${b.registry === '' ? '' : `${b.registry}/`}${b.repository}${b.tag === null ? '' : `:${b.tag}`}`;
    return { ...b, digest: b.digest ?? byKey.get(imageKey(name)) ?? null };
  });
}

/** Base images BuildKit printed no digest for (it used a local image): the engine's RepoDigests tell it. */
async function withEngineDigests(x: Execution, bases: BaseImageRecord[]): Promise<BaseImageRecord[]> {
  return Promise.all(
    bases.map(async (b) => {
      if (b.digest !== null) return b;
      const name = `${b.registry === '' ? '' : `${b.registry}/`}${b.repository}:${b.tag ?? 'latest'}`;
      const image = await x.options.engine.images.inspect({ image: name, signal: x.control.signal }).catch(() => undefined);
      return { ...b, digest: image === undefined ? null : digestFromRepoDigests(b, image.repoDigests) };
    }),
  );
}

/**
 * Pushes each tag: into Slipway with a run token scoped to exactly those repositories, into
 * another registry with the task's credentials for it (or none). The run token never goes to
 * another registry.
 */
async function push(x: Execution, targets: readonly TargetImage[]): Promise<ImageDescriptor[]> {
  const own = targets.filter((t) => t.isOwn);
  const token = x.options.pushToken(x.runId, [...new Set(own.map((t) => t.repository))]);
  const out: ImageDescriptor[] = [];
  for (const target of targets) {
    const shown = `${target.registry}/${target.repository}:${target.tag}`;
    x.log.line(`pushing ${shown}`);
    const host = target.reference.slice(0, target.reference.indexOf('/'));
    const other = x.credentials.find((c) => c.loginServer === host);
    // As Basic credentials, not `registrytoken`: dockerd then runs the ordinary token flow with
    // them (a bare registrytoken made it fetch an anonymous token when a cross-repository mount
    // asked for a wider scope, and the push was denied).
    const auth = target.isOwn ? { username: `run:${x.runId}`, password: token, serveraddress: host } : other === undefined ? undefined : { username: other.username, password: other.password, serveraddress: host };
    const pushed = await x.options.engine.images.push({ image: target.reference, ...(auth === undefined ? {} : { auth }), signal: x.control.signal });
    x.log.line(`pushed ${shown}${pushed.digest === undefined ? '' : `@${pushed.digest}`}`);
    out.push({ registry: target.registry, repository: target.repository, tag: target.tag, digest: pushed.digest ?? null });
  }
  return out;
}

async function build(x: Execution, targets: readonly TargetImage[], secretArgs: QuickBuildSpec['buildArgs']): Promise<RunOutcome> {
  const spec = x.spec;
  const args = buildArgs(spec, secretArgs);
  const bases = parseBaseImages(await dockerfileText(x), args, spec.target ?? undefined);
  const resolved = new Map<string, string>();
  const onLog = (line: string): void => {
    x.log.line(line);
    const m = FROM_DIGEST.exec(line);
    if (m) resolved.set(m[1] as string, m[2] as string);
  };
  await pullPrivateBases(bases, {
    engine: x.options.engine,
    registry: x.options.registry,
    ...(x.options.publicRegistry === undefined ? {} : { publicRegistry: x.options.publicRegistry }),
    isAnonymous: x.options.isAnonymousRepository ?? (() => false),
    ownAuth: (repositories) => ({ username: `run:${x.runId}`, password: x.options.pushToken(x.runId, [], repositories), serveraddress: x.options.registry }),
    credentials: x.credentials,
    signal: x.control.signal,
    log: (line) => x.log.line(line),
  });
  x.log.line(`run ${x.runId}: building ${targets.map((t) => t.reference).join(', ')}`);
  await x.options.engine.images.build({
    context: await contextStream(x),
    tags: targets.map((t) => t.reference),
    dockerfile: spec.dockerfile,
    buildArgs: args,
    ...(spec.target === null ? {} : { target: spec.target }),
    noCache: spec.noCache,
    platform: spec.platform,
    onLog,
    signal: x.control.signal,
  });
  const outputImages = spec.noPush ? [] : await push(x, targets);
  const baseImages = await withEngineDigests(x, withDigests(bases, resolved));
  x.log.line(`run ${x.runId}: Succeeded`);
  await x.log.close();
  return { status: 'Succeeded', outputImages, baseImages, ...metering(x) };
}

/**
 * Executes one leased quick build on the engine: build (log lines redacted into the run's
 * log), push every tag into Slipway with a token scoped to those repositories, meter. Never
 * throws: every failure becomes the report the agent sends. Removes the context afterwards.
 */
export async function executeRun(options: RunnerOptions, given: LeasedRun, control: RunControl): Promise<RunReport> {
  const resolved = await resolveRunSecrets(options, given, control);
  if ('report' in resolved) return resolved.report;
  const leased = resolved.leased;
  if (leased.run.runType === 'QuickRun' || leased.run.runType === 'AutoRun') return executeTaskRun(options, leased, control);
  return executeQuickBuild(options, leased, control);
}

async function executeQuickBuild(options: RunnerOptions, leased: LeasedRun, control: RunControl): Promise<RunReport> {
  const run = leased.run;
  const spec = quickBuildFromJson(run.request);
  const secrets = secretsFromJson(leased.secretRequest);
  const secretArgs = secrets.secretBuildArgs;
  const redactor = new SecretRedactor([...secretArgs.map((a) => a.value), ...urlSecrets(secrets.sourceLocation), ...registryCredentialsFromJson(leased.secretRequest).map((c) => c.password)]);
  const redact = redactor.redact;
  const runnerOptions = withRedactedTokens(options, redactor);
  const startedAt = Date.parse(run.startTime ?? new Date().toISOString());
  const log = await RunLog.open(options.objects, run.runId, redact, () => options.logSignals?.notify(run.runId));
  const credentials = registryCredentialsFromJson(leased.secretRequest);
  const x: Execution = { options: runnerOptions, runId: run.runId, spec, log, redact, control, startedAt, contextId: spec.contextId, credentials };
  try {
    const location = secrets.sourceLocation ?? spec.sourceLocation;
    if (location !== null) x.contextId = await fetchRunContext(x, location, spec.dockerfile);
    const targets = spec.images.map((t) => resolveImageName(t, { runId: run.runId, date: new Date(startedAt), registry: options.registry, ...(options.publicRegistry === undefined ? {} : { publicRegistry: options.publicRegistry }) }));
    if (targets.some((t) => t === undefined)) throw new AppError(Errors.REQUEST_INVALID, { message: 'an image name is invalid after templating' });
    return { kind: 'complete', outcome: await build(x, targets as TargetImage[], secretArgs) };
  } catch (err) {
    return report(x, err);
  } finally {
    if (x.contextId !== null) await options.objects.delete(StorageLayout.context(x.contextId)).catch(() => undefined);
  }
}
