import type { FastifyInstance, FastifyRequest } from 'fastify';
import { AppError, Errors } from '../core/errors/index.js';
import type { UserApiTokenRecord } from '../metadata/metadata-store.js';
import type { AuthService, Principal } from '../auth/auth-service.js';
import type { AccessService } from '../auth/access-service.js';
import { ApiAccess } from '../auth/roles.js';
import type { AccessEntry } from '../auth/scope.js';
import type { ApiUserApiToken } from './contract/access.js';

export interface ApiTokenRouteDeps {
  readonly auth: AuthService;
  readonly access: AccessService;
}

type Body = Record<string, unknown>;

function invalid(field: string, message: string): AppError {
  return new AppError(Errors.ACCESS_INVALID, { message, detail: { field } });
}

function body(request: FastifyRequest): Body {
  const b = request.body ?? {};
  if (typeof b !== 'object' || Array.isArray(b)) throw invalid('body', 'the body must be a JSON object');
  return b as Body;
}

function name(b: Body): string {
  if (typeof b.name !== 'string' || b.name === '') throw invalid('name', 'name is required');
  return b.name;
}

function roles(b: Body): string[] | undefined {
  if (b.roles === undefined) return undefined;
  if (!Array.isArray(b.roles) || b.roles.some((r) => typeof r !== 'string')) throw invalid('roles', 'roles must be a list of strings');
  return b.roles as string[];
}

function expiresAt(b: Body): string | null | undefined {
  if (b.expiresAt === undefined || b.expiresAt === null) return b.expiresAt;
  if (typeof b.expiresAt !== 'string') throw invalid('expiresAt', 'expiresAt must be an ISO time or null');
  return b.expiresAt;
}

export function apiTokenView(t: UserApiTokenRecord, secret?: string): ApiUserApiToken {
  return { name: t.name, user: t.user, roles: t.roles, createdAt: t.createdAt, expiresAt: t.expiresAt, lastUsedAt: t.lastUsedAt, ...(secret === undefined ? {} : { secret }) };
}

const params = (request: FastifyRequest): { name: string; token: string } => request.params as { name: string; token: string };

/** The user themself (signed in as that user, by password or API token) or an Owner (`needed`). */
async function selfOrOwner(request: FastifyRequest, auth: AuthService, needed: AccessEntry): Promise<Principal> {
  const principal = await auth.principal(request.headers.authorization);
  if (principal === 'invalid' || principal.kind === 'anonymous') throw new AppError(Errors.AUTH_REQUIRED);
  const isSelf = principal.kind === 'user' && principal.name === params(request).name;
  if (!isSelf && !auth.permits(principal, needed)) throw new AppError(Errors.AUTH_DENIED, { detail: { needed: 'the user or Owner' } });
  return principal;
}

/** `/users/:name/api-tokens`: a user's personal API tokens (docs/access.md). */
export function registerApiTokenRoutes(app: FastifyInstance, { auth, access }: ApiTokenRouteDeps): void {
  app.get('/users/:name/api-tokens', async (request) => {
    await selfOrOwner(request, auth, ApiAccess.accessRead);
    return { apiTokens: (await access.listApiTokens(params(request).name)).map((t) => apiTokenView(t)) };
  });
  app.post('/users/:name/api-tokens', async (request, reply) => {
    const caller = await selfOrOwner(request, auth, ApiAccess.accessWrite);
    const b = body(request);
    const [wanted, expiry] = [roles(b), expiresAt(b)];
    // A caller acting through an API token makes tokens no wider than its own.
    const cap = caller.kind === 'user' && caller.apiToken ? { cap: caller.roles ?? [] } : {};
    const created = await access.createApiToken({ user: params(request).name, name: name(b), ...(wanted === undefined ? {} : { roles: wanted }), ...(expiry === undefined ? {} : { expiresAt: expiry }), ...cap });
    return reply.code(201).send(apiTokenView(created.token, created.secret));
  });
  app.delete('/users/:name/api-tokens/:token', async (request, reply) => {
    await selfOrOwner(request, auth, ApiAccess.accessWrite);
    await access.deleteApiToken(params(request).name, params(request).token);
    return reply.code(204).send();
  });
}
