import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AppError, Errors, type ErrorDescriptor } from '../../core/errors/index.js';
import type { AuthService } from '../../auth/auth-service.js';
import { ApiAccess } from '../../auth/roles.js';
import { authorize, sendError } from '../../api/api-plugin.js';
import type { ApiTriggerEventList, ApiWebhookResult } from '../../api/contract/trigger-events.js';
import type { TaskService } from '../../tasks/task-service.js';
import type { TaskStore } from '../../tasks/task-store.js';
import type { TaskTriggerKind, TriggerEvent } from '../../tasks/task-model.js';
import { decideWebhook } from './webhook-decision.js';
import { decodeWebhookBody, parseWebhookPayload, type WebhookEvent } from './webhook-payload.js';
import { deliveryIdOf, detectProvider, eventHeader, verifySignature, type WebhookProvider } from './webhook-signature.js';

export interface WebhookPluginOptions {
  readonly auth: AuthService;
  readonly taskStore: TaskStore;
  readonly tasks: Pick<TaskService, 'trigger' | 'ignore' | 'reject'>;
  /** Largest delivery accepted. @defaultValue 25 MiB (GitHub's cap on payloads) */
  readonly bodyLimitBytes?: number;
}

const DEFAULT_BODY_LIMIT_BYTES = 25 * 1024 * 1024;
/** Reading trigger events is reading runs: Reader and up (docs/access.md). */
const READ_SCOPE = ApiAccess.buildsRead;
const DEFAULT_TOP = 20;

interface Delivery {
  readonly taskName: string;
  readonly provider: WebhookProvider | undefined;
  readonly deliveryId: string | null;
  /** The kind the headers claim, for recording a refusal before the body is trusted. */
  readonly kind: TaskTriggerKind;
}

function describeDelivery(request: FastifyRequest): Delivery {
  const taskName = (request.params as { name: string }).name;
  const provider = detectProvider(request.headers);
  const rawEvent = provider === undefined ? undefined : eventHeader(provider, request.headers);
  const kind: TaskTriggerKind = rawEvent !== undefined && /pull_request|merge request/i.test(rawEvent) ? 'PullRequest' : 'Commit';
  return { taskName, provider, deliveryId: provider === undefined ? null : deliveryIdOf(provider, request.headers), kind };
}

/** Records a refusal (bad signature, bad payload) and throws the error the endpoint answers with. */
async function refuse(tasks: WebhookPluginOptions['tasks'], d: Delivery, error: { code: ErrorDescriptor; reason: string }): Promise<never> {
  await tasks.reject(d.taskName, d.kind, error.reason, { provider: d.provider ?? null, deliveryId: d.deliveryId });
  throw new AppError(error.code, { message: error.reason, detail: { provider: d.provider ?? null, deliveryId: d.deliveryId } });
}

function eventDetail(event: WebhookEvent): Record<string, unknown> {
  return {
    provider: event.provider,
    deliveryId: event.deliveryId,
    event: event.rawEvent.slice(0, 60),
    ...(event.ref === null ? {} : { ref: event.ref.slice(0, 200) }),
    ...(event.headCommit === null ? {} : { commit: event.headCommit }),
    ...(event.pullRequest === undefined ? {} : { pullRequest: { number: event.pullRequest.number, action: event.pullRequest.action.slice(0, 40), isFork: event.pullRequest.isFork } }),
  };
}

async function handleDelivery(options: WebhookPluginOptions, request: FastifyRequest, reply: FastifyReply): Promise<ApiWebhookResult> {
  const { taskStore, tasks } = options;
  const d = describeDelivery(request);
  const found = await taskStore.getWithSecrets(d.taskName);
  // An unknown task answers as a bad signature does: the unauthenticated endpoint must not tell
  // which task names exist. (Nothing is recorded: there is no task to record it for.)
  if (found === undefined) throw new AppError(Errors.WEBHOOK_REJECTED, { message: 'webhook rejected: no task with this name takes this signature' });
  const body = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
  if (d.provider === undefined) {
    return refuse(tasks, d, { code: Errors.WEBHOOK_REJECTED, reason: 'no webhook signature: expected X-Hub-Signature-256, X-Gitea-Signature, X-Forgejo-Signature or X-Gitlab-Token' });
  }
  const check = verifySignature(d.provider, request.headers, body, found.secrets.webhookSecret);
  if (!check.ok) return refuse(tasks, d, { code: Errors.WEBHOOK_REJECTED, reason: `${d.provider} webhook rejected: ${check.reason}` });
  const decoded = decodeWebhookBody(body, request.headers['content-type']);
  if (!decoded.ok) return refuse(tasks, d, { code: Errors.REQUEST_INVALID, reason: decoded.reason });
  const parsed = parseWebhookPayload(d.provider, eventHeader(d.provider, request.headers) ?? '', d.deliveryId, decoded.json);
  if (!parsed.ok) return refuse(tasks, d, { code: Errors.REQUEST_INVALID, reason: parsed.reason });
  const decision = decideWebhook(parsed.event, found.task.triggers.source);
  if (decision.action === 'ignore') {
    await tasks.ignore(d.taskName, decision.kind, decision.reason, eventDetail(parsed.event));
    reply.code(decision.status);
    return { outcome: 'ignored', reason: decision.reason, runId: null };
  }
  const result = await tasks.trigger(d.taskName, decision.cause);
  request.log.info({ taskId: d.taskName, provider: d.provider, deliveryId: d.deliveryId, outcome: result.outcome, runId: result.run?.runId ?? null }, 'webhook delivery');
  reply.code(202);
  return { outcome: result.outcome, reason: result.reason, runId: result.run?.runId ?? null };
}

function topOf(request: FastifyRequest): number {
  const text = (request.query as { top?: string }).top;
  const top = text === undefined ? DEFAULT_TOP : Number(text);
  if (!Number.isInteger(top) || top < 1 || top > 1000) throw new AppError(Errors.REQUEST_INVALID, { message: 'top must be an integer from 1 to 1000' });
  return top;
}

/**
 * Source-trigger webhooks (`POST /tasks/:name/webhook`, authenticated by the delivery's
 * signature, not by Slipway credentials) and the trigger events behind `task explain-trigger`.
 * Bodies are kept as raw bytes in this plugin's scope: the HMAC is over exactly what was sent.
 */
export async function webhookPlugin(app: FastifyInstance, options: WebhookPluginOptions): Promise<void> {
  app.setErrorHandler((err, request, reply) => sendError(err, request, reply));
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: options.bodyLimitBytes ?? DEFAULT_BODY_LIMIT_BYTES }, (_request, body, done) => done(null, body));

  app.post('/tasks/:name/webhook', async (request, reply) => handleDelivery(options, request, reply));

  app.get('/tasks/:name/trigger-events', async (request): Promise<ApiTriggerEventList> => {
    await authorize(request, options.auth, READ_SCOPE);
    const name = (request.params as { name: string }).name;
    const top = topOf(request);
    const events: TriggerEvent[] = await options.taskStore.listEvents(name, top);
    // A deleted task's events stay readable: "why did it (not) run" outlives the task.
    if (events.length === 0 && (await options.taskStore.get(name)) === undefined) throw new AppError(Errors.TASK_NOT_FOUND, { detail: { name: name.slice(0, 100) } });
    return { events: events.map((e) => ({ ...e })) };
  });
}
