import { randomUUID } from 'node:crypto';
import { posix } from 'node:path';
import { Readable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { AppError, Errors, isAppError } from '../../core/errors/index.js';
import type { ContainerEngine, Mount, RegistryAuth } from '../../engine/container-engine.js';
import type { BaseImageRecord, ImageDescriptor, RunStepRecord, RunStepStatus } from '../../queue/run-queue.js';
import { writeTar } from '../../registry/seed/index.js';
import type { StepPlan, TaskPlan } from '../../taskfile/task-plan.js';
import { digestFromRepoDigests, parseBaseImages } from '../base-images.js';
import { pullPrivateBases } from '../base-pull.js';
import { LineSplitter } from '../line-splitter.js';
import { readContextFile } from '../context-file.js';
import { parseBuildCommand } from './build-string.js';
import { splitShellWords } from './shell-words.js';

/** What a task run needs from its surroundings (the agent, or a test). */
export interface TaskRunEnvironment {
  readonly engine: ContainerEngine;
  readonly runId: string;
  /** Slipway's registry as the engine reaches it (`127.0.0.1:5000`). */
  readonly registry: string;
  /** Slipway's registry as the task names it, when it differs (the host of server.publicUrl). */
  readonly publicRegistry?: string;
  /** Credentials for Slipway's registry, pull and push on these repositories. */
  readonly registryAuth: (repositories: readonly string[]) => RegistryAuth;
  /** Repositories of Slipway anyone may pull: their bases are left to BuildKit. */
  readonly isAnonymousRepository?: (repository: string) => boolean;
  /** A saved task's credentials for other registries (`task credential add`). */
  readonly credentials?: readonly { readonly loginServer: string; readonly username: string; readonly password: string }[];
  /** The run's context as a tar, extracted into /workspace before the first step; null for none. */
  readonly context: Readable | null;
  /** A line for the run's log (redacted by the caller). */
  readonly log: (line: string) => void;
  /** Aborted on cancel, run timeout or shutdown: every step stops, cleanup still runs. */
  readonly signal: AbortSignal;
  /** Fetches a build step's git or tarball context as a tar. */
  readonly fetchRemoteContext?: (location: string, dockerfile: string, signal: AbortSignal) => Promise<Readable>;
  /** Milliseconds instead of seconds for delays (tests). @defaultValue 1000 */
  readonly secondMs?: number;
}

export interface TaskRunResult {
  /** Failed: a step failed without ignoreErrors; the run's error message names it. */
  readonly status: 'Succeeded' | 'Failed';
  readonly errorMessage: string | null;
  readonly steps: readonly RunStepRecord[];
  /** Every image a push step pushed, with its digest. */
  readonly outputImages: readonly ImageDescriptor[];
  /** FROM images of every build step, deduplicated. */
  readonly baseImages: readonly BaseImageRecord[];
}

const WORKSPACE = '/workspace';
const HOLDER_IMAGE = 'slipway/holder:1';
const PUSH_BACKOFF_MS = [250, 500, 1000];
/** `#6 [1/2] FROM 127.0.0.1:5000/library/busybox@sha256:…`: the digest BuildKit resolved. */
const FROM_DIGEST = /\bFROM (\S+?)@(sha256:[a-f0-9]{64})/;

/** One step's mutable state while the run goes on. */
interface StepState {
  readonly plan: StepPlan;
  status: RunStepStatus;
  startTime: string | null;
  finishTime: string | null;
  exitCode: number | null;
  attempts: number;
  errorMessage: string | null;
  images: ImageDescriptor[];
  baseImages: BaseImageRecord[];
}

class StepFailure extends Error {}

/** Names the engine sees are unique per run, so concurrent runs of one task never collide. */
function engineName(runId: string, name: string): string {
  return `slw-${runId}-${name}`.replace(/[^a-zA-Z0-9_.-]/g, '_');
}

function splitImage(ref: string): { registry: string; repository: string; tag: string | null; digest: string | null } {
  const at = ref.indexOf('@');
  const digest = at === -1 ? null : ref.slice(at + 1);
  const name = at === -1 ? ref : ref.slice(0, at);
  const slash = name.indexOf('/');
  const first = slash === -1 ? '' : name.slice(0, slash);
  const hasHost = first.includes('.') || first.includes(':') || first === 'localhost';
  const path = hasHost ? name.slice(slash + 1) : name;
  const colon = path.lastIndexOf(':');
  const hasTag = colon > path.lastIndexOf('/');
  return { registry: hasHost ? first : '', repository: hasTag ? path.slice(0, colon) : path, tag: hasTag ? path.slice(colon + 1) : null, digest };
}

/**
 * `KEY=VALUE` entries as the container gets them. acb puts `--env KEY=VALUE` on a host shell
 * command line, so the shell removes quotes: `KEY='a b'` arrives as `a b`. Slipway unquotes the
 * same way (without expanding `$…`); an entry the shell could not parse stays as written.
 */
export function envRecord(env: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const entry of env) {
    let text = entry;
    if (/['"\\]/.test(entry)) {
      try {
        text = splitShellWords(entry).join(' ');
      } catch {
        text = entry;
      }
    }
    const eq = text.indexOf('=');
    if (eq > 0) out[text.slice(0, eq)] = text.slice(eq + 1);
  }
  return out;
}

/**
 * Runs a planned task on the engine (docs/taskfile.md, "Execution"): a shared volume holds the
 * context at /workspace, networks and secret volumes are created for the run, steps start when
 * their `when` dependencies succeeded and run concurrently, and the first failing step (without
 * ignoreErrors) stops the run. Everything the run created is removed at the end, whatever the
 * outcome. Never throws for a step failure; throws only when the run could not be set up.
 */
export class TaskRunner {
  private readonly states: Map<string, StepState>;
  private readonly created = { containers: new Set<string>(), networks: [] as string[], volumes: [] as string[] };
  private readonly abort = new AbortController();
  private readonly signal: AbortSignal;
  private readonly networkNames = new Map<string, string>();
  private readonly volumeNames = new Map<string, string>();
  private sharedVolume = '';
  private holder = '';
  private failure: string | null = null;
  private readonly secondMs: number;

  constructor(
    private readonly plan: TaskPlan,
    private readonly env: TaskRunEnvironment,
  ) {
    this.states = new Map(plan.steps.map((step) => [step.id, { plan: step, status: 'Skipped', startTime: null, finishTime: null, exitCode: null, attempts: 0, errorMessage: null, images: [], baseImages: [] }]));
    this.signal = AbortSignal.any([env.signal, this.abort.signal]);
    this.secondMs = env.secondMs ?? 1000;
  }

  async run(): Promise<TaskRunResult> {
    try {
      await this.setUp();
      await this.runGraph();
    } catch (err) {
      if (this.failure === null && !this.env.signal.aborted) this.failure = (err as Error).message;
      if (this.env.signal.aborted) throw err;
    } finally {
      await this.cleanUp();
    }
    return this.result();
  }

  private get labels(): Record<string, string> {
    return { 'slipway.run': this.env.runId };
  }

  /** The reference the engine uses: Slipway's public name becomes the address the engine reaches. */
  private engineRef(ref: string): string {
    const pub = this.env.publicRegistry;
    return pub !== undefined && ref.startsWith(`${pub}/`) ? `${this.env.registry}/${ref.slice(pub.length + 1)}` : ref;
  }

  private isOwn(ref: string): boolean {
    return ref.startsWith(`${this.env.registry}/`) || (this.env.publicRegistry !== undefined && ref.startsWith(`${this.env.publicRegistry}/`));
  }

  /** Slipway's run token for its own images, the task's credentials for another registry, else none. */
  private authFor(ref: string): RegistryAuth | undefined {
    if (this.isOwn(ref)) return this.env.registryAuth([splitImage(this.engineRef(ref)).repository]);
    const host = splitImage(ref).registry;
    const other = this.env.credentials?.find((c) => c.loginServer === host);
    return other === undefined ? undefined : { username: other.username, password: other.password, serveraddress: host };
  }

  private async setUp(): Promise<void> {
    const { engine } = this.env;
    const signal = this.signal;
    await this.ensureHolderImage();
    this.sharedVolume = engineName(this.env.runId, `vol_${randomUUID().slice(0, 8)}`);
    await engine.resources.createVolume({ name: this.sharedVolume, labels: this.labels, signal });
    this.created.volumes.push(this.sharedVolume);
    const holder = await engine.containers.create({ image: HOLDER_IMAGE, cmd: ['/none'], name: engineName(this.env.runId, 'holder'), labels: this.labels, mounts: [{ type: 'volume', source: this.sharedVolume, target: WORKSPACE }], network: 'none', signal });
    this.holder = holder.id;
    this.created.containers.add(holder.id);
    if (this.env.context !== null) await engine.containers.putArchive({ id: holder.id, path: WORKSPACE, tar: this.env.context, signal });
    for (const network of this.plan.networks) {
      if (network.skipCreation) {
        this.env.log(`Skip creating network: ${network.name}`);
        this.networkNames.set(network.name, network.name);
        continue;
      }
      const name = engineName(this.env.runId, network.name);
      await engine.resources.createNetwork({ name, labels: this.labels, ...(network.driver ? { driver: network.driver } : {}), ipv6: network.ipv6, signal });
      this.created.networks.push(name);
      this.networkNames.set(network.name, name);
    }
    for (const volume of this.plan.volumes) {
      const name = engineName(this.env.runId, volume.name);
      await engine.resources.createVolume({ name, labels: this.labels, signal });
      this.created.volumes.push(name);
      this.volumeNames.set(volume.name, name);
      const files = Object.entries(volume.secret).map(([file, b64]) => ({ type: 'file' as const, path: file, mode: 0o444, data: Buffer.from(b64, 'base64') }));
      const { id } = await engine.containers.create({ image: HOLDER_IMAGE, cmd: ['/none'], labels: this.labels, mounts: [{ type: 'volume', source: name, target: '/volume' }], network: 'none', signal });
      this.created.containers.add(id);
      await engine.containers.putArchive({ id, path: '/volume', tar: Readable.from([writeTar(files)]), signal });
    }
  }

  /** A one-file image for containers that are never started: they only hold volumes for archive calls. */
  private async ensureHolderImage(): Promise<void> {
    const { engine } = this.env;
    try {
      await engine.images.inspect({ image: HOLDER_IMAGE, signal: this.signal });
    } catch (err) {
      if (!isAppError(err) || err.code !== Errors.ENGINE_NOT_FOUND.code) throw err;
      const rootfs = writeTar([{ type: 'file', path: 'holder', mode: 0o644, data: Buffer.from('slipway volume holder\n') }]);
      await engine.images.importRootfs({ rootfs: Readable.from([rootfs]), image: HOLDER_IMAGE, signal: this.signal });
    }
  }

  /** Starts every step whose dependencies succeeded, concurrently, until all ran or one failed. */
  private async runGraph(): Promise<void> {
    const remaining = new Map(this.plan.steps.map((s) => [s.id, new Set(s.dependsOn)]));
    const running = new Map<string, Promise<void>>();
    while ((remaining.size > 0 || running.size > 0) && this.failure === null) {
      for (const [id, deps] of remaining) {
        if (deps.size > 0) continue;
        remaining.delete(id);
        const state = this.states.get(id) as StepState;
        running.set(id, this.runStep(state).then(() => {
          running.delete(id);
          for (const waiting of remaining.values()) waiting.delete(id);
        }));
      }
      if (running.size === 0) break;
      await Promise.race(running.values());
      this.signal.throwIfAborted();
    }
    if (this.failure !== null) {
      this.abort.abort(new StepFailure(this.failure));
      await Promise.allSettled(running.values());
    }
    this.env.signal.throwIfAborted();
  }

  private async runStep(state: StepState): Promise<void> {
    const step = state.plan;
    try {
      if (step.startDelay > 0) await sleep(step.startDelay * this.secondMs, undefined, { signal: this.signal });
      state.status = 'Running';
      state.startTime = new Date().toISOString();
      this.env.log(`Executing step ID: ${step.id}. Timeout(sec): ${step.timeout}, Working directory: '${step.workingDirectory ?? ''}', Network: '${step.network ?? ''}'`);
      const timeout = AbortSignal.timeout(step.timeout * this.secondMs);
      const signal = AbortSignal.any([this.signal, timeout]);
      try {
        if (step.type === 'cmd') await this.runCmd(state, signal);
        else if (step.type === 'build') await this.runBuild(state, signal);
        else await this.runPush(state, signal);
      } catch (err) {
        if (timeout.aborted && !this.signal.aborted) throw new StepFailure(`the step timed out after ${step.timeout}s`);
        throw err;
      }
      state.status = 'Succeeded';
    } catch (err) {
      const message = err instanceof StepFailure || isAppError(err) ? err.message : String((err as Error)?.message ?? err);
      if (this.signal.aborted && !(err instanceof StepFailure)) {
        state.status = 'Failed';
        state.errorMessage = 'stopped: the run ended';
        return;
      }
      state.errorMessage = message;
      if (step.ignoreErrors) {
        this.env.log(`Step ID: ${step.id} encountered an error: ${message}, but is set to ignore errors. Continuing...`);
        state.status = 'Succeeded';
      } else {
        state.status = 'Failed';
        this.env.log(`Step ID: ${step.id} failed: ${message}`);
        this.failure ??= `failed to run step ID: ${step.id}: ${message}`;
      }
    } finally {
      state.finishTime = new Date().toISOString();
    }
  }

  private mountsFor(step: StepPlan): Mount[] {
    const mounts: Mount[] = [{ type: 'volume', source: this.sharedVolume, target: WORKSPACE }];
    for (const m of step.volumeMounts) mounts.push({ type: 'volume', source: this.volumeNames.get(m.name) ?? m.name, target: m.mountPath, readOnly: true });
    return mounts;
  }

  private networkFor(step: StepPlan): string | undefined {
    if (step.network === null) return undefined;
    return this.networkNames.get(step.network) ?? step.network;
  }

  /** Pulls an image the engine lacks (with the run's credentials for Slipway's own registry). */
  private async ensureImage(ref: string, signal: AbortSignal, force = false): Promise<void> {
    const image = this.engineRef(ref);
    if (!force) {
      try {
        await this.env.engine.images.inspect({ image, signal });
        return;
      } catch (err) {
        if (!isAppError(err) || err.code !== Errors.ENGINE_NOT_FOUND.code) throw err;
      }
    }
    const auth = this.authFor(ref);
    this.env.log(`Pulling image: ${ref}`);
    await this.env.engine.images.pull({ image, signal, ...(auth ? { auth } : {}) });
  }

  private async runCmd(state: StepState, signal: AbortSignal): Promise<void> {
    const step = state.plan;
    const words = splitShellWords(step.command ?? '');
    const [image, ...args] = words;
    if (image === undefined) throw new StepFailure('the cmd is empty');
    if (step.pull) await this.pullWithRetries(image, step, signal);
    await this.ensureImage(image, signal);
    const iterations: string[] = [];
    for (let iteration = 0; iteration <= step.repeat; iteration++) {
      const error = await this.runAttempts(state, this.engineRef(image), args, signal);
      if (error !== null) iterations.push(error);
      if (step.detach) break;
    }
    if (iterations.length > 0) throw new StepFailure(iterations.join(', '));
  }

  private async pullWithRetries(image: string, step: StepPlan, signal: AbortSignal): Promise<void> {
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.ensureImage(image, signal, true);
      } catch (err) {
        if (attempt >= step.cmdDownloadRetries || signal.aborted) throw err;
        await sleep(step.cmdDownloadRetryDelay * this.secondMs, undefined, { signal });
      }
    }
  }

  /** One repeat iteration: up to retries+1 container runs. Resolves with the last error, or null. */
  private async runAttempts(state: StepState, image: string, args: string[], signal: AbortSignal): Promise<string | null> {
    const step = state.plan;
    for (let attempt = 0; ; attempt++) {
      state.attempts += 1;
      this.env.log(`Launching container with name: ${step.id}`);
      const { exitCode, output, error } = await this.runContainer(step, image, args, signal);
      state.exitCode = exitCode;
      if (error === null) {
        this.env.log(step.detach ? `Started detached container: ${step.id}` : `Successfully executed container: ${step.id}`);
        return null;
      }
      const retryable = step.retryOnErrors.length === 0 || step.retryOnErrors.some((needle) => output.includes(needle));
      if (attempt < step.retries && retryable) {
        this.env.log(`Container failed during run: ${step.id}, waiting ${step.retryDelay} seconds before retrying...`);
        await sleep(step.retryDelay * this.secondMs, undefined, { signal });
        continue;
      }
      this.env.log(`Container failed during run: ${step.id}. No retries remaining.`);
      return error;
    }
  }

  private async runContainer(step: StepPlan, image: string, args: string[], signal: AbortSignal): Promise<{ exitCode: number | null; output: string; error: string | null }> {
    const { engine } = this.env;
    const name = engineName(this.env.runId, step.id);
    // A retry, a repeat or a kept container reuses the name: the previous one goes first.
    await engine.containers.remove({ id: name, force: true });
    this.created.containers.add(name);
    const network = this.networkFor(step);
    await engine.containers.create({
      image,
      name,
      cmd: args,
      ...(step.entryPoint ? { entrypoint: [step.entryPoint] } : {}),
      env: envRecord(step.env),
      ...(step.workingDirectory === null ? {} : { workdir: step.workingDirectory }),
      mounts: this.mountsFor(step),
      ...(network === undefined ? {} : { network, networkAliases: [step.id] }),
      labels: this.labels,
      ...(step.user ? { user: step.user } : {}),
      privileged: step.privileged,
      ports: step.ports,
      expose: step.expose,
      ...(step.cpus ? { limits: { cpus: Number(step.cpus) } } : {}),
      signal,
    });
    await engine.containers.start({ id: name, signal });
    if (step.detach) return { exitCode: null, output: '', error: null };
    let output = '';
    let received = 0;
    const lines = new LineSplitter((line) => this.env.log(line));
    const emit = (data: Buffer): void => {
      received += data.length;
      lines.push(data);
      if (output.length < 1024 * 1024) output += data.toString('utf8');
    };
    const streaming = (async () => {
      for await (const chunk of engine.containers.logs({ id: name, follow: true, signal })) emit(chunk.data);
    })().catch(() => undefined); // ends with the container, or with the signal that also ends `wait`
    try {
      const result = await engine.containers.wait({ id: name, signal });
      await streaming;
      // A container that exits at once can end the follow stream early on a busy engine: what it
      // missed is read back from the stored log.
      const streamed = received;
      let skipped = 0;
      for await (const chunk of engine.containers.logs({ id: name, follow: false, signal })) {
        const fresh = chunk.data.subarray(Math.max(0, streamed - skipped));
        skipped += chunk.data.length;
        if (fresh.length > 0) emit(fresh);
      }
      lines.end();
      if (result.exitCode === 0) return { exitCode: 0, output, error: null };
      return { exitCode: result.exitCode, output, error: `exit status ${result.exitCode}${result.error ? `: ${result.error}` : ''}` };
    } catch (err) {
      await engine.containers.remove({ id: name, force: true }).catch(() => undefined);
      throw err;
    }
  }

  private async runBuild(state: StepState, signal: AbortSignal): Promise<void> {
    const step = state.plan;
    const build = parseBuildCommand(step.command ?? '', envRecord(step.env));
    for (const flag of build.ignored) this.env.log(`warning: build flag ${flag} is accepted but has no effect in Slipway`);
    const tags = step.tags.length > 0 ? step.tags : build.tags;
    const workdir = step.workingDirectory ?? WORKSPACE;
    const isRemote = /^(https?:\/\/|git@|git:\/\/|ssh:\/\/)/i.test(build.context);
    let context: Readable;
    let dockerfile: string;
    let dockerfileText: string | undefined;
    if (isRemote) {
      if (this.env.fetchRemoteContext === undefined) throw new StepFailure('this agent cannot fetch git or tarball build contexts');
      dockerfile = build.dockerfile ?? 'Dockerfile';
      dockerfileText = (await readContextFile(await this.env.fetchRemoteContext(build.context, dockerfile, signal), dockerfile))?.toString('utf8');
      context = await this.env.fetchRemoteContext(build.context, dockerfile, signal);
    } else {
      const contextDir = posix.resolve(workdir, build.context);
      const file = posix.resolve(workdir, build.dockerfile ?? posix.join(contextDir, 'Dockerfile'));
      const relative = posix.relative(contextDir, file);
      if (relative.startsWith('..')) throw new StepFailure(`the Dockerfile ${file} is outside the build context ${contextDir}`);
      dockerfile = relative;
      const fileTar = await this.env.engine.containers.getArchive({ id: this.holder, path: file, signal }).catch((err: unknown) => {
        throw isAppError(err) && err.code === Errors.ENGINE_NOT_FOUND.code ? new StepFailure(`no Dockerfile at ${file}`) : err;
      });
      dockerfileText = (await readContextFile(fileTar, posix.basename(file)))?.toString('utf8');
      context = await this.env.engine.containers.getArchive({ id: this.holder, path: `${contextDir}/.`, signal });
    }
    const bases = dockerfileText === undefined ? [] : parseBaseImages(dockerfileText, build.buildArgs, build.target ?? undefined);
    const resolved = new Map<string, string>();
    await pullPrivateBases(bases, {
      engine: this.env.engine,
      registry: this.env.registry,
      ...(this.env.publicRegistry === undefined ? {} : { publicRegistry: this.env.publicRegistry }),
      isAnonymous: this.env.isAnonymousRepository ?? (() => false),
      ownAuth: (repositories) => this.env.registryAuth(repositories),
      credentials: this.env.credentials ?? [],
      signal,
      log: this.env.log,
    });
    state.attempts += 1;
    await this.env.engine.images.build({
      context,
      tags: tags.map((t) => this.engineRef(t)),
      dockerfile,
      buildArgs: build.buildArgs,
      ...(build.target === null ? {} : { target: build.target }),
      noCache: build.noCache,
      pull: build.pull,
      labels: build.labels,
      ...(build.platform === null ? {} : { platform: build.platform }),
      ...(build.network === null ? {} : { network: build.network }),
      onLog: (line) => {
        this.env.log(line);
        const m = FROM_DIGEST.exec(line);
        if (m) resolved.set(m[1] as string, m[2] as string);
      },
      signal,
    });
    state.images = tags.map((t) => ({ ...splitImage(t), digest: null }));
    state.baseImages = await Promise.all(
      bases.map(async (b) => {
        const name = `${b.registry === '' ? '' : `${b.registry}/`}${b.repository}${b.tag === null ? '' : `:${b.tag}`}`;
        const digest = b.digest ?? resolved.get(name) ?? resolved.get(name.replace(/:latest$/, '')) ?? null;
        if (digest !== null) return { ...b, digest };
        // BuildKit printed no digest (it used a local image): the engine's RepoDigests tell it.
        const image = await this.env.engine.images.inspect({ image: this.engineRef(name), signal }).catch(() => undefined);
        return { ...b, digest: image === undefined ? null : digestFromRepoDigests(b, image.repoDigests) };
      }),
    );
  }

  private async runPush(state: StepState, signal: AbortSignal): Promise<void> {
    const step = state.plan;
    for (const image of step.push) {
      const auth = this.authFor(image);
      for (let attempt = 1; ; attempt++) {
        state.attempts += 1;
        this.env.log(`Pushing image: ${image}, attempt ${attempt}`);
        try {
          const pushed = await this.env.engine.images.push({ image: this.engineRef(image), signal, ...(auth ? { auth } : {}) });
          this.env.log(`Successfully pushed image: ${image}`);
          state.images.push({ ...splitImage(image), digest: pushed.digest ?? null });
          break;
        } catch (err) {
          if (signal.aborted || attempt >= PUSH_BACKOFF_MS.length) throw new StepFailure(`failed to push images successfully: ${(err as Error).message}`);
          await sleep(PUSH_BACKOFF_MS[attempt - 1] as number, undefined, { signal });
        }
      }
    }
  }

  private async cleanUp(): Promise<void> {
    const { engine } = this.env;
    const listed = await engine.containers.list({ labels: this.labels }).catch(() => []);
    const ids = new Set([...this.created.containers, ...listed.map((c) => c.id)]);
    await Promise.all([...ids].map((id) => engine.containers.remove({ id, force: true }).catch(() => undefined)));
    for (const name of this.created.networks) {
      await engine.resources.removeNetwork({ name }).catch((err: unknown) => this.env.log(`warning: failed to remove network ${name}: ${(err as Error).message}`));
    }
    for (const name of this.created.volumes) {
      await engine.resources.removeVolume({ name, force: true }).catch((err: unknown) => this.env.log(`warning: failed to remove volume ${name}: ${(err as Error).message}`));
    }
  }

  private result(): TaskRunResult {
    const steps: RunStepRecord[] = this.plan.steps.map((s) => {
      const st = this.states.get(s.id) as StepState;
      return { id: s.id, type: s.type, status: st.status, startTime: st.startTime, finishTime: st.finishTime, exitCode: st.exitCode, attempts: st.attempts, errorMessage: st.errorMessage, images: st.images, baseImages: st.baseImages };
    });
    // A built image that a later step pushed gets the digest the registry accepted.
    const pushed = new Map(steps.filter((s) => s.type === 'push').flatMap((s) => s.images.map((i) => [`${i.registry}/${i.repository}:${i.tag}`, i.digest] as const)));
    for (const step of steps) {
      if (step.type !== 'build') continue;
      (step as { images: readonly ImageDescriptor[] }).images = step.images.map((i) => ({ ...i, digest: i.digest ?? pushed.get(`${i.registry}/${i.repository}:${i.tag}`) ?? null }));
    }
    for (const step of steps) this.env.log(`Step ID: ${step.id} marked as ${step.status.toLowerCase()}${step.startTime && step.finishTime ? ` (elapsed time in seconds: ${((Date.parse(step.finishTime) - Date.parse(step.startTime)) / 1000).toFixed(6)})` : ''}`);
    const outputImages = steps.filter((s) => s.type === 'push').flatMap((s) => s.images);
    const seen = new Set<string>();
    const baseImages = steps.flatMap((s) => s.baseImages).filter((b) => {
      const key = `${b.registry}/${b.repository}:${b.tag}@${b.digest}`;
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    });
    return { status: this.failure === null ? 'Succeeded' : 'Failed', errorMessage: this.failure, steps, outputImages, baseImages };
  }
}

/** Runs a planned task; see TaskRunner. */
export function runTask(plan: TaskPlan, env: TaskRunEnvironment): Promise<TaskRunResult> {
  return new TaskRunner(plan, env).run();
}

/** Wraps a setup failure the caller reports as the run's error. */
export function taskSetupError(err: unknown): AppError {
  return isAppError(err) ? err : new AppError(Errors.UNKNOWN, { message: String((err as Error)?.message ?? err) });
}
