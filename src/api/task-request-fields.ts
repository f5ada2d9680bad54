import { AppError, Errors } from '../core/errors/index.js';
import { resolveImageName } from '../runner/image-names.js';
import { checkRemoteSource, parseContextSpec, type ContextSpec, type RemoteContextSpec, type SourcePolicy } from '../sources/index.js';
import { MAX_TIMEOUT_SECONDS } from '../tasks/quick-build.js';
import type { NameValue, TaskStatus } from '../tasks/task-model.js';

/** Field checks shared by the task routes: each failure is TASK_INVALID naming the field. */

export type Body = Readonly<Record<string, unknown>>;

export function taskInvalid(field: string, message: string, detail: Record<string, unknown> = {}): AppError {
  return new AppError(Errors.TASK_INVALID, { message: `${field}: ${message}`, detail: { field, ...detail } });
}

export function bodyObject(body: unknown, what: string): Body {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw taskInvalid('body', `must be a JSON ${what}`);
  return body as Body;
}

/** ACR's task name rule: `^[a-zA-Z0-9-_]*$`, 5..50 characters. */
export const TASK_NAME = /^[a-zA-Z0-9_-]{5,50}$/;
/** Trigger names (timers, source, base image). */
const TRIGGER_NAME = /^[a-zA-Z0-9_-]{1,50}$/;
const ARG_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const POOL_NAME = /^[a-zA-Z0-9_-]{1,50}$/;
const OS = ['linux', 'windows'];
const ARCH = ['amd64', 'x86', '386', 'arm', 'arm64'];
const VARIANT = ['v6', 'v7', 'v8'];
/** ACR's task-file extensions (`-f` with a context makes a FileTask); only YAML runs. */
const TASK_FILE_EXTENSIONS = ['.yaml', '.yml', '.toml', '.json', '.sh', '.bash', '.zsh', '.ps1', '.ps', '.cmd', '.bat', '.ts', '.js', '.php', '.py', '.rb', '.lua'];

export function optionalText(b: Body, field: string, maxChars = 4096): string | undefined {
  const value = b[field];
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || value === '' || value.length > maxChars) throw taskInvalid(field, `must be a non-empty string of at most ${maxChars} characters`);
  return value;
}

/** undefined: not given; null: cleared; else a non-empty string. */
export function nullableText(b: Body, field: string, maxChars = 4096): string | null | undefined {
  return b[field] === null ? null : optionalText(b, field, maxChars);
}

export function optionalBool(b: Body, field: string): boolean | undefined {
  const value = b[field];
  if (value === undefined) return undefined;
  if (typeof value !== 'boolean') throw taskInvalid(field, 'must be true or false');
  return value;
}

export function optionalInt(b: Body, field: string, min: number, max: number): number | undefined {
  const value = b[field];
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) throw taskInvalid(field, `must be a whole number from ${min} to ${max}`);
  return value;
}

export function taskName(value: unknown, field = 'name'): string {
  if (typeof value !== 'string' || !TASK_NAME.test(value)) throw taskInvalid(field, 'a task name is 5 to 50 letters, digits, "-" or "_"', { name: typeof value === 'string' ? value.slice(0, 60) : null });
  return value;
}

export function triggerName(b: Body, field: string): string | undefined {
  const value = optionalText(b, field, 50);
  if (value !== undefined && !TRIGGER_NAME.test(value)) throw taskInvalid(field, 'a trigger name is 1 to 50 letters, digits, "-" or "_"');
  return value;
}

export function optionalStatus(b: Body, field: string): TaskStatus | undefined {
  const value = b[field];
  if (value === undefined) return undefined;
  if (value !== 'Enabled' && value !== 'Disabled') throw taskInvalid(field, 'must be Enabled or Disabled');
  return value;
}

export function optionalBaseImageType(b: Body, field: string): 'All' | 'Runtime' | undefined {
  const value = b[field];
  if (value === undefined) return undefined;
  if (value !== 'All' && value !== 'Runtime') throw taskInvalid(field, 'must be All or Runtime');
  return value;
}

/** `os[/arch[/variant]]` with ACR's enums, lower-cased; arch defaults to amd64. */
export function optionalPlatform(b: Body, field: string): string | undefined {
  const text = optionalText(b, field, 50);
  if (text === undefined) return undefined;
  const [os = '', arch = 'amd64', variant, ...rest] = text.toLowerCase().split('/');
  if (!OS.includes(os) || !ARCH.includes(arch) || (variant !== undefined && !VARIANT.includes(variant)) || rest.length > 0) {
    throw taskInvalid(field, `must be os[/arch[/variant]] with os ${OS.join('|')}, arch ${ARCH.join('|')}, variant ${VARIANT.join('|')}`);
  }
  return [os, arch, ...(variant === undefined ? [] : [variant])].join('/');
}

export const optionalTimeout = (b: Body, field: string): number | undefined => optionalInt(b, field, 1, MAX_TIMEOUT_SECONDS);

export function optionalPool(b: Body, field: string): string | null | undefined {
  const value = nullableText(b, field, 50);
  if (typeof value === 'string' && !POOL_NAME.test(value)) throw taskInvalid(field, 'an agent pool name is letters, digits, "-" or "_"');
  return value;
}

/** `{name, value}` pairs; arguments need build-arg names, values any non-empty name. */
export function optionalPairs(b: Body, field: string, kind: 'argument' | 'value'): NameValue[] | undefined {
  const value = b[field];
  if (value === undefined) return undefined;
  if (!Array.isArray(value)) throw taskInvalid(field, 'must be an array of {name, value}');
  return value.map((item: unknown) => {
    const nv = item as { name?: unknown; value?: unknown } | null;
    const isName = typeof nv?.name === 'string' && (kind === 'argument' ? ARG_NAME.test(nv.name) : nv.name !== '' && nv.name.length <= 200);
    if (!isName || typeof nv?.value !== 'string') throw taskInvalid(field, `holds an invalid {name, value}: ${kind === 'argument' ? 'a name like NAME_1' : 'a non-empty name'} and a string value`);
    return { name: nv.name as string, value: nv.value };
  });
}

/** A path inside the context: relative, without `..`. */
export function contextRelativePath(value: string, field: string): string {
  const normal = value.replace(/\\/g, '/').replace(/^\.\//, '');
  if (normal === '' || normal.startsWith('/') || normal.split('/').includes('..')) throw taskInvalid(field, 'must be a relative path inside the context', { path: value.slice(0, 300) });
  return normal;
}

/** True when `-f` names a task file (FileTask) rather than a Dockerfile (ACR's extension rule). */
export function isTaskFilePath(file: string): boolean {
  const lower = file.toLowerCase();
  return TASK_FILE_EXTENSIONS.some((ext) => lower.endsWith(ext));
}

export function checkTaskFileExtension(file: string, field: string): void {
  const lower = file.toLowerCase();
  if (isTaskFilePath(file) && !lower.endsWith('.yaml') && !lower.endsWith('.yml')) throw taskInvalid(field, 'only YAML task files (.yaml, .yml) run; the other task-file extensions are reserved, as in ACR', { file: file.slice(0, 300) });
}

export function checkImageNames(value: unknown, field: string, registry: string): string[] | undefined {
  if (value === undefined) return undefined;
  if (!Array.isArray(value) || value.some((v) => typeof v !== 'string')) throw taskInvalid(field, 'must be an array of image names');
  const probe = { runId: 'ca1', date: new Date(), registry };
  for (const name of value as string[]) {
    if (resolveImageName(name, probe) === undefined) throw taskInvalid(field, 'holds an invalid image name', { image: name.slice(0, 300) });
  }
  return [...(value as string[])];
}

/** A context the server can fetch later: git or tarball URL (checked against the source policy), or none. */
export async function remoteContext(value: string, field: string, policy: SourcePolicy): Promise<Extract<ContextSpec, { kind: 'git' | 'tarball' | 'none' }>> {
  const spec = parseContextSpec(value);
  if (spec.kind === 'local') {
    throw taskInvalid(field, 'must be a git URL (…/repo.git#ref:folder), a tarball URL or /dev/null: the server fetches a task\'s context at every run, so a local folder cannot be used (pass it to `task run -c` instead)');
  }
  if (spec.kind !== 'none') await checkRemoteSource(spec as RemoteContextSpec, policy);
  return spec;
}
