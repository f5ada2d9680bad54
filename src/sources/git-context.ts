import { execFile } from 'node:child_process';
import { mkdtemp, realpath, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative, sep } from 'node:path';
import type { Readable } from 'node:stream';
import { AppError, Errors, isAppError } from '../core/errors/index.js';
import { redactUrl } from './context-spec.js';
import { packLocalContext } from './local-context.js';

export interface GitContextOptions {
  readonly signal?: AbortSignal;
  /** Passed to packLocalContext, relative to the subfolder. @defaultValue 'Dockerfile' */
  readonly dockerfile?: string | null;
  readonly onProgress?: (bytes: number) => void;
  /** Where the temporary clone goes. @defaultValue os.tmpdir() */
  readonly tempDir?: string;
  /** Let git follow an HTTP redirect on its first request (git's default). @defaultValue true */
  readonly followRedirects?: boolean;
  /** Called with the full id of the commit checked out, before packing starts. */
  readonly onCommit?: (commit: string) => void;
}

/** Transports git may use; `ext::` and friends, which run commands, stay off. */
const ALLOWED_PROTOCOLS = 'file:git:http:https:ssh';

/**
 * Fetches one commit of a git repository into a temporary folder with the git CLI and packs
 * `subfolder` (or the root) like a local context. Branches, tags and `HEAD` are fetched with
 * `--depth 1`; a commit id is fetched by id (shallow when the server allows it, else the full
 * history). The temporary folder is removed when the returned stream closes, or at once on error.
 * Git failures become SOURCE_GIT_FAILED with git's message, credentials redacted.
 */
export async function fetchGitContext(url: string, ref: string | null, subfolder: string | null, options: GitContextOptions = {}): Promise<Readable> {
  const work = await mkdtemp(join(options.tempDir ?? tmpdir(), 'slipway-git-'));
  const cleanup = (): Promise<void> => rm(work, { recursive: true, force: true });
  try {
    const git = (args: string[]): Promise<string> => runGit(work, args, options.signal, options.followRedirects ?? true);
    await checkout(git, url, ref);
    options.onCommit?.((await git(['rev-parse', 'HEAD'])).trim());
    const contextDir = await resolveSubfolder(work, subfolder);
    const stream = await packLocalContext(contextDir, withoutUndefined(options));
    stream.once('close', () => void cleanup());
    return stream;
  } catch (err) {
    await cleanup();
    throw err;
  }
}

async function checkout(git: (args: string[]) => Promise<string>, url: string, ref: string | null): Promise<void> {
  await git(['init', '--quiet']);
  await git(['remote', 'add', 'origin', url]);
  const target = ref ?? 'HEAD';
  try {
    await git(['fetch', '--quiet', '--depth', '1', '--no-tags', 'origin', target]);
  } catch (err) {
    // A server may refuse a shallow fetch of a commit id (uploadpack.allowReachableSHA1InWant):
    // fetch everything and find the commit locally.
    if (!isCommitId(target)) throw withRef(err, url, ref);
    await git(['fetch', '--quiet', '--tags', 'origin', '+refs/heads/*:refs/remotes/origin/*']).catch((e: unknown) => {
      throw withRef(e, url, ref);
    });
    await git(['checkout', '--quiet', '--detach', target]).catch((e: unknown) => {
      throw withRef(e, url, ref);
    });
    return;
  }
  await git(['checkout', '--quiet', '--detach', 'FETCH_HEAD']);
}

async function resolveSubfolder(work: string, subfolder: string | null): Promise<string> {
  if (subfolder === null) return work;
  const notFound = (): AppError =>
    new AppError(Errors.SOURCE_NOT_FOUND, { message: `subfolder "${subfolder}" is not a folder in the repository`, detail: { subfolder } });
  const full = await realpath(join(work, subfolder)).catch(() => null);
  if (full === null) throw notFound();
  // A symlinked subfolder must not lead out of the checkout.
  const rel = relative(await realpath(work), full);
  if (rel.startsWith(`..${sep}`) || rel === '..') {
    throw new AppError(Errors.SOURCE_INVALID, { message: `subfolder "${subfolder}" leads outside the repository`, detail: { subfolder } });
  }
  if (!(await stat(full)).isDirectory()) throw notFound();
  return full;
}

function runGit(cwd: string, args: string[], signal: AbortSignal | undefined, followRedirects: boolean): Promise<string> {
  const env = {
    ...process.env,
    GIT_TERMINAL_PROMPT: '0',
    GIT_ASKPASS: '',
    SSH_ASKPASS: '',
    GIT_SSH_COMMAND: 'ssh -o BatchMode=yes',
    GIT_ALLOW_PROTOCOL: ALLOWED_PROTOCOLS,
    GIT_CONFIG_NOSYSTEM: '1',
    LC_ALL: 'C',
  };
  return new Promise((resolve, reject) => {
    execFile('git', ['-c', 'advice.detachedHead=false', '-c', `http.followRedirects=${followRedirects ? 'initial' : 'false'}`, ...args], { cwd, env, signal, maxBuffer: 4 * 1024 * 1024 }, (err, stdout, stderr) => {
      if (err === null) return resolve(stdout);
      if (signal?.aborted) return reject(signal.reason as Error);
      const message = redactUrl(stderr.trim() || err.message).split('\n').slice(-5).join('\n');
      reject(new AppError(Errors.SOURCE_GIT_FAILED, { message: `git ${args[0]} failed: ${message}`, detail: { command: args[0] } }));
    });
  });
}

/** Adds the URL (redacted) and ref to a git failure. */
function withRef(err: unknown, url: string, ref: string | null): unknown {
  if (!isAppError(err) || err.code !== Errors.SOURCE_GIT_FAILED.code) return err;
  return new AppError(Errors.SOURCE_GIT_FAILED, {
    message: `cannot fetch ${ref === null ? 'the default branch' : `"${ref}"`} from ${redactUrl(url)}: ${err.message}`,
    detail: { url: redactUrl(url), ref },
    cause: err,
  });
}

function isCommitId(ref: string): boolean {
  return /^[0-9a-f]{7,64}$/i.test(ref);
}

function withoutUndefined(options: GitContextOptions): { dockerfile?: string | null; signal?: AbortSignal; onProgress?: (bytes: number) => void } {
  return {
    ...(options.dockerfile === undefined ? {} : { dockerfile: options.dockerfile }),
    ...(options.signal === undefined ? {} : { signal: options.signal }),
    ...(options.onProgress === undefined ? {} : { onProgress: options.onProgress }),
  };
}
