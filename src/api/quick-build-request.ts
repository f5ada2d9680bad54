import { AppError, Errors } from '../core/errors/index.js';
import type { JsonObject } from '../queue/run-queue.js';
import { checkRemoteSource, parseContextSpec, redactUrl, type RemoteContextSpec, type SourcePolicy } from '../sources/index.js';
import { resolveImageName } from '../runner/image-names.js';
import { DEFAULT_TIMEOUT_SECONDS, MAX_TIMEOUT_SECONDS, toRequestJson, type QuickBuildSpec } from '../tasks/quick-build.js';
import type { ApiNameValue } from './contract/runs.js';

export interface ParsedQuickBuild {
  readonly spec: QuickBuildSpec;
  readonly request: JsonObject;
  readonly secretRequest: JsonObject;
}

export interface ParseContext {
  /** Slipway's own registry, for validating rendered names. */
  readonly registry: string;
  readonly contextExists: (contextId: string) => Promise<boolean>;
  readonly policy: SourcePolicy;
}

export function invalid(message: string, detail?: Record<string, unknown>): AppError {
  return new AppError(Errors.REQUEST_INVALID, { message, ...(detail ? { detail } : {}) });
}

const ARG_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
export const PLATFORM = /^[a-z0-9]+\/[a-z0-9_]+(\/[a-z0-9]+)?$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export function nameValues(value: unknown, field: string): ApiNameValue[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) throw invalid(`${field} must be an array of {name, value}`);
  return value.map((item: unknown) => {
    const nv = item as Partial<ApiNameValue> | null;
    if (typeof nv?.name !== 'string' || typeof nv.value !== 'string' || !ARG_NAME.test(nv.name)) throw invalid(`${field} holds an invalid {name, value}`, { field });
    return { name: nv.name, value: nv.value };
  });
}

export function optionalString(body: Record<string, unknown>, key: string): string | undefined {
  const value = body[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string' || value === '') throw invalid(`${key} must be a non-empty string`, { field: key });
  return value;
}

function images(value: unknown, registry: string): string[] {
  // ACR builds without -t too: the image is built and not pushed.
  if (value === undefined) return [];
  if (!Array.isArray(value) || value.some((v) => typeof v !== 'string')) throw invalid('images must be an array of image names');
  const probe = { runId: 'ca1', date: new Date(), registry };
  for (const name of value as string[]) {
    if (resolveImageName(name, probe) === undefined) throw invalid('invalid image name', { image: name.slice(0, 300) });
  }
  return value as string[];
}

export function timeout(value: unknown): number {
  if (value === undefined) return DEFAULT_TIMEOUT_SECONDS;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > MAX_TIMEOUT_SECONDS) throw invalid(`timeoutSeconds must be an integer from 1 to ${MAX_TIMEOUT_SECONDS}`);
  return value;
}

export async function contextId(value: unknown, ctx: ParseContext): Promise<string | null> {
  if (value === null) return null;
  if (typeof value !== 'string' || !UUID.test(value)) throw invalid('contextId must be a context id from POST /api/v1/contexts, or null');
  if (!(await ctx.contextExists(value))) throw new AppError(Errors.SOURCE_NOT_FOUND, { message: 'no uploaded context has this id', detail: { contextId: value } });
  return value;
}

/** A git or tarball URL the agent fetches; a folder must be uploaded, `/dev/null` is contextId null. */
export async function sourceLocation(value: unknown, ctx: ParseContext): Promise<string | null> {
  if (value === undefined || value === null) return null;
  if (typeof value !== 'string' || value === '' || value.length > 4096) throw invalid('sourceLocation must be a git or tarball URL');
  const spec = parseContextSpec(value);
  if (spec.kind !== 'git' && spec.kind !== 'tarball') {
    throw invalid('sourceLocation must be a git or tarball URL; upload a folder with POST /api/v1/contexts', { sourceLocation: redactUrl(value).slice(0, 300) });
  }
  await checkRemoteSource(spec as RemoteContextSpec, ctx.policy);
  return value;
}

/** Validates an ApiQuickBuildRequest body and splits it into the stored request and its secrets. */
export async function parseQuickBuild(body: unknown, ctx: ParseContext): Promise<ParsedQuickBuild> {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw invalid('the body must be a JSON ApiQuickBuildRequest');
  const b = body as Record<string, unknown>;
  const platform = optionalString(b, 'platform') ?? 'linux/amd64';
  if (!PLATFORM.test(platform)) throw invalid('platform must be os/arch[/variant]', { platform: platform.slice(0, 50) });
  const dockerfileContent = optionalString(b, 'dockerfileContent') ?? null;
  const id = await contextId(b['contextId'] ?? null, ctx);
  const location = await sourceLocation(b['sourceLocation'], ctx);
  if (id !== null && location !== null) throw invalid('give contextId or sourceLocation, not both');
  if (id === null && location === null && dockerfileContent === null) throw invalid('a build without context needs dockerfileContent');
  const secrets = nameValues(b['secretBuildArgs'], 'secretBuildArgs');
  const spec: QuickBuildSpec = {
    contextId: id,
    sourceLocation: location === null ? null : redactUrl(location),
    dockerfile: optionalString(b, 'dockerfile') ?? 'Dockerfile',
    dockerfileContent,
    images: images(b['images'], ctx.registry),
    buildArgs: nameValues(b['buildArgs'], 'buildArgs'),
    secretBuildArgNames: secrets.map((s) => s.name),
    target: optionalString(b, 'target') ?? null,
    noPush: b['noPush'] === true,
    noCache: b['noCache'] === true,
    platform,
    timeoutSeconds: timeout(b['timeoutSeconds']),
  };
  // The URL as given (it may carry a token) is kept with the secrets; the request shows it redacted.
  const secretRequest = { secretBuildArgs: secrets.map((s) => ({ ...s })), ...(location === null ? {} : { sourceLocation: location }) };
  return { spec, request: toRequestJson(spec), secretRequest };
}
