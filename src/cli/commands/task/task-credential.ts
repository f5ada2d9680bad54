import type { ApiCredentialRequest, ApiTaskCredentials } from '../../../api/contract/tasks.js';
import type { CommandInput, CommandSpec } from '../../command.js';
import { flagString } from '../../command.js';
import { withClient, type ClientContext } from '../../client/client-context.js';
import { formatOutput, type FormatOptions } from '../../output/format.js';
import { ExitCode, usageError } from '../../run-cli.js';
import { COMMON_FLAGS, parseFormat } from '../repository/repository-options.js';
import { requiredName } from './task-options.js';

/**
 * `task credential add|update|remove|list` (az acr task credential …): credentials for other
 * registries a task pulls from or pushes to. az's `-u/-p` are Slipway's own login flags, so the
 * registry's user and password are `--cred-username` / `--cred-password` (`-` reads stdin).
 */

export type CredentialAction =
  | { readonly kind: 'add' | 'update'; readonly loginServer: string; readonly fields: Omit<ApiCredentialRequest, 'loginServer'>; readonly isPasswordFromStdin: boolean }
  | { readonly kind: 'remove'; readonly loginServer: string }
  | { readonly kind: 'list' };

export interface CredentialOptions {
  readonly name: string;
  readonly action: CredentialAction;
  readonly format: FormatOptions;
}

function server(input: CommandInput): string {
  const value = flagString(input, 'login-server');
  if (value === undefined || value === '') throw usageError('--login-server is required: the other registry, host[:port]');
  return value;
}

export function parseCredential(input: CommandInput, kind: CredentialAction['kind']): CredentialOptions {
  const base = { name: requiredName(input), format: parseFormat(input) };
  if (kind === 'list') return { ...base, action: { kind } };
  if (kind === 'remove') return { ...base, action: { kind, loginServer: server(input) } };
  const username = flagString(input, 'cred-username');
  const password = flagString(input, 'cred-password');
  const identity = flagString(input, 'use-identity');
  if (kind === 'add' && username === undefined && identity === undefined) throw usageError('pass --cred-username with --cred-password, --use-identity, or both');
  if (kind === 'update' && username === undefined && password === undefined && identity === undefined) throw usageError('nothing to update: pass --cred-username, --cred-password or --use-identity');
  const fields = {
    ...(username === undefined ? {} : { username }),
    ...(password === undefined || password === '-' ? {} : { password }),
    ...(identity === undefined ? {} : { identity: identity === '[system]' ? 'system' : identity }),
  };
  return { ...base, action: { kind, loginServer: server(input), fields, isPasswordFromStdin: password === '-' } };
}

/** One row per registry in a table; the API's map otherwise (az's shape). */
export function formatCredentials(credentials: ApiTaskCredentials, format: FormatOptions): string {
  if (format.output !== 'table' || format.query !== undefined) return formatOutput(credentials, format);
  const rows = Object.entries(credentials.customRegistries).map(([loginServer, c]) => ({ loginServer, userName: c.userName ?? '', identity: c.identity ?? '' }));
  return formatOutput(rows, format);
}

export async function runCredential(options: CredentialOptions, ctx: ClientContext): Promise<number> {
  const { name, action } = options;
  let result: ApiTaskCredentials;
  if (action.kind === 'list') result = await ctx.client.listCredentials(name, ctx.signal);
  else if (action.kind === 'remove') result = await ctx.client.removeCredential(name, action.loginServer, ctx.signal);
  else {
    const password = action.isPasswordFromStdin ? { password: (await ctx.stdin.readAll()).replace(/\r?\n$/, '') } : {};
    const fields = { ...action.fields, ...password };
    result = action.kind === 'add' ? await ctx.client.addCredential(name, { loginServer: action.loginServer, ...fields }, ctx.signal) : await ctx.client.updateCredential(name, action.loginServer, fields, ctx.signal);
  }
  ctx.io.out(formatCredentials(result, options.format));
  return ExitCode.ok;
}

const NAME_FLAG = { name: { type: 'string', short: 'n', description: 'The task name (required)' } } as const;
const SERVER = { 'login-server': { type: 'string', description: 'The other registry, host[:port] (required)' } } as const;
const SECRET_FLAGS = {
  'cred-username': { type: 'string', description: "The user name at that registry (az's -u)" },
  'cred-password': { type: 'string', description: 'Its password or token ("-" reads it from stdin); stored apart, never shown' },
  'use-identity': { type: 'string', description: 'An identity instead of, or with, a user: system or a client id' },
} as const;

function command(kind: CredentialAction['kind'], spec: Omit<CommandSpec, 'path' | 'run'>): CommandSpec {
  return {
    ...spec,
    path: ['task', 'credential', kind],
    async run(input, io) {
      const options = parseCredential(input, kind);
      return withClient(input, io, (ctx) => runCredential(options, ctx));
    },
  };
}

export const taskCredentialAddCommand = command('add', {
  summary: 'Add credentials for another registry a task pulls from or pushes to',
  usage: 'slipway task credential add -n NAME --login-server HOST [--cred-username U --cred-password P|-] [--use-identity ID]',
  flags: { ...NAME_FLAG, ...SERVER, ...SECRET_FLAGS, ...COMMON_FLAGS },
  examples: ['printf %s "$TOKEN" | slipway task credential add -n web-build --login-server registry.example.invalid --cred-username bot --cred-password -'],
});

export const taskCredentialUpdateCommand = command('update', {
  summary: "Change a task's credentials for a registry",
  usage: 'slipway task credential update -n NAME --login-server HOST [--cred-username U] [--cred-password P|-] [--use-identity ID]',
  flags: { ...NAME_FLAG, ...SERVER, ...SECRET_FLAGS, ...COMMON_FLAGS },
  examples: ['slipway task credential update -n web-build --login-server registry.example.invalid --cred-password -'],
});

export const taskCredentialRemoveCommand = command('remove', {
  summary: "Remove a task's credentials for a registry",
  usage: 'slipway task credential remove -n NAME --login-server HOST',
  flags: { ...NAME_FLAG, ...SERVER, ...COMMON_FLAGS },
  examples: ['slipway task credential remove -n web-build --login-server registry.example.invalid'],
});

export const taskCredentialListCommand = command('list', {
  summary: "List a task's registry credentials (passwords are never shown)",
  usage: 'slipway task credential list -n NAME [-o FORMAT] [--query JMESPATH]',
  flags: { ...NAME_FLAG, ...COMMON_FLAGS },
  examples: ['slipway task credential list -n web-build -o table'],
});
