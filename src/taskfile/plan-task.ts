import { posix } from 'node:path';
import { expandCommandAlias } from './aliases.js';
import { parseBuildArguments } from './build-arguments.js';
import { bool, int, itemPos, keyPos, objects, str, stringMap, strings } from './decoded-access.js';
import { errorAt, type Diagnostic, type Position } from './diagnostics.js';
import { mergeEnv } from './env-merge.js';
import { normalisePushList } from './push-images.js';
import type { StepPlan, StepType, TaskNetwork, TaskPlan, TaskSecret, TaskVolume } from './task-plan.js';
import { validateSecrets, validateStep, validateVersion, validateVolumes } from './validate-task.js';
import { buildWhenGraph } from './when-graph.js';
import type { DecodedObject } from './yaml-reader.js';

export const DEFAULT_STEP_TIMEOUT_SECONDS = 600;
export const DEFAULT_RETRY_DELAY_SECONDS = 5;
export const DEFAULT_NETWORK = 'acb_default_network';
export const WORKSPACE = '/workspace';

export interface PlanOptions {
  /** The alias map in force (v1.1.0+), for `cmd` first-word expansion; none for older versions. */
  readonly aliases?: Readonly<Record<string, string>>;
  /** Run-level env (acb `--env`), merged under the task env. */
  readonly env?: readonly string[];
  /** Run-level working directory (acb `--working-directory`), used when the task has none. */
  readonly workingDirectory?: string;
  /** An existing network to use as the default (acb `--network`): never created, suppresses the default one. */
  readonly network?: string;
}

export interface PlanResult {
  readonly plan: TaskPlan;
  /** Validation and initialisation problems; the plan is only meaningful when none is an error. */
  readonly diagnostics: Diagnostic[];
}

const EMPTY_TASK: DecodedObject = { at: { line: 1, column: 1 }, values: {}, keyAt: {}, itemAt: {} };

/** Validates a decoded task and applies acb's initialisation (1.4): every default, env merge, the graph. */
export function planTask(decoded: DecodedObject | null, options: PlanOptions = {}): PlanResult {
  const task = decoded ?? EMPTY_TASK;
  const diagnostics = [...validateSecrets(task), ...validateVolumes(task), ...validateVersion(task)];
  const taskEnv = mergeEnv(strings(task, 'env'), options.env ?? []);
  if ('error' in taskEnv) diagnostics.push(errorAt(keyPos(task, 'env'), `failed to merge task and step environment variables: ${taskEnv.error}`));
  const env = 'env' in taskEnv ? taskEnv.env : strings(task, 'env');
  const networks = planNetworks(task, options.network);
  const defaultNetwork = [...networks].reverse().find((n) => n.isDefault)?.name ?? null;
  const stepTimeout = int(task, 'stepTimeout') > 0 ? int(task, 'stepTimeout') : DEFAULT_STEP_TIMEOUT_SECONDS;
  const workingDirectory = str(task, 'workingDirectory') || (options.workingDirectory ?? '');
  const stepObjects = objects(task, 'steps');
  const ids = stepObjects.map((s, i) => str(s, 'id') || `acb_step_${i}`);
  const graph = buildWhenGraph(stepObjects.map((s, i) => ({ id: ids[i]!, when: strings(s, 'when'), at: s.at, whenAt: strings(s, 'when').map((_, j) => itemPos(s, 'when', j)) })));
  const ctx: StepContext = { taskEnvAt: keyPos(task, 'env'), env, stepTimeout, workingDirectory, defaultNetwork, aliases: options.aliases ?? {}, diagnostics };
  const steps = stepObjects.map((s, i) => {
    diagnostics.push(...validateStep(s, ids[i]!));
    return planStep(s, { ...ctx, id: ids[i]!, dependsOn: graph.dependsOn[i] ?? [] });
  });
  diagnostics.push(...graph.diagnostics);
  const plan: TaskPlan = {
    version: str(task, 'version') || 'v1.0.0',
    stepTimeout,
    workingDirectory: workingDirectory === '' ? null : workingDirectory,
    env,
    secrets: objects(task, 'secrets').map(planSecret),
    networks,
    volumes: objects(task, 'volumes').map(planVolume),
    isBuildTask: bool(task, 'isbuildtask'),
    steps,
    aliases: { ...(options.aliases ?? {}) },
  };
  return { plan, diagnostics };
}

function planSecret(s: DecodedObject): TaskSecret {
  return { id: str(s, 'id'), keyvault: str(s, 'keyvault') || null, clientID: str(s, 'clientID') || null };
}

function planVolume(v: DecodedObject): TaskVolume {
  return { name: str(v, 'name'), secret: { ...(stringMap(v, 'secret') ?? {}) } };
}

/** The task's networks; with none (and not a build task) the default bridge network is added. */
function planNetworks(task: DecodedObject, external: string | undefined): TaskNetwork[] {
  const networks: TaskNetwork[] = objects(task, 'networks').map((n) => ({
    name: str(n, 'name'),
    driver: str(n, 'driver') || null,
    ipv6: bool(n, 'ipv6'),
    skipCreation: bool(n, 'skipCreation'),
    isDefault: bool(n, 'isDefault'),
  }));
  if (external !== undefined && external !== '') networks.push({ name: external, driver: 'external', ipv6: false, skipCreation: true, isDefault: true });
  if (networks.length === 0 && !bool(task, 'isbuildtask')) networks.push({ name: DEFAULT_NETWORK, driver: 'bridge', ipv6: false, skipCreation: false, isDefault: true });
  return networks;
}

interface StepContext {
  readonly taskEnvAt: Position;
  readonly env: readonly string[];
  readonly stepTimeout: number;
  readonly workingDirectory: string;
  readonly defaultNetwork: string | null;
  readonly aliases: Readonly<Record<string, string>>;
  readonly diagnostics: Diagnostic[];
}

/** Relative paths are joined to /workspace, absolute ones cleaned, empty means /workspace. */
export function normaliseWorkingDirectory(dir: string): string {
  if (dir === '') return WORKSPACE;
  // Go's filepath.Clean: no trailing slash except for the root.
  const joined = dir.startsWith('/') ? posix.normalize(dir) : posix.join(WORKSPACE, dir);
  return joined.length > 1 ? joined.replace(/\/+$/, '') : joined;
}

function stepType(s: DecodedObject): StepType {
  if (str(s, 'cmd') !== '') return 'cmd';
  if (str(s, 'build') !== '') return 'build';
  return 'push';
}

function planStep(s: DecodedObject, ctx: StepContext & { readonly id: string; readonly dependsOn: readonly string[] }): StepPlan {
  const type = stepType(s);
  const merged = mergeEnv(strings(s, 'env'), ctx.env);
  if ('error' in merged) {
    const at = merged.side === 'specific' ? itemPos(s, 'env', strings(s, 'env').indexOf(merged.entry)) : ctx.taskEnvAt;
    ctx.diagnostics.push(errorAt(at, `failed to merge task and step environment variables: ${merged.error}`, 'every entry must be KEY=VALUE; a task-level value cannot contain a comma'));
  }
  const build = type === 'build' ? parseBuildArguments(str(s, 'build')) : undefined;
  const disableWd = bool(s, 'disableWorkingDirectoryOverride');
  const cache = str(s, 'cache').toLowerCase();
  return {
    id: ctx.id,
    type,
    dependsOn: [...ctx.dependsOn],
    command: type === 'cmd' ? expandCommandAlias(str(s, 'cmd'), ctx.aliases) : type === 'build' ? str(s, 'build') : null,
    push: type === 'push' ? normalisePushList(strings(s, 'push')) : [],
    tags: strings(s, 'tags').length > 0 ? strings(s, 'tags') : (build?.tags ?? []),
    buildArgs: build?.buildArgs ?? [],
    timeout: int(s, 'timeout') > 0 ? int(s, 'timeout') : ctx.stepTimeout,
    retries: int(s, 'retries'),
    retryDelay: int(s, 'retryDelay') > 0 ? int(s, 'retryDelay') : DEFAULT_RETRY_DELAY_SECONDS,
    retryOnErrors: strings(s, 'retryOnErrors'),
    repeat: int(s, 'repeat'),
    startDelay: int(s, 'startDelay'),
    ignoreErrors: bool(s, 'ignoreErrors'),
    detach: bool(s, 'detach'),
    keep: bool(s, 'keep'),
    pull: bool(s, 'pull'),
    cmdDownloadRetries: int(s, 'cmdDownloadRetries'),
    cmdDownloadRetryDelay: int(s, 'cmdDownloadRetryDelay'),
    env: 'env' in merged ? merged.env : strings(s, 'env'),
    workingDirectory: disableWd ? null : normaliseWorkingDirectory(str(s, 'workingDirectory') || ctx.workingDirectory),
    disableWorkingDirectoryOverride: disableWd,
    entryPoint: str(s, 'entryPoint') || null,
    user: str(s, 'user') || null,
    network: str(s, 'network') || ctx.defaultNetwork,
    isolation: str(s, 'isolation') || null,
    cpus: str(s, 'cpus') || null,
    privileged: bool(s, 'privileged'),
    ports: strings(s, 'ports'),
    expose: strings(s, 'expose'),
    volumeMounts: objects(s, 'volumeMounts').map((m) => ({ name: str(m, 'name'), mountPath: str(m, 'mountPath') })),
    cache: cache === '' ? null : cache,
    line: s.at.line,
    column: s.at.column,
  };
}
