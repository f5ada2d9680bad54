import { randomUUID } from 'node:crypto';
import type {
  BuildOptions,
  BuildResult,
  CallOptions,
  ImageEngine,
  ImageSummary,
  ImportOptions,
  PullOptions,
  PushOptions,
  PushResult,
  RegistryAuth,
} from '../container-engine.js';
import { EngineError, isEngineError } from '../engine-error.js';
import { BuildStreamParser } from './build-stream.js';
import { bodyLines, type DockerHttp } from './docker-http.js';
import { encodeRegistryAuth, splitImageTag } from './registry-auth.js';

/** Log lines kept for a failed build's error detail. */
const FAILED_LOG_TAIL = 50;
/** How long a best-effort `/build/cancel` may take after an abort. */
const CANCEL_GRACE_MS = 2_000;

interface ImageInspect {
  Id: string;
  RepoTags?: string[] | null;
  RepoDigests?: string[] | null;
  Size?: number;
  Config?: { Labels?: Record<string, string> | null } | null;
}

interface ProgressLine {
  error?: string;
  errorDetail?: { message?: string };
  status?: string;
  aux?: { Digest?: string; Size?: number };
}

function toSummary(i: ImageInspect): ImageSummary {
  return { id: i.Id, tags: i.RepoTags ?? [], repoDigests: i.RepoDigests ?? [], sizeBytes: i.Size ?? 0, labels: i.Config?.Labels ?? {} };
}

function authHeaders(auth: RegistryAuth | undefined): Record<string, string> {
  // The engine insists on the header for pushes; `{}` means anonymous.
  return { 'x-registry-auth': auth === undefined ? encodeRegistryAuth({} as RegistryAuth) : encodeRegistryAuth(auth) };
}

/** Reads a pull/push progress stream; returns its lines' JSON, throwing on an `error` line. */
async function readProgress(lines: AsyncIterable<string>, onError: (message: string) => EngineError): Promise<ProgressLine[]> {
  const seen: ProgressLine[] = [];
  for await (const raw of lines) {
    if (raw.trim() === '') continue;
    const msg = JSON.parse(raw) as ProgressLine;
    const error = msg.error ?? msg.errorDetail?.message;
    if (error !== undefined) throw onError(error);
    seen.push(msg);
  }
  return seen;
}

export interface DockerImagesOptions {
  /** `version` query parameter of `/build`: '2' BuildKit, '1' classic. */
  readonly builderVersion: '1' | '2';
}

/** The ImageEngine role over the Docker Engine API. */
export class DockerImages implements ImageEngine {
  constructor(
    private readonly http: DockerHttp,
    private readonly options: DockerImagesOptions,
  ) {}

  async build(o: BuildOptions): Promise<BuildResult> {
    const buildId = randomUUID();
    try {
      return await this.runBuild(o, buildId);
    } catch (err) {
      if (o.signal?.aborted) await this.cancelBuild(buildId);
      throw err;
    }
  }

  private async runBuild(o: BuildOptions, buildId: string): Promise<BuildResult> {
    const res = await this.http.send({
      method: 'POST',
      path: '/build',
      query: {
        version: this.options.builderVersion,
        buildid: buildId,
        t: o.tags ?? [],
        dockerfile: o.dockerfile,
        buildargs: o.buildArgs === undefined ? undefined : JSON.stringify(o.buildArgs),
        labels: o.labels === undefined ? undefined : JSON.stringify(o.labels),
        target: o.target,
        nocache: o.noCache,
        pull: o.pull,
        platform: o.platform,
        networkmode: o.network,
        // Classic builder: remove intermediate containers even when a step fails.
        rm: true,
        forcerm: true,
      },
      headers: { 'content-type': 'application/x-tar' },
      body: o.context,
      signal: o.signal,
    });
    const parser = new BuildStreamParser();
    const tail: string[] = [];
    let logLines = 0;
    let imageId: string | undefined;
    for await (const raw of bodyLines(res)) {
      const step = parser.parse(raw);
      for (const line of step.lines) {
        logLines++;
        tail.push(line);
        if (tail.length > FAILED_LOG_TAIL) tail.shift();
        o.onLog?.(line);
      }
      if (step.error !== undefined) {
        throw new EngineError('BUILD_FAILED', step.error, { detail: { error: step.error, log: tail } });
      }
      imageId = step.imageId ?? imageId;
    }
    if (imageId === undefined) {
      throw new EngineError('BUILD_FAILED', 'the engine ended the build without an image id', { detail: { log: tail } });
    }
    return { imageId, tags: o.tags ?? [], logLines };
  }

  /** Closing the connection already cancels a BuildKit build; this also covers the classic builder. */
  private async cancelBuild(buildId: string): Promise<void> {
    await this.http.call({ method: 'POST', path: '/build/cancel', query: { id: buildId }, signal: AbortSignal.timeout(CANCEL_GRACE_MS) }).catch(() => undefined);
  }

  async pull(o: PullOptions): Promise<ImageSummary> {
    const { name, tag } = splitImageTag(o.image);
    const res = await this.http.send({
      method: 'POST',
      path: '/images/create',
      query: { fromImage: name, tag: tag ?? 'latest', platform: o.platform },
      headers: o.auth === undefined ? {} : authHeaders(o.auth),
      signal: o.signal,
    });
    await readProgress(bodyLines(res), (message) =>
      new EngineError(/not found|manifest unknown/i.test(message) ? 'NOT_FOUND' : 'PULL_FAILED', message, { detail: { image: o.image } }),
    );
    return this.inspect({ image: o.image, ...(o.signal ? { signal: o.signal } : {}) });
  }

  async push(o: PushOptions): Promise<PushResult> {
    const { name, tag } = splitImageTag(o.image);
    const res = await this.http.send({
      method: 'POST',
      path: `/images/${encodeURI(name)}/push`,
      query: { tag },
      headers: authHeaders(o.auth),
      signal: o.signal,
    });
    const lines = await readProgress(bodyLines(res), (message) => new EngineError('PUSH_FAILED', message, { detail: { image: o.image } }));
    const aux = lines.find((l) => l.aux?.Digest !== undefined)?.aux;
    return { ...(aux?.Digest ? { digest: aux.Digest } : {}), ...(aux?.Size !== undefined ? { sizeBytes: aux.Size } : {}) };
  }

  async importRootfs(o: ImportOptions): Promise<ImageSummary> {
    const { name, tag } = splitImageTag(o.image);
    const res = await this.http.send({
      method: 'POST',
      path: '/images/create',
      query: { fromSrc: '-', repo: name, tag: tag ?? 'latest' },
      headers: { 'content-type': 'application/x-tar' },
      body: o.rootfs,
      signal: o.signal,
    });
    await readProgress(bodyLines(res), (message) => new EngineError('FAILED', message, { detail: { image: o.image } }));
    return this.inspect({ image: o.image, ...(o.signal ? { signal: o.signal } : {}) });
  }

  async tag(o: CallOptions & { readonly source: string; readonly target: string }): Promise<void> {
    const { name, tag } = splitImageTag(o.target);
    await this.http.call({ method: 'POST', path: `/images/${encodeURI(o.source)}/tag`, query: { repo: name, tag: tag ?? 'latest' }, signal: o.signal });
  }

  async inspect(o: CallOptions & { readonly image: string }): Promise<ImageSummary> {
    return toSummary(await this.http.json<ImageInspect>({ method: 'GET', path: `/images/${encodeURI(o.image)}/json`, signal: o.signal }));
  }

  async remove(o: CallOptions & { readonly image: string; readonly force?: boolean }): Promise<void> {
    try {
      await this.http.call({ method: 'DELETE', path: `/images/${encodeURI(o.image)}`, query: { force: o.force }, signal: o.signal });
    } catch (err) {
      if (isEngineError(err) && err.kind === 'NOT_FOUND') return;
      throw err;
    }
  }
}
