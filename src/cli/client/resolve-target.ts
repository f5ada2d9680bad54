import { AppError, Errors } from '../../core/errors/index.js';
import type { Credentials } from './api-client.js';
import type { CredentialsFile } from './credentials-file.js';
import { DEFAULT_SERVER, normaliseServerUrl } from './server-url.js';

/** Where a value came from, for `--debug`-style messages and tests. */
export type Source = 'flag' | 'env' | 'file' | 'default' | 'none';

export interface TargetInput {
  readonly flags: { readonly registry?: string; readonly username?: string; readonly password?: string };
  readonly env: NodeJS.ProcessEnv;
  readonly file: CredentialsFile;
}

/** The server and credentials a client command uses. */
export interface Target {
  readonly server: string;
  readonly serverSource: Source;
  readonly username?: string;
  readonly password?: string;
  readonly credentialsSource: Source;
}

function firstOf(...candidates: Array<[string | undefined, Source]>): [string, Source] | undefined {
  return candidates.find((c): c is [string, Source] => c[0] !== undefined && c[0] !== '');
}

/**
 * Flags first, then SLIPWAY_REGISTRY / SLIPWAY_USERNAME / SLIPWAY_PASSWORD, then the credentials
 * file (its login for the chosen server; the server of the last login), then the default server.
 * A stored password is only used with its own username, never paired with another user's name.
 */
export function resolveTarget({ flags, env, file }: TargetInput): Target {
  const [rawServer, serverSource] = firstOf([flags.registry, 'flag'], [env.SLIPWAY_REGISTRY, 'env'], [file.currentServer, 'file']) ?? [DEFAULT_SERVER, 'default'];
  const server = normaliseServerUrl(rawServer);
  const stored = file.servers[server];
  const user = firstOf([flags.username, 'flag'], [env.SLIPWAY_USERNAME, 'env'], [stored?.username, 'file']);
  const storedPassword = stored !== undefined && stored.username === user?.[0] ? stored.password : undefined;
  const pass = firstOf([flags.password, 'flag'], [env.SLIPWAY_PASSWORD, 'env'], [storedPassword, 'file']);
  const credentialsSource: Source = user === undefined && pass === undefined ? 'none' : ((pass ?? user)?.[1] ?? 'none');
  return {
    server,
    serverSource,
    ...(user === undefined ? {} : { username: user[0] }),
    ...(pass === undefined ? {} : { password: pass[0] }),
    credentialsSource,
  };
}

/** Credentials to send, or none (anonymous); a password without a user name is a usage error. */
export function targetCredentials(target: Target): Credentials | undefined {
  if (target.password !== undefined && target.username === undefined) {
    throw new AppError(Errors.USAGE_INVALID, { message: 'a password was given without a user name: pass -u or set SLIPWAY_USERNAME' });
  }
  return target.username !== undefined && target.password !== undefined ? { username: target.username, password: target.password } : undefined;
}
