import type { CommandInput, CommandSpec } from '../../command.js';
import { flagBool } from '../../command.js';
import { withClient, type ClientContext } from '../../client/client-context.js';
import { formatOutput, type FormatOptions } from '../../output/format.js';
import { ExitCode, usageError } from '../../run-cli.js';
import { COMMON_FLAGS, LISTING_FLAGS, parseFormat, parseTop } from '../repository/repository-options.js';
import { WebhookApi } from './webhook-client.js';
import { DEFINITION_FLAGS, WEBHOOK_FLAGS, formatDeliveries, formatWebhooks, parseCreateRequest, parseUpdateRequest, requiredName } from './webhook-options.js';

/**
 * `webhook create|list|show|update|delete|ping|list-events|get-config` (az acr webhook …),
 * plus `audit list`. docs/webhooks.md describes delivery, signatures and scopes.
 */

type Verb = 'create' | 'list' | 'show' | 'update' | 'delete' | 'ping' | 'list-events' | 'get-config';

export interface WebhookOptions {
  readonly verb: Verb;
  readonly input: CommandInput;
  readonly format: FormatOptions;
}

async function confirmDelete(name: string, input: CommandInput, ctx: ClientContext): Promise<boolean> {
  if (flagBool(input, 'yes')) return true;
  if (!ctx.stdin.isTty) throw usageError('refusing to delete without confirmation: stdin is not a terminal, pass --yes');
  const answer = await ctx.stdin.prompt(`Are you sure you want to delete the webhook '${name}'? (y/N): `);
  return /^y(es)?$/i.test(answer.trim());
}

/** Parses before any request, so a usage error never reaches the server. */
export async function runWebhook(options: WebhookOptions, ctx: ClientContext): Promise<number> {
  const { verb, input, format } = options;
  const api = WebhookApi.from(ctx.client);
  const out = (text: string): void => ctx.io.out(text);
  if (verb === 'list') {
    out(formatWebhooks((await api.list(ctx.signal)).webhooks, format, true));
    return ExitCode.ok;
  }
  if (verb === 'create') {
    const created = await api.create(parseCreateRequest(input), ctx.signal);
    if (ctx.io.isTty) ctx.io.err('The signing secret is shown this once: keep it where the receiver can read it.');
    out(formatOutput(created, format));
    return ExitCode.ok;
  }
  const name = requiredName(input);
  if (verb === 'show') out(formatWebhooks([await api.get(name, ctx.signal)], format, false));
  else if (verb === 'update') out(formatWebhooks([await api.update(name, parseUpdateRequest(input), ctx.signal)], format, false));
  else if (verb === 'ping') out(formatOutput(await api.ping(name, ctx.signal), format));
  else if (verb === 'list-events') out(formatDeliveries(await api.events(name, parseTop(input), ctx.signal), format));
  else if (verb === 'get-config') out(formatOutput(await api.config(name, ctx.signal), format));
  else {
    if (!(await confirmDelete(name, input, ctx))) {
      ctx.io.err('delete cancelled; nothing was changed');
      return ExitCode.cancelled;
    }
    await api.remove(name, ctx.signal);
    if (ctx.io.isTty) ctx.io.err(`Deleted webhook ${name}`);
  }
  return ExitCode.ok;
}

function command(verb: Verb, spec: Omit<CommandSpec, 'path' | 'run'>): CommandSpec {
  return {
    ...spec,
    path: ['webhook', verb],
    async run(input, io) {
      const options: WebhookOptions = { verb, input, format: parseFormat(input) };
      if (verb === 'create') parseCreateRequest(input);
      if (verb === 'update') parseUpdateRequest(input);
      return withClient(input, io, (ctx) => runWebhook(options, ctx));
    },
  };
}

export const webhookCreateCommand = command('create', {
  summary: 'Create a webhook: POSTs for registry events, signed with a secret shown once',
  usage: "slipway webhook create -n NAME --uri URL --actions push delete [--scope 'REPO:*'] [--headers K=V ...] [--status enabled|disabled]",
  flags: { ...WEBHOOK_FLAGS, ...DEFINITION_FLAGS, ...COMMON_FLAGS },
  maxPositionals: 20,
  examples: ["slipway webhook create -n deployhook --uri https://hooks.example.invalid/slipway --actions push delete --scope 'web:*' --headers Authorization='Bearer …'"],
});

export const webhookListCommand = command('list', {
  summary: 'List webhooks with their health and backlog',
  usage: 'slipway webhook list [-o FORMAT] [--query JMESPATH]',
  flags: { ...COMMON_FLAGS },
  examples: ['slipway webhook list -o table'],
});

export const webhookShowCommand = command('show', {
  summary: 'Show a webhook (its URI and header values are secrets: see get-config)',
  usage: 'slipway webhook show -n NAME [-o FORMAT]',
  flags: { ...WEBHOOK_FLAGS, ...COMMON_FLAGS },
  examples: ['slipway webhook show -n deployhook'],
});

export const webhookUpdateCommand = command('update', {
  summary: 'Change a webhook: URI, actions, scope, headers or status',
  usage: "slipway webhook update -n NAME [--uri URL] [--actions A ...] [--scope 'REPO:*'] [--headers K=V ...|{}] [--status enabled|disabled]",
  flags: { ...WEBHOOK_FLAGS, ...DEFINITION_FLAGS, ...COMMON_FLAGS },
  maxPositionals: 20,
  examples: ['slipway webhook update -n deployhook --status disabled', 'slipway webhook update -n deployhook --headers {}'],
});

export const webhookDeleteCommand = command('delete', {
  summary: 'Delete a webhook with its delivery history',
  usage: 'slipway webhook delete -n NAME [--yes]',
  flags: { ...WEBHOOK_FLAGS, yes: { type: 'boolean', short: 'y', description: 'Do not ask for confirmation (required when stdin is not a terminal)' }, ...COMMON_FLAGS },
  examples: ['slipway webhook delete -n deployhook --yes'],
});

export const webhookPingCommand = command('ping', {
  summary: 'Queue a ping event for the webhook; delivered, retried and recorded like any event',
  usage: 'slipway webhook ping -n NAME',
  flags: { ...WEBHOOK_FLAGS, ...COMMON_FLAGS },
  examples: ['slipway webhook ping -n deployhook && slipway webhook list-events -n deployhook --top 1 -o table'],
});

export const webhookListEventsCommand = command('list-events', {
  summary: "List a webhook's delivery attempts, newest first: status code, attempt, response excerpt",
  usage: 'slipway webhook list-events -n NAME [--top N] [-o FORMAT]',
  flags: { ...WEBHOOK_FLAGS, top: LISTING_FLAGS.top, ...COMMON_FLAGS },
  examples: ['slipway webhook list-events -n deployhook --top 20 -o table'],
});

export const webhookGetConfigCommand = command('get-config', {
  summary: "Show a webhook's service URI and custom header names (values are never shown)",
  usage: 'slipway webhook get-config -n NAME',
  flags: { ...WEBHOOK_FLAGS, ...COMMON_FLAGS },
  examples: ['slipway webhook get-config -n deployhook'],
});
