import { parse as parseYaml } from 'yaml';
import { AppError, Errors } from '../core/errors/index.js';
import { formatDiagnostic, loadTask, mergeValues, runInfo, type Diagnostic, type LoadedTask, type SecretResolver } from '../taskfile/index.js';
import { executeTemplate } from '../taskfile/template/index.js';

export interface QuickRunTaskInput {
  /** The task file's name in messages (`acb.yaml`, or `task.yaml` for text the CLI sent). */
  readonly file: string;
  readonly text: string;
  readonly runId: string;
  /** Slipway's registry as the task names it (`.Run.Registry`). */
  readonly registry: string;
  readonly now: Date;
  /** `--set` then `--set-secret` pairs, in order (later wins). */
  readonly values: readonly { readonly name: string; readonly value: string }[];
  readonly valuesText: string | null;
  readonly resolveSecrets: SecretResolver;
  /** A saved task's name (`.Run.TaskName`); `quickrun` for `slipway run`. */
  readonly taskName?: string;
  /** The commit and branch a source trigger named (`.Run.Commit`, `.Run.Branch`). */
  readonly commit?: string;
  readonly branch?: string;
  readonly triggeredBy?: string;
}

/** A values file's top-level mapping; TASKFILE_INVALID when it is not YAML or not a mapping. */
export function parseValuesFile(text: string | null): Record<string, unknown> {
  if (text === null || text.trim() === '') return {};
  let parsed: unknown;
  try {
    parsed = parseYaml(text);
  } catch (err) {
    throw new AppError(Errors.TASKFILE_INVALID, { message: `the values file is not valid YAML: ${(err as Error).message}` });
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) throw new AppError(Errors.TASKFILE_INVALID, { message: 'the values file must be a YAML mapping of names to values' });
  return parsed as Record<string, unknown>;
}

/** Renders and plans a quick run's task file as the agent does (aliases, templates, values, secrets). */
export function loadQuickRunTask(input: QuickRunTaskInput): Promise<LoadedTask> {
  return loadTask({
    file: input.file,
    text: input.text,
    run: runInfo({
      id: input.runId,
      registry: input.registry,
      now: input.now,
      taskName: input.taskName ?? 'quickrun',
      ...(input.commit === undefined ? {} : { commit: input.commit }),
      ...(input.branch === undefined ? {} : { branch: input.branch }),
      ...(input.triggeredBy === undefined ? {} : { triggeredBy: input.triggeredBy }),
    }),
    values: mergeValues(Object.fromEntries(input.values.map((v) => [v.name, v.value])), parseValuesFile(input.valuesText)),
    resolveSecrets: input.resolveSecrets,
    execute: executeTemplate,
    env: {},
  });
}

/** TASKFILE_INVALID naming the first error (and how many more), every problem in `detail.problems`. */
export function taskFileError(file: string, loaded: LoadedTask): AppError | undefined {
  const errors = loaded.diagnostics.filter((d: Diagnostic) => d.severity === 'error');
  if (loaded.plan !== null && errors.length === 0) return undefined;
  const first = errors[0];
  const message = first === undefined ? `the task file ${file} could not be read` : `${formatDiagnostic(file, first)}${errors.length > 1 ? `\n(and ${errors.length - 1} more problem${errors.length > 2 ? 's' : ''})` : ''}`;
  return new AppError(Errors.TASKFILE_INVALID, { message, detail: { file, problems: loaded.diagnostics.map((d) => formatDiagnostic(file, d)) } });
}
