/** GET /api/v1/audit: who changed what, newest first (docs/security.md). */
export interface ApiAuditEvent {
  readonly id: number;
  readonly timestamp: string;
  /** User or token name. */
  readonly actor: string;
  /** `task.create`, `webhook.update`, `task.credential.remove`… */
  readonly action: string;
  readonly target: { readonly kind: string; readonly name: string };
  /** What changed, without secret values. */
  readonly detail: Readonly<Record<string, unknown>>;
}

export interface ApiAuditList {
  readonly events: readonly ApiAuditEvent[];
}
