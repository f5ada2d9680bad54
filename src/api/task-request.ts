import { randomBytes } from 'node:crypto';
import { parseContextSpec, type SourcePolicy } from '../sources/index.js';
import { DEFAULT_TIMEOUT_SECONDS } from '../tasks/quick-build.js';
import type { BaseImageTrigger, SourceEvent, SourceTrigger, Task, TaskSecrets, TimerTrigger } from '../tasks/task-model.js';
import { parseCron } from '../triggers/timer/cron.js';
import {
  bodyObject,
  nullableText,
  optionalBaseImageType,
  optionalBool,
  optionalInt,
  optionalPlatform,
  optionalPool,
  optionalStatus,
  optionalText,
  optionalTimeout,
  taskInvalid,
  taskName,
  triggerName,
  type Body,
} from './task-request-fields.js';
import { checkEncodedTask, draftOf, EMPTY_DRAFT, overlayDraft, stepOf, withImageNames, type StepDraft } from './task-step-request.js';

export interface TaskRequestContext {
  /** Slipway's registry host, for image names and `$Registry` in task files. */
  readonly registry: string;
  readonly policy: SourcePolicy;
  readonly now: Date;
  /** Whether an identity exists (the vault's); absent: identities are not checked. */
  readonly identityExists?: (name: string) => Promise<boolean>;
}

/** ACR's defaults (az-acr-surface §1.6). */
export const DEFAULT_SOURCE_TRIGGER_NAME = 'defaultSourceTriggerName';
export const DEFAULT_BASE_IMAGE_TRIGGER_NAME = 'defaultBaseimageTriggerName';
const DEFAULT_CPU = 2;
const MAX_CPU = 64;
/** A source trigger polling more often than this would hammer the git server. */
const MIN_POLL_SECONDS = 10;

/** The branch a git context names (`#ref[:folder]`), `main` when none. */
function branchOf(contextPath: string): string {
  const spec = parseContextSpec(contextPath);
  return spec.kind === 'git' ? (spec.ref ?? 'main') : 'main';
}

const isGitContext = (contextPath: string | null): boolean => contextPath !== null && parseContextSpec(contextPath).kind === 'git';

/** `--schedule` timers: unnamed ones become t1, t2… by position; every schedule a valid 5-field cron. */
export function parseTimers(value: unknown): TimerTrigger[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) throw taskInvalid('timers', 'must be an array of {name?, schedule, status?}');
  const timers = value.map((item: unknown, i) => parseTimer(bodyObject(item, 'timer'), `t${i + 1}`, `timers[${i}]`));
  const seen = new Set<string>();
  for (const t of timers) {
    if (seen.has(t.name)) throw taskInvalid('timers', `two timers are named ${t.name}`, { timer: t.name });
    seen.add(t.name);
  }
  return timers;
}

export function parseTimer(b: Body, defaultName: string, field = 'timer'): TimerTrigger {
  const schedule = optionalText(b, 'schedule', 200);
  if (schedule === undefined) throw taskInvalid(`${field}.schedule`, 'is required: a 5-field cron expression in UTC');
  parseCron(schedule);
  return { name: triggerName(b, 'name') ?? defaultName, schedule, status: optionalStatus(b, 'status') ?? 'Enabled' };
}

function sourceEvents(commit: boolean, pullRequest: boolean): SourceEvent[] {
  return [...(commit ? (['commit'] as const) : []), ...(pullRequest ? (['pullrequest'] as const) : [])];
}

function pollInterval(b: Body): number | null | undefined {
  return b['pollIntervalSeconds'] === null ? null : optionalInt(b, 'pollIntervalSeconds', MIN_POLL_SECONDS, 86_400);
}

/** Source triggers need a git context; commit is on by default for one (ACR), pull requests off. */
function createSourceTrigger(b: Body, contextPath: string | null): SourceTrigger | null {
  const isGit = isGitContext(contextPath);
  const commit = optionalBool(b, 'commitTriggerEnabled');
  const pullRequest = optionalBool(b, 'pullRequestTriggerEnabled') ?? false;
  if (!isGit) refuseSourceFlags(commit, pullRequest);
  const events = sourceEvents(commit ?? isGit, pullRequest);
  if (events.length === 0 || contextPath === null) return null;
  return {
    name: triggerName(b, 'sourceTriggerName') ?? DEFAULT_SOURCE_TRIGGER_NAME,
    status: 'Enabled',
    repositoryUrl: contextPath,
    branch: branchOf(contextPath),
    events,
    allowForks: optionalBool(b, 'allowForks') ?? false,
    pollIntervalSeconds: pollInterval(b) ?? null,
  };
}

function identity(b: Body): string | null {
  const value = nullableText(b, 'identity', 300);
  if (value === undefined || value === null) return null;
  return value === '[system]' ? 'system' : value;
}

/** `--assign-identity I` must name an identity that exists: a typo would fail every run later. */
async function checkedIdentity(name: string | null, ctx: TaskRequestContext): Promise<string | null> {
  if (name === null || name === 'system' || ctx.identityExists === undefined) return name;
  if (!(await ctx.identityExists(name))) throw taskInvalid('identity', `there is no identity "${name}" (slipway identity create --name ${name}, then vault set-policy)`, { identity: name });
  return name;
}

async function checkedStep(draft: StepDraft, ctx: TaskRequestContext, name: string): Promise<Task['step']> {
  const step = stepOf(draft);
  await checkEncodedTask(step, draft, { taskName: name, registry: ctx.registry });
  return step;
}

/** Validates a create body into the task and its secrets (the webhook secret generated here). */
export async function parseCreate(body: unknown, ctx: TaskRequestContext): Promise<{ task: Task; secrets: TaskSecrets }> {
  const b = bodyObject(body, 'ApiTaskCreateRequest');
  const name = taskName(b['name']);
  const draft = withImageNames(await overlayDraft(EMPTY_DRAFT, b, ctx.policy), b, ctx.registry);
  const step = await checkedStep(draft, ctx, name);
  const at = ctx.now.toISOString();
  const baseImage: BaseImageTrigger = {
    name: triggerName(b, 'baseImageTriggerName') ?? DEFAULT_BASE_IMAGE_TRIGGER_NAME,
    status: (optionalBool(b, 'baseImageTriggerEnabled') ?? true) ? 'Enabled' : 'Disabled',
    type: optionalBaseImageType(b, 'baseImageTriggerType') ?? 'Runtime',
  };
  const task: Task = {
    name,
    status: optionalStatus(b, 'status') ?? 'Enabled',
    platform: optionalPlatform(b, 'platform') ?? 'linux/amd64',
    agentCpu: optionalInt(b, 'cpu', 1, MAX_CPU) ?? DEFAULT_CPU,
    agentPoolName: optionalPool(b, 'agentPoolName') ?? null,
    timeoutSeconds: optionalTimeout(b, 'timeout') ?? DEFAULT_TIMEOUT_SECONDS,
    step,
    triggers: { source: createSourceTrigger(b, draft.contextPath), baseImage, timers: parseTimers(b['timers']).map((t) => ({ ...t, since: at })) },
    credentials: [],
    identity: await checkedIdentity(identity(b), ctx),
    createdAt: at,
    updatedAt: at,
  };
  const secrets: TaskSecrets = {
    gitAccessToken: nullableText(b, 'gitAccessToken') ?? null,
    secretArguments: draft.secretArguments,
    secretValues: draft.secretValues,
    registryPasswords: {},
    webhookSecret: randomBytes(32).toString('hex'),
  };
  return { task, secrets };
}

/**
 * Merges the commit / pull-request flags into the source trigger as az does: a Disabled trigger's
 * events are cleared first, an empty event set disables it; a new git context moves it there.
 */
/** The events after an update: a Disabled trigger's are cleared first, then the flags given apply. */
function mergedEvents(current: SourceTrigger | null, commit: boolean | undefined, pullRequest: boolean | undefined): SourceEvent[] {
  const existing = current === null || current.status === 'Disabled' ? [] : current.events;
  return sourceEvents(commit ?? existing.includes('commit'), pullRequest ?? existing.includes('pullrequest'));
}

/** allowForks and the poll interval: the body's when given, else the trigger's. */
function sourceOptions(current: SourceTrigger | null, b: Body): Pick<SourceTrigger, 'allowForks' | 'pollIntervalSeconds'> {
  const poll = pollInterval(b);
  return {
    allowForks: optionalBool(b, 'allowForks') ?? current?.allowForks ?? false,
    pollIntervalSeconds: poll === undefined ? (current?.pollIntervalSeconds ?? null) : poll,
  };
}

/** Without a git context there is no source trigger; asking for one is an error. */
function refuseSourceFlags(commit: boolean | undefined, pullRequest: boolean | undefined): null {
  if (commit === true) throw taskInvalid('commitTriggerEnabled', 'source triggers need a git context');
  if (pullRequest === true) throw taskInvalid('pullRequestTriggerEnabled', 'source triggers need a git context');
  return null;
}

function updatedSource(current: SourceTrigger | null, b: Body, contextPath: string | null): SourceTrigger | null {
  const commit = optionalBool(b, 'commitTriggerEnabled');
  const pullRequest = optionalBool(b, 'pullRequestTriggerEnabled');
  if (contextPath === null || !isGitContext(contextPath)) return refuseSourceFlags(commit, pullRequest);
  const events = mergedEvents(current, commit, pullRequest);
  if (current === null && events.length === 0) return null;
  const isSameRepository = current !== null && current.repositoryUrl === contextPath;
  return {
    name: current?.name ?? DEFAULT_SOURCE_TRIGGER_NAME,
    status: events.length === 0 ? 'Disabled' : 'Enabled',
    repositoryUrl: contextPath,
    branch: isSameRepository ? current.branch : branchOf(contextPath),
    events,
    ...sourceOptions(current, b),
  };
}

function updatedBaseImage(current: BaseImageTrigger | null, b: Body): BaseImageTrigger | null {
  const enabled = optionalBool(b, 'baseImageTriggerEnabled');
  const type = optionalBaseImageType(b, 'baseImageTriggerType');
  if (enabled === undefined && type === undefined) return current;
  return {
    name: current?.name ?? DEFAULT_BASE_IMAGE_TRIGGER_NAME,
    status: enabled === undefined ? (current?.status ?? 'Enabled') : enabled ? 'Enabled' : 'Disabled',
    type: type ?? current?.type ?? 'Runtime',
  };
}

/** Applies a PATCH body (only the fields given) to a task; timers and credentials are left alone. */
export async function applyUpdate(task: Task, secrets: TaskSecrets, body: unknown, ctx: TaskRequestContext): Promise<{ task: Task; secrets: TaskSecrets }> {
  const b = bodyObject(body, 'ApiTaskUpdateRequest');
  if (b['name'] !== undefined || b['timers'] !== undefined) throw taskInvalid(b['name'] !== undefined ? 'name' : 'timers', 'cannot be changed by an update (timers have their own routes)');
  const draft = withImageNames(await overlayDraft(draftOf(task.step, secrets), b, ctx.policy), b, ctx.registry);
  const step = await checkedStep(draft, ctx, task.name);
  const pool = optionalPool(b, 'agentPoolName');
  const token = nullableText(b, 'gitAccessToken');
  const next: Task = {
    ...task,
    status: optionalStatus(b, 'status') ?? task.status,
    platform: optionalPlatform(b, 'platform') ?? task.platform,
    agentCpu: optionalInt(b, 'cpu', 1, MAX_CPU) ?? task.agentCpu,
    agentPoolName: pool === undefined ? task.agentPoolName : pool,
    timeoutSeconds: optionalTimeout(b, 'timeout') ?? task.timeoutSeconds,
    step,
    triggers: { ...task.triggers, source: updatedSource(task.triggers.source, b, draft.contextPath), baseImage: updatedBaseImage(task.triggers.baseImage, b) },
    updatedAt: ctx.now.toISOString(),
  };
  return {
    task: next,
    secrets: { ...secrets, gitAccessToken: token === undefined ? secrets.gitAccessToken : token, secretArguments: draft.secretArguments, secretValues: draft.secretValues },
  };
}
