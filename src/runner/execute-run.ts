import { Readable } from 'node:stream';
import type { ContainerEngine } from '../engine/container-engine.js';
import { AppError, Errors, isAppError } from '../core/errors/index.js';
import type { BaseImageRecord, ImageDescriptor, LeasedRun, RunFailure, RunOutcome } from '../queue/run-queue.js';
import type { ObjectStore } from '../registry/storage/object-store.js';
import { StorageLayout } from '../registry/storage/layout.js';
import { writeTar } from '../registry/seed/index.js';
import { quickBuildFromJson, secretsFromJson, type QuickBuildSpec } from '../tasks/quick-build.js';
import { parseBaseImages } from './base-images.js';
import { readContextFile } from './context-file.js';
import { resolveImageName, type TargetImage } from './image-names.js';
import { createRedactor } from './redactor.js';
import { RunLog } from './run-log.js';
import type { LogSignals } from './log-signals.js';
import { fetchRemoteContext } from './remote-context.js';
import { OPEN_SOURCE_POLICY, type SourcePolicy } from '../sources/index.js';

/** The user name and password of a URL with credentials, redacted from the run's log. */
function urlSecrets(location: string | null): string[] {
  if (location === null || !location.includes('@')) return [];
  try {
    const url = new URL(location);
    return [decodeURIComponent(url.password), url.password === '' ? decodeURIComponent(url.username) : ''].filter((v) => v.length >= 4);
  } catch {
    return [];
  }
}

export interface RunnerOptions {
  readonly engine: ContainerEngine;
  readonly objects: ObjectStore;
  /** Slipway's own registry, `host:port`, as the engine reaches it. */
  readonly registry: string;
  /** Slipway's registry as users name it (the host of `server.publicUrl`), when set. */
  readonly publicRegistry?: string;
  readonly pricePerSecond: number;
  /** A short-lived registry token with push and pull on exactly these repositories. */
  readonly pushToken: (runId: string, repositories: readonly string[]) => string;
  /** What a run may fetch as its context (config `sources`). @defaultValue everything, 1 GiB */
  readonly sources?: SourcePolicy;
  /** Told each time a run's log grows (log followers in this process wake up). */
  readonly logSignals?: LogSignals;
}

/** Why the agent aborted a run it holds. */
export type AbortCause = 'cancel' | 'timeout' | 'shutdown';

export interface RunControl {
  readonly signal: AbortSignal;
  /** The cause once `signal` fired. */
  cause(): AbortCause | undefined;
}

/** What the agent reports to the queue: `complete` with an outcome, or `fail`. */
export type RunReport = { readonly kind: 'complete'; readonly outcome: RunOutcome } | { readonly kind: 'fail'; readonly failure: RunFailure };

interface Execution {
  readonly options: RunnerOptions;
  readonly runId: string;
  readonly spec: QuickBuildSpec;
  readonly log: RunLog;
  readonly redact: (text: string) => string;
  readonly control: RunControl;
  readonly startedAt: number;
  /** The stored context tar: uploaded, or fetched from the run's sourceLocation; null for none. */
  contextId: string | null;
}

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

async function push(x: Execution, targets: readonly TargetImage[]): Promise<ImageDescriptor[]> {
  const own = targets.filter((t) => t.isOwn);
  const token = x.options.pushToken(x.runId, [...new Set(own.map((t) => t.repository))]);
  const out: ImageDescriptor[] = [];
  for (const target of targets) {
    const shown = `${target.registry}/${target.repository}:${target.tag}`;
    x.log.line(`pushing ${shown}`);
    // As Basic credentials, not `registrytoken`: dockerd then runs the ordinary token flow with
    // them (a bare registrytoken made it fetch an anonymous token when a cross-repository mount
    // asked for a wider scope, and the push was denied).
    const auth = { username: `run:${x.runId}`, password: token, serveraddress: target.reference.slice(0, target.reference.indexOf('/')) };
    const pushed = await x.options.engine.images.push({ image: target.reference, auth, signal: x.control.signal });
    x.log.line(`pushed ${shown}${pushed.digest === undefined ? '' : `@${pushed.digest}`}`);
    out.push({ registry: target.registry, repository: target.repository, tag: target.tag, digest: pushed.digest ?? null });
  }
  return out;
}

function metering(x: Execution): { billedSeconds: number; cost: number; logSizeBytes: number } {
  const billedSeconds = Math.max(1, Math.ceil((Date.now() - x.startedAt) / 1000));
  return { billedSeconds, cost: Number((billedSeconds * x.options.pricePerSecond).toFixed(6)), logSizeBytes: x.log.sizeBytes };
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
  x.log.line(`run ${x.runId}: Succeeded`);
  await x.log.close();
  return { status: 'Succeeded', outputImages, baseImages: withDigests(bases, resolved), ...metering(x) };
}

const CAUSE_STATUS = { cancel: 'Canceled', timeout: 'Timeout' } as const;

/** Errors caused by what the user asked for (their Dockerfile, their context): the run is Failed, not Error. */
const FAILED_CODES: ReadonlySet<string> = new Set(
  [Errors.ENGINE_BUILD_FAILED, Errors.ENGINE_PUSH_FAILED, Errors.SOURCE_NOT_FOUND, Errors.SOURCE_INVALID, Errors.SOURCE_GIT_FAILED, Errors.SOURCE_DOCKERFILE_MISSING, Errors.SOURCE_NOT_ALLOWED].map((e) => e.code),
);

/** Turns what the build threw into the run's outcome; every message goes through the redactor. */
async function report(x: Execution, err: unknown): Promise<RunReport> {
  const cause = x.control.cause();
  const appError = isAppError(err) ? err : new AppError(Errors.UNKNOWN, { message: String((err as Error)?.message ?? err) });
  const message = x.redact(cause === 'timeout' ? `the run exceeded its timeout of ${x.spec.timeoutSeconds}s` : cause === 'cancel' ? 'the run was canceled' : appError.message);
  x.log.line(`run ${x.runId}: ${message}`);
  await x.log.close().catch(() => undefined);
  const results = metering(x);
  if (cause === 'cancel' || cause === 'timeout') return { kind: 'complete', outcome: { status: CAUSE_STATUS[cause], runErrorMessage: message, ...results } };
  if (cause === 'shutdown') return { kind: 'fail', failure: { isRetryable: true, errorCode: Errors.ENGINE_CANCELLED.code, runErrorMessage: 'the agent stopped before the run finished', ...results } };
  if (FAILED_CODES.has(appError.code)) {
    return { kind: 'complete', outcome: { status: 'Failed', errorCode: appError.code, runErrorMessage: message, ...results } };
  }
  return { kind: 'fail', failure: { isRetryable: false, errorCode: appError.code, runErrorMessage: message, ...results } };
}

/**
 * Executes one leased quick build on the engine: build (log lines redacted into the run's
 * log), push every tag into Slipway with a token scoped to those repositories, meter. Never
 * throws: every failure becomes the report the agent sends. Removes the context afterwards.
 */
export async function executeRun(options: RunnerOptions, leased: LeasedRun, control: RunControl): Promise<RunReport> {
  const run = leased.run;
  const spec = quickBuildFromJson(run.request);
  const secrets = secretsFromJson(leased.secretRequest);
  const secretArgs = secrets.secretBuildArgs;
  const redact = createRedactor([...secretArgs.map((a) => a.value), ...urlSecrets(secrets.sourceLocation)]);
  const startedAt = Date.parse(run.startTime ?? new Date().toISOString());
  const log = await RunLog.open(options.objects, run.runId, redact, () => options.logSignals?.notify(run.runId));
  const x: Execution = { options, runId: run.runId, spec, log, redact, control, startedAt, contextId: spec.contextId };
  try {
    const location = secrets.sourceLocation ?? spec.sourceLocation;
    if (location !== null) {
      const fetched = await fetchRemoteContext(location, {
        objects: options.objects,
        policy: options.sources ?? OPEN_SOURCE_POLICY,
        dockerfile: spec.dockerfile,
        signal: control.signal,
        log: (line) => log.line(line),
      });
      x.contextId = fetched.contextId;
    }
    const targets = spec.images.map((t) => resolveImageName(t, { runId: run.runId, date: new Date(startedAt), registry: options.registry, ...(options.publicRegistry === undefined ? {} : { publicRegistry: options.publicRegistry }) }));
    if (targets.some((t) => t === undefined)) throw new AppError(Errors.REQUEST_INVALID, { message: 'an image name is invalid after templating' });
    return { kind: 'complete', outcome: await build(x, targets as TargetImage[], secretArgs) };
  } catch (err) {
    return report(x, err);
  } finally {
    if (x.contextId !== null) await options.objects.delete(StorageLayout.context(x.contextId)).catch(() => undefined);
  }
}
