import type { CommandInput, CommandSpec } from '../../command.js';
import { flagBool } from '../../command.js';
import type { ApiTag } from '../../../api/contract/registry.js';
import { withClient, type ClientContext } from '../../client/client-context.js';
import { formatOutput, type FormatOptions } from '../../output/format.js';
import { COMMON_FLAGS, LISTING_FLAGS, parseFormat, parseOrderBy, parseRepository, parseTop, sortByTime, takeTop, type OrderBy } from './repository-options.js';

export interface ShowTagsOptions {
  readonly repository: string;
  readonly top?: number;
  readonly orderBy?: OrderBy;
  readonly isDetailed: boolean;
  readonly format: FormatOptions;
}

export function parseShowTags(input: CommandInput): ShowTagsOptions {
  const top = parseTop(input);
  const orderBy = parseOrderBy(input);
  return {
    repository: parseRepository(input),
    isDetailed: flagBool(input, 'detail'),
    format: parseFormat(input),
    ...(top === undefined ? {} : { top }),
    ...(orderBy === undefined ? {} : { orderBy }),
  };
}

/** Lexical by name unless ordered by last update time; then `--top`; names only unless detailed. */
export function selectTags(tags: readonly ApiTag[], options: Omit<ShowTagsOptions, 'repository' | 'format'>): Array<string | ApiTag> {
  const ordered = options.orderBy
    ? sortByTime(tags, options.orderBy, (t) => t.lastUpdateTime, (t) => t.name)
    : [...tags].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const top = takeTop(ordered, options.top);
  return options.isDetailed ? top : top.map((t) => t.name);
}

export async function runShowTags(options: ShowTagsOptions, ctx: ClientContext): Promise<number> {
  const { tags } = await ctx.client.listTags(options.repository, ctx.signal);
  ctx.io.out(formatOutput(selectTags(tags, options), options.format));
  return 0;
}

export const repositoryShowTagsCommand: CommandSpec = {
  path: ['repository', 'show-tags'],
  summary: "Show a repository's tags (names only unless --detail)",
  usage: 'slipway repository show-tags --repository R [--top N] [--orderby time_asc|time_desc] [--detail] [-o FORMAT] [--query JMESPATH]',
  flags: { repository: { type: 'string', description: 'Repository name, e.g. team/app (required)' }, ...LISTING_FLAGS, ...COMMON_FLAGS },
  examples: [
    'slipway repository show-tags --repository app',
    'slipway repository show-tags --repository app --orderby time_desc --top 1',
    'slipway repository show-tags --repository app --detail -o table',
  ],
  async run(input, io) {
    const options = parseShowTags(input);
    return withClient(input, io, (ctx) => runShowTags(options, ctx));
  },
};
