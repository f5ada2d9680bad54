import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import type { Config } from '../config/schema.js';
import type { MetadataStore } from '../metadata/metadata-store.js';
import { TaskService } from '../tasks/task-service.js';
import { attachBaseImageTrigger, type BaseImageTriggerHandle } from '../triggers/base-image/attach.js';
import { attachGitPoller } from '../triggers/source/git-poller.js';
import { attachTimerScheduler, type TimerScheduler } from '../triggers/timer/timer-scheduler.js';
import type { OpenedRegistry } from './open-registry.js';

export interface WiredTriggers {
  readonly tasks: TaskService;
  readonly baseImageTrigger: BaseImageTriggerHandle;
  readonly timers: TimerScheduler;
}

/**
 * The task service and every trigger that feeds it, started and stopped with the server:
 * dependencies recorded from successful task runs, the base-image trigger on the registry
 * outbox, timers, and git polling (webhooks arrive through their REST route).
 */
export function wireTriggers(app: FastifyInstance, o: { config: Readonly<Config>; opened: OpenedRegistry; meta: MetadataStore; logger: Logger }): WiredTriggers {
  const { config, opened, logger } = o;
  const tasks = new TaskService({ store: opened.taskStore, queue: opened.runQueue });
  // A task's successful run records the base images its base-image trigger tracks.
  const offFinished = opened.runQueue.on('finished', ({ run }) => {
    tasks.recordDependencies(run).catch((err: unknown) => logger.error({ err, runId: run.runId }, 'tasks: cannot record base-image dependencies'));
  });
  app.addHook('onClose', async () => offFinished());
  const baseImageTrigger = attachBaseImageTrigger(app, {
    meta: o.meta,
    store: opened.taskStore,
    tasks,
    logger: logger.child({ component: 'base-image-trigger' }),
    mirrorNamespace: config.registry.mirrorNamespace,
    publicUrl: config.server.publicUrl,
  });
  const timers = attachTimerScheduler(app, { taskStore: opened.taskStore, tasks, logger: logger.child({ component: 'timer-trigger' }), catchUpSeconds: config.triggers.timerCatchUpSeconds });
  attachGitPoller(app, { taskStore: opened.taskStore, tasks, logger, sources: config.sources });
  return { tasks, baseImageTrigger, timers };
}
