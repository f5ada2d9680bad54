import type { ApiUserApiToken } from '../../../api/contract/access.js';
import type { CommandInput, CommandSpec } from '../../command.js';
import { flagString } from '../../command.js';
import { withClient, type ClientContext } from '../../client/client-context.js';
import { formatOutput } from '../../output/format.js';
import { ExitCode } from '../../run-cli.js';
import { AccessClient } from './access-client.js';
import { COMMON_FLAGS, NAME_FLAG, parseExpiry, parseFormat, requiredName, type FormatOptions } from './access-options.js';

/** `user token create|list|delete`: a user's personal API tokens (the caller's own by default). */

export type UserTokenKind = 'create' | 'list' | 'delete';

export interface UserTokenOptions {
  readonly kind: UserTokenKind;
  /** The token's name ('' for list). */
  readonly name: string;
  /** Whose tokens; undefined: the caller (asked of /whoami). */
  readonly user?: string;
  /** A subset of the user's roles; undefined: all of them. */
  readonly roles?: readonly string[];
  readonly expiresAt?: string;
  readonly format: FormatOptions;
}

export function parseUserToken(input: CommandInput, kind: UserTokenKind, now: Date = new Date()): UserTokenOptions {
  const format = parseFormat(input);
  const name = kind === 'list' ? '' : requiredName(input);
  const user = flagString(input, 'user');
  const role = input.flags.role;
  const roles = Array.isArray(role) ? role.map((r) => r.trim()).filter((r) => r !== '') : typeof role === 'string' ? [role] : undefined;
  const expiresAt = kind === 'create' ? parseExpiry(input, now) : undefined;
  return { kind, name, ...(user === undefined ? {} : { user }), ...(roles === undefined ? {} : { roles }), ...(expiresAt === undefined ? {} : { expiresAt }), format };
}

/** NAME, ROLES, CREATED, EXPIRES, LAST USED: never the secret. */
export function formatUserTokens(tokens: readonly ApiUserApiToken[], format: FormatOptions): string {
  if (format.output !== 'table' || format.query !== undefined) return formatOutput(tokens, format);
  const rows = tokens.map((t) => ({ name: t.name, roles: t.roles === null ? '(all of the user’s)' : t.roles.join(', '), created: t.createdAt, expires: t.expiresAt ?? 'Never', lastUsed: t.lastUsedAt ?? '' }));
  return formatOutput(rows, format);
}

export async function runUserToken(o: UserTokenOptions, ctx: ClientContext): Promise<number> {
  const api = AccessClient.from(ctx.client);
  const user = o.user ?? (await api.whoami(ctx.signal)).name;
  if (o.kind === 'list') ctx.io.out(formatUserTokens((await api.listApiTokens(user, ctx.signal)).apiTokens, o.format));
  else if (o.kind === 'delete') await api.deleteApiToken(user, o.name, ctx.signal);
  else {
    const made = await api.createApiToken(user, { name: o.name, ...(o.roles === undefined ? {} : { roles: o.roles }), ...(o.expiresAt === undefined ? {} : { expiresAt: o.expiresAt }) }, ctx.signal);
    // The secret is the one line on stdout (for `$(slipway user token create ...)`), shown this once.
    ctx.io.out(made.secret ?? '');
    const host = new URL(ctx.client.baseUrl).host;
    ctx.io.err(`The token is shown only now; Slipway keeps only a hash. Sign in with:\n  docker login ${host} -u ${made.user} --password-stdin`);
  }
  return ExitCode.ok;
}

const USER_FLAG = { user: { type: 'string', description: 'Whose tokens (default: you; an Owner may name anyone)' } } as const;

function command(kind: UserTokenKind, spec: Omit<CommandSpec, 'path' | 'run'>): CommandSpec {
  return {
    ...spec,
    path: ['user', 'token', kind],
    async run(input, io) {
      const options = parseUserToken(input, kind);
      return withClient(input, io, (ctx) => runUserToken(options, ctx));
    },
  };
}

export const userTokenCreateCommand = command('create', {
  summary: 'Create an API token that signs in as the user (the secret is printed once)',
  usage: 'slipway user token create -n NAME [--user USER] [--role ROLE]... [--expiration-in-days N | --expiration DATE]',
  flags: {
    ...NAME_FLAG,
    ...USER_FLAG,
    role: { type: 'string', multiple: true, description: 'Limit the token to this of the user’s roles (repeatable; default: all of them)' },
    'expiration-in-days': { type: 'string', description: 'The token expires after N days (default: never)' },
    expiration: { type: 'string', description: 'The token expires at this time, e.g. 2030-12-31T12:59:59Z (default: never)' },
    ...COMMON_FLAGS,
  },
  examples: ['slipway user token create -n ci --role AcrPush --expiration-in-days 90', 'slipway user token create -n deploy --user dev'],
});
export const userTokenListCommand = command('list', {
  summary: "List a user's API tokens (never their secrets)",
  usage: 'slipway user token list [--user USER] [-o FORMAT]',
  flags: { ...USER_FLAG, ...COMMON_FLAGS },
  examples: ['slipway user token list -o table'],
});
export const userTokenDeleteCommand = command('delete', {
  summary: "Delete a user's API token (it stops working at once)",
  usage: 'slipway user token delete -n NAME [--user USER]',
  flags: { ...NAME_FLAG, ...USER_FLAG, ...COMMON_FLAGS },
});
