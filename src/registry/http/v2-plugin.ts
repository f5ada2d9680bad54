import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AppError, isAppError, isStoreError } from '../../core/errors/index.js';
import type { OpContext } from '../../core/context.js';
import type { AuthService, Principal } from '../../auth/auth-service.js';
import { Action, formatScope, type AccessEntry } from '../../auth/scope.js';
import { requestAbortSignal, baseUrl } from '../../app/http-support.js';
import type { Registry } from '../registry.js';
import type { PullThroughCache } from '../proxy/pull-through-cache.js';
import { OciErrors } from './oci-errors.js';
import { ROUTE_METHODS, RouteKind, hasDotSegment, matchRoute, type RouteMatch } from './route-table.js';
import { repoName } from './request-parsing.js';
import * as h from './v2-handlers.js';

export interface V2PluginOptions {
  readonly registry: Registry;
  readonly auth: AuthService;
  readonly manifestMaxBytes: number;
  readonly defaultPageSize: number;
  readonly publicUrl: string | undefined;
  /** The mirror namespace's pull-through cache, when an upstream is configured. */
  readonly proxy?: PullThroughCache | undefined;
}

type Handler = (call: h.V2Call) => Promise<void>;

const HANDLERS: Partial<Record<RouteKind, Partial<Record<string, Handler>>>> = {
  uploads: { POST: h.startUpload },
  upload: { GET: h.uploadStatus, PATCH: h.patchUpload, PUT: h.finishUpload, DELETE: h.cancelUpload },
  blob: { GET: h.getBlob, HEAD: h.getBlob, DELETE: h.deleteBlob },
  manifest: { GET: h.getManifest, HEAD: h.getManifest, PUT: h.putManifest, DELETE: h.deleteManifest },
  tags: { GET: h.listTags },
  referrers: { GET: h.referrers },
};

/** The access a request needs (Docker token scopes). */
function requiredAccess(route: RouteMatch, method: string): AccessEntry[] {
  if (route.kind === RouteKind.catalog) return [{ type: 'registry', name: 'catalog', actions: ['*'] }];
  if (route.name === undefined) return [];
  const write = route.kind === RouteKind.uploads || route.kind === RouteKind.upload || method === 'PUT';
  const action = method === 'DELETE' && route.kind !== RouteKind.upload ? Action.delete : write ? Action.push : Action.pull;
  // A mount's `from` is not required: without pull on it the mount is skipped and a plain upload
  // starts (spec v1.1 "Mounting a blob from another repository"; docker's pushes rely on it).
  return [{ type: 'repository', name: route.name, actions: write ? [Action.pull, Action.push] : [action] }];
}

/** What a request must be allowed to do, and where a client gets a token that allows it. */
interface AccessCheck {
  readonly auth: AuthService;
  readonly needed: readonly AccessEntry[];
  readonly realmBase: string;
}

function challenge(reply: FastifyReply, check: AccessCheck, isInsufficient: boolean): void {
  const scope = check.needed.length > 0 ? `,scope="${check.needed.map(formatScope).join(' ')}"` : '';
  const error = isInsufficient ? ',error="insufficient_scope"' : '';
  reply.header('WWW-Authenticate', `Bearer realm="${check.realmBase}/oauth2/token",service="${check.auth.options.service}"${scope}${error}`);
}

async function authorize(request: FastifyRequest, reply: FastifyReply, check: AccessCheck): Promise<Principal> {
  const { auth, needed } = check;
  const principal = await auth.principal(request.headers.authorization);
  if (principal === 'invalid') {
    challenge(reply, check, false);
    throw new AppError(OciErrors.UNAUTHORIZED);
  }
  const ok = needed.length === 0 ? principal.kind !== 'anonymous' : needed.every((n) => auth.permits(principal, n));
  if (ok) return principal;
  // A known identity (a user, or a repository token that signed in with its password) is
  // refused outright; a bearer token is challenged so the client can fetch a wider one.
  if (principal.kind === 'user' || (principal.kind === 'token' && principal.viaPassword === true)) {
    throw new AppError(OciErrors.DENIED, { detail: { scope: needed.map(formatScope) } });
  }
  challenge(reply, check, principal.kind === 'token');
  throw new AppError(OciErrors.UNAUTHORIZED, { detail: { scope: needed.map(formatScope) } });
}

/** Writes the OCI error envelope; the only place /v2 errors are serialised. */
function sendError(err: unknown, request: FastifyRequest, reply: FastifyReply): void {
  let error: AppError;
  if (isAppError(err)) error = err;
  else if (isStoreError(err, 'UNAVAILABLE') || isStoreError(err, 'TIMEOUT')) {
    request.log.warn({ err }, 'storage unavailable');
    error = new AppError(OciErrors.UNAVAILABLE, { cause: err });
  } else if ((err as FastifyError).statusCode !== undefined && (err as FastifyError).statusCode! < 500) {
    error = new AppError(OciErrors.UNSUPPORTED, { httpStatus: (err as FastifyError).statusCode!, message: (err as FastifyError).message });
  } else {
    request.log.error({ err }, 'unexpected error');
    error = new AppError(OciErrors.UNKNOWN);
  }
  const body = { errors: [{ code: error.code, message: error.message, detail: error.detail ?? null }] };
  reply.code(error.httpStatus).header('Content-Type', 'application/json').header('Docker-Distribution-API-Version', 'registry/2.0');
  if (request.method === 'HEAD') reply.header('Content-Length', String(Buffer.byteLength(JSON.stringify(body)))).send();
  else reply.send(body);
}

/** Finds the route for a path and method, or throws the OCI error that says why there is none. */
function resolveRoute(path: string, method: string, reply: FastifyReply): RouteMatch {
  if (hasDotSegment(path)) throw new AppError(OciErrors.NAME_INVALID, { detail: { path: path.slice(0, 200) } });
  const route = matchRoute(path);
  if (!route) throw new AppError(OciErrors.NAME_UNKNOWN, { message: 'no such endpoint', detail: { path: path.slice(0, 200) } });
  if (!ROUTE_METHODS[route.kind].includes(method)) {
    reply.header('Allow', ROUTE_METHODS[route.kind].join(', '));
    throw new AppError(OciErrors.UNSUPPORTED, { httpStatus: 405, message: `method ${method} not allowed here` });
  }
  return route;
}

function opContext(request: FastifyRequest, principal: Principal): OpContext {
  return {
    log: request.log,
    signal: requestAbortSignal(request),
    actor: { name: principal.kind === 'anonymous' ? undefined : principal.name },
    request: { id: request.id, host: request.headers.host ?? '', method: request.method, userAgent: request.headers['user-agent'] ?? '' },
  };
}

async function dispatch(request: FastifyRequest, reply: FastifyReply, options: V2PluginOptions): Promise<void> {
  const [path = '', search = ''] = request.raw.url!.split('?', 2);
  const query = new URLSearchParams(search);
  reply.header('Docker-Distribution-API-Version', 'registry/2.0');
  const route = resolveRoute(path, request.method, reply);
  const name = route.name === undefined ? undefined : repoName(route.name);
  const realmBase = baseUrl(request, options.publicUrl);
  const principal = await authorize(request, reply, { auth: options.auth, needed: requiredAccess(route, request.method), realmBase });
  const call = {
    request,
    reply,
    ctx: opContext(request, principal),
    registry: options.registry,
    query,
    limits: { manifestMaxBytes: options.manifestMaxBytes, defaultPageSize: options.defaultPageSize },
    mayPull: (repo: string): boolean => options.auth.permits(principal, { type: 'repository', name: repo, actions: [Action.pull] }),
    proxy: options.proxy,
  };
  if (route.kind === RouteKind.base) return void reply.code(200).send({});
  if (route.kind === RouteKind.catalog) return h.catalog(call);
  const handler = HANDLERS[route.kind]?.[request.method];
  if (!handler || name === undefined) throw new AppError(OciErrors.UNSUPPORTED, { httpStatus: 405 });
  await handler({ ...call, name, ref: route.ref ?? '' });
}

/** The OCI Distribution API under /v2 (spec v1.1), with its own error envelope. */
export async function v2Plugin(app: FastifyInstance, options: V2PluginOptions): Promise<void> {
  // Bodies are streamed to storage by the handlers, never parsed or buffered by fastify.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', (_request, _payload, done) => done(null));
  app.setErrorHandler((err, request, reply) => sendError(err, request, reply));
  const handler = (request: FastifyRequest, reply: FastifyReply): Promise<void> => dispatch(request, reply, options);
  app.route({ method: ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'], url: '/v2', handler, exposeHeadRoute: false });
  app.route({ method: ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'], url: '/v2/*', handler, exposeHeadRoute: false });
}
