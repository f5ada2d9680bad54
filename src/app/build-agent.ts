import { hostname } from 'node:os';
import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import type { Config } from '../config/schema.js';
import type { AuthService } from '../auth/auth-service.js';
import { Action } from '../auth/scope.js';
import type { RunQueue } from '../queue/run-queue.js';
import type { ObjectStore } from '../registry/storage/object-store.js';
import { RunAgent } from '../runner/agent.js';
import type { LogSignals } from '../runner/log-signals.js';
import type { SecretSource } from '../vault/index.js';
import { createContainerEngine } from './backends.js';

export interface EmbeddedAgentOptions {
  readonly config: Readonly<Config>;
  readonly logger: Logger;
  readonly auth: AuthService;
  readonly queue: RunQueue;
  readonly objects: ObjectStore;
  readonly logSignals: LogSignals;
  /** Where runs read vault secrets (the vault service). */
  readonly secretSource?: SecretSource;
}

/** How the engine (on this machine) reaches the server: loopback for a wildcard or loopback bind. */
export function registryHostOf(address: AddressInfo): string {
  const host = address.address;
  if (host === '0.0.0.0' || host === '::' || host.startsWith('127.') || host === '::1') return `127.0.0.1:${address.port}`;
  return host.includes(':') ? `[${host}]:${address.port}` : `${host}:${address.port}`;
}

/**
 * The agent inside `slipway serve`: starts leasing once the server listens (the engine pushes
 * into Slipway through the listening port) and stops before the server closes, letting the
 * running build finish within `server.shutdownGraceSeconds`, then aborting it.
 * Without `engine.socket` there is no agent: runs stay Queued.
 */
export function attachEmbeddedAgent(app: FastifyInstance, options: EmbeddedAgentOptions): { registryHost: () => string | undefined } {
  const { config, logger } = options;
  let registry: string | undefined;
  const registryHost = (): string | undefined => registry;
  const socket = config.engine.socket;
  if (socket === undefined) {
    logger.warn('engine.socket (SLIPWAY_ENGINE_SOCKET) is not set: no build agent runs, runs stay Queued');
    app.addHook('onListen', async () => {
      registry = registryHostOf(app.server.address() as AddressInfo);
    });
    return { registryHost };
  }
  const engine = createContainerEngine(socket, { onCall: (e) => logger.debug({ engine: e }, 'engine call') });
  let agent: RunAgent | undefined;
  app.addHook('onListen', async () => {
    registry = registryHostOf(app.server.address() as AddressInfo);
    agent = new RunAgent({
      queue: options.queue,
      log: logger.child({ component: 'agent' }),
      ownerId: `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`,
      leaseTtlMs: config.runs.leaseTtlSeconds * 1000,
      runner: {
        engine,
        objects: options.objects,
        registry,
        ...(config.server.publicUrl === undefined ? {} : { publicRegistry: new URL(config.server.publicUrl).host }),
        pricePerSecond: config.runs.pricePerSecond,
        sources: config.sources,
        logSignals: options.logSignals,
        ...(options.secretSource === undefined ? {} : { secretSource: options.secretSource }),
        isAnonymousRepository: (repository) => config.auth.anonymousPull || (config.registry.mirrorNamespace !== '' && repository.startsWith(`${config.registry.mirrorNamespace}/`)),
        pushToken: (runId, repositories, pullOnly = []) => {
          const access = [
            ...repositories.map((name) => ({ type: 'repository', name, actions: [Action.pull, Action.push] })),
            ...pullOnly.filter((name) => !repositories.includes(name)).map((name) => ({ type: 'repository', name, actions: [Action.pull] })),
          ];
          return options.auth.issueAccessToken({ kind: 'token', name: `run:${runId}`, access }, access).token;
        },
      },
    });
    agent.start();
    logger.info({ socket, registry }, 'build agent started');
  });
  app.addHook('preClose', async () => {
    await agent?.stop(config.server.shutdownGraceSeconds * 1000);
    await engine.close();
  });
  return { registryHost };
}
