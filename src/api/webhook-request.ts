import { AppError, Errors } from '../core/errors/index.js';
import { WEBHOOK_ACTIONS, WEBHOOK_NAME, WebhookStatus, type WebhookAction } from '../webhooks/webhook-model.js';
import { isValidScope } from '../webhooks/webhook-scope.js';
import type { NewWebhook, WebhookEdit } from '../webhooks/webhook-service.js';

const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]{1,100}$/;
/** Headers the delivery sets itself, or that would break the request. */
const RESERVED_HEADER = /^(host|content-length|transfer-encoding|connection|x-slipway-.*)$/i;
const MAX_HEADERS = 20;

function invalid(field: string, message: string): AppError {
  return new AppError(Errors.WEBHOOK_INVALID, { message, detail: { field } });
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** http(s) only; a user and password in the URI would be shown by get-config and sent as-is, so they go in a header. */
export function serviceUri(value: unknown): string {
  if (typeof value !== 'string' || value.length > 2048) throw invalid('serviceUri', 'serviceUri must be an http(s) URL of at most 2048 characters');
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw invalid('serviceUri', 'serviceUri is not a URL');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw invalid('serviceUri', `serviceUri must be http or https, not ${url.protocol.replace(/:$/, '')}`);
  if (url.username !== '' || url.password !== '') throw invalid('serviceUri', 'serviceUri must not hold a user or password; send an Authorization custom header instead');
  return url.toString();
}

function actions(value: unknown): WebhookAction[] {
  if (!Array.isArray(value) || value.length === 0) throw invalid('actions', `actions must name at least one of ${WEBHOOK_ACTIONS.join(', ')}`);
  for (const a of value) if (!(WEBHOOK_ACTIONS as readonly unknown[]).includes(a)) throw invalid('actions', `unknown action "${String(a).slice(0, 40)}": use ${WEBHOOK_ACTIONS.join(', ')}`);
  return [...new Set(value as WebhookAction[])];
}

function scope(value: unknown): string {
  if (value === undefined || value === null) return '';
  if (typeof value !== 'string' || !isValidScope(value)) throw invalid('scope', 'scope must be REPO[:TAG] with * wildcards (e.g. "web:*"), "*", or empty');
  return value;
}

function customHeaders(value: unknown): Record<string, string> {
  if (value === undefined || value === null) return {};
  if (!isRecord(value)) throw invalid('customHeaders', 'customHeaders must be an object of header names to values');
  const entries = Object.entries(value);
  if (entries.length > MAX_HEADERS) throw invalid('customHeaders', `at most ${MAX_HEADERS} custom headers`);
  for (const [name, v] of entries) {
    if (!HEADER_NAME.test(name)) throw invalid('customHeaders', `"${name.slice(0, 40)}" is not a valid header name`);
    if (RESERVED_HEADER.test(name)) throw invalid('customHeaders', `the ${name} header is set by Slipway and cannot be a custom header`);
    // The value is never echoed: it may be a credential.
    if (typeof v !== 'string' || v.length > 4096 || /[\r\n\0]/.test(v)) throw invalid('customHeaders', `the value of ${name} must be one line of text`);
  }
  return value as Record<string, string>;
}

function status(value: unknown): WebhookStatus {
  if (value === undefined) return WebhookStatus.enabled;
  if (value !== WebhookStatus.enabled && value !== WebhookStatus.disabled) throw invalid('status', 'status must be enabled or disabled');
  return value;
}

const CREATE_FIELDS = new Set(['name', 'serviceUri', 'actions', 'scope', 'customHeaders', 'status']);

function checkFields(body: Record<string, unknown>, allowed: ReadonlySet<string>): void {
  const unknown = Object.keys(body).find((k) => !allowed.has(k));
  if (unknown !== undefined) throw invalid(unknown, `unknown field "${unknown.slice(0, 40)}"`);
}

export function parseWebhookCreate(body: unknown): NewWebhook {
  if (!isRecord(body)) throw invalid('body', 'the request body must be a JSON object');
  checkFields(body, CREATE_FIELDS);
  if (typeof body.name !== 'string' || !WEBHOOK_NAME.test(body.name)) throw invalid('name', 'name must be 5 to 50 letters and digits');
  return { name: body.name, serviceUri: serviceUri(body.serviceUri), actions: actions(body.actions), scope: scope(body.scope), customHeaders: customHeaders(body.customHeaders), status: status(body.status) };
}

export function parseWebhookUpdate(body: unknown): WebhookEdit {
  if (!isRecord(body)) throw invalid('body', 'the request body must be a JSON object');
  checkFields(body, new Set([...CREATE_FIELDS].filter((f) => f !== 'name')));
  return {
    ...(body.serviceUri === undefined ? {} : { serviceUri: serviceUri(body.serviceUri) }),
    ...(body.actions === undefined ? {} : { actions: actions(body.actions) }),
    ...(body.scope === undefined ? {} : { scope: scope(body.scope) }),
    ...(body.customHeaders === undefined ? {} : { customHeaders: customHeaders(body.customHeaders) }),
    ...(body.status === undefined ? {} : { status: status(body.status) }),
  };
}
