import type { CommandInput, CommandSpec } from '../../command.js';
import { flagBool, flagString } from '../../command.js';
import { ExitCode, usageError } from '../../run-cli.js';
import { AppError, Errors, isAppError } from '../../../core/errors/index.js';
import { NO_STDIN, type Io, type Stdin } from '../../output/io.js';
import { ApiClient, type Credentials, type FetchFn } from '../../client/api-client.js';
import { withSignal } from '../../client/client-context.js';
import { readCredentials, withLogin, writeCredentials } from '../../client/credentials-file.js';
import { DEFAULT_SERVER, normaliseServerUrl } from '../../client/server-url.js';

export interface LoginOptions {
  readonly server: string;
  readonly username?: string;
  /** `-p` or SLIPWAY_PASSWORD. */
  readonly password?: string;
  readonly isPasswordFromFlag: boolean;
  readonly isPasswordStdin: boolean;
}

export function parseLogin(input: CommandInput, env: NodeJS.ProcessEnv): LoginOptions {
  const flagPassword = flagString(input, 'password');
  const isPasswordStdin = flagBool(input, 'password-stdin');
  if (isPasswordStdin && flagPassword !== undefined) throw usageError('--password and --password-stdin are mutually exclusive');
  const username = flagString(input, 'username') ?? (env.SLIPWAY_USERNAME || undefined);
  const password = isPasswordStdin ? undefined : (flagPassword ?? (env.SLIPWAY_PASSWORD || undefined));
  return {
    server: normaliseServerUrl(input.positionals[0] ?? (env.SLIPWAY_REGISTRY || DEFAULT_SERVER)),
    ...(username === undefined ? {} : { username }),
    ...(password === undefined ? {} : { password }),
    isPasswordFromFlag: flagPassword !== undefined,
    isPasswordStdin,
  };
}

/** User name and password from the options, stdin, or (only on a TTY) prompts; the password is never echoed. */
export async function gatherCredentials(options: LoginOptions, stdin: Stdin): Promise<Credentials> {
  let username = options.username;
  if (username === undefined) {
    if (!stdin.isTty) throw usageError('no user name: pass -u or set SLIPWAY_USERNAME');
    username = (await stdin.prompt('Username: ')).trim();
  }
  let password = options.password;
  if (options.isPasswordStdin) password = (await stdin.readAll()).replace(/\r?\n$/, '');
  else if (password === undefined) {
    if (!stdin.isTty) throw usageError('no password: pass --password-stdin, -p or SLIPWAY_PASSWORD (stdin is not a terminal, so it cannot prompt)');
    password = await stdin.prompt('Password: ', { secret: true });
  }
  if (username === '' || password === '') throw usageError('user name and password must not be empty');
  return { username, password };
}

export interface LoginDeps {
  readonly fetch?: FetchFn;
}

export async function runLogin(options: LoginOptions, io: Io, deps: LoginDeps = {}): Promise<number> {
  if (options.isPasswordFromFlag) io.err('WARNING! Using -p/--password on the command line is insecure (shell history, process list). Use --password-stdin.');
  const credentials = await gatherCredentials(options, io.stdin ?? NO_STDIN);
  const client = new ApiClient({ baseUrl: options.server, credentials, ...(deps.fetch ? { fetch: deps.fetch } : {}) });
  try {
    await withSignal(io, (signal) => client.whoami(signal));
  } catch (err) {
    if (isAppError(err) && err.httpStatus === 401) {
      throw new AppError(Errors.AUTH_REQUIRED, { message: `login failed: ${options.server} rejected the user name or password`, cause: err });
    }
    throw err;
  }
  const path = await writeCredentials(io.env, withLogin(await readCredentials(io.env), options.server, credentials));
  io.err(`Login Succeeded: ${credentials.username} at ${options.server} (saved in ${path})`);
  return ExitCode.ok;
}

export const loginCommand: CommandSpec = {
  path: ['login'],
  summary: 'Check credentials against a Slipway server and save them for later commands',
  usage: 'slipway login [SERVER] [-u USER] [-p PASSWORD | --password-stdin]',
  maxPositionals: 1,
  flags: {
    username: { type: 'string', short: 'u', description: 'User name (env SLIPWAY_USERNAME; prompted on a terminal)' },
    password: { type: 'string', short: 'p', description: 'Password (env SLIPWAY_PASSWORD; prompted without echo on a terminal). Prefer --password-stdin' },
    'password-stdin': { type: 'boolean', description: 'Read the password from stdin (one trailing newline is dropped)' },
  },
  examples: [
    'slipway login',
    'slipway login 127.0.0.1:5000 -u admin',
    'printf %s "$SLIPWAY_ADMIN_PASSWORD" | slipway login http://127.0.0.1:5000 -u admin --password-stdin',
  ],
  async run(input, io) {
    return runLogin(parseLogin(input, io.env), io);
  },
};
