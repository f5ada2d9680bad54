import { planTask, type PlanResult } from './plan-task.js';
import { TASK_FIELDS } from './task-fields.js';
import { readYaml } from './yaml-reader.js';
import type { Diagnostic } from './diagnostics.js';

/** Test support: reads YAML (no templates) and plans it, returning the plan and every diagnostic. */
export function checkYaml(text: string): PlanResult & { all: Diagnostic[] } {
  const read = readYaml(text, { name: 'task', fields: TASK_FIELDS });
  const planned = planTask(read.value);
  return { ...planned, all: [...read.diagnostics, ...planned.diagnostics] };
}

export function messages(text: string, severity: 'error' | 'warning' = 'error'): string[] {
  return checkYaml(text).all.filter((d) => d.severity === severity).map((d) => d.message);
}
