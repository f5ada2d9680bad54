import type { Logger } from 'pino';
import type { MetadataStore } from '../../metadata/metadata-store.js';
import type { Task, TaskDependency } from '../../tasks/task-model.js';
import type { TaskService } from '../../tasks/task-service.js';
import type { TaskStore } from '../../tasks/task-store.js';

/** The outbox consumer's name in trigger_cursors. */
const CURSOR = 'base-image-trigger';
const PAGE = 500;

export interface BaseImageWatcherOptions {
  readonly meta: MetadataStore;
  readonly store: TaskStore;
  readonly tasks: TaskService;
  readonly logger: Logger;
  /** Whether a dependency's registry host is this Slipway (any of its addresses). */
  readonly isOwnRegistry: (registry: string) => boolean;
  /** Slipway's Docker Hub mirror namespace (`library`): `docker.io/library/x` bases live there. */
  readonly mirrorNamespace: string;
  /**
   * The digest behind `repository:tag` in another registry, or undefined when it cannot be told
   * (unreachable, unknown). Injected: the server uses an OCI client, tests a table.
   */
  readonly remoteDigest?: (dep: TaskDependency, task: Task) => Promise<string | undefined>;
  readonly now?: () => Date;
}

interface PushedImage {
  readonly repository: string;
  readonly tag: string;
  readonly digest: string;
}

/** A push event of the outbox, or undefined for anything else (deletes, untags, digest-only pushes). */
function pushedImage(action: string, payload: string): PushedImage | undefined {
  if (action !== 'push') return undefined;
  try {
    const target = (JSON.parse(payload) as { target?: { repository?: unknown; tag?: unknown; digest?: unknown } }).target;
    if (typeof target?.repository !== 'string' || typeof target.tag !== 'string' || typeof target.digest !== 'string') return undefined;
    return { repository: target.repository, tag: target.tag, digest: target.digest };
  } catch {
    return undefined;
  }
}

/**
 * Base-image update triggers (docs/triggers.md). Reads the registry's event outbox from a saved
 * cursor, so pushes made while the server was down are still seen; for each tag pushed into
 * Slipway it finds the tasks whose last successful run built from that tag, and asks the task
 * service for a run when the digest moved. The dedupe key is the new digest, so a second push of
 * the same image, a second server reading the same outbox, or a replay after a crash starts no
 * second run. Bases in other registries are compared by `checkExternal`, called at an interval.
 */
export class BaseImageWatcher {
  private readonly now: () => Date;

  constructor(private readonly options: BaseImageWatcherOptions) {
    this.now = options.now ?? (() => new Date());
  }

  /** Handles every outbox event after the saved cursor; returns how many pushes it looked at. */
  async processOutbox(): Promise<number> {
    const { meta, store } = this.options;
    let position = await store.cursor(CURSOR);
    if (position === undefined) {
      // First start: history is not replayed, only what happens from now on.
      position = await meta.events.lastSeq();
      await store.saveCursor(CURSOR, position, this.now().toISOString());
      return 0;
    }
    let handled = 0;
    for (;;) {
      const events = await meta.events.list(position, PAGE);
      if (events.length === 0) return handled;
      for (const event of events) {
        const image = pushedImage(event.action, event.payload);
        if (image !== undefined) {
          await this.onPush(image);
          handled += 1;
        }
        position = event.seq;
      }
      await store.saveCursor(CURSOR, position, this.now().toISOString());
    }
  }

  /** Is `dep` a base image that lives in this Slipway (its own address, or the mirrored Docker Hub namespace)? */
  isOwn(dep: Pick<TaskDependency, 'registry' | 'repository'>): boolean {
    if (this.options.isOwnRegistry(dep.registry)) return true;
    const ns = this.options.mirrorNamespace;
    return dep.registry === 'docker.io' && ns !== '' && dep.repository.startsWith(`${ns}/`);
  }

  private async onPush(image: PushedImage): Promise<void> {
    const deps = (await this.options.store.dependentsOf(image.repository, image.tag)).filter((d) => this.isOwn(d));
    const byTask = new Map<string, TaskDependency[]>();
    for (const dep of deps) byTask.set(dep.taskName, [...(byTask.get(dep.taskName) ?? []), dep]);
    for (const [taskName, taskDeps] of byTask) await this.consider(taskName, taskDeps, image.digest);
  }

  /** One task, the dependencies of it that point at the moved tag, and the digest now behind it. */
  private async consider(taskName: string, deps: readonly TaskDependency[], digest: string): Promise<void> {
    const { store, tasks } = this.options;
    const task = await store.get(taskName);
    if (task === undefined) return;
    const first = deps[0] as TaskDependency;
    const ref = `${first.registry}/${first.repository}:${first.tag ?? ''}`;
    const detail = { image: ref, digest };
    if (deps.every((d) => d.digest === digest)) {
      await tasks.ignore(taskName, 'ImageUpdate', `${ref} was pushed with the digest the task last built from (${digest})`, detail);
      return;
    }
    const kinds = task.triggers.baseImage?.type ?? 'Runtime';
    const relevant = deps.filter((d) => d.digest !== digest && (kinds === 'All' || d.type === 'Runtime'));
    if (relevant.length === 0) {
      await tasks.ignore(taskName, 'ImageUpdate', `${ref} is only a build-time base and the task's base-image trigger type is Runtime`, detail);
      return;
    }
    const result = await tasks.trigger(taskName, {
      kind: 'ImageUpdate',
      dedupeKey: `base:${first.repository}:${first.tag ?? ''}@${digest}`,
      images: [{ registry: first.registry, repository: first.repository, tag: first.tag, digest }],
    });
    this.options.logger.info({ task: taskName, image: ref, digest, outcome: result.outcome, runId: result.run?.runId }, 'base-image trigger');
  }

  /** Compares every base image in another registry with what its tasks last built from. */
  async checkExternal(): Promise<void> {
    const { store, remoteDigest, logger } = this.options;
    if (remoteDigest === undefined) return;
    const deps = (await store.externalDependencies([])).filter((d) => !this.isOwn(d) && d.tag !== null);
    for (const dep of deps) {
      const task = await store.get(dep.taskName);
      if (task === undefined) continue;
      let digest: string | undefined;
      try {
        digest = await remoteDigest(dep, task);
      } catch (err) {
        logger.warn({ err, task: dep.taskName, image: `${dep.registry}/${dep.repository}:${dep.tag}` }, 'base-image trigger: cannot check an external base image');
      }
      await store.markChecked(dep, this.now().toISOString());
      if (digest !== undefined && digest !== dep.digest) await this.consider(dep.taskName, [dep], digest);
    }
  }
}
