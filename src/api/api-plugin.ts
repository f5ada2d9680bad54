import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AppError, Errors, isAppError } from '../core/errors/index.js';
import type { OpContext } from '../core/context.js';
import type { AuthService } from '../auth/auth-service.js';
import { Action, type AccessEntry } from '../auth/scope.js';
import type { Registry } from '../registry/registry.js';
import { isRepoName, isTag, parseDigest, type RepoName } from '../oci/index.js';
import { requestAbortSignal } from '../app/http-support.js';
import type { ApiManifest, ApiTag, ApiWhoami } from './contract/registry.js';

export interface ApiPluginOptions {
  readonly registry: Registry;
  readonly auth: AuthService;
}

/** Maps OCI codes the registry services throw to the API's own. */
const FROM_OCI: Record<string, typeof Errors.NOT_FOUND> = {
  NAME_UNKNOWN: Errors.NOT_FOUND,
  MANIFEST_UNKNOWN: Errors.NOT_FOUND,
  BLOB_UNKNOWN: Errors.NOT_FOUND,
  NAME_INVALID: Errors.REQUEST_INVALID,
  TAG_INVALID: Errors.REQUEST_INVALID,
  DIGEST_INVALID: Errors.REQUEST_INVALID,
};

export function sendError(err: unknown, request: FastifyRequest, reply: FastifyReply): void {
  let error: AppError;
  if (isAppError(err)) error = FROM_OCI[err.code] ? new AppError(FROM_OCI[err.code]!, { message: err.message, detail: err.detail }) : err;
  else if ((err as { statusCode?: number }).statusCode !== undefined && (err as { statusCode: number }).statusCode < 500) {
    error = new AppError(Errors.REQUEST_INVALID, { httpStatus: (err as { statusCode: number }).statusCode, message: (err as Error).message });
  } else {
    request.log.error({ err }, 'unexpected error');
    error = new AppError(Errors.UNKNOWN);
  }
  if (error.httpStatus === 401) reply.header('WWW-Authenticate', 'Basic realm="slipway"');
  reply.code(error.httpStatus).send({ error: { code: error.code, message: error.message, detail: error.detail ?? null, requestId: request.id } });
}

export async function authorize(request: FastifyRequest, auth: AuthService, needed: AccessEntry): Promise<OpContext> {
  const principal = await auth.principal(request.headers.authorization);
  if (principal === 'invalid' || principal.kind === 'anonymous') throw new AppError(Errors.AUTH_REQUIRED);
  if (!auth.permits(principal, needed)) throw new AppError(Errors.AUTH_DENIED, { detail: { needed } });
  return { log: request.log, signal: requestAbortSignal(request), actor: { name: principal.name } };
}

function repoParam(request: FastifyRequest): RepoName {
  const repo = (request.params as { repo: string }).repo;
  if (!isRepoName(repo)) throw new AppError(Errors.REQUEST_INVALID, { message: 'invalid repository name', detail: { repository: repo.slice(0, 300) } });
  return repo;
}

const repoScope = (name: string, action: string): AccessEntry => ({ type: 'repository', name, actions: [action] });

/** The REST API the CLI and the portal use; errors as `{error:{code,message,detail,requestId}}`. */
export async function apiPlugin(app: FastifyInstance, { registry, auth }: ApiPluginOptions): Promise<void> {
  app.setErrorHandler((err, request, reply) => sendError(err, request, reply));

  app.get('/whoami', async (request): Promise<ApiWhoami> => {
    const principal = await auth.principal(request.headers.authorization);
    if (principal === 'invalid' || principal.kind === 'anonymous') throw new AppError(Errors.AUTH_REQUIRED);
    return { name: principal.name, kind: principal.kind, isAdmin: principal.kind === 'user' && principal.isAdmin };
  });

  app.get('/repositories', async (request) => {
    const ctx = await authorize(request, auth, { type: 'registry', name: 'catalog', actions: ['*'] });
    const names: string[] = [];
    for (;;) {
      const page = await registry.repositories.catalog(ctx, { limit: 1000, ...(names.length ? { last: names[names.length - 1]! } : {}) });
      names.push(...page);
      if (page.length < 1000) break;
    }
    return { repositories: names };
  });

  app.get('/repositories/:repo/tags', async (request) => {
    const repo = repoParam(request);
    const ctx = await authorize(request, auth, repoScope(repo, Action.metadataRead));
    const tags: ApiTag[] = (await registry.repositories.tagDetails(ctx, repo)).map((t) => ({
      name: t.name,
      digest: t.digest,
      createdTime: t.createdAt,
      lastUpdateTime: t.updatedAt,
    }));
    return { repository: repo, tags };
  });

  app.get('/repositories/:repo/manifests', async (request) => {
    const repo = repoParam(request);
    const ctx = await authorize(request, auth, repoScope(repo, Action.metadataRead));
    const manifests: ApiManifest[] = (await registry.repositories.manifests(ctx, repo)).map((m) => ({
      digest: m.digest,
      mediaType: m.mediaType,
      size: m.sizeBytes,
      artifactType: m.artifactType,
      subject: m.subjectDigest,
      tags: m.tags,
      createdTime: m.createdAt,
    }));
    return { repository: repo, manifests };
  });

  app.delete('/repositories/:repo', async (request) => {
    const repo = repoParam(request);
    const ctx = await authorize(request, auth, repoScope(repo, Action.delete));
    const removed = await registry.repositories.delete(ctx, repo);
    return { repository: repo, deletedManifests: removed.manifests, deletedTags: removed.tags };
  });

  app.delete('/repositories/:repo/tags/:tag', async (request, reply) => {
    const repo = repoParam(request);
    const tag = (request.params as { tag: string }).tag;
    if (!isTag(tag)) throw new AppError(Errors.REQUEST_INVALID, { message: 'invalid tag', detail: { tag: tag.slice(0, 200) } });
    const ctx = await authorize(request, auth, repoScope(repo, Action.delete));
    await registry.manifests.delete(ctx, repo, { kind: 'tag', tag });
    reply.code(204).send();
  });

  app.delete('/repositories/:repo/manifests/:digest', async (request, reply) => {
    const repo = repoParam(request);
    const parsed = parseDigest((request.params as { digest: string }).digest);
    if (!parsed.ok) throw new AppError(Errors.REQUEST_INVALID, { message: 'invalid digest' });
    const ctx = await authorize(request, auth, repoScope(repo, Action.delete));
    await registry.manifests.delete(ctx, repo, { kind: 'digest', digest: parsed.digest });
    reply.code(204).send();
  });

  app.get('/events', async (request) => {
    await authorize(request, auth, { type: 'registry', name: 'events', actions: ['*'] });
    const query = request.query as { after?: string; limit?: string };
    const after = Number(query.after ?? 0);
    const limit = Math.min(Number(query.limit ?? 100), 1000);
    if (!Number.isInteger(after) || !Number.isInteger(limit) || after < 0 || limit < 1) throw new AppError(Errors.REQUEST_INVALID, { message: 'after and limit must be non-negative integers' });
    const events = await registry.meta.events.list(after, limit);
    return { events: events.map((e) => ({ seq: e.seq, ...(JSON.parse(e.payload) as object) })) };
  });
}
