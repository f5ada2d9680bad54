import type { FastifyRequest } from 'fastify';
import type { AuthService } from '../auth/auth-service.js';
import type { AuditLog, AuditTarget } from '../audit/audit-log.js';

/**
 * The audit API route handlers call, one line after a change succeeded:
 * `await options.audit?.record(request, 'task.create', { kind: 'task', name })`. The actor is the
 * request's authenticated principal; the detail must not hold secret values (they are scrubbed
 * by key name as a second line of defence).
 */
export interface AuditRecorder {
  record(request: FastifyRequest, action: string, target: AuditTarget, detail?: Readonly<Record<string, unknown>>): Promise<void>;
}

export function createAuditRecorder(auth: AuthService, log: AuditLog): AuditRecorder {
  return {
    async record(request, action, target, detail = {}) {
      const principal = await auth.principal(request.headers.authorization).catch(() => 'invalid' as const);
      const actor = principal === 'invalid' || principal.kind === 'anonymous' ? '' : principal.name;
      await log.record(actor, action, target, detail);
    },
  };
}

/**
 * Awaits `change`, then records it (only when it succeeded) and returns its result, so a route
 * can audit in the one line that makes the change:
 * `return view(await audited(options.audit, request, 'task.update', { kind: 'task', name }, store.update(…)))`.
 */
export async function audited<T>(
  audit: AuditRecorder | undefined,
  request: FastifyRequest,
  what: { readonly action: string; readonly target: AuditTarget; readonly detail?: Readonly<Record<string, unknown>> },
  change: Promise<T>,
): Promise<T> {
  const result = await change;
  await audit?.record(request, what.action, what.target, what.detail);
  return result;
}
