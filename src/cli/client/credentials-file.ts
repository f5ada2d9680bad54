import { chmod, mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { AppError } from '../../core/errors/index.js';
import { ClientErrors } from './client-errors.js';

/** One stored login. The password is kept as typed: the file is 0600 in a 0700 directory. */
export interface StoredLogin {
  readonly username: string;
  readonly password: string;
}

/** `credentials.json`: logins by normalised server URL, and the server of the last login. */
export interface CredentialsFile {
  readonly version: 1;
  readonly currentServer?: string;
  readonly servers: Readonly<Record<string, StoredLogin>>;
}

export const EMPTY_CREDENTIALS: CredentialsFile = { version: 1, servers: {} };

/** `$SLIPWAY_CONFIG_HOME`, else `$XDG_CONFIG_HOME/slipway`, else `~/.config/slipway`. */
export function configDir(env: NodeJS.ProcessEnv): string {
  if (env.SLIPWAY_CONFIG_HOME) return env.SLIPWAY_CONFIG_HOME;
  if (env.XDG_CONFIG_HOME) return join(env.XDG_CONFIG_HOME, 'slipway');
  return join(env.HOME || homedir(), '.config', 'slipway');
}

export function credentialsPath(env: NodeJS.ProcessEnv): string {
  return join(configDir(env), 'credentials.json');
}

function isLogin(value: unknown): value is StoredLogin {
  const v = value as Partial<StoredLogin> | null;
  return typeof v === 'object' && v !== null && typeof v.username === 'string' && typeof v.password === 'string';
}

/** Checks the shape; a file from a future version or a hand edit gone wrong is an error, not ignored. */
export function parseCredentials(text: string, path: string): CredentialsFile {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw new AppError(ClientErrors.CREDENTIALS_FILE_INVALID, { message: `${path} is not valid JSON`, cause: err });
  }
  const file = raw as Partial<CredentialsFile> | null;
  const servers = file?.servers;
  const isValid =
    file?.version === 1 &&
    typeof servers === 'object' && servers !== null &&
    Object.values(servers).every(isLogin) &&
    (file.currentServer === undefined || typeof file.currentServer === 'string');
  if (!isValid) throw new AppError(ClientErrors.CREDENTIALS_FILE_INVALID, { message: `${path} does not hold version 1 Slipway credentials`, detail: { path } });
  return file as CredentialsFile;
}

/** The stored logins, or an empty file when there is none yet. */
export async function readCredentials(env: NodeJS.ProcessEnv): Promise<CredentialsFile> {
  const path = credentialsPath(env);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return EMPTY_CREDENTIALS;
    throw new AppError(ClientErrors.CREDENTIALS_FILE_INVALID, { message: `cannot read ${path}: ${(err as Error).message}`, cause: err });
  }
  return parseCredentials(text, path);
}

/** Writes atomically (temp file, then rename) with mode 0600 in a 0700 directory; an empty file is removed. */
export async function writeCredentials(env: NodeJS.ProcessEnv, file: CredentialsFile): Promise<string> {
  const dir = configDir(env);
  const path = credentialsPath(env);
  if (Object.keys(file.servers).length === 0) {
    await rm(path, { force: true });
    return path;
  }
  await mkdir(dir, { recursive: true, mode: 0o700 });
  await chmod(dir, 0o700);
  const temp = `${path}.${process.pid}.tmp`;
  await writeFile(temp, `${JSON.stringify(file, null, 2)}\n`, { mode: 0o600 });
  await chmod(temp, 0o600);
  await rename(temp, path);
  return path;
}

export function withLogin(file: CredentialsFile, server: string, login: StoredLogin): CredentialsFile {
  return { version: 1, currentServer: server, servers: { ...file.servers, [server]: login } };
}

/** Drops a server's login; the current server moves to another stored one, if any. */
export function withoutLogin(file: CredentialsFile, server: string): CredentialsFile {
  const servers = Object.fromEntries(Object.entries(file.servers).filter(([url]) => url !== server));
  const current = file.currentServer === server ? Object.keys(servers)[0] : file.currentServer;
  return { version: 1, ...(current === undefined ? {} : { currentServer: current }), servers };
}
