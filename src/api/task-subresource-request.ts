import { AppError, Errors } from '../core/errors/index.js';
import { parseCron } from '../triggers/timer/cron.js';
import type { SourcePolicy } from '../sources/index.js';
import type { Task, TaskCredential, TaskRunOverrides, TaskSecrets, TimerTrigger } from '../tasks/task-model.js';
import { bodyObject, contextRelativePath, nullableText, optionalPairs, optionalStatus, optionalText, remoteContext, taskInvalid, type Body } from './task-request-fields.js';
import { parseTimer } from './task-request.js';

/** Timers (`task timer …`) and registry credentials (`task credential …`) of a task, and `task run` overrides. */

type Change = { task: Task; secrets: TaskSecrets };

function timerNotFound(task: Task, timer: string): AppError {
  return new AppError(Errors.TASK_NOT_FOUND, { message: `task ${task.name} has no timer ${timer}`, detail: { name: task.name, timer: timer.slice(0, 60) } });
}

/** The first free `tN` name. */
function nextTimerName(timers: readonly TimerTrigger[]): string {
  for (let i = 1; ; i++) if (!timers.some((t) => t.name === `t${i}`)) return `t${i}`;
}

export function addTimer(body: unknown, at: string): (task: Task, secrets: TaskSecrets) => Change {
  const b = bodyObject(body, 'ApiTimerRequest');
  return (task, secrets) => {
    const timer = parseTimer(b, nextTimerName(task.triggers.timers));
    if (task.triggers.timers.some((t) => t.name === timer.name)) throw taskInvalid('name', `the task already has a timer ${timer.name} (update it instead)`, { timer: timer.name });
    return { task: { ...task, triggers: { ...task.triggers, timers: [...task.triggers.timers, { ...timer, since: at }] }, updatedAt: at }, secrets };
  };
}

export function updateTimer(name: string, body: unknown, at: string): (task: Task, secrets: TaskSecrets) => Change {
  const b = bodyObject(body, 'ApiTimerUpdateRequest');
  const schedule = optionalText(b, 'schedule', 200);
  if (schedule !== undefined) parseCron(schedule);
  const status = optionalStatus(b, 'status');
  return (task, secrets) => {
    if (!task.triggers.timers.some((t) => t.name === name)) throw timerNotFound(task, name);
    const changed = (t: TimerTrigger): boolean => (schedule !== undefined && schedule !== t.schedule) || (status !== undefined && status !== t.status);
    const timers = task.triggers.timers.map((t) => (t.name === name ? { ...t, ...(schedule === undefined ? {} : { schedule }), ...(status === undefined ? {} : { status }), ...(changed(t) ? { since: at } : {}) } : t));
    return { task: { ...task, triggers: { ...task.triggers, timers }, updatedAt: at }, secrets };
  };
}

export function removeTimer(name: string, at: string): (task: Task, secrets: TaskSecrets) => Change {
  return (task, secrets) => {
    if (!task.triggers.timers.some((t) => t.name === name)) throw timerNotFound(task, name);
    return { task: { ...task, triggers: { ...task.triggers, timers: task.triggers.timers.filter((t) => t.name !== name) }, updatedAt: at }, secrets };
  };
}

/** `host[:port]`, as a registry's login server is written. */
const LOGIN_SERVER = /^[a-z0-9]([a-z0-9.-]*[a-z0-9])?(:\d{1,5})?$/i;

export function loginServer(value: unknown, field = 'loginServer'): string {
  if (typeof value !== 'string' || value.length > 253 || !LOGIN_SERVER.test(value)) throw taskInvalid(field, 'must be a registry host[:port]');
  return value.toLowerCase();
}

function credentialNotFound(task: Task, server: string): AppError {
  return new AppError(Errors.TASK_NOT_FOUND, { message: `task ${task.name} has no credential for ${server}`, detail: { name: task.name, loginServer: server } });
}

interface CredentialFields {
  readonly username: string | null | undefined;
  readonly password: string | null | undefined;
  readonly identity: string | null | undefined;
}

function credentialFields(b: Body): CredentialFields {
  return { username: nullableText(b, 'username', 200), password: nullableText(b, 'password', 1024), identity: nullableText(b, 'identity', 300) };
}

/** A credential is a user name with its password, an identity, or both (az's rule). */
function storeCredential({ task, secrets }: Change, server: string, f: CredentialFields, at: string): Change {
  const old = task.credentials.find((c) => c.loginServer === server);
  const username = f.username === undefined ? (old?.username ?? null) : f.username;
  const password = f.password === undefined ? (secrets.registryPasswords[server] ?? null) : f.password;
  const identity = f.identity === undefined ? (old?.identity ?? null) : f.identity;
  if ((username === null) !== (password === null)) throw taskInvalid(username === null ? 'username' : 'password', 'a user name and a password go together');
  if (username === null && identity === null) throw taskInvalid('username', 'give a user name and password, an identity, or both');
  const credential: TaskCredential = { loginServer: server, username, identity };
  const credentials = old === undefined ? [...task.credentials, credential] : task.credentials.map((c) => (c.loginServer === server ? credential : c));
  const { [server]: _dropped, ...others } = secrets.registryPasswords;
  const registryPasswords = password === null ? others : { ...others, [server]: password };
  return { task: { ...task, credentials, updatedAt: at }, secrets: { ...secrets, registryPasswords } };
}

export function addCredential(body: unknown, at: string): (task: Task, secrets: TaskSecrets) => Change {
  const b = bodyObject(body, 'ApiCredentialRequest');
  const server = loginServer(b['loginServer']);
  const fields = credentialFields(b);
  return (task, secrets) => {
    if (task.credentials.some((c) => c.loginServer === server)) throw taskInvalid('loginServer', `the task already has a credential for ${server} (update it instead)`, { loginServer: server });
    return storeCredential({ task, secrets }, server, fields, at);
  };
}

export function updateCredential(server: string, body: unknown, at: string): (task: Task, secrets: TaskSecrets) => Change {
  const fields = credentialFields(bodyObject(body, 'ApiCredentialUpdateRequest'));
  return (task, secrets) => {
    if (!task.credentials.some((c) => c.loginServer === server)) throw credentialNotFound(task, server);
    return storeCredential({ task, secrets }, server, fields, at);
  };
}

export function removeCredential(server: string, at: string): (task: Task, secrets: TaskSecrets) => Change {
  return (task, secrets) => {
    if (!task.credentials.some((c) => c.loginServer === server)) throw credentialNotFound(task, server);
    const { [server]: _dropped, ...registryPasswords } = secrets.registryPasswords;
    return { task: { ...task, credentials: task.credentials.filter((c) => c.loginServer !== server), updatedAt: at }, secrets: { ...secrets, registryPasswords } };
  };
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export interface OverrideContext {
  readonly policy: SourcePolicy;
  readonly contextExists: (contextId: string) => Promise<boolean>;
}

/** `task run` overrides: an uploaded context or a URL (not both), a file inside it, values, arguments, a target. */
export async function parseRunOverrides(body: unknown, ctx: OverrideContext): Promise<TaskRunOverrides> {
  const b = bodyObject(body ?? {}, 'ApiTaskRunRequest');
  const contextId = optionalText(b, 'contextId', 64);
  const contextPath = optionalText(b, 'contextPath');
  if (contextId !== undefined && contextPath !== undefined) throw taskInvalid('contextId', 'give contextId or contextPath, not both');
  if (contextId !== undefined) {
    if (!UUID.test(contextId)) throw taskInvalid('contextId', 'must be a context id from POST /api/v1/contexts');
    if (!(await ctx.contextExists(contextId))) throw new AppError(Errors.SOURCE_NOT_FOUND, { message: 'no uploaded context has this id', detail: { contextId } });
  }
  if (contextPath !== undefined && (await remoteContext(contextPath, 'contextPath', ctx.policy)).kind === 'none') throw taskInvalid('contextPath', 'must be a git or tarball URL');
  const file = optionalText(b, 'file', 1024);
  const pairs = { values: optionalPairs(b, 'values', 'value'), secretValues: optionalPairs(b, 'secretValues', 'value'), arguments: optionalPairs(b, 'arguments', 'argument'), secretArguments: optionalPairs(b, 'secretArguments', 'argument') };
  const target = optionalText(b, 'target', 200);
  return {
    ...(contextId === undefined ? {} : { contextId }),
    ...(contextPath === undefined ? {} : { contextPath }),
    ...(file === undefined ? {} : { file: contextRelativePath(file, 'file') }),
    ...Object.fromEntries(Object.entries(pairs).filter(([, v]) => v !== undefined)),
    ...(target === undefined ? {} : { target }),
  };
}
