import { AppError, Errors } from '../core/errors/index.js';

/** What a run tells the templates about itself (`.Run`, acb 2.3). All strings. */
export interface RunInfo {
  readonly ID: string;
  readonly Commit: string;
  readonly Repository: string;
  readonly Branch: string;
  readonly GitTag: string;
  readonly TriggeredBy: string;
  /** Fully qualified registry host, e.g. `registry.example.invalid:5000`. */
  readonly Registry: string;
  readonly RegistryName: string;
  /** `yyyyMMdd-HHmmss` + a literal `z`, UTC. */
  readonly Date: string;
  readonly SharedVolume: string;
  readonly OS: string;
  readonly OSVersion: string;
  readonly Architecture: string;
  readonly TaskName: string;
}

export interface RunInfoInput {
  readonly id: string;
  readonly registry: string;
  readonly now?: Date;
  readonly commit?: string;
  readonly repository?: string;
  readonly branch?: string;
  readonly gitTag?: string;
  readonly triggeredBy?: string;
  readonly sharedVolume?: string;
  readonly osVersion?: string;
  readonly taskName?: string;
}

/** Text before the first `.` of the registry host, or all of it (`reg.example.invalid` -> `reg`). */
export function registryName(registry: string): string {
  const dot = registry.indexOf('.');
  return dot < 0 ? registry : registry.slice(0, dot);
}

/** acb's run date: UTC `yyyyMMdd-HHmmss` followed by a lower-case `z` (`20100520-131422z`). */
export function runDate(now: Date): string {
  const p = (n: number): string => String(n).padStart(2, '0');
  return `${now.getUTCFullYear()}${p(now.getUTCMonth() + 1)}${p(now.getUTCDate())}-${p(now.getUTCHours())}${p(now.getUTCMinutes())}${p(now.getUTCSeconds())}z`;
}

/** `.Run` for a run on Slipway's agents (always linux/amd64, as the engine builds). */
export function runInfo(input: RunInfoInput): RunInfo {
  return {
    ID: input.id,
    Commit: input.commit ?? '',
    Repository: input.repository ?? '',
    Branch: input.branch ?? '',
    GitTag: input.gitTag ?? '',
    TriggeredBy: input.triggeredBy ?? '',
    Registry: input.registry,
    RegistryName: registryName(input.registry),
    Date: runDate(input.now ?? new Date()),
    SharedVolume: input.sharedVolume ?? `acb_vol_${input.id}`,
    OS: 'linux',
    OSVersion: input.osVersion ?? '',
    Architecture: 'amd64',
    TaskName: input.taskName ?? '',
  };
}

const SAFE = /^[A-Za-z0-9_^@=+%,:./-]+$/;

/** acb's shell quoting: `''` for empty, else single quotes (with `'"'"'` for `'`) unless every character is safe. */
export function shellQuote(text: string): string {
  if (text === '') return "''";
  if (SAFE.test(text)) return text;
  return `'${text.replace(/'/g, `'"'"'`)}'`;
}

/** JSON with map keys sorted at every level, as Go's encoding/json writes maps. */
export function sortedJson(value: unknown): string {
  return JSON.stringify(sortKeys(value));
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.keys(value).sort().map((k) => [k, sortKeys((value as Record<string, unknown>)[k])]));
  }
  return value;
}

/**
 * `--set K=V` pairs: split at the first `=`, values stay strings, keys stay flat (`a.b` is one key),
 * later pairs win. acb's messages for the two malformed forms.
 */
export function parseSetPairs(pairs: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const pair of pairs) {
    const eq = pair.indexOf('=');
    if (eq < 0) throw new AppError(Errors.USAGE_INVALID, { message: `failed to parse --set data; invalid format, no = assignment found: "${pair}"` });
    if (eq === 0) throw new AppError(Errors.USAGE_INVALID, { message: `failed to parse --set data; expected a key=val format: "${pair}"` });
    out[pair.slice(0, eq)] = pair.slice(eq + 1);
  }
  return out;
}

/** `--set` values win; a values file adds its top-level keys that are not set (nested maps kept whole). */
export function mergeValues(set: Readonly<Record<string, string>>, file: Readonly<Record<string, unknown>> = {}): Record<string, unknown> {
  const out: Record<string, unknown> = { ...set };
  for (const [k, v] of Object.entries(file)) if (!Object.hasOwn(out, k)) out[k] = v;
  return out;
}

/** The data object every template sees. */
export function templateData(run: RunInfo, values: Readonly<Record<string, unknown>>, secrets: Readonly<Record<string, string>>): Record<string, unknown> {
  return {
    Run: { ...run },
    Build: { ID: run.ID },
    Values: values,
    ValuesJSON: shellQuote(sortedJson(values)),
    RunJSON: shellQuote(sortedJson(run)),
    Secrets: secrets,
  };
}
