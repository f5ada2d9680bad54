import type { ApiUser, ApiUserWithPassword } from '../../../api/contract/access.js';
import type { CommandInput, CommandSpec } from '../../command.js';
import { flagBool, flagString } from '../../command.js';
import { withClient, type ClientContext } from '../../client/client-context.js';
import { formatOutput } from '../../output/format.js';
import { ExitCode, usageError } from '../../run-cli.js';
import { AccessClient } from './access-client.js';
import { COMMON_FLAGS, NAME_FLAG, parseFormat, readSecret, requiredName, type FormatOptions } from './access-options.js';

/** `user create|list|show|update|delete`: Slipway's users and their roles (Owner only). */

export type UserAction =
  | { readonly kind: 'create'; readonly name: string; readonly roles: readonly string[]; readonly isPasswordFromStdin: boolean }
  | { readonly kind: 'update'; readonly name: string; readonly roles?: readonly string[]; readonly isPasswordFromStdin: boolean; readonly isGenerate: boolean }
  | { readonly kind: 'show'; readonly name: string }
  | { readonly kind: 'delete'; readonly name: string }
  | { readonly kind: 'list' };

export interface UserOptions {
  readonly action: UserAction;
  readonly format: FormatOptions;
}

/** `--role R` (repeatable) and `--roles R1,R2`; an empty `--roles ""` clears them. */
function roles(input: CommandInput): string[] | undefined {
  const many = input.flags.role;
  const list = flagString(input, 'roles');
  if (many === undefined && list === undefined) return undefined;
  const items = [...(Array.isArray(many) ? many : []), ...(list ?? '').split(',')];
  return items.map((r) => r.trim()).filter((r) => r !== '');
}

export function parseUser(input: CommandInput, kind: UserAction['kind']): UserOptions {
  const format = parseFormat(input);
  if (kind === 'list') return { action: { kind }, format };
  const name = requiredName(input);
  if (kind === 'show') return { action: { kind, name }, format };
  if (kind === 'delete') return { action: { kind, name }, format };
  const isPasswordFromStdin = flagBool(input, 'password-stdin');
  if (kind === 'create') return { action: { kind, name, roles: roles(input) ?? [], isPasswordFromStdin }, format };
  const isGenerate = flagBool(input, 'generate-password');
  const r = roles(input);
  if (isGenerate && isPasswordFromStdin) throw usageError('give --password-stdin or --generate-password, not both');
  if (r === undefined && !isGenerate && !isPasswordFromStdin) throw usageError('nothing to update: pass --role/--roles, --password-stdin or --generate-password');
  return { action: { kind, name, ...(r === undefined ? {} : { roles: r }), isPasswordFromStdin, isGenerate }, format };
}

function view(user: ApiUser): ApiUser {
  return { name: user.name, roles: user.roles, isBuiltIn: user.isBuiltIn, createdAt: user.createdAt };
}

/** Prints the user; a password the server generated goes to stderr, shown this once. */
function printUser(ctx: ClientContext, user: ApiUserWithPassword, format: FormatOptions): void {
  ctx.io.out(formatOutput(view(user), format));
  if (user.password !== undefined) ctx.io.err(`Password for ${user.name}: ${user.password}\nIt is shown only now; Slipway keeps only a hash.`);
}

export async function runUser(options: UserOptions, ctx: ClientContext): Promise<number> {
  const api = AccessClient.from(ctx.client);
  const { action, format } = options;
  if (action.kind === 'list') ctx.io.out(formatOutput((await api.listUsers(ctx.signal)).users.map(view), format));
  else if (action.kind === 'show') ctx.io.out(formatOutput(view(await api.getUser(action.name, ctx.signal)), format));
  else if (action.kind === 'delete') await api.deleteUser(action.name, ctx.signal);
  else if (action.kind === 'create') {
    const password = action.isPasswordFromStdin ? { password: await readSecret(ctx.stdin) } : {};
    printUser(ctx, await api.createUser({ name: action.name, roles: action.roles, ...password }, ctx.signal), format);
  } else {
    const password = action.isPasswordFromStdin ? { password: await readSecret(ctx.stdin) } : {};
    const request = { ...(action.roles === undefined ? {} : { roles: action.roles }), ...password, ...(action.isGenerate ? { generatePassword: true } : {}) };
    printUser(ctx, await api.updateUser(action.name, request, ctx.signal), format);
  }
  return ExitCode.ok;
}

const ROLE_FLAGS = {
  role: { type: 'string', multiple: true, description: 'A role: Owner, Contributor, Reader, AcrPull, AcrPush or AcrDelete (repeatable)' },
  roles: { type: 'string', description: 'Roles as a comma-separated list ("" for none)' },
} as const;

function command(kind: UserAction['kind'], spec: Omit<CommandSpec, 'path' | 'run'>): CommandSpec {
  return {
    ...spec,
    path: ['user', kind],
    async run(input, io) {
      const options = parseUser(input, kind);
      return withClient(input, io, (ctx) => runUser(options, ctx));
    },
  };
}

export const userCreateCommand = command('create', {
  summary: 'Create a user with roles (a password is generated unless given on stdin)',
  usage: 'slipway user create -n NAME [--role ROLE]... [--password-stdin]',
  flags: { ...NAME_FLAG, ...ROLE_FLAGS, 'password-stdin': { type: 'boolean', description: 'Read the password from stdin (at least 8 characters)' }, ...COMMON_FLAGS },
  examples: ['slipway user create -n dev --role Contributor', 'printf %s "$PW" | slipway user create -n ci --role AcrPush --password-stdin'],
});
export const userListCommand = command('list', {
  summary: 'List users and their roles',
  usage: 'slipway user list [-o FORMAT]',
  flags: { ...COMMON_FLAGS },
  examples: ['slipway user list -o table'],
});
export const userShowCommand = command('show', {
  summary: 'Show a user and its roles',
  usage: 'slipway user show -n NAME',
  flags: { ...NAME_FLAG, ...COMMON_FLAGS },
});
export const userUpdateCommand = command('update', {
  summary: "Replace a user's roles and/or set its password",
  usage: 'slipway user update -n NAME [--role ROLE]... [--roles R1,R2] [--password-stdin | --generate-password]',
  flags: {
    ...NAME_FLAG,
    ...ROLE_FLAGS,
    'password-stdin': { type: 'boolean', description: 'Read a new password from stdin' },
    'generate-password': { type: 'boolean', description: 'Have the server generate a new password (printed once on stderr)' },
    ...COMMON_FLAGS,
  },
  examples: ['slipway user update -n dev --role Reader --role AcrPush', 'slipway user update -n dev --generate-password'],
});
export const userDeleteCommand = command('delete', {
  summary: 'Delete a user (not the built-in admin)',
  usage: 'slipway user delete -n NAME',
  flags: { ...NAME_FLAG, ...COMMON_FLAGS },
});
