import { posix } from 'node:path';
import { AppError, Errors } from '../core/errors/index.js';

/** What a CONTEXT argument names (`slipway build CONTEXT`, `task create --context`). */
export type ContextSpec =
  | { readonly kind: 'local'; readonly path: string }
  | {
      readonly kind: 'git';
      /** The repository URL without the fragment. */
      readonly url: string;
      /** Branch, tag or commit; null for the remote's default branch (HEAD). */
      readonly ref: string | null;
      /** Folder inside the repository used as the context root; null for the root. */
      readonly subfolder: string | null;
    }
  | { readonly kind: 'tarball'; readonly url: string }
  | { readonly kind: 'none' };

/**
 * Parses a CONTEXT argument the way ACR does (docs/sources.md):
 * - `/dev/null` (any case): no context, the Dockerfile comes from `-f` or stdin;
 * - `git@host:path`, `git://…`, `ssh://…`, `file://…`, and `http(s)://…` whose path ends in `.git`
 *   or contains `/_git/`: a git repository, with an optional `#ref:subfolder` fragment (Docker's
 *   grammar: `#ref`, `#ref:folder`, `#:folder`);
 * - any other `http(s)://…`: a remote tarball;
 * - anything else without a scheme: a local folder.
 * Throws SOURCE_INVALID for an empty argument, an unknown scheme, a malformed URL, or a fragment
 * whose ref could be read as a git option or whose subfolder leaves the repository.
 */
export function parseContextSpec(arg: string): ContextSpec {
  if (arg.trim() === '') throw invalid('the context argument is empty', arg);
  if (arg.toLowerCase() === '/dev/null') return { kind: 'none' };
  if (/^git@[^:/\s]+:\S+$/.test(arg)) return gitSpec(arg);
  const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(arg)?.[1]?.toLowerCase();
  if (scheme === undefined) return { kind: 'local', path: arg };
  if (/\s/.test(arg)) throw invalid('a context URL must not contain whitespace', arg);
  switch (scheme) {
    case 'git':
    case 'ssh':
    case 'file':
      return gitSpec(arg);
    case 'http':
    case 'https':
      return isGitHttpUrl(arg) ? gitSpec(arg) : tarballSpec(arg);
    default:
      throw invalid(`unsupported context scheme "${scheme}://" (use a folder, a git URL or an http(s) tarball URL)`, arg);
  }
}

/** `https://host/x/repo.git`, `…/repo.git/`, or an Azure DevOps style `…/_git/repo`. */
function isGitHttpUrl(arg: string): boolean {
  const base = arg.split('#', 1)[0] ?? '';
  const path = parseUrl(base, arg).pathname;
  return /\.git\/?$/.test(path) || path.includes('/_git/');
}

function gitSpec(arg: string): ContextSpec {
  const hash = arg.indexOf('#');
  const url = hash === -1 ? arg : arg.slice(0, hash);
  const fragment = hash === -1 ? '' : arg.slice(hash + 1);
  if (fragment.includes('#')) throw invalid('a git context has at most one "#ref:subfolder" fragment', arg);
  if (!url.startsWith('git@')) parseUrl(url, arg);
  if (url.startsWith('-')) throw invalid('a git URL must not start with "-"', arg);
  const colon = fragment.indexOf(':');
  const ref = colon === -1 ? fragment : fragment.slice(0, colon);
  const folder = colon === -1 ? '' : fragment.slice(colon + 1);
  return { kind: 'git', url, ref: checkRef(ref, arg), subfolder: checkSubfolder(folder, arg) };
}

/** A ref is passed to `git fetch`: no leading `-`, no whitespace, nothing git's check-ref-format bans. */
function checkRef(ref: string, arg: string): string | null {
  if (ref === '') return null;
  if (ref.startsWith('-') || /[\s~^:?*[\\]|\.\.|@\{/.test(ref) || ref.endsWith('.lock') || ref.endsWith('/') || ref.endsWith('.')) {
    throw invalid(`"${ref}" is not a valid git ref`, arg);
  }
  return ref;
}

function checkSubfolder(folder: string, arg: string): string | null {
  if (folder === '') return null;
  const normal = posix.normalize(folder).replace(/\/+$/, '');
  if (folder.startsWith('/') || normal === '..' || normal.startsWith('../')) {
    throw invalid(`git subfolder "${folder}" must be a relative path inside the repository`, arg);
  }
  return normal === '.' ? null : normal;
}

function tarballSpec(arg: string): ContextSpec {
  parseUrl(arg, arg);
  return { kind: 'tarball', url: arg };
}

function parseUrl(url: string, arg: string): URL {
  try {
    return new URL(url);
  } catch {
    throw invalid('the context URL is malformed', arg);
  }
}

function invalid(message: string, arg: string): AppError {
  return new AppError(Errors.SOURCE_INVALID, { message, detail: { context: redactUrl(arg) } });
}

/** Replaces the password (or a lone token) in a URL's userinfo with `***`, anywhere in `text`. */
export function redactUrl(text: string): string {
  return text.replace(/(\b[a-z][a-z0-9+.-]*:\/\/)([^/@\s:]*)(:[^/@\s]*)?@/gi, (_m, scheme: string, user: string, pass: string | undefined) =>
    pass === undefined ? `${scheme}***@` : `${scheme}${user}:***@`,
  );
}
