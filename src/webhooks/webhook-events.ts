import type { RegistryEventRecord } from '../metadata/metadata-store.js';
import { PING_ACTION, type Webhook } from './webhook-model.js';
import { scopeMatches } from './webhook-scope.js';

/** One outbox event as a webhook would get it. */
export interface Deliverable {
  readonly action: string;
  /** `repo:tag`, `repo@digest`, or '' for a ping. */
  readonly image: string;
  /** The body, exactly as posted and signed: the outbox payload (ACR's shape). */
  readonly body: string;
}

interface Payload {
  readonly target?: { readonly repository?: unknown; readonly tag?: unknown; readonly digest?: unknown };
  readonly webhook?: unknown;
}

function parse(text: string): Payload | undefined {
  try {
    return JSON.parse(text) as Payload;
  } catch {
    return undefined;
  }
}

/**
 * What `webhook` gets for `event`, or undefined when it gets nothing: an action it did not ask
 * for, an image outside its scope, an untag (ACR fires no webhook for it), a ping for another
 * webhook. A ping for this webhook is always delivered.
 */
export function deliverableFor(webhook: Pick<Webhook, 'name' | 'actions' | 'scope'>, event: Pick<RegistryEventRecord, 'action' | 'payload'>): Deliverable | undefined {
  const payload = parse(event.payload);
  if (payload === undefined) return undefined;
  if (event.action === PING_ACTION) return payload.webhook === webhook.name ? { action: PING_ACTION, image: '', body: event.payload } : undefined;
  if (!(webhook.actions as readonly string[]).includes(event.action)) return undefined;
  const { repository, tag, digest } = payload.target ?? {};
  if (typeof repository !== 'string') return undefined;
  const hasTag = typeof tag === 'string';
  if (!scopeMatches(webhook.scope, hasTag ? { repository, tag } : { repository })) return undefined;
  const image = hasTag ? `${repository}:${tag}` : typeof digest === 'string' ? `${repository}@${digest}` : repository;
  return { action: event.action, image, body: event.payload };
}
