import type { FastifyRequest } from 'fastify';
import type { AuthService } from '../auth/auth-service.js';
import type { AccessEntry } from '../auth/scope.js';
import type { OpContext } from '../core/context.js';
import { authorize } from './api-plugin.js';

/** What the webhook and audit routes ask for. */
export type AdminPermission = 'webhooks.read' | 'webhooks.write' | 'audit.read';

/**
 * Stand-in scopes until roles land (src/auth/): all three need `registry:catalog:*`, which only
 * admins hold (or a token granted it). A webhook sees every repository's events and the audit
 * log every change, so repository push rights are not enough for either. Switching to roles
 * means changing this table only.
 */
const NEEDED: Record<AdminPermission, AccessEntry> = {
  'webhooks.read': { type: 'registry', name: 'catalog', actions: ['*'] },
  'webhooks.write': { type: 'registry', name: 'catalog', actions: ['*'] },
  'audit.read': { type: 'registry', name: 'catalog', actions: ['*'] },
};

export function authorizeAdmin(request: FastifyRequest, auth: AuthService, permission: AdminPermission): Promise<OpContext> {
  return authorize(request, auth, NEEDED[permission]);
}
