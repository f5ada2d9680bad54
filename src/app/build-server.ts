import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance, type FastifyReply } from 'fastify';
import type { Logger } from 'pino';
import type { Config } from '../config/schema.js';
import { AppError, Errors, isAppError } from '../core/errors/index.js';
import { AuthService } from '../auth/auth-service.js';
import { TokenService } from '../auth/token-service.js';
import { tokenPlugin } from '../auth/http/token-plugin.js';
import type { Registry } from '../registry/registry.js';
import { v2Plugin } from '../registry/http/v2-plugin.js';
import { createPullThroughCache } from '../registry/proxy/index.js';
import { apiPlugin } from '../api/api-plugin.js';
import { accessPlugin } from '../api/access-plugin.js';
import { AccessService } from '../auth/access-service.js';
import { openRegistry } from './open-registry.js';
import { healthPlugin } from './health-plugin.js';
import { runsPlugin } from '../api/runs-plugin.js';
import { tasksPlugin } from '../api/tasks-plugin.js';
import { LogSignals } from '../runner/log-signals.js';
import { attachEmbeddedAgent } from './build-agent.js';
import { wireVault } from './wire-vault.js';
import type { TaskService } from '../tasks/task-service.js';
import { wireTriggers } from './wire-triggers.js';
import { attachAccessAudit } from '../api/audit-hook.js';
import type { AuditRecorder } from '../api/audit-recorder.js';
import { attachBaseImageTrigger, type BaseImageTriggerHandle } from '../triggers/base-image/attach.js';
import type { TaskStore } from '../tasks/task-store.js';
import { attachTimerScheduler, type TimerScheduler } from '../triggers/timer/timer-scheduler.js';
import { webhookPlugin } from '../triggers/source/webhook-plugin.js';
import { attachGitPoller } from '../triggers/source/git-poller.js';
import { wireWebhooksAndAudit } from './wire-webhooks.js';
import type { WebhookDispatcher } from '../webhooks/webhook-dispatcher.js';

export interface BuiltServer {
  readonly app: FastifyInstance;
  readonly registry: Registry;
  readonly auth: AuthService;
  /** Saved tasks and their triggers. */
  readonly tasks: TaskService;
  readonly taskStore: TaskStore;
  /** Fires task timers; started when the server listens. */
  readonly timers: TimerScheduler;
  readonly baseImageTrigger: BaseImageTriggerHandle;
  /** Delivers the outbox to webhooks; started when the server listens (`drain()` for tests). */
  readonly webhooks: WebhookDispatcher;
  /** Set on the first start when no SLIPWAY_ADMIN_PASSWORD was given. */
  readonly generatedAdminPassword?: string;
  readonly adminPasswordFile: string;
  close(): Promise<void>;
}

export interface BuildServerOptions {
  readonly logger: Logger;
  /** The admin password to enforce (SLIPWAY_ADMIN_PASSWORD). */
  readonly adminPassword?: string;
}

/** The signing key of registry tokens, made once and kept 0600 in the data dir. */
async function tokenKey(dataDir: string): Promise<Buffer> {
  const file = join(dataDir, 'keys', 'token-signing.key');
  try {
    return Buffer.from((await readFile(file, 'utf8')).trim(), 'base64');
  } catch {
    await mkdir(join(dataDir, 'keys'), { recursive: true, mode: 0o700 });
    const key = TokenService.generateKey();
    await writeFile(file, key.toString('base64'), { mode: 0o600, flag: 'wx' }).catch(() => undefined);
    return Buffer.from((await readFile(file, 'utf8')).trim(), 'base64');
  }
}

/** Key and certificate for HTTPS, or undefined for plain HTTP. */
async function tlsOptions(server: Config['server']): Promise<{ key: Buffer; cert: Buffer } | undefined> {
  // loadConfig checked that both or neither are set.
  if (server.tlsCertFile === undefined || server.tlsKeyFile === undefined) return undefined;
  const read = async (file: string, key: string): Promise<Buffer> =>
    readFile(file).catch((err: unknown) => Promise.reject(new AppError(Errors.CONFIG_INVALID, { message: `config key ${key}: cannot read ${file}`, detail: { key }, cause: err })));
  return { cert: await read(server.tlsCertFile, 'server.tlsCertFile'), key: await read(server.tlsKeyFile, 'server.tlsKeyFile') };
}

/** config → backends → services → fastify instance (not listening yet). */
export async function buildServer(config: Readonly<Config>, options: BuildServerOptions): Promise<BuiltServer> {
  const opened = await openRegistry(config);
  const registry = opened.registry;
  const auth = new AuthService(registry.meta, new TokenService({ key: await tokenKey(config.dataDir), issuer: 'slipway' }), { ...config.auth, mirrorNamespace: config.registry.mirrorNamespace });
  const { generatedPassword } = await auth.ensureAdmin(options.adminPassword);
  const adminPasswordFile = join(config.dataDir, 'admin-password');
  if (generatedPassword !== undefined) {
    await writeFile(adminPasswordFile, `${generatedPassword}\n`, { mode: 0o600 });
    await chmod(adminPasswordFile, 0o600);
  }

  const tls = await tlsOptions(config.server);
  const app = Fastify({
    ...(tls ? { https: tls } : {}),
    loggerInstance: options.logger as unknown as FastifyBaseLogger,
    logController: new LogController({ disableRequestLogging: true }),
    return503OnClosing: true,
    forceCloseConnections: 'idle',
    requestIdHeader: false,
    // The router refuses malformed URLs (bad percent-encoding) before any plugin sees them:
    // answer in the envelope of the API the path belongs to.
    frameworkErrors: (error, request, untypedReply) => {
      const reply = untypedReply as unknown as FastifyReply;
      const status = error.statusCode ?? 400;
      if (request.url.startsWith('/v2')) {
        reply.code(status).header('Docker-Distribution-API-Version', 'registry/2.0').send({ errors: [{ code: 'NAME_INVALID', message: 'malformed URL', detail: null }] });
      } else {
        reply.code(status).send({ error: { code: 'REQUEST_INVALID', message: 'malformed URL', detail: null, requestId: request.id } });
      }
    },
  });
  app.addHook('onResponse', async (request, reply) => {
    request.log.info({ method: request.method, url: request.url.split('?')[0], status: reply.statusCode, durationMs: Math.round(reply.elapsedTime) }, 'request');
  });
  let auditRecorder: AuditRecorder | undefined;
  attachAccessAudit(app, () => auditRecorder);
  const proxy = createPullThroughCache(config.registry, registry);
  if (proxy) app.addHook('onClose', async () => proxy.close());
  await app.register(v2Plugin, {
    registry,
    proxy,
    auth,
    manifestMaxBytes: config.registry.manifestMaxBytes,
    defaultPageSize: config.registry.defaultPageSize,
    publicUrl: config.server.publicUrl,
  });
  await app.register(tokenPlugin, { auth });
  await app.register(healthPlugin, { registry });
  await app.register(apiPlugin, { registry, auth, prefix: '/api/v1' });
  await app.register(accessPlugin, { auth, access: new AccessService(registry.meta, auth), prefix: '/api/v1' });
  const { tasks, baseImageTrigger, timers } = wireTriggers(app, { config, opened, meta: registry.meta, logger: options.logger });
  const logSignals = new LogSignals();
  const vault = await wireVault(app, { config, store: opened.vaultStore, auth });
  const { registryHost } = attachEmbeddedAgent(app, { config, logger: options.logger, auth, queue: opened.runQueue, objects: opened.objects, logSignals, secretSource: vault });
  await app.register(runsPlugin, { auth, objects: opened.objects, queue: opened.runQueue, registryHost, sources: config.sources, logSignals, prefix: '/api/v1' });
  const { webhooks, audit } = await wireWebhooksAndAudit(app, { config, opened, meta: registry.meta, auth, logger: options.logger });
  auditRecorder = audit;
  const identityExists = (name: string): Promise<boolean> => vault.getIdentity(name).then(() => true, (err: unknown) => (isAppError(err) && err.code === Errors.IDENTITY_NOT_FOUND.code ? false : Promise.reject(err)));
  await app.register(tasksPlugin, { audit, auth, identityExists, store: opened.taskStore, tasks, objects: opened.objects, registryHost, sources: config.sources, prefix: '/api/v1' });
  await app.register(webhookPlugin, { auth, taskStore: opened.taskStore, tasks, prefix: '/api/v1' });

  return {
    app,
    registry,
    auth,
    tasks,
    taskStore: opened.taskStore,
    timers,
    baseImageTrigger,
    webhooks,
    ...(generatedPassword === undefined ? {} : { generatedAdminPassword: generatedPassword }),
    adminPasswordFile,
    async close() {
      await app.close();
      await opened.close();
    },
  };
}
