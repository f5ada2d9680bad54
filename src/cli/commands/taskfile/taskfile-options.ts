import type { CommandInput, FlagSpec } from '../../command.js';
import { flagString } from '../../command.js';
import { usageError } from '../../run-cli.js';
import type { Io } from '../../output/io.js';
import { AppError, Errors } from '../../../core/errors/index.js';
import type { LoadedTask } from '../../../taskfile/load-task.js';
import type { Diagnostic } from '../../../taskfile/diagnostics.js';

/** acb's placeholder-free run id shape (`ca` + number); `ca0` is never assigned by a server. */
export const DEFAULT_RUN_ID = 'ca0';
/** The registry host when no server is configured (what `slipway serve` listens on by default). */
export const DEFAULT_REGISTRY = 'localhost:5000';

export const RENDER_FLAGS = {
  set: { type: 'string', multiple: true, description: 'Template value KEY=VALUE for {{.Values.KEY}} (repeatable; a string, later wins, no comma splitting)' },
  values: { type: 'string', description: 'YAML values file; its top-level keys are added where --set gave none' },
  'run-id': { type: 'string', description: `{{.Run.ID}} and $ID (default ${DEFAULT_RUN_ID})` },
  registry: { type: 'string', description: `{{.Run.Registry}} and $Registry: a registry host (default: the host of the configured server, else ${DEFAULT_REGISTRY})` },
} as const satisfies Record<string, FlagSpec>;

export const SECRET_FLAGS = {
  'set-secret': { type: 'string', multiple: true, description: 'Secret value ID=VALUE for {{.Secrets.ID}} (repeatable); secrets without one render as empty' },
} as const satisfies Record<string, FlagSpec>;

export interface TaskfileOptions {
  readonly file: string;
  readonly set: readonly string[];
  readonly secrets: readonly string[];
  readonly valuesFile?: string;
  readonly runId: string;
  readonly registry?: string;
}

function list(input: CommandInput, name: string): string[] {
  const v = input.flags[name];
  return Array.isArray(v) ? v : typeof v === 'string' ? [v] : [];
}

export function parseTaskfileOptions(input: CommandInput): TaskfileOptions {
  const file = input.positionals[0];
  if (file === undefined) throw usageError('a task file is required: slipway taskfile <command> FILE');
  const valuesFile = flagString(input, 'values');
  const registry = flagString(input, 'registry');
  return {
    file,
    set: list(input, 'set'),
    secrets: list(input, 'set-secret'),
    runId: flagString(input, 'run-id') ?? DEFAULT_RUN_ID,
    ...(valuesFile === undefined ? {} : { valuesFile }),
    ...(registry === undefined ? {} : { registry }),
  };
}

/** The registry host of the server the CLI is configured for (SLIPWAY_REGISTRY, last login), else localhost:5000. */
export async function defaultRegistry(io: Io): Promise<string> {
  const { readCredentials } = await import('../../client/credentials-file.js');
  const { normaliseServerUrl } = await import('../../client/server-url.js');
  const raw = io.env.SLIPWAY_REGISTRY || (await readCredentials(io.env)).currentServer;
  if (raw === undefined || raw === '') return DEFAULT_REGISTRY;
  return new URL(normaliseServerUrl(raw)).host;
}

async function readText(io: Io, path: string, what: string): Promise<string> {
  const { readFile } = await import('node:fs/promises');
  const { resolve } = await import('node:path');
  try {
    return await readFile(resolve(io.cwd, path), 'utf8');
  } catch (err) {
    throw new AppError(Errors.TASKFILE_INVALID, { message: `failed to load ${what} at path ${path}: ${(err as Error).message}`, cause: err });
  }
}

async function readValuesFile(io: Io, path: string): Promise<Record<string, unknown>> {
  const text = await readText(io, path, 'values file');
  const { parse } = await import('yaml');
  let value: unknown;
  try {
    value = parse(text);
  } catch (err) {
    throw new AppError(Errors.TASKFILE_INVALID, { message: `failed to load values file at path ${path}: ${(err as Error).message}`, cause: err });
  }
  if (value === null || value === undefined) return {};
  if (typeof value !== 'object' || Array.isArray(value)) throw new AppError(Errors.TASKFILE_INVALID, { message: `failed to load values file at path ${path}: the top level must be a mapping` });
  return value as Record<string, unknown>;
}

/** Reads the task file (and values file), renders, parses, validates and plans it. */
export async function loadTaskfile(options: TaskfileOptions, io: Io): Promise<LoadedTask> {
  const text = await readText(io, options.file, 'template');
  const { mergeValues, parseSetPairs, runInfo } = await import('../../../taskfile/render-data.js');
  const { loadTask } = await import('../../../taskfile/load-task.js');
  const { executeTemplate } = await import('../../../taskfile/template/index.js');
  const { readFileSync } = await import('node:fs');
  const { resolve } = await import('node:path');
  const values = mergeValues(parseSetPairs(options.set), options.valuesFile === undefined ? {} : await readValuesFile(io, options.valuesFile));
  const secrets = parseSetPairs(options.secrets);
  return loadTask({
    file: options.file,
    text,
    run: runInfo({ id: options.runId, registry: options.registry ?? (await defaultRegistry(io)) }),
    values,
    resolveSecrets: async () => secrets,
    readAliasSrc: (path) => readFileSync(resolve(io.cwd, path), 'utf8'),
    env: io.env,
    execute: executeTemplate,
  });
}

/** Every diagnostic as `FILE:LINE:COLUMN: severity: message` (+ `  hint:` line). */
export async function formatDiagnostics(file: string, diagnostics: readonly Diagnostic[]): Promise<string> {
  const { formatDiagnostic } = await import('../../../taskfile/diagnostics.js');
  return diagnostics.map((d) => formatDiagnostic(file, d)).join('\n');
}
