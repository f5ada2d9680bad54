import type { Readable } from 'node:stream';
import { AppError, Errors } from '../core/errors/index.js';
import type { JsonObject, LeasedRun, RunOutcome } from '../queue/run-queue.js';
import { StorageLayout } from '../registry/storage/layout.js';
import { fetchGitContext, fetchRemoteTarball, parseContextSpec, checkRemoteSource, OPEN_SOURCE_POLICY } from '../sources/index.js';
import { quickRunFromJson, quickRunSecretsFromJson, type QuickRunSpec } from '../tasks/quick-run.js';
import { registryCredentialsFromJson, type RegistryCredential } from '../tasks/quick-build.js';
import { loadQuickRunTask, taskFileError } from '../tasks/quick-run-task.js';
import { formatDiagnostic } from '../taskfile/diagnostics.js';
import type { TaskSecret } from '../taskfile/task-plan.js';
import { readContextFile } from './context-file.js';
import { SecretRedactor } from './redactor.js';
import { RunLog } from './run-log.js';
import { fetchRunContext, metering, report, urlSecrets, withRedactedTokens, type Execution, type RunControl, type RunnerOptions, type RunReport } from './run-execution.js';
import { runTask } from './steps/task-runner.js';
import { readVaultReference, runIdentity } from './run-secrets.js';
import { parseSecretReference } from '../vault/index.js';

type TaskExecution = Execution<QuickRunSpec> & { readonly taskName: string | null; readonly trigger: string; readonly request: JsonObject; readonly credentials: readonly RegistryCredential[] };

/** A file of the run's context (the task file, a values file), or undefined when absent. */
async function contextFile(x: TaskExecution, path: string): Promise<string | undefined> {
  if (x.contextId === null) return undefined;
  const tar = await x.options.objects.read(StorageLayout.context(x.contextId), { signal: x.control.signal });
  return (await readContextFile(tar, path))?.toString('utf8');
}

function invalidTask(message: string): AppError {
  return new AppError(Errors.TASKFILE_INVALID, { message });
}

async function taskText(x: TaskExecution): Promise<{ file: string; text: string }> {
  if (x.spec.taskFile !== null) return { file: 'task.yaml', text: x.spec.taskFile };
  const text = await contextFile(x, x.spec.taskFilePath);
  if (text === undefined) throw invalidTask(`the task file "${x.spec.taskFilePath}" is not a file in the context (or is larger than 1 MiB)`);
  return { file: x.spec.taskFilePath, text };
}

async function valuesText(x: TaskExecution): Promise<string | null> {
  if (x.spec.valuesFile !== null) return x.spec.valuesFile;
  const path = x.spec.valuesFilePath;
  if (path === null) return null;
  const text = await contextFile(x, path);
  if (text === undefined) throw invalidTask(`the values file "${path}" is not a file in the context`);
  return text;
}

/**
 * Resolves `secrets:` entries before any step: `vault://V/N` and `https://<host>/vaults/V/secrets/N`
 * from the vault, as the run's identity (it needs `get` on V); `vault://NAME` from the run's
 * `--set-secret NAME=…` values. Anything else (an Azure Key Vault URL) fails the run.
 */
function secretResolver(x: TaskExecution, secretValues: ReadonlyMap<string, string>, redactor: SecretRedactor) {
  return async (secrets: readonly TaskSecret[]): Promise<Record<string, string>> => {
    const out: Record<string, string> = {};
    const identity = runIdentity(x.request);
    for (const secret of secrets) {
      const ref = secret.keyvault ?? '';
      const parsed = parseSecretReference(ref);
      if (parsed?.kind === 'vault') {
        out[secret.id] = await readVaultReference(x.options, { reference: ref, identity, what: `secret "${secret.id}"` }, x.control.signal);
        continue;
      }
      const value = parsed === undefined ? undefined : secretValues.get(parsed.name);
      if (value === undefined) {
        const why = parsed === undefined ? `"${ref}" is not a vault://VAULT/NAME or https://HOST/vaults/VAULT/secrets/NAME reference (Slipway does not reach Azure Key Vault)` : `no secret named "${parsed.name}" was given (--set-secret ${parsed.name}=…)`;
        throw new AppError(Errors.TASK_SECRET_UNRESOLVED, { message: `failed to resolve secret "${secret.id}": ${why}`, detail: { secret: secret.id } });
      }
      out[secret.id] = value;
    }
    redactor.add(Object.values(out));
    x.log.line(`Resolved ${secrets.length} secret${secrets.length === 1 ? '' : 's'}${identity === null ? '' : ` as identity ${identity}`}`);
    return out;
  };
}

/** What a saved task's run tells its templates: the task name, and the commit and branch that triggered it. */
function runContext(x: TaskExecution): { taskName?: string; commit?: string; branch?: string; triggeredBy?: string } {
  const request = x.request;
  const text = (key: string): string | undefined => (typeof request[key] === 'string' ? (request[key] as string) : undefined);
  const commit = text('commit');
  const branch = text('branch');
  return {
    ...(x.taskName === null ? {} : { taskName: x.taskName }),
    ...(commit === undefined ? {} : { commit }),
    ...(branch === undefined ? {} : { branch }),
    ...(x.trigger === 'Manual' ? {} : { triggeredBy: x.trigger }),
  };
}

/** A build step's git or tarball context, under the server's source policy. */
function remoteBuildContext(x: TaskExecution) {
  return async (location: string, dockerfile: string, signal: AbortSignal): Promise<Readable> => {
    const spec = parseContextSpec(location);
    if (spec.kind !== 'git' && spec.kind !== 'tarball') throw new AppError(Errors.SOURCE_INVALID, { message: `"${location}" is not a git or tarball URL` });
    const policy = x.options.sources ?? OPEN_SOURCE_POLICY;
    await checkRemoteSource(spec, policy);
    if (spec.kind === 'git') return fetchGitContext(spec.url, spec.ref, spec.subfolder, { signal, dockerfile, followRedirects: policy.allowPrivateNetworks });
    return fetchRemoteTarball(spec.url, { signal, maxBytes: policy.maxContextBytes, checkUrl: (url) => checkRemoteSource({ kind: 'tarball', url }, policy) });
  };
}

async function runTaskFile(x: TaskExecution, secretValues: ReadonlyMap<string, string>, redactor: SecretRedactor): Promise<RunOutcome> {
  const { options } = x;
  const { file, text } = await taskText(x);
  const loaded = await loadQuickRunTask({
    file,
    text,
    runId: x.runId,
    registry: options.publicRegistry ?? options.registry,
    now: new Date(x.startedAt),
    values: [...x.spec.values, ...[...secretValues].map(([name, value]) => ({ name, value }))],
    valuesText: await valuesText(x),
    resolveSecrets: secretResolver(x, secretValues, redactor),
    ...runContext(x),
  });
  for (const d of loaded.diagnostics) x.log.line(formatDiagnostic(file, d));
  const problem = taskFileError(file, loaded);
  if (problem !== undefined || loaded.plan === null) throw problem ?? invalidTask(`the task file ${file} could not be read`);
  const context = x.contextId === null ? null : await options.objects.read(StorageLayout.context(x.contextId), { signal: x.control.signal });
  const result = await runTask(loaded.plan, {
    engine: options.engine,
    runId: x.runId,
    registry: options.registry,
    ...(options.publicRegistry === undefined ? {} : { publicRegistry: options.publicRegistry }),
    registryAuth: (repositories) => ({ username: `run:${x.runId}`, password: options.pushToken(x.runId, repositories), serveraddress: options.registry }),
    context,
    credentials: x.credentials,
    ...(options.isAnonymousRepository === undefined ? {} : { isAnonymousRepository: options.isAnonymousRepository }),
    log: (line) => x.log.line(line),
    signal: x.control.signal,
    fetchRemoteContext: remoteBuildContext(x),
  });
  const outcome = { outputImages: result.outputImages, baseImages: result.baseImages, steps: result.steps };
  x.log.line(`run ${x.runId}: ${result.status}`);
  if (result.status === 'Succeeded') {
    await x.log.close();
    return { status: 'Succeeded', ...outcome, ...metering(x) };
  }
  await x.log.close();
  return { status: 'Failed', errorCode: Errors.TASK_STEP_FAILED.code, runErrorMessage: x.redact(result.errorMessage ?? 'a step failed'), ...outcome, ...metering(x) };
}

/**
 * Executes one leased quick run (`slipway run`): fetch or read the context and the task file,
 * render and plan it (values, secrets, aliases, templates), then run its steps on the engine.
 * Never throws: every failure becomes the report the agent sends. Removes the context afterwards.
 */
export async function executeTaskRun(options: RunnerOptions, leased: LeasedRun, control: RunControl): Promise<RunReport> {
  const run = leased.run;
  const spec = quickRunFromJson(run.request);
  const secrets = quickRunSecretsFromJson(leased.secretRequest);
  const credentials = registryCredentialsFromJson(leased.secretRequest);
  const redactor = new SecretRedactor([...secrets.secretValues.map((v) => v.value), ...urlSecrets(secrets.sourceLocation), ...credentials.map((c) => c.password)]);
  const startedAt = Date.parse(run.startTime ?? new Date().toISOString());
  const log = await RunLog.open(options.objects, run.runId, redactor.redact, () => options.logSignals?.notify(run.runId));
  const x: TaskExecution = { options: withRedactedTokens(options, redactor), runId: run.runId, spec, log, redact: redactor.redact, control, startedAt, contextId: spec.contextId, taskName: run.taskName, trigger: run.trigger, request: run.request, credentials };
  try {
    const location = secrets.sourceLocation ?? spec.sourceLocation;
    if (location !== null) x.contextId = await fetchRunContext(x, location, null);
    const secretValues = new Map(secrets.secretValues.map((v) => [v.name, v.value]));
    return { kind: 'complete', outcome: await runTaskFile(x, secretValues, redactor) };
  } catch (err) {
    return report(x, err);
  } finally {
    if (x.contextId !== null) await options.objects.delete(StorageLayout.context(x.contextId)).catch(() => undefined);
  }
}
