import type { CommandInput, CommandSpec } from '../../command.js';
import { ExitCode } from '../../run-cli.js';
import type { Io } from '../../output/io.js';
import { readCredentials, withoutLogin, writeCredentials, type CredentialsFile } from '../../client/credentials-file.js';
import { DEFAULT_SERVER, normaliseServerUrl } from '../../client/server-url.js';

/** SERVER, else SLIPWAY_REGISTRY, else the server of the last login, else the default. */
export function logoutServer(input: CommandInput, env: NodeJS.ProcessEnv, file: CredentialsFile): string {
  return normaliseServerUrl(input.positionals[0] ?? (env.SLIPWAY_REGISTRY || file.currentServer || DEFAULT_SERVER));
}

export async function runLogout(input: CommandInput, io: Io): Promise<number> {
  const file = await readCredentials(io.env);
  const server = logoutServer(input, io.env, file);
  if (file.servers[server] === undefined) {
    io.err(`Not logged in to ${server}`);
    return ExitCode.ok;
  }
  await writeCredentials(io.env, withoutLogin(file, server));
  io.err(`Removed login credentials for ${server}`);
  return ExitCode.ok;
}

export const logoutCommand: CommandSpec = {
  path: ['logout'],
  summary: 'Forget the saved credentials for a server',
  usage: 'slipway logout [SERVER]',
  maxPositionals: 1,
  flags: {},
  examples: ['slipway logout', 'slipway logout 127.0.0.1:5000'],
  run: runLogout,
};
