import type { FastifyInstance, FastifyRequest } from 'fastify';
import { AppError, Errors, isStoreError } from '../core/errors/index.js';
import type { AuthService } from '../auth/auth-service.js';
import { ApiAccess } from '../auth/roles.js';
import type { ObjectStore } from '../registry/storage/object-store.js';
import { StorageLayout } from '../registry/storage/layout.js';
import { OPEN_SOURCE_POLICY, type SourcePolicy } from '../sources/index.js';
import type { RunRecord } from '../queue/run-queue.js';
import { toRunView } from '../tasks/run-view.js';
import type { Task, TaskSecrets } from '../tasks/task-model.js';
import type { TaskService } from '../tasks/task-service.js';
import type { TaskStore } from '../tasks/task-store.js';
import { authorize, sendError } from './api-plugin.js';
import type { ApiRun } from './contract/runs.js';
import type { ApiTask, ApiTaskCreated, ApiTaskCredentials, ApiTaskDependencies, ApiTaskList } from './contract/tasks.js';
import { taskName } from './task-request-fields.js';
import { applyUpdate, parseCreate, type TaskRequestContext } from './task-request.js';
import { addCredential, addTimer, loginServer, parseRunOverrides, removeCredential, removeTimer, updateCredential, updateTimer } from './task-subresource-request.js';
import { credentialsView, toTaskView } from './task-view.js';
import { audited, type AuditRecorder } from './audit-recorder.js';

export interface TasksPluginOptions {
  readonly auth: AuthService;
  readonly store: TaskStore;
  readonly tasks: TaskService;
  /** Where uploaded contexts live (a `task run -c .` override). */
  readonly objects: ObjectStore;
  /** Slipway's own registry (`host:port`); undefined before listening. */
  readonly registryHost: () => string | undefined;
  /** @defaultValue everything allowed */
  readonly sources?: SourcePolicy;
  readonly now?: () => Date;
  /** Who changed which task (src/api/audit-recorder.ts); absent in tests that do not need it. */
  readonly audit?: AuditRecorder;
  /** Whether a vault identity exists, for `--assign-identity` at create. */
  readonly identityExists?: (name: string) => Promise<boolean>;
}

/** As for runs: Contributor and Owner define and start tasks; Reader and up read them (docs/access.md). */
const WRITE_SCOPE = ApiAccess.buildsWrite;
const READ_SCOPE = ApiAccess.buildsRead;

type Change = { task: Task; secrets: TaskSecrets };

function notFound(name: string): AppError {
  return new AppError(Errors.TASK_NOT_FOUND, { detail: { name: name.slice(0, 60) } });
}

/** The `:name` parameter: an invalid name cannot exist, so it is TASK_NOT_FOUND. */
function nameParam(request: FastifyRequest): string {
  const name = (request.params as { name: string }).name;
  try {
    return taskName(name);
  } catch {
    throw notFound(name);
  }
}

async function contextExists(objects: ObjectStore, id: string): Promise<boolean> {
  try {
    await objects.stat(StorageLayout.context(id));
    return true;
  } catch (err) {
    if (isStoreError(err, 'NOT_FOUND')) return false;
    throw err;
  }
}

/**
 * Saved tasks (src/api/contract/tasks.ts): definitions, their timers and registry credentials,
 * and manual runs through TaskService.trigger. Errors in the API envelope.
 */
export async function tasksPlugin(app: FastifyInstance, options: TasksPluginOptions): Promise<void> {
  const { auth, store, tasks } = options;
  const policy = options.sources ?? OPEN_SOURCE_POLICY;
  const now = options.now ?? (() => new Date());
  app.setErrorHandler((err, request, reply) => sendError(err, request, reply));

  const requestContext = (request: FastifyRequest): TaskRequestContext => ({
    registry: options.registryHost() ?? request.headers.host ?? 'localhost',
    policy,
    now: now(),
    ...(options.identityExists === undefined ? {} : { identityExists: options.identityExists }),
  });
  const view = async (task: Task): Promise<ApiTask> => toTaskView(task, await store.dependencies(task.name));
  const load = async (name: string): Promise<Change> => {
    const found = await store.getWithSecrets(name);
    if (found === undefined) throw notFound(name);
    return found;
  };

  /**
   * Read, change (async checks allowed), write only if nothing changed in between; else again.
   * The store's update is one transaction, but a change callback cannot await (YAML, DNS checks).
   */
  async function updateChecked(name: string, change: (current: Change) => Promise<Change>): Promise<Task> {
    for (let attempt = 0; ; attempt++) {
      const current = await load(name);
      const next = await change(current);
      const seen = JSON.stringify(current);
      let isStale = false;
      const saved = await store.update(name, (task, secrets) => {
        isStale = JSON.stringify({ task, secrets }) !== seen;
        return isStale ? { task, secrets } : next;
      });
      if (!isStale) return saved;
      if (attempt >= 4) throw new AppError(Errors.TASK_INVALID, { message: 'the task kept changing while it was updated; try again', detail: { name } });
    }
  }

  app.post('/tasks', async (request, reply) => {
    await authorize(request, auth, WRITE_SCOPE);
    const { task, secrets } = await parseCreate(request.body, requestContext(request));
    await audited(options.audit, request, { action: 'task.create', target: { kind: 'task', name: task.name } }, store.create(task, secrets));
    const created: ApiTaskCreated = { ...(await view(task)), webhookSecret: secrets.webhookSecret };
    return reply.code(201).send(created);
  });

  app.get('/tasks', async (request): Promise<ApiTaskList> => {
    await authorize(request, auth, READ_SCOPE);
    return { tasks: await Promise.all((await store.list()).map(view)) };
  });

  app.get('/tasks/:name', async (request) => {
    await authorize(request, auth, READ_SCOPE);
    const name = nameParam(request);
    const task = await store.get(name);
    if (task === undefined) throw notFound(name);
    return view(task);
  });

  app.get('/tasks/:name/dependencies', async (request): Promise<ApiTaskDependencies> => {
    await authorize(request, auth, READ_SCOPE);
    const name = nameParam(request);
    if ((await store.get(name)) === undefined) throw notFound(name);
    const deps = await store.dependencies(name);
    return { dependencies: deps.map((d) => ({ type: d.type === 'Runtime' ? 'RunTime' : 'BuildTime', registry: d.registry, repository: d.repository, tag: d.tag, digest: d.digest, recordedAt: d.recordedAt, checkedAt: d.checkedAt })) };
  });

  app.patch('/tasks/:name', async (request) => {
    await authorize(request, auth, WRITE_SCOPE);
    const name = nameParam(request);
    const ctx = requestContext(request);
    return view(await audited(options.audit, request, { action: 'task.update', target: { kind: 'task', name } }, updateChecked(name, (current) => applyUpdate(current.task, current.secrets, request.body, ctx))));
  });

  app.delete('/tasks/:name', async (request, reply) => {
    await authorize(request, auth, WRITE_SCOPE);
    const name = nameParam(request);
    if (!(await store.delete(name))) throw notFound(name);
    await options.audit?.record(request, 'task.delete', { kind: 'task', name });
    return reply.code(204).send();
  });

  app.post('/tasks/:name/runs', async (request, reply) => {
    await authorize(request, auth, WRITE_SCOPE);
    const name = nameParam(request);
    const overrides = await parseRunOverrides(request.body, { policy, contextExists: (id) => contextExists(options.objects, id) });
    const { run } = await tasks.trigger(name, { kind: 'Manual', dedupeKey: null, overrides });
    // A manual cause is never refused nor deduplicated: it always makes a run.
    return reply.code(201).send(toRunView(run as RunRecord) as ApiRun);
  });

  registerTimerRoutes(app, { ...options, now }, { view, nameParam, load });
  registerCredentialRoutes(app, { ...options, now }, { view, nameParam, load });
}

interface RouteHelpers {
  readonly view: (task: Task) => Promise<ApiTask>;
  readonly nameParam: (request: FastifyRequest) => string;
  readonly load: (name: string) => Promise<Change>;
}

function registerTimerRoutes(app: FastifyInstance, options: TasksPluginOptions & { now: () => Date }, h: RouteHelpers): void {
  const { auth, store } = options;
  const timer = (request: FastifyRequest): string => (request.params as { timer: string }).timer;
  const at = (): string => options.now().toISOString();

  app.get('/tasks/:name/timers', async (request) => {
    await authorize(request, auth, READ_SCOPE);
    const { task } = await h.load(h.nameParam(request));
    return { timerTriggers: (await h.view(task)).trigger.timerTriggers };
  });

  app.post('/tasks/:name/timers', async (request, reply) => {
    await authorize(request, auth, WRITE_SCOPE);
    const name = h.nameParam(request);
    return reply.code(201).send(await h.view(await audited(options.audit, request, { action: 'task.timer.add', target: { kind: 'task', name } }, store.update(name, addTimer(request.body, at())))));
  });

  app.patch('/tasks/:name/timers/:timer', async (request) => {
    await authorize(request, auth, WRITE_SCOPE);
    return h.view(await audited(options.audit, request, { action: 'task.timer.update', target: { kind: 'task', name: h.nameParam(request) }, detail: { timer: timer(request) } }, store.update(h.nameParam(request), updateTimer(timer(request), request.body, at()))));
  });

  app.delete('/tasks/:name/timers/:timer', async (request) => {
    await authorize(request, auth, WRITE_SCOPE);
    return h.view(await audited(options.audit, request, { action: 'task.timer.remove', target: { kind: 'task', name: h.nameParam(request) }, detail: { timer: timer(request) } }, store.update(h.nameParam(request), removeTimer(timer(request), at()))));
  });
}

function registerCredentialRoutes(app: FastifyInstance, options: TasksPluginOptions & { now: () => Date }, h: RouteHelpers): void {
  const { auth, store } = options;
  const server = (request: FastifyRequest): string => loginServer((request.params as { loginServer: string }).loginServer, 'loginServer');
  const at = (): string => options.now().toISOString();

  app.get('/tasks/:name/credentials', async (request): Promise<ApiTaskCredentials> => {
    await authorize(request, auth, READ_SCOPE);
    return credentialsView((await h.load(h.nameParam(request))).task);
  });

  app.post('/tasks/:name/credentials', async (request, reply) => {
    await authorize(request, auth, WRITE_SCOPE);
    const name = h.nameParam(request);
    return reply.code(201).send(credentialsView(await audited(options.audit, request, { action: 'task.credential.add', target: { kind: 'task', name } }, store.update(name, addCredential(request.body, at())))));
  });

  app.patch('/tasks/:name/credentials/:loginServer', async (request) => {
    await authorize(request, auth, WRITE_SCOPE);
    const name = h.nameParam(request);
    return credentialsView(await audited(options.audit, request, { action: 'task.credential.update', target: { kind: 'task', name }, detail: { registry: server(request) } }, store.update(name, updateCredential(server(request), request.body, at()))));
  });

  app.delete('/tasks/:name/credentials/:loginServer', async (request) => {
    await authorize(request, auth, WRITE_SCOPE);
    const name = h.nameParam(request);
    return credentialsView(await audited(options.audit, request, { action: 'task.credential.remove', target: { kind: 'task', name }, detail: { registry: server(request) } }, store.update(name, removeCredential(server(request), at()))));
  });
}
