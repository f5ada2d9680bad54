import type { CommandInput, FlagSpec } from '../../command.js';
import { flagString } from '../../command.js';
import { usageError } from '../../run-cli.js';
import type { FormatOptions } from '../../output/format.js';
import { COMMON_FLAGS, parseFormat } from '../repository/repository-options.js';

export { COMMON_FLAGS, parseFormat };
export type { FormatOptions };

export const NAME_FLAG = { name: { type: 'string', short: 'n', description: 'The name (required)' } } as const satisfies Record<string, FlagSpec>;

/** Enough positionals for the actions after `--repository REPO`. */
export const MAX_ACTIONS = 200;

export function requiredName(input: CommandInput): string {
  const name = flagString(input, 'name');
  if (name === undefined || name === '') throw usageError('--name/-n is required');
  return name;
}

/**
 * az's `--repository REPO ACTION...` (repeatable), read from the arguments in order:
 * `--repository team/app content/read content/write` gives
 * `repositories/team/app/content/read` and `repositories/team/app/content/write`.
 */
export function repositoryActions(input: CommandInput, flag: string): string[] {
  const args = input.args ?? [];
  const out: string[] = [];
  for (let i = 0; i < args.length; i += 1) {
    if (args[i] !== `--${flag}`) continue;
    const repository = args[i + 1];
    if (repository === undefined || repository.startsWith('-')) throw usageError(`--${flag} needs a repository and at least one action`);
    let j = i + 2;
    for (; j < args.length && !(args[j] as string).startsWith('-'); j += 1) out.push(`repositories/${repository}/${args[j] as string}`);
    if (j === i + 2) throw usageError(`--${flag} ${repository}: give actions, e.g. content/read content/write`);
    i = j - 1;
  }
  return out;
}

/** Positionals are only allowed as the actions of a repository flag. */
export function checkPositionals(input: CommandInput, flags: readonly string[]): void {
  const used = flags.reduce((n, f) => n + repositoryActions(input, f).length, 0);
  if (input.positionals.length > used) throw usageError(`unexpected argument "${input.positionals[used] ?? input.positionals[0]}"`);
}

/** `--expiration-in-days N` or `--expiration DATE` as an ISO time; undefined: never. */
export function parseExpiry(input: CommandInput, now: Date): string | undefined {
  const days = flagString(input, 'expiration-in-days');
  const date = flagString(input, 'expiration');
  if (days !== undefined && date !== undefined) throw usageError('give --expiration-in-days or --expiration, not both');
  if (days !== undefined) {
    if (!/^\d+$/.test(days) || Number(days) < 1) throw usageError(`--expiration-in-days must be a positive whole number, not "${days}"`);
    return new Date(now.getTime() + Number(days) * 86_400_000).toISOString();
  }
  if (date === undefined) return undefined;
  if (Number.isNaN(Date.parse(date))) throw usageError(`--expiration must be a date and time such as 2030-12-31T12:59:59Z, not "${date}"`);
  return new Date(Date.parse(date)).toISOString();
}

export const EXPIRY_FLAGS = {
  'expiration-in-days': { type: 'string', description: 'Passwords expire after N days (default: never)' },
  expiration: { type: 'string', description: 'Passwords expire at this time, e.g. 2030-12-31T12:59:59Z (default: never)' },
} as const satisfies Record<string, FlagSpec>;

export function parseStatus(input: CommandInput): 'enabled' | 'disabled' | undefined {
  const status = flagString(input, 'status');
  if (status === undefined) return undefined;
  if (status !== 'enabled' && status !== 'disabled') throw usageError(`--status must be enabled or disabled, not "${status}"`);
  return status;
}

/** `--password-stdin` / `-` reads stdin, trailing newline dropped. */
export async function readSecret(stdin: { readAll(): Promise<string> }): Promise<string> {
  return (await stdin.readAll()).replace(/\r?\n$/, '');
}
