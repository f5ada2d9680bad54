import type { JsonObject } from '../queue/run-queue.js';
import { redactUrl } from '../sources/index.js';
import { DEFAULT_TIMEOUT_SECONDS } from '../tasks/quick-build.js';
import { quickRunToJson, type QuickRunSpec } from '../tasks/quick-run.js';
import type { ApiNameValue } from './contract/runs.js';
import { contextId, invalid, optionalString, PLATFORM, sourceLocation, timeout, type ParseContext } from './quick-build-request.js';

export interface ParsedQuickRun {
  readonly spec: QuickRunSpec;
  readonly request: JsonObject;
  readonly secretRequest: JsonObject;
}

/** 1 MiB: a task or values file larger than this is a mistake (a binary, a log). */
const MAX_FILE_CHARS = 1024 * 1024;

/** `--set` / `--set-secret` pairs: any non-empty key (ACR keeps `a.b` as one flat key), string values. */
function values(value: unknown, field: string): ApiNameValue[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw invalid(`${field} must be an array of {name, value}`, { field });
  return value.map((item: unknown) => {
    const nv = item as Partial<ApiNameValue> | null;
    if (typeof nv?.name !== 'string' || nv.name === '' || typeof nv.value !== 'string') throw invalid(`${field} holds an invalid {name, value}: a non-empty name and a string value`, { field });
    return { name: nv.name, value: nv.value };
  });
}

function text(body: Record<string, unknown>, key: string): string | null {
  const value = body[key];
  if (value === undefined || value === null) return null;
  if (typeof value !== 'string') throw invalid(`${key} must be a string`, { field: key });
  if (value.length > MAX_FILE_CHARS) throw invalid(`${key} is larger than 1 MiB`, { field: key });
  return value;
}

/** A path inside the context: relative, no `..`. */
function contextPath(body: Record<string, unknown>, key: string): string | null {
  const value = optionalString(body, key);
  if (value === undefined) return null;
  const normal = value.replace(/\\/g, '/').replace(/^\.\//, '');
  if (normal.startsWith('/') || normal.split('/').includes('..')) throw invalid(`${key} must be a relative path inside the context`, { field: key, path: value.slice(0, 300) });
  return normal;
}

/** Validates an ApiQuickRunRequest body and splits it into the stored request and its secrets. */
export async function parseQuickRun(body: unknown, ctx: ParseContext): Promise<ParsedQuickRun> {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw invalid('the body must be a JSON ApiQuickRunRequest');
  const b = body as Record<string, unknown>;
  const platform = optionalString(b, 'platform') ?? 'linux/amd64';
  if (!PLATFORM.test(platform)) throw invalid('platform must be os/arch[/variant]', { platform: platform.slice(0, 50) });
  const id = await contextId(b['contextId'] ?? null, ctx);
  const location = await sourceLocation(b['sourceLocation'], ctx);
  if (id !== null && location !== null) throw invalid('give contextId or sourceLocation, not both');
  const taskFile = text(b, 'taskFile');
  const hasContext = id !== null || location !== null;
  if (taskFile === null && !hasContext) throw invalid('a run without context needs taskFile (the task file text, or --cmd)');
  const secrets = values(b['secretValues'], 'secretValues');
  const spec: QuickRunSpec = {
    contextId: id,
    sourceLocation: location === null ? null : redactUrl(location),
    taskFile,
    taskFilePath: contextPath(b, 'taskFilePath') ?? 'acb.yaml',
    valuesFile: text(b, 'valuesFile'),
    valuesFilePath: contextPath(b, 'valuesFilePath'),
    values: values(b['values'], 'values'),
    secretValueNames: secrets.map((s) => s.name),
    platform,
    timeoutSeconds: b['timeoutSeconds'] === undefined ? DEFAULT_TIMEOUT_SECONDS : timeout(b['timeoutSeconds']),
  };
  const secretRequest = { secretValues: secrets.map((s) => ({ ...s })), ...(location === null ? {} : { sourceLocation: location }) };
  return { spec, request: quickRunToJson(spec), secretRequest };
}
