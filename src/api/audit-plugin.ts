import type { FastifyInstance } from 'fastify';
import { AppError, Errors } from '../core/errors/index.js';
import type { AuthService } from '../auth/auth-service.js';
import type { AuditLog } from '../audit/audit-log.js';
import { sendError } from './api-plugin.js';
import { authorizeAdmin } from './admin-access.js';
import type { ApiAuditList } from './contract/audit.js';

export interface AuditPluginOptions {
  readonly auth: AuthService;
  readonly log: AuditLog;
}

/** GET /audit?top=N: the newest changes first, for owners (admin stand-in scope, src/api/admin-access.ts). */
export async function auditPlugin(app: FastifyInstance, { auth, log }: AuditPluginOptions): Promise<void> {
  app.setErrorHandler((err, request, reply) => sendError(err, request, reply));
  app.get('/audit', async (request): Promise<ApiAuditList> => {
    await authorizeAdmin(request, auth, 'audit.read');
    const text = (request.query as { top?: string }).top ?? '100';
    if (!/^\d+$/.test(text) || Number(text) < 1) throw new AppError(Errors.REQUEST_INVALID, { message: 'top must be a positive whole number', detail: { top: text.slice(0, 20) } });
    const events = await log.list(Math.min(Number(text), 10_000));
    return { events: events.map((e) => ({ id: e.id, timestamp: e.at, actor: e.actor, action: e.action, target: e.target, detail: e.detail })) };
  });
}
