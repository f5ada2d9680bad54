import { createHash } from 'node:crypto';
import { PassThrough, Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { AppError, Errors, isAppError, isStoreError } from '../core/errors/index.js';
import type { AuthService } from '../auth/auth-service.js';
import { Action } from '../auth/scope.js';
import { ApiAccess } from '../auth/roles.js';
import type { RunQueue, RunRecord, RunStore } from '../queue/run-queue.js';
import type { ObjectStore } from '../registry/storage/object-store.js';
import { StorageLayout } from '../registry/storage/layout.js';
import { OPEN_SOURCE_POLICY, storeContextTar, validateContextTar, type SourcePolicy } from '../sources/index.js';
import { isRunStatus, isTerminalStatus } from '../tasks/run-state.js';
import { toRunView } from '../tasks/run-view.js';
import { requestAbortSignal } from '../app/http-support.js';
import { authorize, sendError } from './api-plugin.js';
import type { ApiContext, ApiRun } from './contract/runs.js';
import { parseQuickBuild } from './quick-build-request.js';
import { parseQuickRun } from './quick-run-request.js';
import { resolveImageName } from '../runner/image-names.js';
import type { QuickBuildSpec } from '../tasks/quick-build.js';
import { quickRunSecretsFromJson, type QuickRunSpec } from '../tasks/quick-run.js';
import { loadQuickRunTask, taskFileError } from '../tasks/quick-run-task.js';
import type { JsonObject } from '../queue/run-queue.js';
import type { LogSignals } from '../runner/log-signals.js';

export interface RunsPluginOptions {
  readonly auth: AuthService;
  readonly objects: ObjectStore;
  readonly queue: RunQueue & RunStore;
  /** Slipway's own registry (`host:port`) for image names without a host; undefined before listening. */
  readonly registryHost: () => string | undefined;
  /** How often a following log reader looks for new bytes when no event woke it. @defaultValue 250 */
  readonly logPollMs?: number;
  /** What runs may fetch and how big a context may be (config `sources`). @defaultValue everything, 1 GiB */
  readonly sources?: SourcePolicy;
  /** Wakes log followers when an agent in this process appends to a run's log. */
  readonly logSignals?: LogSignals;
}

/** Contributor and Owner upload contexts and start runs; Reader and up read them (docs/access.md). */
const RUN_SCOPE = ApiAccess.buildsWrite;
const READ_SCOPE = ApiAccess.buildsRead;

function view(run: RunRecord): ApiRun {
  return toRunView(run) as ApiRun;
}

async function getRun(queue: RunStore, runId: string): Promise<RunRecord> {
  const run = await queue.get(runId);
  if (run === undefined) throw new AppError(Errors.RUN_NOT_FOUND, { detail: { runId: runId.slice(0, 100) } });
  return run;
}

/** Streams the body through validateContextTar into `contexts/<uuid>.tar`, hashing the uploaded bytes. */
async function storeContext(objects: ObjectStore, request: FastifyRequest, maxBytes: number): Promise<ApiContext> {
  const signal = requestAbortSignal(request);
  const hash = createHash('sha256');
  let uploaded = 0;
  const tap = new Transform({
    transform(chunk: Buffer, _enc, callback) {
      hash.update(chunk);
      uploaded += chunk.length;
      callback(null, chunk);
    },
  });
  const source = new PassThrough();
  const feeding = pipeline(request.raw, tap, source, { signal });
  // A failed upload also fails `source`, which storeContextTar reports; `feeding` is awaited after.
  feeding.catch(() => undefined);
  const { contextId } = await storeContextTar(objects, validateContextTar(source, { signal, maxBytes }), signal);
  try {
    await feeding;
  } catch (err) {
    await objects.delete(StorageLayout.context(contextId)).catch(() => undefined);
    throw isAppError(err) ? err : new AppError(Errors.SOURCE_INVALID, { message: (err as Error).message });
  }
  return { contextId, sizeBytes: uploaded, digest: `sha256:${hash.digest('hex')}` };
}

/** Repositories in Slipway a quick build pushes to (names rendered as at creation; no push with noPush). */
function ownRepositories(spec: QuickBuildSpec, registry: string): string[] {
  if (spec.noPush) return [];
  const probe = { runId: 'ca1', date: new Date(), registry };
  const targets = spec.images.map((name) => resolveImageName(name, probe)).filter((t) => t?.isOwn === true);
  return [...new Set(targets.map((t) => (t as { repository: string }).repository))];
}

/** Renders and plans a task file sent as text the way the agent will, with a placeholder run id; secrets render empty. */
async function checkTaskFile(spec: QuickRunSpec, secretRequest: JsonObject, registry: string): Promise<void> {
  const secrets = quickRunSecretsFromJson(secretRequest).secretValues;
  const loaded = await loadQuickRunTask({
    file: 'task.yaml',
    text: spec.taskFile ?? '',
    runId: 'ca0',
    registry,
    now: new Date(),
    values: [...spec.values, ...secrets],
    valuesText: spec.valuesFile,
    resolveSecrets: async (list) => Object.fromEntries(list.map((s) => [s.id, ''])),
  });
  const problem = taskFileError('task.yaml', loaded);
  if (problem !== undefined) throw problem;
}

function listQuery(request: FastifyRequest): { top: number; status?: RunRecord['status']; image?: string; taskName?: string } {
  const q = request.query as { top?: string; status?: string; image?: string; task?: string };
  const top = q.top === undefined ? 15 : Number(q.top);
  if (!Number.isInteger(top) || top < 1 || top > 1000) throw new AppError(Errors.REQUEST_INVALID, { message: 'top must be an integer from 1 to 1000' });
  if (q.status !== undefined && !isRunStatus(q.status)) throw new AppError(Errors.REQUEST_INVALID, { message: 'unknown status', detail: { status: q.status.slice(0, 50) } });
  return { top, ...(q.status === undefined ? {} : { status: q.status }), ...(q.image ? { image: q.image } : {}), ...(q.task ? { taskName: q.task } : {}) };
}

/** An object's size, or undefined when it does not exist. */
async function sizeOf(objects: ObjectStore, key: string): Promise<number | undefined> {
  try {
    return (await objects.stat(key)).sizeBytes;
  } catch (err) {
    if (isStoreError(err, 'NOT_FOUND')) return undefined;
    throw err;
  }
}

interface FollowOptions {
  readonly objects: ObjectStore;
  readonly queue: RunQueue & RunStore;
  readonly logSignals: LogSignals | undefined;
  readonly runId: string;
  readonly offset: number;
  readonly follow: boolean;
  readonly signal: AbortSignal;
  readonly pollMs: number;
}

/**
 * Resolves once something may have changed for the run: its log grew (an agent in this
 * process), the queue reports it finished, the client left, or `pollMs` passed (an agent
 * elsewhere). Armed BEFORE the follower reads status and size, so nothing slips in between.
 */
function armWake(o: FollowOptions): { wait: () => Promise<void>; disarm: () => void } {
  let fire: () => void = () => undefined;
  let fired = false;
  const woken = new Promise<void>((resolve) => {
    fire = () => {
      fired = true;
      resolve();
    };
  });
  const offFinished = o.queue.on('finished', ({ run }) => {
    if (run.runId === o.runId) fire();
  });
  const offLog = o.logSignals?.subscribe(o.runId, () => fire()) ?? (() => undefined);
  const onAbort = (): void => fire();
  o.signal.addEventListener('abort', onAbort, { once: true });
  let timer: NodeJS.Timeout | undefined;
  const disarm = (): void => {
    clearTimeout(timer);
    offFinished();
    offLog();
    o.signal.removeEventListener('abort', onAbort);
  };
  return {
    wait: async () => {
      if (!fired) timer = setTimeout(fire, o.pollMs);
      await woken;
      disarm();
    },
    disarm,
  };
}

/**
 * The log bytes from `offset`: without follow, up to the current end; with follow, until the
 * run is terminal and every byte was sent. The run's status is read BEFORE the size, and the
 * agent closes the log before it reports, so a terminal status means the size is final.
 */
async function* logBytes(o: FollowOptions): AsyncGenerator<Buffer> {
  let offset = o.offset;
  for (;;) {
    const wake = o.follow ? armWake(o) : undefined;
    try {
      const run = await o.queue.get(o.runId);
      const isDone = !o.follow || run === undefined || isTerminalStatus(run.status);
      const size = (await sizeOf(o.objects, StorageLayout.runLog(o.runId))) ?? 0;
      if (size > offset) {
        const stream = await o.objects.read(StorageLayout.runLog(o.runId), { offset, length: size - offset, signal: o.signal });
        for await (const chunk of stream as AsyncIterable<Buffer>) {
          offset += chunk.length;
          yield chunk;
        }
      }
      if (isDone || o.signal.aborted || wake === undefined) return;
      await wake.wait();
    } finally {
      wake?.disarm();
    }
    if (o.signal.aborted) return;
  }
}

/** Contexts, quick-build runs and run logs (src/api/contract/runs.ts); errors in the API envelope. */
export async function runsPlugin(app: FastifyInstance, options: RunsPluginOptions): Promise<void> {
  const { auth, objects, queue } = options;
  const policy = options.sources ?? OPEN_SOURCE_POLICY;
  app.setErrorHandler((err, request, reply) => sendError(err, request, reply));
  // The context upload is a raw stream: no body parsing, whatever the content type.
  app.addContentTypeParser('*', (_request, _payload, done) => done(null));

  app.post('/contexts', async (request, reply) => {
    await authorize(request, auth, RUN_SCOPE);
    return reply.code(201).send(await storeContext(objects, request, policy.maxContextBytes));
  });

  app.post('/runs', async (request, reply) => {
    await authorize(request, auth, RUN_SCOPE);
    const registry = options.registryHost() ?? request.headers.host ?? 'localhost';
    if ((request.body as { runType?: unknown } | null)?.runType === 'QuickRun') {
      const contextExists = async (id: string): Promise<boolean> => (await sizeOf(objects, StorageLayout.context(id))) !== undefined;
      const parsed = await parseQuickRun(request.body, { registry, policy, contextExists });
      // A task file sent as text is checked now: its problems come back at once, as a 400.
      if (parsed.spec.taskFile !== null) await checkTaskFile(parsed.spec, parsed.secretRequest, registry);
      const { run } = await queue.enqueue({ runType: 'QuickRun', trigger: 'Manual', platform: parsed.spec.platform, request: parsed.request, secretRequest: parsed.secretRequest });
      return reply.code(201).send(view(run));
    }
    const parsed = await parseQuickBuild(request.body, { registry, policy, contextExists: async (id) => (await sizeOf(objects, StorageLayout.context(id))) !== undefined });
    // The caller must be allowed to push every repository the run will push into Slipway.
    for (const repository of ownRepositories(parsed.spec, registry)) {
      await authorize(request, auth, { type: 'repository', name: repository, actions: [Action.push] });
    }
    const { run } = await queue.enqueue({ runType: 'QuickBuild', trigger: 'Manual', platform: parsed.spec.platform, request: parsed.request, secretRequest: parsed.secretRequest });
    return reply.code(201).send(view(run));
  });

  app.get('/runs', async (request) => {
    await authorize(request, auth, READ_SCOPE);
    return { runs: (await queue.list(listQuery(request))).map(view) };
  });

  app.get('/runs/:runId', async (request) => {
    await authorize(request, auth, READ_SCOPE);
    return view(await getRun(queue, (request.params as { runId: string }).runId));
  });

  app.post('/runs/:runId/cancel', async (request, reply) => {
    await authorize(request, auth, RUN_SCOPE);
    const runId = (request.params as { runId: string }).runId;
    await getRun(queue, runId);
    return reply.code(202).send(view(await queue.requestCancel(runId)));
  });

  app.get('/runs/:runId/logs', async (request, reply) => {
    await authorize(request, auth, READ_SCOPE);
    const runId = (request.params as { runId: string }).runId;
    await getRun(queue, runId);
    const q = request.query as { offset?: string; follow?: string };
    const offset = q.offset === undefined ? 0 : Number(q.offset);
    if (!Number.isInteger(offset) || offset < 0) throw new AppError(Errors.REQUEST_INVALID, { message: 'offset must be a non-negative integer' });
    const controller = new AbortController();
    reply.raw.once('close', () => controller.abort(new Error('client disconnected')));
    const follow = q.follow === 'true' || q.follow === '1';
    const body = Readable.from(logBytes({ objects, queue, logSignals: options.logSignals, runId, offset, follow, signal: controller.signal, pollMs: options.logPollMs ?? 250 }));
    return reply.header('content-type', 'text/plain; charset=utf-8').header('x-log-offset', String(offset)).header('cache-control', 'no-store').send(body);
  });
}
