import type { FastifyRequest } from 'fastify';
import type { AuthService } from '../auth/auth-service.js';
import type { AccessEntry } from '../auth/scope.js';
import type { OpContext } from '../core/context.js';
import { authorize } from './api-plugin.js';
import { ApiAccess } from '../auth/roles.js';

/** What the webhook and audit routes ask for. */
export type AdminPermission = 'webhooks.read' | 'webhooks.write' | 'audit.read';

/**
 * Owner only (`api:access`): a webhook sees every repository's events and the audit log every
 * change (docs/access.md).
 */
const NEEDED: Record<AdminPermission, AccessEntry> = {
  'webhooks.read': ApiAccess.accessRead,
  'webhooks.write': ApiAccess.accessWrite,
  'audit.read': ApiAccess.accessRead,
};

export function authorizeAdmin(request: FastifyRequest, auth: AuthService, permission: AdminPermission): Promise<OpContext> {
  return authorize(request, auth, NEEDED[permission]);
}
