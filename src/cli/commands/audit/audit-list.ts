import type { ApiAuditList } from '../../../api/contract/audit.js';
import type { CommandSpec } from '../../command.js';
import { withClient, type ClientContext } from '../../client/client-context.js';
import { formatOutput, type FormatOptions } from '../../output/format.js';
import { ExitCode } from '../../run-cli.js';
import { COMMON_FLAGS, LISTING_FLAGS, parseFormat, parseTop } from '../repository/repository-options.js';
import { WebhookApi } from '../webhook/webhook-client.js';

export function formatAudit(list: ApiAuditList, format: FormatOptions): string {
  if (format.output !== 'table' || format.query !== undefined) return formatOutput(list.events, format);
  return formatOutput(list.events.map((e) => ({ timestamp: e.timestamp, actor: e.actor, action: e.action, target: `${e.target.kind}/${e.target.name}` })), format);
}

export async function runAuditList(options: { top: number | undefined; format: FormatOptions }, ctx: ClientContext): Promise<number> {
  ctx.io.out(formatAudit(await WebhookApi.from(ctx.client).audit(options.top, ctx.signal), options.format));
  return ExitCode.ok;
}

export const auditListCommand: CommandSpec = {
  path: ['audit', 'list'],
  summary: 'List who changed what (tasks, webhooks…), newest first; owners only',
  usage: 'slipway audit list [--top N] [-o FORMAT] [--query JMESPATH]',
  flags: { top: LISTING_FLAGS.top, ...COMMON_FLAGS },
  examples: ['slipway audit list --top 50 -o table'],
  async run(input, io) {
    const options = { top: parseTop(input), format: parseFormat(input) };
    return withClient(input, io, (ctx) => runAuditList(options, ctx));
  },
};
