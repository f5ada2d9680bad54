import { randomUUID } from 'node:crypto';
import type { OpContext } from '../../core/context.js';
import type { MetadataStores } from '../../metadata/metadata-store.js';

export const RegistryAction = { push: 'push', delete: 'delete', untag: 'untag' } as const;
export type RegistryAction = (typeof RegistryAction)[keyof typeof RegistryAction];

export interface EventTarget {
  readonly repository: string;
  readonly digest: string;
  readonly mediaType: string;
  readonly size?: number;
  readonly tag?: string;
}

/**
 * Writes one outbox row in ACR's webhook payload shape
 * (`{id, timestamp, action, target, request, actor}`), inside the caller's transaction,
 * so an event exists exactly when its change does.
 */
export async function recordEvent(tx: MetadataStores, ctx: OpContext, action: RegistryAction, target: EventTarget): Promise<void> {
  const id = randomUUID();
  const timestamp = new Date().toISOString();
  const payload = {
    id,
    timestamp,
    action,
    target: {
      mediaType: target.mediaType,
      ...(target.size === undefined ? {} : { size: target.size, length: target.size }),
      digest: target.digest,
      repository: target.repository,
      ...(target.tag === undefined ? {} : { tag: target.tag }),
    },
    ...(ctx.request
      ? { request: { id: ctx.request.id, host: ctx.request.host, method: ctx.request.method, useragent: ctx.request.userAgent } }
      : {}),
    actor: ctx.actor.name === undefined ? {} : { name: ctx.actor.name },
  };
  await tx.events.append({ id, action, repository: target.repository, occurredAt: timestamp, payload: JSON.stringify(payload) });
}
