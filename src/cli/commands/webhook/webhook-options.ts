import type { ApiWebhook, ApiWebhookAction, ApiWebhookCreateRequest, ApiWebhookDeliveryList, ApiWebhookStatus, ApiWebhookUpdateRequest } from '../../../api/contract/webhooks.js';
import type { CommandInput } from '../../command.js';
import { flagString } from '../../command.js';
import { formatOutput, type FormatOptions } from '../../output/format.js';
import { usageError } from '../../run-cli.js';

export const ACTIONS: readonly ApiWebhookAction[] = ['push', 'delete', 'quarantine', 'chart_push', 'chart_delete'];

export const WEBHOOK_FLAGS = {
  name: { type: 'string', short: 'n', description: 'The webhook name: 5-50 letters and digits (required)' },
} as const;

export const DEFINITION_FLAGS = {
  uri: { type: 'string', description: 'The service URI that receives the POSTs, http(s) (required for create)' },
  actions: { type: 'string', multiple: true, description: 'Actions: push delete quarantine chart_push chart_delete, space- or comma-separated (required for create)' },
  scope: { type: 'string', description: 'REPO:TAG, REPO:* or REPO (= REPO:latest), * as a wildcard; empty: every event' },
  headers: { type: 'string', multiple: true, description: 'Custom headers KEY=VALUE, space-separated ("{}" clears them on update); stored apart, never shown' },
  status: { type: 'string', description: 'enabled (default) or disabled' },
} as const;

export function requiredName(input: CommandInput): string {
  const name = flagString(input, 'name');
  if (name === undefined || name === '') throw usageError('--name is required');
  return name;
}

/** List flags, plus positionals (az's `--actions push delete`, `--headers a=b c=d`): VALUE=… is a header, else an action. */
function listValues(input: CommandInput, flag: string): string[] | undefined {
  const raw = input.flags[flag];
  if (raw === undefined) return undefined;
  const given = (Array.isArray(raw) ? raw : [String(raw)]).flatMap((v) => (flag === 'actions' ? v.split(',') : [v]));
  const extra = input.positionals.filter((p) => (flag === 'headers' ? p.includes('=') || p === '{}' : !p.includes('=') && p !== '{}'));
  return [...given, ...extra].map((v) => v.trim()).filter((v) => v !== '');
}

function actions(input: CommandInput): ApiWebhookAction[] | undefined {
  const values = listValues(input, 'actions');
  if (values === undefined) return undefined;
  const unknown = values.find((v) => !(ACTIONS as readonly string[]).includes(v));
  if (unknown !== undefined) throw usageError(`unknown action "${unknown}": use ${ACTIONS.join(', ')}`);
  if (values.length === 0) throw usageError('--actions needs at least one action');
  return values as ApiWebhookAction[];
}

function headers(input: CommandInput): Record<string, string> | undefined {
  const values = listValues(input, 'headers');
  if (values === undefined) return undefined;
  const result: Record<string, string> = {};
  for (const v of values) {
    if (v === '{}') continue;
    const eq = v.indexOf('=');
    // The value may be a credential: never echo it.
    if (eq <= 0) throw usageError(`--headers takes KEY=VALUE, got a value without "=" for "${v.slice(0, Math.max(0, eq)) || 'a header'}"`);
    result[v.slice(0, eq)] = v.slice(eq + 1);
  }
  return result;
}

function status(input: CommandInput): ApiWebhookStatus | undefined {
  const value = flagString(input, 'status');
  if (value === undefined) return undefined;
  if (value !== 'enabled' && value !== 'disabled') throw usageError(`--status must be enabled or disabled, not "${value}"`);
  return value;
}

function checkPositionals(input: CommandInput): void {
  if (input.positionals.length > 0 && input.flags.actions === undefined && input.flags.headers === undefined) throw usageError(`unexpected argument "${input.positionals[0]}"`);
}

export function parseCreateRequest(input: CommandInput): ApiWebhookCreateRequest {
  checkPositionals(input);
  const serviceUri = flagString(input, 'uri');
  if (serviceUri === undefined) throw usageError('--uri is required');
  const acts = actions(input);
  if (acts === undefined) throw usageError(`--actions is required: ${ACTIONS.join(', ')}`);
  const scope = flagString(input, 'scope');
  const hdrs = headers(input);
  const st = status(input);
  return { name: requiredName(input), serviceUri, actions: acts, ...(scope === undefined ? {} : { scope }), ...(hdrs === undefined ? {} : { customHeaders: hdrs }), ...(st === undefined ? {} : { status: st }) };
}

export function parseUpdateRequest(input: CommandInput): ApiWebhookUpdateRequest {
  checkPositionals(input);
  const serviceUri = flagString(input, 'uri');
  const acts = actions(input);
  const scope = flagString(input, 'scope');
  const hdrs = headers(input);
  const st = status(input);
  const request = { ...(serviceUri === undefined ? {} : { serviceUri }), ...(acts === undefined ? {} : { actions: acts }), ...(scope === undefined ? {} : { scope }), ...(hdrs === undefined ? {} : { customHeaders: hdrs }), ...(st === undefined ? {} : { status: st }) };
  if (Object.keys(request).length === 0) throw usageError('nothing to update: pass --uri, --actions, --scope, --headers or --status');
  return request;
}

/** az's table: NAME, ACTIONS, SCOPE, STATUS, plus Slipway's health and backlog. */
export function formatWebhooks(webhooks: readonly ApiWebhook[], format: FormatOptions, isList: boolean): string {
  if (format.output !== 'table' || format.query !== undefined) return formatOutput(isList ? webhooks : webhooks[0], format);
  const rows = webhooks.map((w) => ({ name: w.name, actions: w.actions.join(', '), scope: w.scope, status: w.status, health: w.health.state, backlog: w.backlog }));
  return formatOutput(rows, format);
}

/** az's list-events table: ID, ACTION, IMAGE, HTTP STATUS, TIMESTAMP, plus the attempt. */
export function formatDeliveries(list: ApiWebhookDeliveryList, format: FormatOptions): string {
  if (format.output !== 'table' || format.query !== undefined) return formatOutput(list.deliveries, format);
  const rows = list.deliveries.map((d) => ({ id: d.eventId, action: d.action, image: d.image, attempt: d.attempt, httpStatus: d.statusCode === null ? (d.error ?? 'no response') : String(d.statusCode), timestamp: d.timestamp }));
  return formatOutput(rows, format);
}
