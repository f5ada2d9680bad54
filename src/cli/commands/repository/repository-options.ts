import type { CommandInput } from '../../command.js';
import { flagString } from '../../command.js';
import { usageError } from '../../run-cli.js';
import { CLIENT_FLAGS } from '../../client/client-context.js';
import { OUTPUT_FLAGS, parseOutputFormat, type FormatOptions } from '../../output/format.js';
import { isRepoName } from '../../../oci/index.js';

export const ORDER_BY = ['time_asc', 'time_desc'] as const;
export type OrderBy = (typeof ORDER_BY)[number];

/** Flags shared by every `repository` verb: server, credentials and output. */
export const COMMON_FLAGS = { ...CLIENT_FLAGS, ...OUTPUT_FLAGS } as const;

export const LISTING_FLAGS = {
  top: { type: 'string', description: 'Return at most N items' },
  orderby: { type: 'string', description: 'Order by time: time_asc or time_desc (default: tags by name, manifests oldest first)' },
  detail: { type: 'boolean', description: 'Return full objects instead of the short form' },
} as const;

export function parseFormat(input: CommandInput): FormatOptions {
  const query = flagString(input, 'query');
  return { output: parseOutputFormat(flagString(input, 'output')), ...(query === undefined ? {} : { query }) };
}

export function parseTop(input: CommandInput): number | undefined {
  const text = flagString(input, 'top');
  if (text === undefined) return undefined;
  if (!/^\d+$/.test(text) || Number(text) < 1) throw usageError(`--top must be a positive whole number, not "${text}"`);
  return Number(text);
}

export function parseOrderBy(input: CommandInput): OrderBy | undefined {
  const text = flagString(input, 'orderby');
  if (text === undefined) return undefined;
  if (!(ORDER_BY as readonly string[]).includes(text)) throw usageError(`--orderby must be ${ORDER_BY.join(' or ')}, not "${text}"`);
  return text as OrderBy;
}

export function parseRepository(input: CommandInput): string {
  const repo = flagString(input, 'repository');
  if (repo === undefined) throw usageError('--repository is required');
  if (!isRepoName(repo)) throw usageError(`"${repo}" is not a valid repository name (lower-case letters, digits, separators . _ __ - and /)`);
  return repo;
}

/** Sorts by an ISO-8601 timestamp, ties broken by `tieBreak` so output is stable. */
export function sortByTime<T>(items: readonly T[], order: OrderBy, time: (item: T) => string, tieBreak: (item: T) => string): T[] {
  const sign = order === 'time_asc' ? 1 : -1;
  return [...items].sort((a, b) => sign * (Date.parse(time(a)) - Date.parse(time(b)) || tieBreak(a).localeCompare(tieBreak(b))));
}

export function takeTop<T>(items: readonly T[], top: number | undefined): T[] {
  return top === undefined ? [...items] : items.slice(0, top);
}
