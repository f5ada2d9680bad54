import type { CommandInput, CommandSpec } from '../../command.js';
import { withClient, type ClientContext } from '../../client/client-context.js';
import { formatOutput, type FormatOptions } from '../../output/format.js';
import { COMMON_FLAGS, parseFormat, parseTop, takeTop } from './repository-options.js';

export interface ListOptions {
  readonly top?: number;
  readonly format: FormatOptions;
}

export function parseList(input: CommandInput): ListOptions {
  const top = parseTop(input);
  return { format: parseFormat(input), ...(top === undefined ? {} : { top }) };
}

export async function runList(options: ListOptions, ctx: ClientContext): Promise<number> {
  const { repositories } = await ctx.client.listRepositories(ctx.signal);
  ctx.io.out(formatOutput(takeTop(repositories, options.top), options.format));
  return 0;
}

export const repositoryListCommand: CommandSpec = {
  path: ['repository', 'list'],
  summary: 'List the repositories in the registry, by name',
  usage: 'slipway repository list [--top N] [-o json|table|tsv|yaml] [--query JMESPATH]',
  flags: { top: { type: 'string', description: 'Return at most N repositories' }, ...COMMON_FLAGS },
  examples: ['slipway repository list', 'slipway repository list --top 10 -o table', "slipway repository list --query \"[?starts_with(@, 'team/')]\""],
  async run(input, io) {
    const options = parseList(input);
    return withClient(input, io, (ctx) => runList(options, ctx));
  },
};
