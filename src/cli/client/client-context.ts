import type { CommandInput, FlagSpec } from '../command.js';
import { flagString } from '../command.js';
import { AppError, Errors } from '../../core/errors/index.js';
import { NO_STDIN, type Io, type Stdin } from '../output/io.js';
import { ApiClient, type FetchFn } from './api-client.js';
import { readCredentials } from './credentials-file.js';
import { resolveTarget, targetCredentials, type Target } from './resolve-target.js';

/** The flags every command that talks to a server takes. */
export const CLIENT_FLAGS = {
  registry: { type: 'string', description: 'Server URL or host:port (env SLIPWAY_REGISTRY; default: the last `slipway login`, else http://127.0.0.1:5000)' },
  username: { type: 'string', short: 'u', description: 'User name (env SLIPWAY_USERNAME; default: from `slipway login`)' },
  password: { type: 'string', short: 'p', description: 'Password (env SLIPWAY_PASSWORD; default: from `slipway login`)' },
} as const satisfies Record<string, FlagSpec>;

/** What a client command's run function gets: IO, a ready API client, stdin and the cancel signal. */
export interface ClientContext {
  readonly io: Io;
  readonly client: ApiClient;
  readonly stdin: Stdin;
  readonly signal: AbortSignal;
}

export interface ConnectOptions {
  /** Tests inject a stub; the CLI uses global fetch. */
  readonly fetch?: FetchFn;
}

/** Resolves the target from flags, env and the credentials file; asks for a missing password on a TTY. */
export async function resolveClientTarget(input: CommandInput, io: Io): Promise<Target> {
  const flags = { registry: flagString(input, 'registry'), username: flagString(input, 'username'), password: flagString(input, 'password') };
  const target = resolveTarget({ flags: stripUndefined(flags), env: io.env, file: await readCredentials(io.env) });
  if (target.username === undefined || target.password !== undefined) return target;
  const stdin = io.stdin ?? NO_STDIN;
  if (!stdin.isTty) throw new AppError(Errors.USAGE_INVALID, { message: `no password for user "${target.username}": pass -p, set SLIPWAY_PASSWORD or run 'slipway login'` });
  return { ...target, password: await stdin.prompt(`Password for ${target.username}: `, { secret: true }) };
}

function stripUndefined<T extends Record<string, string | undefined>>(record: T): { [K in keyof T]?: string } {
  return Object.fromEntries(Object.entries(record).filter(([, v]) => v !== undefined)) as { [K in keyof T]?: string };
}

/** Runs `fn` with the injected signal, or with one that Ctrl-C aborts while `fn` runs (exit 130). */
export async function withSignal<T>(io: Io, fn: (signal: AbortSignal) => Promise<T>): Promise<T> {
  if (io.signal) return fn(io.signal);
  const controller = new AbortController();
  const onInterrupt = (): void => controller.abort();
  process.once('SIGINT', onInterrupt);
  try {
    return await fn(controller.signal);
  } finally {
    process.off('SIGINT', onInterrupt);
  }
}

/** Runs `fn` with a client for the server and credentials resolved from flags, env and the credentials file. */
export async function withClient<T>(input: CommandInput, io: Io, fn: (ctx: ClientContext) => Promise<T>, options: ConnectOptions = {}): Promise<T> {
  const target = await resolveClientTarget(input, io);
  const credentials = targetCredentials(target);
  const client = new ApiClient({ baseUrl: target.server, ...(credentials ? { credentials } : {}), ...(options.fetch ? { fetch: options.fetch } : {}) });
  return withSignal(io, (signal) => fn({ io, client, stdin: io.stdin ?? NO_STDIN, signal }));
}
