import { randomUUID } from 'node:crypto';
import { basename, isAbsolute, posix, relative, resolve, sep } from 'node:path';
import type { ApiNameValue } from '../../../api/contract/runs.js';
import { isAppError } from '../../../core/errors/index.js';
import { parseContextSpec, type ContextSpec } from '../../../sources/index.js';
import type { CommandInput } from '../../command.js';
import { flagBool, flagString } from '../../command.js';
import { usageError } from '../../run-cli.js';
import type { FormatOptions } from '../../output/format.js';
import { parseFormat } from '../repository/repository-options.js';

/** ACR's service default; the contract's maximum. ACR's schema minimum (300) is not enforced: short runs help tests and CI. */
export const DEFAULT_TIMEOUT_SECONDS = 3600;
export const MAX_TIMEOUT_SECONDS = 28_800;

const OS = ['linux', 'windows'] as const;
const ARCH = ['amd64', 'x86', '386', 'arm', 'arm64'] as const;
const VARIANT = ['v6', 'v7', 'v8'] as const;

/** Where the build's files come from. */
export type BuildSource =
  /** A folder, tarred and uploaded; `externalDockerfile` is a `-f` file outside it, packed as `dockerfile`. */
  | { readonly kind: 'local'; readonly dir: string; readonly dockerfile: string; readonly externalDockerfile?: string }
  /** A git or tarball URL the server fetches; `-f` is relative to its root. */
  | { readonly kind: 'remote'; readonly location: string; readonly dockerfile: string }
  /** A `file://` git URL: the client's own disk, so the CLI clones, packs and uploads it. */
  | { readonly kind: 'git-local'; readonly url: string; readonly ref: string | null; readonly subfolder: string | null; readonly dockerfile: string }
  /** `/dev/null`: no context; the Dockerfile is read from a file or from stdin (`path: '-'`). */
  | { readonly kind: 'none'; readonly dockerfilePath: string };

export interface BuildOptions {
  readonly source: BuildSource;
  readonly images: readonly string[];
  readonly buildArgs: readonly ApiNameValue[];
  /** Sent to the server, never printed. */
  readonly secretBuildArgs: readonly ApiNameValue[];
  readonly target?: string;
  readonly isPushDisabled: boolean;
  readonly isCacheDisabled: boolean;
  readonly isLogsDisabled: boolean;
  readonly isWaitDisabled: boolean;
  readonly platform: string;
  readonly timeoutSeconds: number;
  readonly format: FormatOptions;
}

/** What parsing needs from the process: the environment (build-arg fallback) and the current folder. */
export interface ParseEnv {
  readonly env: NodeJS.ProcessEnv;
  readonly cwd: string;
}

function list(input: CommandInput, name: string): string[] {
  const value = input.flags[name];
  return Array.isArray(value) ? value : typeof value === 'string' ? [value] : [];
}

/**
 * `name[=value]`, split on the first `=`. Without `=`, the value comes from the local environment
 * variable of that name, or is empty (az's rule, for build args and secret build args alike).
 */
export function parseNameValues(items: readonly string[], flag: string, env: NodeJS.ProcessEnv): ApiNameValue[] {
  return items.map((item) => {
    const eq = item.indexOf('=');
    const name = eq === -1 ? item : item.slice(0, eq);
    if (name === '') throw usageError(`--${flag} needs a name: NAME=VALUE or NAME (value from the environment)`);
    return { name, value: eq === -1 ? (env[name] ?? '') : item.slice(eq + 1) };
  });
}

export function parseTimeout(text: string | undefined): number {
  if (text === undefined) return DEFAULT_TIMEOUT_SECONDS;
  if (!/^\d+$/.test(text) || Number(text) < 1 || Number(text) > MAX_TIMEOUT_SECONDS) {
    throw usageError(`--timeout must be a whole number of seconds from 1 to ${MAX_TIMEOUT_SECONDS}, not "${text}"`);
  }
  return Number(text);
}

/** `os[/arch[/variant]]`, case-insensitive, defaults linux/amd64 (az's enums). */
export function parsePlatform(text: string | undefined): string {
  if (text === undefined) return 'linux/amd64';
  const [os = '', arch = 'amd64', variant, ...rest] = text.toLowerCase().split('/');
  const bad = (what: string, allowed: readonly string[]): Error => usageError(`--platform "${text}": ${what} must be one of ${allowed.join(', ')}`);
  if (!(OS as readonly string[]).includes(os)) throw bad('the OS', OS);
  if (!(ARCH as readonly string[]).includes(arch)) throw bad('the architecture', ARCH);
  if (variant !== undefined && !(VARIANT as readonly string[]).includes(variant)) throw bad('the variant', VARIANT);
  if (rest.length > 0) throw usageError(`--platform "${text}" has more than os/arch/variant`);
  return [os, arch, ...(variant === undefined ? [] : [variant])].join('/');
}

function parseSpec(contextArg: string): ContextSpec {
  try {
    return parseContextSpec(contextArg);
  } catch (err) {
    throw isAppError(err) ? usageError(err.message) : err;
  }
}

/**
 * ACR resolves -f against the current folder, not the context. A Dockerfile outside the folder
 * is packed as well, under `<uuid32hex>_<basename>` (ACR's name for it).
 */
function localSource(dir: string, file: string | undefined, where: ParseEnv, newId: () => string): BuildSource {
  if (file === '-') throw usageError('-f - (Dockerfile from stdin) needs /dev/null as the context');
  if (file === undefined) return { kind: 'local', dir, dockerfile: 'Dockerfile' };
  const full = resolve(where.cwd, file);
  const inContext = relative(dir, full);
  if (inContext === '' || inContext === '..' || inContext.startsWith(`..${sep}`) || isAbsolute(inContext)) {
    return { kind: 'local', dir, dockerfile: `${newId()}_${basename(full)}`, externalDockerfile: full };
  }
  return { kind: 'local', dir, dockerfile: inContext.split(sep).join('/') };
}

function remoteDockerfile(file: string | undefined): string {
  if (file === '-') throw usageError('-f - (Dockerfile from stdin) needs /dev/null as the context');
  if (file === undefined) return 'Dockerfile';
  const normal = posix.normalize(file.split(sep).join('/'));
  if (posix.isAbsolute(normal) || normal === '..' || normal.startsWith('../')) throw usageError(`with a git or tarball context, -f is a path inside it, not "${file}"`);
  return normal;
}

/** The context argument: a folder, a git or tarball URL, or `/dev/null` with `-f`. */
export function parseSource(contextArg: string | undefined, file: string | undefined, where: ParseEnv, newId: () => string = () => randomUUID().replaceAll('-', '')): BuildSource {
  if (contextArg === undefined) throw usageError('the CONTEXT argument is required: a folder such as ".", a git or tarball URL, or /dev/null with -f');
  const spec = parseSpec(contextArg);
  if (spec.kind === 'git' && spec.url.toLowerCase().startsWith('file://')) {
    return { kind: 'git-local', url: spec.url, ref: spec.ref, subfolder: spec.subfolder, dockerfile: remoteDockerfile(file) };
  }
  if (spec.kind === 'git' || spec.kind === 'tarball') return { kind: 'remote', location: contextArg, dockerfile: remoteDockerfile(file) };
  if (spec.kind === 'local') return localSource(resolve(where.cwd, spec.path), file, where, newId);
  if (file === undefined) throw usageError('with /dev/null as the context, pass the Dockerfile with -f FILE or -f - (stdin)');
  return { kind: 'none', dockerfilePath: file === '-' ? '-' : resolve(where.cwd, file) };
}

export function parseBuild(input: CommandInput, where: ParseEnv): BuildOptions {
  if (input.positionals.length > 1) throw usageError(`unexpected argument "${input.positionals[1]}"`);
  const target = flagString(input, 'target');
  const images = list(input, 'image');
  return {
    source: parseSource(input.positionals[0], flagString(input, 'file'), where),
    images,
    buildArgs: parseNameValues(list(input, 'build-arg'), 'build-arg', where.env),
    secretBuildArgs: parseNameValues(list(input, 'secret-build-arg'), 'secret-build-arg', where.env),
    ...(target === undefined ? {} : { target }),
    isPushDisabled: flagBool(input, 'no-push') || images.length === 0,
    isCacheDisabled: flagBool(input, 'no-cache'),
    isLogsDisabled: flagBool(input, 'no-logs'),
    isWaitDisabled: flagBool(input, 'no-wait'),
    platform: parsePlatform(flagString(input, 'platform')),
    timeoutSeconds: parseTimeout(flagString(input, 'timeout')),
    format: parseFormat(input),
  };
}
