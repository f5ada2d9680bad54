import type { CommandInput, CommandSpec } from '../../command.js';
import { flagBool } from '../../command.js';
import type { ApiManifest } from '../../../api/contract/registry.js';
import { withClient, type ClientContext } from '../../client/client-context.js';
import { formatOutput, type FormatOptions } from '../../output/format.js';
import { COMMON_FLAGS, LISTING_FLAGS, parseFormat, parseOrderBy, parseRepository, parseTop, sortByTime, takeTop, type OrderBy } from './repository-options.js';

export interface ShowManifestsOptions {
  readonly repository: string;
  readonly top?: number;
  readonly orderBy?: OrderBy;
  readonly isDetailed: boolean;
  readonly format: FormatOptions;
}

/** The short form `az acr repository show-manifests` prints without --detail. */
export interface ManifestSummary {
  readonly digest: string;
  readonly tags: readonly string[];
  readonly timestamp: string;
}

export function parseShowManifests(input: CommandInput): ShowManifestsOptions {
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

/** Server order (oldest first) unless ordered by time; then `--top`; the short form unless detailed. */
export function selectManifests(manifests: readonly ApiManifest[], options: Omit<ShowManifestsOptions, 'repository' | 'format'>): Array<ManifestSummary | ApiManifest> {
  const ordered = options.orderBy ? sortByTime(manifests, options.orderBy, (m) => m.createdTime, (m) => m.digest) : manifests;
  const top = takeTop(ordered, options.top);
  return options.isDetailed ? top : top.map((m) => ({ digest: m.digest, tags: m.tags, timestamp: m.createdTime }));
}

export async function runShowManifests(options: ShowManifestsOptions, ctx: ClientContext): Promise<number> {
  const { manifests } = await ctx.client.listManifests(options.repository, ctx.signal);
  ctx.io.out(formatOutput(selectManifests(manifests, options), options.format));
  return 0;
}

export const repositoryShowManifestsCommand: CommandSpec = {
  path: ['repository', 'show-manifests'],
  summary: "Show a repository's manifests with their tags ({digest, tags, timestamp} unless --detail)",
  usage: 'slipway repository show-manifests --repository R [--top N] [--orderby time_asc|time_desc] [--detail] [-o FORMAT] [--query JMESPATH]',
  flags: { repository: { type: 'string', description: 'Repository name, e.g. team/app (required)' }, ...LISTING_FLAGS, ...COMMON_FLAGS },
  examples: [
    'slipway repository show-manifests --repository app',
    'slipway repository show-manifests --repository app --orderby time_desc --top 5 -o table',
    "slipway repository show-manifests --repository app --query \"[?tags==`[]`].digest\" -o tsv",
  ],
  async run(input, io) {
    const options = parseShowManifests(input);
    return withClient(input, io, (ctx) => runShowManifests(options, ctx));
  },
};
