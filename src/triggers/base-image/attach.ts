import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import type { MetadataStore } from '../../metadata/metadata-store.js';
import { UpstreamClient } from '../../registry/proxy/upstream-client.js';
import type { Task, TaskDependency } from '../../tasks/task-model.js';
import type { TaskService } from '../../tasks/task-service.js';
import type { TaskStore } from '../../tasks/task-store.js';
import { BaseImageWatcher } from './base-image-watcher.js';

export interface BaseImageTriggerOptions {
  readonly meta: MetadataStore;
  readonly store: TaskStore;
  readonly tasks: TaskService;
  readonly logger: Logger;
  readonly mirrorNamespace: string;
  /** `server.publicUrl`, whose host is also this registry. */
  readonly publicUrl: string | undefined;
  /** How often the outbox is read. @defaultValue 1000 */
  readonly outboxPollMs?: number;
  /** How often bases in other registries are compared. @defaultValue 600_000 (ACR polls every 10–60 min) */
  readonly externalPollMs?: number;
}

const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]', '::1', '0.0.0.0']);

/** Whether `registry` (`host[:port]`) names this server: a loopback name on its port, its bound address, or the public host. */
export function ownRegistryMatcher(port: number, boundHost: string, publicUrl: string | undefined): (registry: string) => boolean {
  const publicHost = publicUrl === undefined ? undefined : new URL(publicUrl).host;
  return (registry) => {
    if (registry === publicHost) return true;
    const m = /^(\[[^\]]+\]|[^:]+)(?::(\d+))?$/.exec(registry);
    if (m === null) return false;
    const host = m[1] as string;
    const itsPort = m[2] === undefined ? undefined : Number(m[2]);
    if (itsPort !== port) return false;
    return LOOPBACK.has(host) || host === boundHost;
  };
}

/** Asks another registry for the digest behind a task's base tag, with the task's credentials for it. */
function remoteDigestVia(store: TaskStore, timeoutMs: number) {
  return async (dep: TaskDependency, task: Task): Promise<string | undefined> => {
    const secrets = (await store.getWithSecrets(task.name))?.secrets;
    const credential = task.credentials.find((c) => c.loginServer === dep.registry);
    const password = secrets?.registryPasswords[dep.registry];
    const host = dep.registry === 'docker.io' ? undefined : dep.registry;
    if (host === undefined) return undefined; // Docker Hub bases live in the mirror namespace
    const scheme = /^(localhost|127\.|\[::1\])/.test(host) ? 'http' : 'https';
    const client = new UpstreamClient({
      url: `${scheme}://${host}`,
      credentials: credential?.username && password ? { username: credential.username, password } : {},
      timeoutMs,
    });
    try {
      return await client.headManifest(dep.repository, dep.tag ?? 'latest', { signal: AbortSignal.timeout(timeoutMs) });
    } finally {
      client.close();
    }
  };
}

/**
 * Runs the base-image trigger inside `slipway serve`: reads the registry outbox every
 * `outboxPollMs` and compares bases in other registries every `externalPollMs`, once the server
 * listens (its address decides which registry names are its own), until it closes.
 */
export interface BaseImageTriggerHandle {
  /** Reads the outbox now (after any read in progress) and resolves when done; for tests and tools. */
  drain(): Promise<void>;
  /** Compares external base images now. */
  checkExternal(): Promise<void>;
}

export function attachBaseImageTrigger(app: FastifyInstance, options: BaseImageTriggerOptions): BaseImageTriggerHandle {
  let watcher: BaseImageWatcher | undefined;
  let outboxTimer: NodeJS.Timeout | undefined;
  let externalTimer: NodeJS.Timeout | undefined;
  let busy: Promise<void> = Promise.resolve();
  const serial = (job: () => Promise<unknown>, what: string): void => {
    busy = busy.then(job).then(
      () => undefined,
      (err: unknown) => options.logger.error({ err }, `base-image trigger: ${what} failed`),
    );
  };
  app.addHook('onListen', async () => {
    const address = app.server.address() as AddressInfo;
    watcher = new BaseImageWatcher({
      meta: options.meta,
      store: options.store,
      tasks: options.tasks,
      logger: options.logger,
      mirrorNamespace: options.mirrorNamespace,
      isOwnRegistry: ownRegistryMatcher(address.port, address.address, options.publicUrl),
      remoteDigest: remoteDigestVia(options.store, 30_000),
    });
    const w = watcher;
    serial(() => w.processOutbox(), 'reading the registry events');
    outboxTimer = setInterval(() => serial(() => w.processOutbox(), 'reading the registry events'), options.outboxPollMs ?? 1000);
    externalTimer = setInterval(() => serial(() => w.checkExternal(), 'checking external base images'), options.externalPollMs ?? 600_000);
    outboxTimer.unref();
    externalTimer.unref();
  });
  app.addHook('preClose', async () => {
    clearInterval(outboxTimer);
    clearInterval(externalTimer);
    await busy;
  });
  const now = (what: 'outbox' | 'external'): Promise<void> => {
    const w = watcher;
    if (w === undefined) return Promise.resolve();
    serial(() => (what === 'outbox' ? w.processOutbox() : w.checkExternal()), what === 'outbox' ? 'reading the registry events' : 'checking external base images');
    return busy;
  };
  return { drain: () => now('outbox'), checkExternal: () => now('external') };
}
