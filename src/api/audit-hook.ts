import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { AuditRecorder } from './audit-recorder.js';

/** A route of the vault or access APIs, the audit action its success records, and how to name its target. */
interface Audited {
  readonly action: string;
  readonly kind: string;
  /** The target's name: from a path parameter, or from the created object's body field. */
  readonly name: (request: FastifyRequest) => string;
}

const param = (key: string) => (request: FastifyRequest): string => String((request.params as Record<string, unknown>)[key] ?? '');
const bodyName = (key: string) => (request: FastifyRequest): string => String((request.body as Record<string, unknown> | null)?.[key] ?? '');
const secretPath = (request: FastifyRequest): string => `${param('vault')(request)}/${param('secret')(request)}`;
const policyPath = (request: FastifyRequest): string => `${param('vault')(request)}/${param('identity')(request)}`;

/** `METHOD route` → what its success means. Tasks and webhooks record their own entries. */
const ROUTES: Readonly<Record<string, Audited>> = {
  'POST /api/v1/vaults': { action: 'vault.create', kind: 'vault', name: bodyName('name') },
  'DELETE /api/v1/vaults/:vault': { action: 'vault.delete', kind: 'vault', name: param('vault') },
  'PUT /api/v1/vaults/:vault/secrets/:secret': { action: 'secret.set', kind: 'secret', name: secretPath },
  'DELETE /api/v1/vaults/:vault/secrets/:secret': { action: 'secret.delete', kind: 'secret', name: secretPath },
  'PUT /api/v1/vaults/:vault/policies/:identity': { action: 'policy.set', kind: 'policy', name: policyPath },
  'DELETE /api/v1/vaults/:vault/policies/:identity': { action: 'policy.delete', kind: 'policy', name: policyPath },
  'POST /api/v1/identities': { action: 'identity.create', kind: 'identity', name: bodyName('name') },
  'DELETE /api/v1/identities/:identity': { action: 'identity.delete', kind: 'identity', name: param('identity') },
  'POST /api/v1/users': { action: 'user.create', kind: 'user', name: bodyName('name') },
  'PATCH /api/v1/users/:name': { action: 'user.update', kind: 'user', name: param('name') },
  'DELETE /api/v1/users/:name': { action: 'user.delete', kind: 'user', name: param('name') },
  'POST /api/v1/scope-maps': { action: 'scope-map.create', kind: 'scope-map', name: bodyName('name') },
  'PATCH /api/v1/scope-maps/:name': { action: 'scope-map.update', kind: 'scope-map', name: param('name') },
  'DELETE /api/v1/scope-maps/:name': { action: 'scope-map.delete', kind: 'scope-map', name: param('name') },
  'POST /api/v1/tokens': { action: 'token.create', kind: 'token', name: bodyName('name') },
  'PATCH /api/v1/tokens/:name': { action: 'token.update', kind: 'token', name: param('name') },
  'DELETE /api/v1/tokens/:name': { action: 'token.delete', kind: 'token', name: param('name') },
  'POST /api/v1/users/:name/api-tokens': { action: 'api-token.create', kind: 'api-token', name: (r) => `${param('name')(r)}/${bodyName('name')(r)}` },
  'DELETE /api/v1/users/:name/api-tokens/:token': { action: 'api-token.delete', kind: 'api-token', name: (r) => `${param('name')(r)}/${param('token')(r)}` },
  'POST /api/v1/tokens/:name/generate-password': { action: 'token.generate-password', kind: 'token', name: param('name') },
};

/** Reading a secret's value is worth an entry too. */
const REVEAL = 'GET /api/v1/vaults/:vault/secrets/:secret';

/**
 * Records every successful change to secrets, identities, policies, users, scope maps and tokens
 * (and every revealed secret value) in the audit log, from one response hook: the route, the
 * actor, the target's name; never a body (values and passwords stay out). `recorder` is read at
 * request time: the audit log is wired after the routes it watches.
 */
export function attachAccessAudit(app: FastifyInstance, recorder: () => AuditRecorder | undefined): void {
  // Added before the plugins whose routes it watches (a hook applies to routes registered after it).
  // onSend, not onResponse: the entry is written before the client hears the answer, so a
  // change a client saw succeed is always in the log, in order.
  app.addHook('onSend', async (request, reply, payload) => {
    const audit = recorder();
    if (audit === undefined || reply.statusCode < 200 || reply.statusCode > 299) return payload;
    const key = `${request.method} ${request.routeOptions.url ?? ''}`;
    const isReveal = key === REVEAL && (request.query as { reveal?: string }).reveal === 'true';
    const route = isReveal ? { action: 'secret.reveal', kind: 'secret', name: secretPath } : ROUTES[key];
    if (route !== undefined) await audit.record(request, route.action, { kind: route.kind, name: route.name(request) }).catch((err: unknown) => request.log.error({ err }, 'audit: cannot record'));
    return payload;
  });
}
