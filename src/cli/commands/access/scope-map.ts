import type { CommandInput, CommandSpec } from '../../command.js';
import { flagString } from '../../command.js';
import { withClient, type ClientContext } from '../../client/client-context.js';
import { formatOutput } from '../../output/format.js';
import { ExitCode, usageError } from '../../run-cli.js';
import { AccessClient } from './access-client.js';
import { checkPositionals, COMMON_FLAGS, MAX_ACTIONS, NAME_FLAG, parseFormat, repositoryActions, requiredName, type FormatOptions } from './access-options.js';

/** `scope-map create|list|show|update|delete` (az acr scope-map …): what a token may do, per repository. */

export type ScopeMapKind = 'create' | 'list' | 'show' | 'update' | 'delete';

export interface ScopeMapOptions {
  readonly kind: ScopeMapKind;
  readonly name: string;
  readonly description?: string;
  readonly add: readonly string[];
  readonly remove: readonly string[];
  readonly format: FormatOptions;
}

export function parseScopeMap(input: CommandInput, kind: ScopeMapKind): ScopeMapOptions {
  const format = parseFormat(input);
  const name = kind === 'list' ? '' : requiredName(input);
  const description = flagString(input, 'description');
  const add = kind === 'create' ? repositoryActions(input, 'repository') : kind === 'update' ? repositoryActions(input, 'add-repository') : [];
  const remove = kind === 'update' ? repositoryActions(input, 'remove-repository') : [];
  checkPositionals(input, kind === 'create' ? ['repository'] : kind === 'update' ? ['add-repository', 'remove-repository'] : []);
  if (kind === 'create' && add.length === 0) throw usageError('give at least one --repository REPO ACTION...');
  if (kind === 'update' && add.length + remove.length === 0 && description === undefined) throw usageError('nothing to update: pass --add-repository, --remove-repository or --description');
  return { kind, name, ...(description === undefined ? {} : { description }), add, remove, format };
}

export async function runScopeMap(o: ScopeMapOptions, ctx: ClientContext): Promise<number> {
  const api = AccessClient.from(ctx.client);
  const description = o.description === undefined ? {} : { description: o.description };
  if (o.kind === 'list') ctx.io.out(formatOutput((await api.listScopeMaps(ctx.signal)).scopeMaps, o.format));
  else if (o.kind === 'show') ctx.io.out(formatOutput(await api.getScopeMap(o.name, ctx.signal), o.format));
  else if (o.kind === 'delete') await api.deleteScopeMap(o.name, ctx.signal);
  else if (o.kind === 'create') ctx.io.out(formatOutput(await api.createScopeMap({ name: o.name, actions: o.add, ...description }, ctx.signal), o.format));
  else ctx.io.out(formatOutput(await api.updateScopeMap(o.name, { ...description, addActions: o.add, removeActions: o.remove }, ctx.signal), o.format));
  return ExitCode.ok;
}

const ACTIONS = 'content/read content/write content/delete metadata/read metadata/write';

function command(kind: ScopeMapKind, spec: Omit<CommandSpec, 'path' | 'run'>): CommandSpec {
  return {
    ...spec,
    path: ['scope-map', kind],
    maxPositionals: MAX_ACTIONS,
    async run(input, io) {
      const options = parseScopeMap(input, kind);
      return withClient(input, io, (ctx) => runScopeMap(options, ctx));
    },
  };
}

export const scopeMapCreateCommand = command('create', {
  summary: 'Create a scope map: repositories (or patterns like team/*) and the actions a token may do on them',
  usage: 'slipway scope-map create -n NAME --repository REPO ACTION... [--repository REPO ACTION...] [--description TEXT]',
  flags: { ...NAME_FLAG, repository: { type: 'string', description: `A repository or pattern (team/*, *) followed by actions: ${ACTIONS}` }, description: { type: 'string', description: 'At most 256 characters' }, ...COMMON_FLAGS },
  examples: ['slipway scope-map create -n team-push --repository team/* content/read content/write --description "CI of the team"'],
});
export const scopeMapListCommand = command('list', { summary: 'List scope maps', usage: 'slipway scope-map list [-o FORMAT]', flags: { ...COMMON_FLAGS } });
export const scopeMapShowCommand = command('show', { summary: 'Show a scope map', usage: 'slipway scope-map show -n NAME', flags: { ...NAME_FLAG, ...COMMON_FLAGS } });
export const scopeMapUpdateCommand = command('update', {
  summary: "Add or remove a scope map's actions (case-insensitively), or change its description",
  usage: 'slipway scope-map update -n NAME [--add-repository REPO ACTION...] [--remove-repository REPO ACTION...] [--description TEXT]',
  flags: {
    ...NAME_FLAG,
    'add-repository': { type: 'string', description: 'A repository or pattern followed by actions to add' },
    'remove-repository': { type: 'string', description: 'A repository or pattern followed by actions to remove' },
    description: { type: 'string', description: 'At most 256 characters' },
    ...COMMON_FLAGS,
  },
  examples: ['slipway scope-map update -n team-push --add-repository team/* content/delete'],
});
export const scopeMapDeleteCommand = command('delete', { summary: 'Delete a scope map no token uses', usage: 'slipway scope-map delete -n NAME', flags: { ...NAME_FLAG, ...COMMON_FLAGS } });
