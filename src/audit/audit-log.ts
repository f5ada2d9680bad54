import type { Logger } from 'pino';

/** What a change was made to. */
export interface AuditTarget {
  /** `task`, `webhook`, later `secret`, `token`, `policy`… */
  readonly kind: string;
  readonly name: string;
}

export interface AuditEvent {
  readonly id: number;
  readonly at: string;
  /** The user or token name; '' for the server itself. */
  readonly actor: string;
  /** `<kind>.<verb>`, e.g. `task.create`, `webhook.update`, `task.credential.remove`. */
  readonly action: string;
  readonly target: AuditTarget;
  readonly detail: Readonly<Record<string, unknown>>;
}

/** Where audit events are kept (audit/sql/); append-only. */
export interface AuditStore {
  append(event: Omit<AuditEvent, 'id'>): Promise<void>;
  /** The newest `limit` events, newest first. */
  list(limit: number): Promise<AuditEvent[]>;
}

/** Keys whose values are never written, whatever a caller passes: only that they were set. */
const SECRET_KEY = /secret|passw|token|authorization|credential|apikey|privatekey|^value$|^headers?$|customheaders$|uri$|url$/i;

/** A copy of `detail` with secret-looking values replaced by `"[set]"`, however deep. */
export function scrubDetail(detail: unknown): unknown {
  if (Array.isArray(detail)) return detail.map(scrubDetail);
  if (detail === null || typeof detail !== 'object') return detail;
  return Object.fromEntries(Object.entries(detail as Record<string, unknown>).map(([k, v]) => [k, SECRET_KEY.test(k) ? '[set]' : scrubDetail(v)]));
}

/**
 * Who changed what (docs/security.md). `record` never throws: the change it describes has
 * already been made, so a failure to write the entry is logged as an error rather than turned
 * into a failed request that in fact succeeded.
 */
export class AuditLog {
  constructor(
    private readonly store: AuditStore,
    private readonly logger: Logger,
    private readonly now: () => Date = () => new Date(),
  ) {}

  async record(actor: string, action: string, target: AuditTarget, detail: Readonly<Record<string, unknown>> = {}): Promise<void> {
    const event = { at: this.now().toISOString(), actor, action, target, detail: scrubDetail(detail) as Record<string, unknown> };
    try {
      await this.store.append(event);
    } catch (err) {
      this.logger.error({ err, action, target }, 'audit: cannot record a change');
    }
  }

  list(limit: number): Promise<AuditEvent[]> {
    return this.store.list(limit);
  }
}
