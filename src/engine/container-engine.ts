/**
 * The ContainerEngine port (STYLE.md section 4): what Slipway's runner needs from a container
 * engine, split by role. Every method takes `{ signal }`; aborting it cancels the call and the
 * work behind it (a build stops, a pull or push ends, a wait returns). Adapters throw
 * `EngineError` (engine-error.ts) or transport errors; `InstrumentedContainerEngine` turns
 * every failure into an `AppError` with an `ENGINE_*` code, so callers see only those.
 */
import type { Readable } from 'node:stream';

export interface CallOptions {
  readonly signal?: AbortSignal;
}

/** Optional features; callers check these, never `instanceof`. */
export interface EngineCapabilities {
  /** Builds run on BuildKit (`version=2`): parallel stages, a layer cache, `CACHED` lines. */
  readonly buildkit: boolean;
  /** The engine runs without root; bind mounts and limits may behave differently. */
  readonly rootless: boolean;
  /** `build` honours `platform` for other architectures than the engine's own. */
  readonly multiPlatform: boolean;
}

export interface EngineInfo {
  readonly serverVersion: string;
  readonly apiVersion: string;
  readonly os: string;
  readonly arch: string;
  /** Number of containers the engine holds, running or not. */
  readonly containers: number;
  readonly images: number;
  /** The engine reports rootless mode (security option `name=rootless`). */
  readonly isRootless: boolean;
}

/**
 * Credentials for one registry, sent as `X-Registry-Auth`: a password, an identity (refresh)
 * token, or a registry (bearer) token the engine sends as it is, without the token flow.
 */
export type RegistryAuth =
  | { readonly username: string; readonly password: string; readonly serveraddress: string }
  | { readonly identitytoken: string; readonly serveraddress?: string }
  | { readonly registrytoken: string; readonly serveraddress?: string };

export interface BuildOptions extends CallOptions {
  /** A tar stream of the build context; consumed once. */
  readonly context: Readable;
  /** Names to tag the result with (`host:port/repo:tag`). */
  readonly tags?: readonly string[];
  /** Dockerfile path inside the context. @defaultValue 'Dockerfile' */
  readonly dockerfile?: string;
  readonly buildArgs?: Readonly<Record<string, string>>;
  /** Stage to stop at in a multi-stage Dockerfile. */
  readonly target?: string;
  /** Ignore the layer cache. @defaultValue false */
  readonly noCache?: boolean;
  /** e.g. `linux/amd64`. @defaultValue the engine's own */
  readonly platform?: string;
  /** Always try to pull a newer base image. @defaultValue false */
  readonly pull?: boolean;
  readonly labels?: Readonly<Record<string, string>>;
  /** Network for RUN steps: `default` (the engine's bridge), `host` or `none`. @defaultValue 'default' */
  readonly network?: string;
  /**
   * Receives each readable log line as it arrives (`#3 [2/3] RUN echo hi`, `#3 0.123 hi`,
   * `#3 CACHED`, `#3 DONE 0.4s`). Called synchronously; it must not throw or block.
   */
  readonly onLog?: (line: string) => void;
}

export interface BuildResult {
  /** The image's config digest, `sha256:…`. */
  readonly imageId: string;
  readonly tags: readonly string[];
  /** Number of log lines delivered to `onLog`. */
  readonly logLines: number;
}

export interface PullOptions extends CallOptions {
  /** `host:port/repo:tag` or `…@sha256:…`. */
  readonly image: string;
  readonly auth?: RegistryAuth;
  readonly platform?: string;
}

export interface PushOptions extends CallOptions {
  /** A local tag, `host:port/repo:tag`; the registry is its host part. */
  readonly image: string;
  readonly auth?: RegistryAuth;
}

export interface PushResult {
  /** The manifest digest the registry accepted, when the engine reported it. */
  readonly digest?: string;
  readonly sizeBytes?: number;
}

export interface ImageSummary {
  readonly id: string;
  readonly tags: readonly string[];
  readonly repoDigests: readonly string[];
  readonly sizeBytes: number;
  readonly labels: Readonly<Record<string, string>>;
}

export interface ImportOptions extends CallOptions {
  /** A root-filesystem tar stream (as `docker import` takes). */
  readonly rootfs: Readable;
  /** `repo:tag` to give the new image. */
  readonly image: string;
}

/** Building, moving and naming images. */
export interface ImageEngine {
  /**
   * Builds an image from a context tar. Resolves once the engine reports the image id.
   * A Dockerfile error or failing step rejects with BUILD_FAILED, carrying the error text
   * and the last log lines in `detail`. Aborting stops the build on the engine.
   */
  build(options: BuildOptions): Promise<BuildResult>;
  /** Pulls an image; NOT_FOUND when the registry lacks it, PULL_FAILED otherwise. */
  pull(options: PullOptions): Promise<ImageSummary>;
  /** Pushes a local tag to its registry; PUSH_FAILED when the registry refuses (auth, size…). */
  push(options: PushOptions): Promise<PushResult>;
  /** Imports a root filesystem tar as a one-layer image (base images without a registry). */
  importRootfs(options: ImportOptions): Promise<ImageSummary>;
  /** Adds a name to an existing image; NOT_FOUND when `source` is unknown. Idempotent. */
  tag(options: CallOptions & { readonly source: string; readonly target: string }): Promise<void>;
  /** An image by name or id; NOT_FOUND when absent. */
  inspect(options: CallOptions & { readonly image: string }): Promise<ImageSummary>;
  /**
   * Removes a name (or, by id, the image). Absent images are not an error. CONFLICT when a
   * container uses it, unless `force`.
   */
  remove(options: CallOptions & { readonly image: string; readonly force?: boolean }): Promise<void>;
}

export interface Mount {
  readonly type: 'bind' | 'volume' | 'tmpfs';
  /** Host path (bind) or volume name; ignored for tmpfs. */
  readonly source?: string;
  readonly target: string;
  readonly readOnly?: boolean;
}

export interface ResourceLimits {
  readonly memoryBytes?: number;
  /** Fractional CPUs, e.g. 0.5. */
  readonly cpus?: number;
  readonly pids?: number;
}

export interface CreateContainerOptions extends CallOptions {
  readonly image: string;
  readonly name?: string;
  readonly cmd?: readonly string[];
  readonly entrypoint?: readonly string[];
  readonly env?: Readonly<Record<string, string>>;
  readonly workdir?: string;
  readonly mounts?: readonly Mount[];
  /** Network name or mode (`bridge`, `host`, `none`, a created network). */
  readonly network?: string;
  readonly labels?: Readonly<Record<string, string>>;
  readonly limits?: ResourceLimits;
  readonly user?: string;
  /** Full privileges (`--privileged`). @defaultValue false */
  readonly privileged?: boolean;
  /** Published ports in `docker run -p` syntax: `8080:80`, `80`, `127.0.0.1:8080:80/udp`. */
  readonly ports?: readonly string[];
  /** Exposed ports without publishing (`--expose`): `80`, `53/udp`. */
  readonly expose?: readonly string[];
  /** Extra DNS names on `network` (a user-defined network resolves the container name anyway). */
  readonly networkAliases?: readonly string[];
}

export interface ContainerRef extends CallOptions {
  /** Container id or name. */
  readonly id: string;
}

export interface WaitResult {
  readonly exitCode: number;
  /** The engine's own error (e.g. the command was not found), if any. */
  readonly error?: string;
}

export interface LogChunk {
  readonly stream: 'stdout' | 'stderr';
  readonly data: Buffer;
}

export interface ContainerSummary {
  readonly id: string;
  readonly names: readonly string[];
  readonly image: string;
  readonly state: string;
  readonly labels: Readonly<Record<string, string>>;
}

/** Running step containers. */
export interface ContainerRunner {
  /** Creates (does not start) a container; NOT_FOUND when the image is absent locally. */
  create(options: CreateContainerOptions): Promise<{ readonly id: string }>;
  /** Starts it; starting a running container is a no-op. NOT_FOUND when absent. */
  start(options: ContainerRef): Promise<void>;
  /** Resolves with the exit code once it stops; aborting stops waiting (not the container). */
  wait(options: ContainerRef): Promise<WaitResult>;
  /**
   * Its output, demultiplexed into stdout and stderr chunks. With `follow`, the iterable ends
   * when the container stops; without, it yields what was written so far.
   */
  logs(options: ContainerRef & { readonly follow?: boolean }): AsyncIterable<LogChunk>;
  /** Stops it (SIGTERM, then SIGKILL after `timeoutSeconds`); stopping a stopped one is a no-op. */
  stop(options: ContainerRef & { readonly timeoutSeconds?: number }): Promise<void>;
  /** Removes it and its anonymous volumes; `force` kills it first. Absent is not an error. */
  remove(options: ContainerRef & { readonly force?: boolean }): Promise<void>;
  /** All containers (running or not), optionally only those with every `labels` pair. */
  list(options?: CallOptions & { readonly labels?: Readonly<Record<string, string>> }): Promise<ContainerSummary[]>;
  /** Extracts a tar stream into the container's filesystem (or a volume mounted in it) at `path`, which must exist. */
  putArchive(options: ContainerRef & { readonly path: string; readonly tar: Readable }): Promise<void>;
  /** A tar stream of `path` in the container (a file or a folder, the folder itself as the top entry). */
  getArchive(options: ContainerRef & { readonly path: string }): Promise<Readable>;
}

export interface ResourceOptions extends CallOptions {
  readonly name: string;
  readonly labels?: Readonly<Record<string, string>>;
}

export interface NetworkOptions extends ResourceOptions {
  /** @defaultValue 'bridge' */
  readonly driver?: string;
  readonly ipv6?: boolean;
}

/** Named networks and volumes that a run's step containers share. */
export interface EngineResources {
  /** Creates a bridge network; CONFLICT when the name is taken. Resolves with its id. */
  createNetwork(options: NetworkOptions): Promise<{ readonly id: string }>;
  /** Removes a network by name or id; absent is not an error. */
  removeNetwork(options: CallOptions & { readonly name: string }): Promise<void>;
  /** Creates a local volume; creating an existing one returns it (the engine's rule). */
  createVolume(options: ResourceOptions): Promise<{ readonly name: string }>;
  /** Removes a volume; absent is not an error, CONFLICT while a container uses it. */
  removeVolume(options: CallOptions & { readonly name: string; readonly force?: boolean }): Promise<void>;
}

/** A container engine: system calls plus the three roles. */
export interface ContainerEngine {
  /** Adapter name for logs and errors (`docker`). */
  readonly name: string;
  readonly capabilities: EngineCapabilities;
  /** Resolves when the engine answers; UNAVAILABLE quickly when it does not. */
  ping(options?: CallOptions): Promise<void>;
  /** Versions and counts; UNAVAILABLE when the engine does not answer. */
  info(options?: CallOptions): Promise<EngineInfo>;
  readonly images: ImageEngine;
  readonly containers: ContainerRunner;
  readonly resources: EngineResources;
  /** Releases the adapter's connections; idempotent. Running containers are not touched. */
  close(): Promise<void>;
}
