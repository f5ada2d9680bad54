import type { FastifyInstance, FastifyRequest } from 'fastify';
import { AppError, Errors } from '../core/errors/index.js';
import type { AccessTokenRecord, ScopeMapRecord } from '../metadata/metadata-store.js';
import type { AuthService } from '../auth/auth-service.js';
import { PASSWORD_NAMES, type AccessService, type NewPassword, type PasswordName, type UserView } from '../auth/access-service.js';
import { ApiAccess } from '../auth/roles.js';
import { authorize, sendError } from './api-plugin.js';
import type { ApiScopeMap, ApiToken, ApiUser, ApiUserWithPassword } from './contract/access.js';
import { registerApiTokenRoutes } from './api-token-routes.js';

export interface AccessPluginOptions {
  readonly auth: AuthService;
  readonly access: AccessService;
}

type Body = Record<string, unknown>;

function invalid(field: string, message: string): AppError {
  return new AppError(Errors.ACCESS_INVALID, { message, detail: { field } });
}

function body(request: FastifyRequest): Body {
  const b = request.body;
  if (b === undefined || b === null) return {};
  if (typeof b !== 'object' || Array.isArray(b)) throw invalid('body', 'the body must be a JSON object');
  return b as Body;
}

function str(b: Body, field: string): string | undefined {
  const v = b[field];
  if (v === undefined) return undefined;
  if (typeof v !== 'string') throw invalid(field, `${field} must be a string`);
  return v;
}

function required(b: Body, field: string): string {
  const v = str(b, field);
  if (v === undefined || v === '') throw invalid(field, `${field} is required`);
  return v;
}

function list(b: Body, field: string): string[] | undefined {
  const v = b[field];
  if (v === undefined) return undefined;
  if (!Array.isArray(v) || v.some((x) => typeof x !== 'string')) throw invalid(field, `${field} must be a list of strings`);
  return v as string[];
}

function nullable(b: Body, field: string): string | null | undefined {
  return b[field] === null ? null : str(b, field);
}

function status(b: Body): 'enabled' | 'disabled' | undefined {
  const v = str(b, 'status')?.toLowerCase();
  if (v !== undefined && v !== 'enabled' && v !== 'disabled') throw invalid('status', 'status must be enabled or disabled');
  return v;
}

function passwordName(b: Body): PasswordName | undefined {
  const v = str(b, 'name');
  if (v !== undefined && !(PASSWORD_NAMES as readonly string[]).includes(v)) throw invalid('name', 'name must be password1 or password2');
  return v as PasswordName | undefined;
}

const param = (request: FastifyRequest): string => (request.params as { name: string }).name;

function userView(u: UserView): ApiUser {
  return { name: u.name, roles: u.roles, isBuiltIn: u.isAdmin, createdAt: u.createdAt };
}

function scopeMapView(m: ScopeMapRecord): ApiScopeMap {
  return { name: m.name, description: m.description, actions: m.actions, createdAt: m.createdAt, updatedAt: m.updatedAt };
}

/** ACR's token shape; `fresh` adds the values of passwords made by this request. */
export function tokenView(t: AccessTokenRecord, fresh: readonly NewPassword[] = []): ApiToken {
  const passwords = PASSWORD_NAMES.flatMap((name) => {
    const slot = t[name];
    if (!slot) return [];
    const value = fresh.find((p) => p.name === name)?.value;
    return [{ name, creationTime: slot.createdAt, expiry: slot.expiry, ...(value === undefined ? {} : { value }) }];
  });
  return { name: t.name, scopeMap: t.scopeMap, status: t.status, creationDate: t.createdAt, lastUsed: t.lastUsedAt, credentials: { passwords } };
}

function withPassword(result: { user: UserView; password?: string }): ApiUserWithPassword {
  return { ...userView(result.user), ...(result.password === undefined ? {} : { password: result.password }) };
}

/** Users and roles, scope maps and repository tokens (src/api/contract/access.ts); Owner only, but a user's own API tokens. */
export async function accessPlugin(app: FastifyInstance, { auth, access }: AccessPluginOptions): Promise<void> {
  app.setErrorHandler((err, request, reply) => sendError(err, request, reply));
  const read = (request: FastifyRequest): Promise<unknown> => authorize(request, auth, ApiAccess.accessRead);
  const write = (request: FastifyRequest): Promise<unknown> => authorize(request, auth, ApiAccess.accessWrite);

  app.get('/users', async (request) => (await read(request), { users: (await access.listUsers()).map(userView) }));
  app.get('/users/:name', async (request) => (await read(request), userView(await access.getUser(param(request)))));
  app.post('/users', async (request, reply) => {
    await write(request);
    const b = body(request);
    const password = str(b, 'password');
    const roles = list(b, 'roles');
    const created = await access.createUser({ name: required(b, 'name'), ...(password === undefined ? {} : { password }), ...(roles === undefined ? {} : { roles }) });
    return reply.code(201).send(withPassword(created));
  });
  app.patch('/users/:name', async (request) => {
    await write(request);
    const b = body(request);
    const [roles, password] = [list(b, 'roles'), str(b, 'password')];
    return withPassword(await access.updateUser(param(request), { ...(roles === undefined ? {} : { roles }), ...(password === undefined ? {} : { password }), generatePassword: b.generatePassword === true }));
  });
  app.delete('/users/:name', async (request, reply) => {
    await write(request);
    await access.deleteUser(param(request));
    return reply.code(204).send();
  });
  registerScopeMapRoutes(app, { read, write, access });
  registerTokenRoutes(app, { read, write, access });
  registerApiTokenRoutes(app, { auth, access });
}

interface RouteDeps {
  readonly read: (request: FastifyRequest) => Promise<unknown>;
  readonly write: (request: FastifyRequest) => Promise<unknown>;
  readonly access: AccessService;
}

function registerScopeMapRoutes(app: FastifyInstance, { read, write, access }: RouteDeps): void {
  app.get('/scope-maps', async (request) => (await read(request), { scopeMaps: (await access.listScopeMaps()).map(scopeMapView) }));
  app.get('/scope-maps/:name', async (request) => (await read(request), scopeMapView(await access.getScopeMap(param(request)))));
  app.post('/scope-maps', async (request, reply) => {
    await write(request);
    const b = body(request);
    const description = str(b, 'description');
    const map = await access.createScopeMap({ name: required(b, 'name'), actions: list(b, 'actions') ?? [], ...(description === undefined ? {} : { description }) });
    return reply.code(201).send(scopeMapView(map));
  });
  app.patch('/scope-maps/:name', async (request) => {
    await write(request);
    const b = body(request);
    const [description, add, remove] = [str(b, 'description'), list(b, 'addActions'), list(b, 'removeActions')];
    return scopeMapView(await access.updateScopeMap(param(request), { ...(description === undefined ? {} : { description }), ...(add ? { add } : {}), ...(remove ? { remove } : {}) }));
  });
  app.delete('/scope-maps/:name', async (request, reply) => {
    await write(request);
    await access.deleteScopeMap(param(request));
    return reply.code(204).send();
  });
}

function registerTokenRoutes(app: FastifyInstance, { read, write, access }: RouteDeps): void {
  app.get('/tokens', async (request) => (await read(request), { tokens: (await access.listTokens()).map((t) => tokenView(t)) }));
  app.get('/tokens/:name', async (request) => (await read(request), tokenView(await access.getToken(param(request)))));
  app.post('/tokens', async (request, reply) => {
    await write(request);
    const b = body(request);
    const [scopeMap, actions, st, expiry] = [str(b, 'scopeMap'), list(b, 'actions'), status(b), nullable(b, 'expiry')];
    const created = await access.createToken({
      name: required(b, 'name'),
      ...(scopeMap === undefined ? {} : { scopeMap }),
      ...(actions === undefined ? {} : { actions }),
      ...(st === undefined ? {} : { status: st }),
      ...(expiry === undefined ? {} : { expiry }),
      hasPasswords: b.noPasswords !== true,
    });
    return reply.code(201).send(tokenView(created.token, created.passwords));
  });
  app.patch('/tokens/:name', async (request) => {
    await write(request);
    const b = body(request);
    const [scopeMap, st] = [nullable(b, 'scopeMap'), status(b)];
    return tokenView(await access.updateToken(param(request), { ...(scopeMap === undefined ? {} : { scopeMap }), ...(st === undefined ? {} : { status: st }) }));
  });
  app.delete('/tokens/:name', async (request, reply) => {
    await write(request);
    await access.deleteToken(param(request));
    return reply.code(204).send();
  });
  app.post('/tokens/:name/generate-password', async (request) => {
    await write(request);
    const b = body(request);
    const [which, expiry] = [passwordName(b), nullable(b, 'expiry')];
    const result = await access.generatePasswords(param(request), { ...(which === undefined ? {} : { which }), ...(expiry === undefined ? {} : { expiry }) });
    return tokenView(result.token, result.passwords);
  });
}
