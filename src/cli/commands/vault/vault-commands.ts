import type { CommandInput, CommandSpec } from '../../command.js';
import { flagBool, flagString } from '../../command.js';
import { withClient, type ClientContext } from '../../client/client-context.js';
import { formatOutput, type FormatOptions } from '../../output/format.js';
import { ExitCode, usageError } from '../../run-cli.js';
import { COMMON_FLAGS, parseFormat } from '../repository/repository-options.js';
import { VaultClient } from './vault-client.js';

/**
 * `slipway vault create|list|show|delete|set-policy`, `slipway secret set|show|list|delete`,
 * `slipway identity create|list|show|delete`: the vault over /api/v1 (docs/vault.md).
 */

export type VaultAction =
  | { readonly kind: 'vault-create' | 'vault-show' | 'vault-delete'; readonly name: string }
  | { readonly kind: 'vault-list' | 'identity-list' }
  | { readonly kind: 'vault-set-policy'; readonly name: string; readonly identity: string; readonly permissions: readonly string[] }
  | { readonly kind: 'secret-set'; readonly vault: string; readonly name: string; readonly value: { readonly from: 'flag' | 'file' | 'stdin'; readonly text: string } }
  | { readonly kind: 'secret-show'; readonly vault: string; readonly name: string; readonly isReveal: boolean }
  | { readonly kind: 'secret-delete'; readonly vault: string; readonly name: string }
  | { readonly kind: 'secret-list'; readonly vault: string }
  | { readonly kind: 'identity-create'; readonly name: string; readonly description: string | undefined }
  | { readonly kind: 'identity-show' | 'identity-delete'; readonly name: string };

export interface VaultOptions {
  readonly action: VaultAction;
  readonly format: FormatOptions;
}

function required(input: CommandInput, flag: string, hint = ''): string {
  const value = flagString(input, flag);
  if (value === undefined || value === '') throw usageError(`--${flag} is required${hint}`);
  return value;
}

function secretValue(input: CommandInput): { from: 'flag' | 'file' | 'stdin'; text: string } {
  const value = flagString(input, 'value');
  const file = flagString(input, 'file');
  if (value !== undefined && file !== undefined) throw usageError('give --value, --file or stdin, not several');
  if (value !== undefined) return { from: 'flag', text: value };
  if (file !== undefined) return { from: 'file', text: file };
  return { from: 'stdin', text: '' };
}

/** Parses flags into what to do; `run` does it. */
export function parseVault(input: CommandInput, kind: VaultAction['kind']): VaultOptions {
  const format = parseFormat(input);
  const name = (): string => required(input, 'name', ' (-n)');
  const vault = (): string => required(input, 'vault');
  switch (kind) {
    case 'vault-list':
    case 'identity-list':
      return { format, action: { kind } };
    case 'vault-set-policy': {
      // `--secret-permissions get list` (az's form): the words after the flag arrive as positionals.
      const given = [...((input.flags['secret-permissions'] as string[] | undefined) ?? []), ...input.positionals];
      const permissions = given.flatMap((p) => p.split(/[\s,]+/)).filter(Boolean);
      return { format, action: { kind, name: name(), identity: required(input, 'identity'), permissions } };
    }
    case 'secret-set':
      return { format, action: { kind, vault: vault(), name: name(), value: secretValue(input) } };
    case 'secret-show':
      return { format, action: { kind, vault: vault(), name: name(), isReveal: flagBool(input, 'reveal') } };
    case 'secret-delete':
      return { format, action: { kind, vault: vault(), name: name() } };
    case 'secret-list':
      return { format, action: { kind, vault: vault() } };
    case 'identity-create':
      return { format, action: { kind, name: name(), description: flagString(input, 'description') } };
    default:
      return { format, action: { kind, name: name() } };
  }
}

async function readValue(value: { from: 'flag' | 'file' | 'stdin'; text: string }, ctx: ClientContext): Promise<string> {
  if (value.from === 'flag') return value.text;
  if (value.from === 'file') {
    const { readFile } = await import('node:fs/promises');
    return readFile(value.text, 'utf8');
  }
  if (ctx.stdin.isTty) return ctx.stdin.prompt('Secret value: ', { secret: true });
  // A trailing newline from `echo` or a file piped in is not part of the value.
  return (await ctx.stdin.readAll()).replace(/\r?\n$/, '');
}

/** Does it; data on stdout, never a value unless `secret show --reveal` asked for it. */
export async function runVault(options: VaultOptions, ctx: ClientContext): Promise<number> {
  const client = VaultClient.from(ctx.client);
  const { action } = options;
  const s = ctx.signal;
  const out = (data: unknown): number => {
    if (data !== undefined) ctx.io.out(formatOutput(data, options.format));
    return ExitCode.ok;
  };
  switch (action.kind) {
    case 'vault-create':
      return out(await client.createVault(action.name, s));
    case 'vault-list':
      return out((await client.listVaults(s)).vaults);
    case 'vault-show':
      return out(await client.showVault(action.name, s));
    case 'vault-delete':
      return out(await client.deleteVault(action.name, s));
    case 'vault-set-policy':
      return out(await client.setPolicy(action.name, action.identity, action.permissions, s));
    case 'secret-set':
      return out(await client.setSecret(action.vault, action.name, await readValue(action.value, ctx), s));
    case 'secret-show':
      return out(await client.showSecret(action.vault, action.name, action.isReveal, s));
    case 'secret-list':
      return out((await client.listSecrets(action.vault, s)).secrets);
    case 'secret-delete':
      return out(await client.deleteSecret(action.vault, action.name, s));
    case 'identity-create':
      return out(await client.createIdentity(action.name, action.description, s));
    case 'identity-list':
      return out((await client.listIdentities(s)).identities);
    case 'identity-show':
      return out(await client.showIdentity(action.name, s));
    case 'identity-delete':
      return out(await client.deleteIdentity(action.name, s));
  }
}

const NAME = { name: { type: 'string', short: 'n', description: 'The name: 1-127 letters, digits and dashes' } } as const;
const VAULT = { vault: { type: 'string', description: 'The vault (required)' } } as const;

function command(path: readonly [string, string], kind: VaultAction['kind'], spec: Omit<CommandSpec, 'path' | 'run' | 'flags'> & { flags?: CommandSpec['flags'] }): CommandSpec {
  return {
    ...spec,
    path,
    flags: { ...(spec.flags ?? {}), ...COMMON_FLAGS },
    async run(input, io) {
      const options = parseVault(input, kind);
      return withClient(input, io, (ctx) => runVault(options, ctx));
    },
  };
}

export const vaultCreateCommand = command(['vault', 'create'], 'vault-create', { summary: 'Create a vault (its data key is sealed with the master key)', usage: 'slipway vault create -n VAULT', flags: NAME, examples: ['slipway vault create -n search'] });
export const vaultListCommand = command(['vault', 'list'], 'vault-list', { summary: 'List vaults', usage: 'slipway vault list [-o FORMAT]', examples: ['slipway vault list -o table'] });
export const vaultShowCommand = command(['vault', 'show'], 'vault-show', { summary: 'Show a vault and its access policies', usage: 'slipway vault show -n VAULT', flags: NAME });
export const vaultDeleteCommand = command(['vault', 'delete'], 'vault-delete', { summary: 'Delete a vault with all its secrets and policies', usage: 'slipway vault delete -n VAULT', flags: NAME });
export const vaultSetPolicyCommand = command(['vault', 'set-policy'], 'vault-set-policy', {
  summary: "Set an identity's permissions on a vault's secrets (get: read values in runs; list: names); none revokes",
  usage: 'slipway vault set-policy -n VAULT --identity IDENTITY --secret-permissions get list',
  maxPositionals: 2,
  flags: { ...NAME, identity: { type: 'string', description: 'The identity (required)' }, 'secret-permissions': { type: 'string', multiple: true, description: 'get and/or list; repeat or separate with spaces or commas; omit to revoke' } },
  examples: ['slipway vault set-policy -n search --identity indexer --secret-permissions get list'],
});
export const secretSetCommand = command(['secret', 'set'], 'secret-set', {
  summary: 'Set a secret (a new version) from --value, --file or stdin',
  usage: 'slipway secret set --vault VAULT -n NAME [--value V | --file F | < stdin]',
  flags: { ...VAULT, ...NAME, value: { type: 'string', description: 'The value (visible in process lists: prefer --file or stdin)' }, file: { type: 'string', description: 'Read the value from this file' } },
  examples: ['printf %s "$KEY" | slipway secret set --vault search -n SearchServiceApiKey', 'slipway secret set --vault search -n tls-key --file key.pem'],
});
export const secretShowCommand = command(['secret', 'show'], 'secret-show', {
  summary: "Show a secret's metadata; --reveal adds its value",
  usage: 'slipway secret show --vault VAULT -n NAME [--reveal]',
  flags: { ...VAULT, ...NAME, reveal: { type: 'boolean', description: 'Include the value (needs write access)' } },
  examples: ['slipway secret show --vault search -n SearchServiceApiKey --reveal --query value -o tsv'],
});
export const secretListCommand = command(['secret', 'list'], 'secret-list', { summary: 'List the secrets of a vault (names, versions, times; never values)', usage: 'slipway secret list --vault VAULT [-o FORMAT]', flags: VAULT });
export const secretDeleteCommand = command(['secret', 'delete'], 'secret-delete', { summary: 'Delete a secret with all its versions', usage: 'slipway secret delete --vault VAULT -n NAME', flags: { ...VAULT, ...NAME } });
export const identityCreateCommand = command(['identity', 'create'], 'identity-create', {
  summary: 'Create an identity tasks run as (task create --assign-identity)',
  usage: 'slipway identity create -n IDENTITY [--description TEXT]',
  flags: { ...NAME, description: { type: 'string', description: 'What the identity is for' } },
  examples: ['slipway identity create -n indexer'],
});
export const identityListCommand = command(['identity', 'list'], 'identity-list', { summary: 'List identities', usage: 'slipway identity list [-o FORMAT]' });
export const identityShowCommand = command(['identity', 'show'], 'identity-show', { summary: 'Show an identity and the vaults it may read', usage: 'slipway identity show -n IDENTITY', flags: NAME });
export const identityDeleteCommand = command(['identity', 'delete'], 'identity-delete', { summary: 'Delete an identity and its policies', usage: 'slipway identity delete -n IDENTITY', flags: NAME });

export const VAULT_COMMANDS: readonly CommandSpec[] = [
  vaultCreateCommand, vaultListCommand, vaultShowCommand, vaultDeleteCommand, vaultSetPolicyCommand,
  secretSetCommand, secretShowCommand, secretListCommand, secretDeleteCommand,
  identityCreateCommand, identityListCommand, identityShowCommand, identityDeleteCommand,
];
