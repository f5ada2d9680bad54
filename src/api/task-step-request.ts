import type { NameValue, TaskSecrets, TaskStep } from '../tasks/task-model.js';
import { loadQuickRunTask, taskFileError } from '../tasks/quick-run-task.js';
import type { SourcePolicy } from '../sources/index.js';
import {
  checkImageNames,
  checkTaskFileExtension,
  contextRelativePath,
  isTaskFilePath,
  nullableText,
  optionalBool,
  optionalPairs,
  optionalText,
  remoteContext,
  taskInvalid,
  type Body,
} from './task-request-fields.js';

/** 1 MiB: a task or values file larger than this is a mistake. */
const MAX_FILE_CHARS = 1024 * 1024;

/** Every step field in one flat shape, so create and update share the type choice and checks. */
export interface StepDraft {
  readonly contextPath: string | null;
  readonly file: string | null;
  readonly taskFile: string | null;
  readonly valuesFile: string | null;
  readonly valuesFilePath: string | null;
  readonly imageNames: readonly string[];
  readonly isPushEnabled: boolean;
  readonly noCache: boolean;
  readonly target: string | null;
  readonly arguments: readonly NameValue[];
  readonly secretArguments: readonly NameValue[];
  readonly values: readonly NameValue[];
  readonly secretValues: readonly NameValue[];
}

export const EMPTY_DRAFT: StepDraft = {
  contextPath: null,
  file: null,
  taskFile: null,
  valuesFile: null,
  valuesFilePath: null,
  imageNames: [],
  isPushEnabled: true,
  noCache: false,
  target: null,
  arguments: [],
  secretArguments: [],
  values: [],
  secretValues: [],
};

/** The draft a saved step and its secrets stand for (what an update starts from). */
export function draftOf(step: TaskStep, secrets: TaskSecrets): StepDraft {
  const secret = { secretArguments: secrets.secretArguments, secretValues: secrets.secretValues };
  switch (step.type) {
    case 'Docker':
      return { ...EMPTY_DRAFT, ...secret, contextPath: step.contextPath, file: step.dockerFilePath, imageNames: step.imageNames, isPushEnabled: step.isPushEnabled, noCache: step.noCache, target: step.target, arguments: step.arguments };
    case 'FileTask':
      return { ...EMPTY_DRAFT, ...secret, contextPath: step.contextPath, file: step.taskFilePath, valuesFilePath: step.valuesFilePath, values: step.values };
    case 'EncodedTask':
      return { ...EMPTY_DRAFT, ...secret, taskFile: step.taskFile, valuesFile: step.valuesFile, values: step.values };
  }
}

function fileText(b: Body, field: string): string | null | undefined {
  return nullableText(b, field, MAX_FILE_CHARS);
}

/** The body's step fields over `base`; a new context drops the old one's task file text and the reverse. */
export async function overlayDraft(base: StepDraft, b: Body, policy: SourcePolicy): Promise<StepDraft> {
  const rawContext = b['contextPath'];
  let contextPath = base.contextPath;
  let { taskFile, valuesFile, file } = base;
  if (rawContext !== undefined) {
    const text = rawContext === null ? '/dev/null' : optionalText(b, 'contextPath');
    const spec = await remoteContext(text ?? '/dev/null', 'contextPath', policy);
    contextPath = spec.kind === 'none' ? null : (text as string);
    if (contextPath !== null) [taskFile, valuesFile] = [null, null];
    else file = null;
  }
  const given = <T>(value: T | undefined, fallback: T): T => (value === undefined ? fallback : value);
  return {
    contextPath,
    file: given(optionalText(b, 'file', 1024), file),
    taskFile: given(fileText(b, 'taskFile'), taskFile),
    valuesFile: given(fileText(b, 'valuesFile'), valuesFile),
    valuesFilePath: given(nullableText(b, 'valuesFilePath', 1024), base.valuesFilePath),
    imageNames: base.imageNames,
    isPushEnabled: given(optionalBool(b, 'isPushEnabled'), base.isPushEnabled),
    noCache: given(optionalBool(b, 'noCache'), base.noCache),
    target: given(nullableText(b, 'target', 200), base.target),
    arguments: given(optionalPairs(b, 'arguments', 'argument'), base.arguments),
    secretArguments: given(optionalPairs(b, 'secretArguments', 'argument'), base.secretArguments),
    values: given(optionalPairs(b, 'values', 'value'), base.values),
    secretValues: given(optionalPairs(b, 'secretValues', 'value'), base.secretValues),
  };
}

/** Image names are checked against the registry's naming rules: needs the registry host. */
export function withImageNames(draft: StepDraft, b: Body, registry: string): StepDraft {
  const imageNames = checkImageNames(b['imageNames'], 'imageNames', registry);
  return imageNames === undefined ? draft : { ...draft, imageNames };
}

/** Chooses the step type as ACR does (no context: EncodedTask; `-f` a task file: FileTask; else Docker) and checks it. */
export function stepOf(d: StepDraft): TaskStep {
  const valueNames = d.secretValues.map((v) => v.name);
  if (d.contextPath === null) {
    if (d.taskFile === null) throw taskInvalid('taskFile', 'a task without a context (/dev/null) needs the task file text (a local -f file or --cmd)');
    if (d.file !== null) throw taskInvalid('file', 'a task without a context takes the task file as text (taskFile), not a path');
    if (d.valuesFilePath !== null) throw taskInvalid('valuesFilePath', 'a task without a context takes the values file as text (valuesFile)');
    return { type: 'EncodedTask', taskFile: d.taskFile, valuesFile: d.valuesFile, values: d.values, secretValueNames: valueNames };
  }
  if (d.taskFile !== null) throw taskInvalid('taskFile', 'a task with a context reads its task file from the context: pass file');
  if (d.valuesFile !== null) throw taskInvalid('valuesFile', 'a task with a context reads its values file from the context: pass valuesFilePath');
  if (d.file === null) throw taskInvalid('file', 'a task with a context needs file: the Dockerfile or the task file inside the context');
  const file = contextRelativePath(d.file, 'file');
  if (isTaskFilePath(file)) {
    checkTaskFileExtension(file, 'file');
    const valuesFilePath = d.valuesFilePath === null ? null : contextRelativePath(d.valuesFilePath, 'valuesFilePath');
    return { type: 'FileTask', contextPath: d.contextPath, taskFilePath: file, valuesFilePath, values: d.values, secretValueNames: valueNames };
  }
  return {
    type: 'Docker',
    contextPath: d.contextPath,
    dockerFilePath: file,
    imageNames: d.imageNames,
    isPushEnabled: d.isPushEnabled,
    noCache: d.noCache,
    target: d.target,
    arguments: d.arguments,
    secretArgumentNames: d.secretArguments.map((a) => a.name),
  };
}

/**
 * An EncodedTask's YAML is rendered and planned now, as the agent will (secrets render empty), so
 * its problems come back at once as TASKFILE_INVALID with every problem at FILE:LINE:COLUMN.
 */
export async function checkEncodedTask(step: TaskStep, draft: StepDraft, ctx: { readonly taskName: string; readonly registry: string }): Promise<void> {
  if (step.type !== 'EncodedTask') return;
  const loaded = await loadQuickRunTask({
    file: 'task.yaml',
    text: step.taskFile,
    runId: 'ca0',
    registry: ctx.registry,
    now: new Date(),
    values: [...draft.values, ...draft.secretValues],
    valuesText: step.valuesFile,
    taskName: ctx.taskName,
    resolveSecrets: async (list) => Object.fromEntries(list.map((s) => [s.id, ''])),
  });
  const problem = taskFileError('task.yaml', loaded);
  if (problem !== undefined) throw problem;
}
