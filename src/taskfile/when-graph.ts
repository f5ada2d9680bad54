import { errorAt, warningAt, type Diagnostic, type Position } from './diagnostics.js';

export const ROOT_ID = 'acb_root';
export const IMMEDIATE = '-';

export interface GraphStep {
  readonly id: string;
  readonly when: readonly string[];
  readonly at: Position;
  readonly whenAt: readonly Position[];
}

/**
 * acb's DAG construction (1.5) in declaration order: each step becomes a vertex, then edges from
 * its `when` ids, which must name earlier steps. Returns each step's dependencies (deduplicated:
 * acb counts a repeated id twice and the run hangs) and every problem at once.
 */
export function buildWhenGraph(steps: readonly GraphStep[]): { dependsOn: string[][]; diagnostics: Diagnostic[] } {
  const diagnostics: Diagnostic[] = [];
  const seen = new Set<string>();
  const later = new Set(steps.map((s) => s.id));
  const dependsOn = steps.map((step, i) => {
    later.delete(step.id);
    if (step.id === ROOT_ID) diagnostics.push(errorAt(step.at, `${ROOT_ID} is a reserved ID, it can't be used`, 'choose another step id'));
    else if (seen.has(step.id)) diagnostics.push(errorAt(step.at, `${step.id} already exists as a vertex`, 'step ids must be unique (ids of steps without one are `acb_step_<index>`)'));
    const deps = edges(step, i === 0 ? undefined : steps[i - 1]!.id, { seen, later, diagnostics });
    seen.add(step.id);
    return deps;
  });
  return { dependsOn, diagnostics };
}

interface EdgeContext {
  readonly seen: ReadonlySet<string>;
  readonly later: ReadonlySet<string>;
  readonly diagnostics: Diagnostic[];
}

function edges(step: GraphStep, previous: string | undefined, ctx: EdgeContext): string[] {
  if (step.when.length === 0) return previous === undefined ? [] : [previous];
  if (step.when.includes(IMMEDIATE)) return [];
  const deps: string[] = [];
  step.when.forEach((dep, j) => {
    const at = step.whenAt[j] ?? step.at;
    if (deps.includes(dep)) {
      ctx.diagnostics.push(warningAt(at, `\`${dep}\` is listed twice in when; the repeat is ignored`, 'ACR would wait for it forever; remove the repeat'));
      return;
    }
    if (dep === step.id) return;
    if (!ctx.seen.has(dep)) {
      const hint = ctx.later.has(dep) ? 'a `when` can only name an earlier step' : `no step has the id \`${dep}\``;
      ctx.diagnostics.push(errorAt(at, `${dep} does not exist as a vertex [from: ${dep}, to: ${step.id}]`, hint));
      return;
    }
    deps.push(dep);
  });
  return deps;
}
