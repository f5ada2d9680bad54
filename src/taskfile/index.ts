/**
 * The task-file front end: an ACR multi-step task file (`version: v1.1.0`) is preprocessed
 * (comment lines, aliases), rendered (Go templates, values, secrets), parsed with positions,
 * validated (every problem at once) and planned into a {@link TaskPlan} for the runner.
 * docs/taskfile.md is the user-facing reference.
 * @module
 */
export { loadTask, looksLikeDockerfile, type LoadTaskOptions, type LoadedTask } from './load-task.js';
export { renderTask, type ExecuteTemplate, type RenderTaskOptions, type RenderTaskResult, type SecretResolver } from './render-task.js';
export { planTask, normaliseWorkingDirectory, DEFAULT_NETWORK, type PlanOptions, type PlanResult } from './plan-task.js';
export { runInfo, mergeValues, parseSetPairs, shellQuote, type RunInfo, type RunInfoInput } from './render-data.js';
export { formatDiagnostic, hasErrors, type Diagnostic, type Position, type Severity } from './diagnostics.js';
export { parseBuildArguments, type BuildArguments } from './build-arguments.js';
export { normalisePushList, withDefaultTag } from './push-images.js';
export { mergeEnv } from './env-merge.js';
export { taskfileJsonSchema } from './taskfile-schema.js';
export type { StepPlan, StepType, TaskNetwork, TaskPlan, TaskSecret, TaskVolume, VolumeMount } from './task-plan.js';
