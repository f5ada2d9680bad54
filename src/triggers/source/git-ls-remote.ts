import { execFile } from 'node:child_process';
import { AppError, Errors } from '../../core/errors/index.js';
import { redactUrl } from '../../sources/index.js';

/** The commit a branch points at on a remote, or null when the remote has no such branch. */
export type LsRemote = (url: string, branch: string, signal: AbortSignal) => Promise<string | null>;

/** Transports git may use; `ext::` and friends, which run commands, stay off (as in sources/git-context.ts). */
const ALLOWED_PROTOCOLS = 'file:git:http:https:ssh';

/**
 * `git ls-remote <url> refs/heads/<branch>` with the environment source fetches use: no prompts
 * for credentials, no system config, only network transports. git matches patterns against the
 * tail of ref names, so only the exact ref is taken from its answer. Failures become
 * SOURCE_GIT_FAILED with git's last lines, credentials redacted.
 */
export const gitLsRemote: LsRemote = (url, branch, signal) => {
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
  const ref = `refs/heads/${branch}`;
  return new Promise((resolve, reject) => {
    execFile('git', ['-c', 'http.followRedirects=initial', 'ls-remote', url, ref], { env, signal, maxBuffer: 1024 * 1024 }, (err, stdout, stderr) => {
      if (err === null) return resolve(pick(stdout, ref));
      if (signal.aborted) return reject(signal.reason as Error);
      const message = redactUrl(stderr.trim() || err.message).split('\n').slice(-3).join('\n');
      reject(new AppError(Errors.SOURCE_GIT_FAILED, { message: `git ls-remote failed: ${message}`, detail: { url: redactUrl(url), ref } }));
    });
  });
};

function pick(stdout: string, ref: string): string | null {
  for (const line of stdout.split('\n')) {
    const [sha, name] = line.trim().split(/\s+/);
    if (name === ref && sha !== undefined && /^[0-9a-f]{40,64}$/.test(sha)) return sha;
  }
  return null;
}
