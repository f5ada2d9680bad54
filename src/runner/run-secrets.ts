import { AppError, Errors, isAppError } from '../core/errors/index.js';
import type { JsonObject, LeasedRun } from '../queue/run-queue.js';
import { runContextUrl } from '../tasks/task-service.js';
import { parseSecretReference, showReference } from '../vault/index.js';
import { RunLog } from './run-log.js';
import { createRedactor } from './redactor.js';
import { report, type RunControl, type RunnerOptions, type RunReport } from './run-execution.js';

/*
 * Vault references of a run, resolved by the agent with the run's identity (the task's
 * `--assign-identity`, carried in the run request as `identity`): `secrets:` entries of a task
 * file, a task's git access token (`gitAccessTokenRef` in the secret request) and registry
 * passwords that are `vault://V/N` references. Nothing resolved is ever stored: a queued run
 * holds the reference, so rotating a secret reaches every later run.
 */

/** The identity a run reads vault secrets as; null for quick runs and tasks without one. */
export function runIdentity(request: JsonObject): string | null {
  const identity = request['identity'];
  return typeof identity === 'string' && identity !== '' ? identity : null;
}

/**
 * The value of a vault reference for `what` (a secret id, "the git access token", "the password
 * of registry X"); failures name `what`, the vault, the identity and the missing permission.
 */
export async function readVaultReference(options: RunnerOptions, request: { reference: string; identity: string | null; what: string }, signal: AbortSignal): Promise<string> {
  const ref = parseSecretReference(request.reference);
  if (ref?.kind !== 'vault') throw new AppError(Errors.TASK_SECRET_UNRESOLVED, { message: `failed to resolve ${request.what}: not a vault reference`, detail: { secret: request.what } });
  const shown = showReference(ref);
  if (options.secretSource === undefined) {
    throw new AppError(Errors.TASK_SECRET_UNRESOLVED, { message: `failed to resolve ${request.what}: this agent has no vault to read ${shown} from`, detail: { secret: request.what } });
  }
  try {
    return await options.secretSource.readSecret({ identity: request.identity, vault: ref.vault, secret: ref.secret, version: ref.version }, { signal });
  } catch (err) {
    if (!isAppError(err)) throw err;
    const detail = { ...((err.detail as Record<string, unknown> | undefined) ?? {}), secretId: request.what, reference: shown };
    throw new AppError(Errors[err.code as keyof typeof Errors] ?? Errors.UNKNOWN, { message: `failed to resolve ${request.what} (${shown}): ${err.message}`, detail, cause: err });
  }
}

async function resolveRequest(options: RunnerOptions, leased: LeasedRun, signal: AbortSignal): Promise<JsonObject | null> {
  const secrets = leased.secretRequest;
  if (secrets === null) return null;
  const identity = runIdentity(leased.run.request);
  const next: Record<string, unknown> = { ...secrets };
  const tokenRef = secrets['gitAccessTokenRef'];
  const location = secrets['sourceLocation'];
  if (typeof tokenRef === 'string' && typeof location === 'string') {
    const token = await readVaultReference(options, { reference: tokenRef, identity, what: 'the git access token' }, signal);
    next['sourceLocation'] = runContextUrl(location, undefined, token);
  }
  delete next['gitAccessTokenRef'];
  const credentials = secrets['registryCredentials'];
  if (Array.isArray(credentials)) {
    next['registryCredentials'] = await Promise.all(
      (credentials as Array<{ loginServer: string; username: string; password: string }>).map(async (c) =>
        parseSecretReference(c.password)?.kind === 'vault' ? { ...c, password: await readVaultReference(options, { reference: c.password, identity, what: `the password of registry ${c.loginServer}` }, signal) } : c,
      ),
    );
  }
  return next as JsonObject;
}

/**
 * The leased run with the vault references of its secret request resolved, or the report of a
 * run that failed before any step because one could not be (its log says which and why).
 */
export async function resolveRunSecrets(options: RunnerOptions, leased: LeasedRun, control: RunControl): Promise<{ leased: LeasedRun } | { report: RunReport }> {
  try {
    return { leased: { ...leased, secretRequest: await resolveRequest(options, leased, control.signal) } };
  } catch (err) {
    const run = leased.run;
    const redact = createRedactor([]);
    const log = await RunLog.open(options.objects, run.runId, redact, () => options.logSignals?.notify(run.runId));
    const timeoutSeconds = typeof run.request['timeoutSeconds'] === 'number' ? run.request['timeoutSeconds'] : 0;
    const startedAt = Date.parse(run.startTime ?? new Date().toISOString());
    return { report: await report({ options, runId: run.runId, spec: { timeoutSeconds }, log, redact, control, startedAt, contextId: null }, err) };
  }
}
