import type {
  BuildOptions,
  CallOptions,
  ContainerEngine,
  ContainerRef,
  ContainerRunner,
  CreateContainerOptions,
  EngineResources,
  ImageEngine,
  LogChunk,
} from './container-engine.js';
import { normaliseEngineError } from './normalise-engine-error.js';

/** What the wrapper reports about each call; the composition root decides what to log. */
export interface EngineCallEvent {
  readonly backend: string;
  readonly operation: string;
  readonly durationMs: number;
  /** The normalised error code when the call failed. */
  readonly errorCode?: string;
}

export interface InstrumentedEngineOptions {
  /** Called after every call, success or failure (STYLE.md: library modules emit, callers log). */
  readonly onCall?: (event: EngineCallEvent) => void;
}

type Guard = <T>(operation: string, signal: AbortSignal | undefined, fn: () => Promise<T>) => Promise<T>;

function guardFor(backend: string, onCall: InstrumentedEngineOptions['onCall']): Guard {
  return async (operation, signal, fn) => {
    const started = performance.now();
    try {
      // An already aborted signal ends the call before any I/O.
      signal?.throwIfAborted();
      const out = await fn();
      onCall?.({ backend, operation, durationMs: performance.now() - started });
      return out;
    } catch (err) {
      const normalised = normaliseEngineError(err, { backend, operation, signal });
      onCall?.({ backend, operation, durationMs: performance.now() - started, errorCode: normalised.code });
      throw normalised;
    }
  };
}

function wrapImages(inner: ImageEngine, guard: Guard): ImageEngine {
  return {
    build: (o: BuildOptions) => guard('images.build', o.signal, () => inner.build(o)),
    pull: (o) => guard('images.pull', o.signal, () => inner.pull(o)),
    push: (o) => guard('images.push', o.signal, () => inner.push(o)),
    importRootfs: (o) => guard('images.importRootfs', o.signal, () => inner.importRootfs(o)),
    tag: (o) => guard('images.tag', o.signal, () => inner.tag(o)),
    inspect: (o) => guard('images.inspect', o.signal, () => inner.inspect(o)),
    remove: (o) => guard('images.remove', o.signal, () => inner.remove(o)),
  };
}

async function* guardedLogs(inner: ContainerRunner, o: ContainerRef & { readonly follow?: boolean }, guard: Guard): AsyncGenerator<LogChunk> {
  const iterator = inner.logs(o)[Symbol.asyncIterator]();
  try {
    for (;;) {
      const next = await guard('containers.logs', o.signal, () => iterator.next());
      if (next.done === true) return;
      yield next.value;
    }
  } finally {
    await iterator.return?.();
  }
}

function wrapContainers(inner: ContainerRunner, guard: Guard): ContainerRunner {
  return {
    create: (o: CreateContainerOptions) => guard('containers.create', o.signal, () => inner.create(o)),
    start: (o) => guard('containers.start', o.signal, () => inner.start(o)),
    wait: (o) => guard('containers.wait', o.signal, () => inner.wait(o)),
    logs: (o) => guardedLogs(inner, o, guard),
    stop: (o) => guard('containers.stop', o.signal, () => inner.stop(o)),
    remove: (o) => guard('containers.remove', o.signal, () => inner.remove(o)),
    list: (o = {}) => guard('containers.list', o.signal, () => inner.list(o)),
    putArchive: (o) => guard('containers.putArchive', o.signal, () => inner.putArchive(o)),
    getArchive: (o) => guard('containers.getArchive', o.signal, () => inner.getArchive(o)),
  };
}

function wrapResources(inner: EngineResources, guard: Guard): EngineResources {
  return {
    createNetwork: (o) => guard('resources.createNetwork', o.signal, () => inner.createNetwork(o)),
    removeNetwork: (o) => guard('resources.removeNetwork', o.signal, () => inner.removeNetwork(o)),
    createVolume: (o) => guard('resources.createVolume', o.signal, () => inner.createVolume(o)),
    removeVolume: (o) => guard('resources.removeVolume', o.signal, () => inner.removeVolume(o)),
  };
}

/**
 * The one wrapper around every engine adapter (STYLE.md section 4): times each call and
 * normalises every failure into an `ENGINE_*` AppError, so callers never see socket errors,
 * engine prose or adapter types. Adapters stay thin.
 */
export class InstrumentedContainerEngine implements ContainerEngine {
  readonly name: string;
  readonly capabilities: ContainerEngine['capabilities'];
  readonly images: ImageEngine;
  readonly containers: ContainerRunner;
  readonly resources: EngineResources;
  private readonly guard: Guard;

  constructor(
    private readonly inner: ContainerEngine,
    options: InstrumentedEngineOptions = {},
  ) {
    this.name = inner.name;
    this.capabilities = inner.capabilities;
    this.guard = guardFor(inner.name, options.onCall);
    this.images = wrapImages(inner.images, this.guard);
    this.containers = wrapContainers(inner.containers, this.guard);
    this.resources = wrapResources(inner.resources, this.guard);
  }

  ping(options: CallOptions = {}): Promise<void> {
    return this.guard('ping', options.signal, () => this.inner.ping(options));
  }

  info(options: CallOptions = {}): ReturnType<ContainerEngine['info']> {
    return this.guard('info', options.signal, () => this.inner.info(options));
  }

  close(): Promise<void> {
    return this.inner.close();
  }
}
