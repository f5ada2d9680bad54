import { errorAt, sortDiagnostics, warningAt, type Diagnostic } from './diagnostics.js';
import { planTask, type PlanOptions } from './plan-task.js';
import { locator, renderTask, type RenderTaskOptions } from './render-task.js';
import { TASK_FIELDS } from './task-fields.js';
import type { TaskPlan } from './task-plan.js';
import { readYaml } from './yaml-reader.js';

export interface LoadTaskOptions extends RenderTaskOptions, Omit<PlanOptions, 'aliases' | 'env'> {
  /** Run-level `KEY=VALUE` env (acb `--env`), merged under the task env. */
  readonly runEnv?: readonly string[];
}

export interface LoadedTask {
  /** The task text after aliases and templates (what `slipway taskfile render` prints). */
  readonly rendered: string;
  /** Null when rendering failed; otherwise the plan, meaningful only without error diagnostics. */
  readonly plan: TaskPlan | null;
  /** Every problem found, sorted by position, duplicates removed. */
  readonly diagnostics: Diagnostic[];
}

const DOCKERFILE_START = /^\s*(FROM|ARG)\s/i;

/** True when the first non-blank, non-comment line starts with FROM or ARG. */
export function looksLikeDockerfile(text: string): boolean {
  const first = text.split('\n').find((l) => l.trim() !== '' && !l.trim().startsWith('#'));
  return first !== undefined && DOCKERFILE_START.test(first);
}

/**
 * The whole front end: render (comments, aliases, templates, secrets), parse with positions,
 * validate and plan. Never throws for problems in the file: they are all in `diagnostics`. An
 * AppError thrown by `resolveSecrets` (a secret the run cannot resolve) is passed through.
 */
export async function loadTask(options: LoadTaskOptions): Promise<LoadedTask> {
  if (looksLikeDockerfile(options.text)) {
    const line = options.text.split('\n').findIndex((l) => DOCKERFILE_START.test(l)) + 1;
    return { rendered: '', plan: null, diagnostics: [errorAt({ line, column: 1 }, 'this is not a task file: it has no YAML mapping of task keys', 'this looks like a Dockerfile; use `slipway build -f FILE CONTEXT`')] };
  }
  const rendered = await renderTask(options);
  if (rendered.diagnostics.some((d) => d.severity === 'error')) return { rendered: rendered.text, plan: null, diagnostics: tidy(rendered.diagnostics) };
  const read = readYaml(rendered.text, { name: 'task', fields: TASK_FIELDS, locate: locator(rendered.lines) });
  const aliasAt = read.value?.keyAt.alias;
  if (aliasAt !== undefined && rendered.aliases === null) {
    read.diagnostics.push(warningAt(aliasAt, 'the alias block is ignored: aliases need version v1.1.0', `the file says version "${rendered.version}"; \`$name\` references stay as they are`));
  }
  const planned = planTask(read.value, { ...planOptions(options), ...(rendered.aliases ? { aliases: rendered.aliases.map } : {}) });
  return { rendered: rendered.text, plan: planned.plan, diagnostics: tidy([...rendered.diagnostics, ...read.diagnostics, ...planned.diagnostics]) };
}

function planOptions(options: LoadTaskOptions): PlanOptions {
  return {
    ...(options.runEnv === undefined ? {} : { env: options.runEnv }),
    ...(options.workingDirectory === undefined ? {} : { workingDirectory: options.workingDirectory }),
    ...(options.network === undefined ? {} : { network: options.network }),
  };
}

function tidy(diagnostics: readonly Diagnostic[]): Diagnostic[] {
  const seen = new Set<string>();
  return sortDiagnostics(diagnostics).filter((d) => {
    const key = `${d.line}:${d.column}:${d.severity}:${d.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
