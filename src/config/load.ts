import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { Value } from '@sinclair/typebox/value';
import type { TSchema } from '@sinclair/typebox';
import { parse as parseYaml } from 'yaml';
import { AppError, Errors } from '../core/errors/index.js';
import { ConfigSchema, type Config } from './schema.js';

/** Variables Slipway reads that are not config fields (secrets and client settings). */
const OTHER_VARIABLES = new Set([
  'SLIPWAY_CONFIG',
  'SLIPWAY_ADMIN_PASSWORD',
  'SLIPWAY_REGISTRY',
  'SLIPWAY_USERNAME',
  'SLIPWAY_PASSWORD',
  'SLIPWAY_CONFIG_HOME',
]);

/** Prefixes of variables read by Slipway's scripts (test setup, benchmarks), not by the server. */
const OTHER_PREFIXES = ['SLIPWAY_BENCH_', 'SLIPWAY_DOCKERD_', 'SLIPWAY_TEST_'];

export interface LoadOptions {
  /** YAML file; also `SLIPWAY_CONFIG`. */
  readonly file?: string;
  readonly env?: NodeJS.ProcessEnv;
  /** Values from flags, as dotted paths (`server.listen`). */
  readonly overrides?: Record<string, unknown>;
}

export interface LoadedConfig {
  readonly config: Readonly<Config>;
  /** Unknown `SLIPWAY_*` variables, probably misspelt. */
  readonly warnings: readonly string[];
}

interface EnvField {
  readonly path: string[];
  readonly schema: TSchema;
}

function envFields(schema: TSchema, path: string[] = []): Map<string, EnvField> {
  const out = new Map<string, EnvField>();
  const props = (schema as { properties?: Record<string, TSchema> }).properties;
  if (props) for (const [key, child] of Object.entries(props)) for (const [k, v] of envFields(child, [...path, key])) out.set(k, v);
  const name = (schema as { env?: string }).env;
  if (name) out.set(name, { path, schema });
  return out;
}

export const ENV_FIELDS = envFields(ConfigSchema);

function setPath(target: Record<string, unknown>, path: readonly string[], value: unknown): void {
  let node = target;
  for (const key of path.slice(0, -1)) {
    if (typeof node[key] !== 'object' || node[key] === null) node[key] = {};
    node = node[key] as Record<string, unknown>;
  }
  node[path[path.length - 1] as string] = value;
}

function envValue(field: EnvField, raw: string): unknown {
  const type = (field.schema as { type?: string }).type;
  if (type === 'boolean') return raw === 'true' || raw === '1' ? true : raw === 'false' || raw === '0' ? false : raw;
  if (type === 'integer' || type === 'number') return raw.trim() === '' ? raw : Number(raw);
  return raw;
}

function readFile(file: string): Record<string, unknown> {
  let parsed: unknown;
  try {
    parsed = parseYaml(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new AppError(Errors.CONFIG_INVALID, { message: `cannot read config file ${file}: ${(err as Error).message}`, cause: err });
  }
  if (parsed === null || parsed === undefined) return {};
  if (typeof parsed !== 'object' || Array.isArray(parsed)) throw new AppError(Errors.CONFIG_INVALID, { message: `config file ${file} must hold a mapping` });
  return parsed as Record<string, unknown>;
}

function validate(candidate: unknown): Config {
  const withDefaults = Value.Default(ConfigSchema, Value.Clone(candidate));
  const first = Value.Errors(ConfigSchema, withDefaults).First();
  if (first) {
    const key = first.path.replace(/^\//, '').replaceAll('/', '.') || '(root)';
    throw new AppError(Errors.CONFIG_INVALID, { message: `config key ${key}: ${first.message}`, detail: { key, value: first.value } });
  }
  const config = withDefaults as Config;
  // Rules across keys, which the schema cannot say.
  const { tlsCertFile, tlsKeyFile } = config.server;
  if ((tlsCertFile === undefined) !== (tlsKeyFile === undefined)) {
    const key = tlsCertFile === undefined ? 'server.tlsCertFile' : 'server.tlsKeyFile';
    throw new AppError(Errors.CONFIG_INVALID, { message: `config key ${key}: server.tlsCertFile and server.tlsKeyFile go together`, detail: { key } });
  }
  return config;
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object') {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}

/** Schema defaults, then the file, then env, then flags; validated once and frozen. */
export function loadConfig(options: LoadOptions = {}): LoadedConfig {
  const env = options.env ?? process.env;
  const file = options.file ?? env.SLIPWAY_CONFIG;
  const candidate: Record<string, unknown> = file ? readFile(file) : {};
  const warnings: string[] = [];
  for (const [name, raw] of Object.entries(env)) {
    if (!name.startsWith('SLIPWAY_') || raw === undefined) continue;
    const field = ENV_FIELDS.get(name);
    if (field) setPath(candidate, field.path, envValue(field, raw));
    else if (!OTHER_VARIABLES.has(name) && !OTHER_PREFIXES.some((p) => name.startsWith(p))) warnings.push(`unknown environment variable ${name} (misspelt?)`);
  }
  for (const [path, value] of Object.entries(options.overrides ?? {})) setPath(candidate, path.split('.'), value);
  const config = validate(candidate);
  config.dataDir = resolve(config.dataDir);
  return { config: deepFreeze(config), warnings };
}

export function storagePath(config: Config): string {
  return config.storage.path ? resolve(config.storage.path) : resolve(config.dataDir, 'storage');
}

export function metadataPath(config: Config): string {
  return config.metadata.path ? resolve(config.metadata.path) : resolve(config.dataDir, 'slipway.db');
}
