import type { ApiToken } from '../../../api/contract/access.js';
import type { CommandInput, CommandSpec } from '../../command.js';
import { flagBool, flagString } from '../../command.js';
import { withClient, type ClientContext } from '../../client/client-context.js';
import { formatOutput } from '../../output/format.js';
import { ExitCode, usageError } from '../../run-cli.js';
import { AccessClient } from './access-client.js';
import { checkPositionals, COMMON_FLAGS, EXPIRY_FLAGS, MAX_ACTIONS, NAME_FLAG, parseExpiry, parseFormat, parseStatus, repositoryActions, requiredName, type FormatOptions } from './access-options.js';

/** `token create|list|show|update|delete` and `token credential generate` (az acr token …). */

export type TokenKind = 'create' | 'list' | 'show' | 'update' | 'delete' | 'generate';

export interface TokenOptions {
  readonly kind: TokenKind;
  readonly name: string;
  readonly scopeMap?: string | null;
  readonly actions: readonly string[];
  readonly status?: 'enabled' | 'disabled';
  readonly noPasswords: boolean;
  readonly expiry?: string;
  readonly which?: 'password1' | 'password2';
  readonly format: FormatOptions;
}

function which(input: CommandInput): 'password1' | 'password2' | undefined {
  const [one, two] = [flagBool(input, 'password1'), flagBool(input, 'password2')];
  return one && !two ? 'password1' : two && !one ? 'password2' : undefined;
}

export function parseToken(input: CommandInput, kind: TokenKind, now: Date = new Date()): TokenOptions {
  const format = parseFormat(input);
  const name = kind === 'list' ? '' : requiredName(input);
  const actions = kind === 'create' ? repositoryActions(input, 'repository') : [];
  checkPositionals(input, kind === 'create' ? ['repository'] : []);
  const scopeMapFlag = flagString(input, 'scope-map');
  const scopeMap = flagBool(input, 'no-scope-map') ? null : scopeMapFlag;
  if (kind === 'create' && (scopeMap === undefined) === (actions.length === 0)) throw usageError('give --scope-map NAME or --repository REPO ACTION..., one of the two');
  const status = parseStatus(input);
  if (kind === 'update' && scopeMap === undefined && status === undefined) throw usageError('nothing to update: pass --scope-map, --no-scope-map or --status');
  const expiry = parseExpiry(input, now);
  const w = which(input);
  return {
    kind,
    name,
    ...(scopeMap === undefined ? {} : { scopeMap }),
    actions,
    ...(status === undefined ? {} : { status }),
    noPasswords: flagBool(input, 'no-passwords'),
    ...(expiry === undefined ? {} : { expiry }),
    ...(w === undefined ? {} : { which: w }),
    format,
  };
}

/** ACR's token table: NAME, SCOPE MAP, PASSWORD1 EXPIRY, PASSWORD2 EXPIRY, STATUS, CREATION DATE. */
export function formatTokens(data: ApiToken | readonly ApiToken[], format: FormatOptions): string {
  if (format.output !== 'table' || format.query !== undefined) return formatOutput(data, format);
  const expiry = (t: ApiToken, n: string): string => {
    const p = t.credentials.passwords.find((x) => x.name === n);
    return p === undefined ? '' : (p.expiry ?? 'Never');
  };
  const rows = (Array.isArray(data) ? data : [data]).map((t: ApiToken) => ({ name: t.name, scopeMap: t.scopeMap ?? '', password1Expiry: expiry(t, 'password1'), password2Expiry: expiry(t, 'password2'), status: t.status, creationDate: t.creationDate }));
  return formatOutput(rows, format);
}

/** Prints the token; new passwords are in it (shown once), and a docker login hint goes to stderr. */
function printNew(ctx: ClientContext, token: ApiToken, format: FormatOptions): void {
  ctx.io.out(formatOutput(token, format));
  if (token.credentials.passwords.some((p) => p.value !== undefined)) {
    const host = new URL(ctx.client.baseUrl).host;
    ctx.io.err(`The passwords are shown only now. Sign in with:\n  docker login ${host} -u ${token.name} --password-stdin`);
  }
}

export async function runToken(o: TokenOptions, ctx: ClientContext): Promise<number> {
  const api = AccessClient.from(ctx.client);
  const expiry = o.expiry === undefined ? {} : { expiry: o.expiry };
  if (o.kind === 'list') ctx.io.out(formatTokens((await api.listTokens(ctx.signal)).tokens, o.format));
  else if (o.kind === 'show') ctx.io.out(formatTokens(await api.getToken(o.name, ctx.signal), o.format));
  else if (o.kind === 'delete') await api.deleteToken(o.name, ctx.signal);
  else if (o.kind === 'update') ctx.io.out(formatTokens(await api.updateToken(o.name, { ...(o.scopeMap === undefined ? {} : { scopeMap: o.scopeMap }), ...(o.status === undefined ? {} : { status: o.status }) }, ctx.signal), o.format));
  else if (o.kind === 'generate') printNew(ctx, await api.generatePassword(o.name, { ...(o.which === undefined ? {} : { name: o.which }), ...expiry }, ctx.signal), o.format);
  else {
    const target = o.actions.length > 0 ? { actions: o.actions } : { scopeMap: o.scopeMap as string };
    printNew(ctx, await api.createToken({ name: o.name, ...target, ...(o.status === undefined ? {} : { status: o.status }), noPasswords: o.noPasswords, ...expiry }, ctx.signal), o.format);
  }
  return ExitCode.ok;
}

const STATUS = { status: { type: 'string', description: 'enabled (default) or disabled' } } as const;

function command(kind: TokenKind, spec: Omit<CommandSpec, 'path' | 'run'>): CommandSpec {
  return {
    ...spec,
    path: kind === 'generate' ? ['token', 'credential', 'generate'] : ['token', kind],
    maxPositionals: kind === 'create' ? MAX_ACTIONS : 0,
    async run(input, io) {
      const options = parseToken(input, kind);
      return withClient(input, io, (ctx) => runToken(options, ctx));
    },
  };
}

export const tokenCreateCommand = command('create', {
  summary: 'Create a repository token for docker login (passwords are shown once)',
  usage: 'slipway token create -n NAME (--scope-map MAP | --repository REPO ACTION...) [--status enabled|disabled] [--no-passwords] [--expiration-in-days N | --expiration DATE]',
  flags: {
    ...NAME_FLAG,
    'scope-map': { type: 'string', description: 'An existing scope map' },
    repository: { type: 'string', description: 'A repository or pattern followed by actions; makes the scope map NAME-scope-map' },
    ...STATUS,
    'no-passwords': { type: 'boolean', description: 'Create the token without passwords (generate them later)' },
    ...EXPIRY_FLAGS,
    ...COMMON_FLAGS,
  },
  examples: ['slipway token create -n ci-push --repository team/app content/read content/write --expiration-in-days 30', 'slipway token create -n reader --scope-map team-read'],
});
export const tokenListCommand = command('list', { summary: 'List repository tokens', usage: 'slipway token list [-o FORMAT]', flags: { ...COMMON_FLAGS }, examples: ['slipway token list -o table'] });
export const tokenShowCommand = command('show', { summary: 'Show a repository token (never its passwords)', usage: 'slipway token show -n NAME', flags: { ...NAME_FLAG, ...COMMON_FLAGS } });
export const tokenUpdateCommand = command('update', {
  summary: "Change a token's scope map or status",
  usage: 'slipway token update -n NAME [--scope-map MAP | --no-scope-map] [--status enabled|disabled]',
  flags: { ...NAME_FLAG, 'scope-map': { type: 'string', description: 'The scope map to use' }, 'no-scope-map': { type: 'boolean', description: 'Dissociate the scope map (the token then grants nothing)' }, ...STATUS, ...COMMON_FLAGS },
  examples: ['slipway token update -n ci-push --status disabled'],
});
export const tokenDeleteCommand = command('delete', { summary: 'Delete a repository token', usage: 'slipway token delete -n NAME', flags: { ...NAME_FLAG, ...COMMON_FLAGS } });
export const tokenCredentialGenerateCommand = command('generate', {
  summary: "Generate a token's password1, password2 or both (shown once)",
  usage: 'slipway token credential generate -n NAME [--password1 | --password2] [--expiration-in-days N | --expiration DATE]',
  flags: { ...NAME_FLAG, password1: { type: 'boolean', description: 'Only password1' }, password2: { type: 'boolean', description: 'Only password2' }, ...EXPIRY_FLAGS, ...COMMON_FLAGS },
  examples: ['slipway token credential generate -n ci-push --password2 --expiration-in-days 90'],
});
