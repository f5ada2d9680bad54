import type { FastifyReply, FastifyRequest } from 'fastify';
import { AppError } from '../../core/errors/index.js';
import type { OpContext } from '../../core/context.js';
import { baseMediaType, MediaType, type Digest, type RepoName } from '../../oci/index.js';
import type { Registry } from '../registry.js';
import type { Chunk } from '../uploads/upload-service.js';
import type { PullThroughCache } from '../proxy/pull-through-cache.js';
import { OciErrors } from './oci-errors.js';
import { byteRange, contentLength, contentRange, digestParam, manifestRef, pageParams, repoName } from './request-parsing.js';

export interface V2Call {
  readonly request: FastifyRequest;
  readonly reply: FastifyReply;
  readonly ctx: OpContext;
  readonly registry: Registry;
  readonly query: URLSearchParams;
  readonly name: RepoName;
  readonly ref: string;
  readonly limits: { readonly manifestMaxBytes: number; readonly defaultPageSize: number };
  /** Whether the caller may pull `repo` (decides if a mount's `from` can be used). */
  readonly mayPull: (repo: string) => boolean;
  /** Consulted on pulls of the mirror namespace when an upstream is configured. */
  readonly proxy: PullThroughCache | undefined;
}

/** The blob's size here, fetched into the store first when the pull-through cache covers the repository. */
function blobSize(call: V2Call, digest: Digest): Promise<number> {
  const { proxy, ctx, name } = call;
  return proxy?.covers(name) ? proxy.blobSize(ctx, name, digest) : call.registry.blobs.stat(ctx, name, digest);
}

function uploadHeaders(reply: FastifyReply, session: { name: string; id: string; size: number }): void {
  reply
    .header('Location', `/v2/${session.name}/blobs/uploads/${session.id}`)
    .header('Range', `0-${Math.max(0, session.size - 1)}`)
    .header('Docker-Upload-UUID', session.id)
    .header('Content-Length', '0');
}

function bodyLength(call: V2Call): number | undefined {
  return contentLength(call.request.headers['content-length']);
}

function hasBody(call: V2Call): boolean {
  const length = bodyLength(call);
  return length !== undefined ? length > 0 : call.request.headers['transfer-encoding'] !== undefined;
}

function created(reply: FastifyReply, name: string, digest: string): void {
  reply.code(201).header('Location', `/v2/${name}/blobs/${digest}`).header('Docker-Content-Digest', digest).header('Content-Length', '0').send();
}

export async function startUpload(call: V2Call): Promise<void> {
  const { registry, ctx, name, query, reply } = call;
  const mount = query.get('mount');
  if (mount !== null) {
    const from = query.get('from');
    const digest = digestParam(mount);
    const source = from === null ? undefined : repoName(from);
    // Without pull on `from` the caller learns nothing about it: a plain upload starts instead.
    const isAllowed = source === undefined || source === name || call.mayPull(source);
    if (isAllowed && (await registry.blobs.mount(ctx, name, digest, source))) return created(reply, name, digest);
  }
  const digest = query.get('digest');
  if (digest !== null) {
    const parsed = digestParam(digest);
    await registry.uploads.monolithic(ctx, name, { digest: parsed, chunk: requestChunk(call) });
    return created(reply, name, parsed);
  }
  const id = await registry.uploads.start(ctx, name);
  uploadHeaders(reply, { name, id, size: 0 });
  reply.code(202).send();
}

export async function uploadStatus(call: V2Call): Promise<void> {
  const size = await call.registry.uploads.status(call.ctx, { repo: call.name, id: call.ref });
  uploadHeaders(call.reply, { name: call.name, id: call.ref, size });
  call.reply.code(204).send();
}

/** The request body as a chunk, with its Content-Range start and Content-Length checked for agreement. */
function requestChunk(call: V2Call): Chunk {
  const range = contentRange(call.request.headers['content-range']);
  const length = bodyLength(call);
  if (range && length !== undefined && range.end - range.start + 1 !== length) {
    throw new AppError(OciErrors.BLOB_UPLOAD_INVALID, { httpStatus: 416, message: 'Content-Range does not match Content-Length' });
  }
  return {
    body: call.request.raw,
    ...(range ? { start: range.start } : {}),
    ...(length === undefined ? {} : { lengthBytes: length }),
  };
}

export async function patchUpload(call: V2Call): Promise<void> {
  const size = await call.registry.uploads.append(call.ctx, { repo: call.name, id: call.ref }, requestChunk(call));
  uploadHeaders(call.reply, { name: call.name, id: call.ref, size });
  call.reply.code(202).send();
}

export async function finishUpload(call: V2Call): Promise<void> {
  const digest = digestParam(call.query.get('digest') ?? undefined);
  const chunk = requestChunk(call);
  await call.registry.uploads.finish(call.ctx, { repo: call.name, id: call.ref }, hasBody(call) ? { digest, chunk } : { digest });
  created(call.reply, call.name, digest);
}

export async function cancelUpload(call: V2Call): Promise<void> {
  await call.registry.uploads.cancel(call.ctx, { repo: call.name, id: call.ref });
  call.reply.code(204).send();
}

export async function getBlob(call: V2Call): Promise<void> {
  const { registry, ctx, name, reply, request } = call;
  const digest = digestParam(call.ref);
  reply.header('Docker-Content-Digest', digest).header('Accept-Ranges', 'bytes').header('Content-Type', 'application/octet-stream');
  const size = await blobSize(call, digest);
  if (request.method === 'HEAD') return reply.code(200).header('Content-Length', String(size)).send();
  const range = byteRange(request.headers.range, size);
  if (range === 'unsatisfiable') {
    reply.header('Content-Range', `bytes */${size}`); // RFC 9110 section 15.5.17
    throw new AppError(OciErrors.BLOB_UNKNOWN, { httpStatus: 416, message: 'requested range not satisfiable', detail: { digest, size } });
  }
  const blob = await registry.blobs.open(ctx, name, digest, range);
  if (range) reply.code(206).header('Content-Range', `bytes ${range.start}-${range.end}/${size}`);
  reply.header('Content-Length', String(range ? range.end - range.start + 1 : blob.sizeBytes));
  return reply.send(blob.stream);
}

export async function deleteBlob(call: V2Call): Promise<void> {
  await call.registry.blobs.delete(call.ctx, call.name, digestParam(call.ref));
  call.reply.code(202).header('Content-Length', '0').send();
}

export async function getManifest(call: V2Call): Promise<void> {
  const ref = manifestRef(call.ref);
  const { proxy, ctx, name } = call;
  const m = proxy?.covers(name) ? await proxy.manifest(ctx, name, ref) : await call.registry.manifests.get(ctx, name, ref);
  call.reply.code(200).header('Content-Type', m.mediaType).header('Docker-Content-Digest', m.digest).header('Content-Length', String(m.bytes.length));
  return call.reply.send(call.request.method === 'HEAD' ? undefined : m.bytes);
}

async function readLimited(call: V2Call): Promise<Buffer> {
  const max = call.limits.manifestMaxBytes;
  const declared = bodyLength(call);
  if (declared !== undefined && declared > max) {
    call.request.raw.resume();
    throw new AppError(OciErrors.SIZE_INVALID, { httpStatus: 413, message: 'manifest exceeds the size limit', detail: { limitBytes: max } });
  }
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of call.request.raw) {
    total += (chunk as Buffer).length;
    if (total > max) throw new AppError(OciErrors.SIZE_INVALID, { httpStatus: 413, message: 'manifest exceeds the size limit', detail: { limitBytes: max } });
    chunks.push(chunk as Buffer);
  }
  if (declared !== undefined && total !== declared) throw new AppError(OciErrors.SIZE_INVALID, { detail: { contentLength: declared, received: total } });
  return Buffer.concat(chunks);
}

export async function putManifest(call: V2Call): Promise<void> {
  const ref = manifestRef(call.ref);
  const bytes = await readLimited(call);
  const result = await call.registry.manifests.put(call.ctx, call.name, ref, { bytes, contentType: baseMediaType(call.request.headers['content-type']) });
  call.reply.code(201).header('Location', `/v2/${call.name}/manifests/${result.digest}`).header('Docker-Content-Digest', result.digest);
  if (result.subject) call.reply.header('OCI-Subject', result.subject);
  call.reply.header('Content-Length', '0').send();
}

export async function deleteManifest(call: V2Call): Promise<void> {
  await call.registry.manifests.delete(call.ctx, call.name, manifestRef(call.ref));
  call.reply.code(202).header('Content-Length', '0').send();
}

function linkHeader(path: string, limit: number, last: string): string {
  return `<${path}?n=${limit}&last=${encodeURIComponent(last)}>; rel="next"`;
}

export async function listTags(call: V2Call): Promise<void> {
  const page = pageParams(call.query, call.limits.defaultPageSize);
  const tags = await call.registry.repositories.tags(call.ctx, call.name, page);
  if (tags.length > 0 && tags.length === page.limit) call.reply.header('Link', linkHeader(`/v2/${call.name}/tags/list`, page.limit, tags[tags.length - 1] as string));
  call.reply.code(200).send({ name: call.name, tags });
}

export async function catalog(call: Omit<V2Call, 'name' | 'ref'>): Promise<void> {
  const page = pageParams(call.query, call.limits.defaultPageSize);
  const repositories = await call.registry.repositories.catalog(call.ctx, page);
  if (repositories.length > 0 && repositories.length === page.limit) call.reply.header('Link', linkHeader('/v2/_catalog', page.limit, repositories[repositories.length - 1] as string));
  call.reply.code(200).send({ repositories });
}

export async function referrers(call: V2Call): Promise<void> {
  const subject = digestParam(call.ref);
  const artifactType = call.query.get('artifactType') ?? undefined;
  const body = await call.registry.manifests.referrers(call.ctx, call.name, subject, artifactType);
  if (artifactType !== undefined) call.reply.header('OCI-Filters-Applied', 'artifactType');
  call.reply.code(200).header('Content-Type', MediaType.ociIndex).send(body);
}
