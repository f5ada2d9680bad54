import { randomUUID, type Hash } from 'node:crypto';
import { Transform, pipeline, type Readable } from 'node:stream';
import { AppError, isStoreError } from '../../core/errors/index.js';
import type { OpContext } from '../../core/context.js';
import { createDigester, digestAlgorithm, finishDigest, type Digest, type RepoName } from '../../oci/index.js';
import type { MetadataStore } from '../../metadata/metadata-store.js';
import type { ObjectStore, ObjectWriter } from '../storage/object-store.js';
import { StorageLayout } from '../storage/layout.js';
import { OciErrors } from '../http/oci-errors.js';
import type { BlobService } from '../blobs/blob-service.js';

export const UPLOAD_ID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** Which session: its repository and id (both checked, so one repository cannot touch another's). */
export interface UploadTarget {
  readonly repo: RepoName;
  readonly id: string;
}

/** A request body to append. */
export interface Chunk {
  readonly body: Readable;
  /** Offset the client says this chunk starts at (Content-Range); checked against the session. */
  readonly start?: number;
  /** Bytes the client announced (Content-Length); a shorter body is a truncated upload. */
  readonly lengthBytes?: number;
}

/** How a push ends: the digest the content must have, and maybe a last chunk. */
export interface Completion {
  readonly digest: Digest;
  readonly chunk?: Chunk;
}

/** A session being written by the current request. */
interface OpenSession {
  readonly id: string;
  readonly writer: ObjectWriter;
}

/** A running digest of the session's bytes; lost on restart and rebuilt from the stored data. */
interface SessionState {
  hash: Hash;
  hashedBytes: number;
}

function hashTap(state: SessionState): Transform {
  return new Transform({
    transform(chunk: Buffer, _enc, done) {
      state.hash.update(chunk);
      state.hashedBytes += chunk.length;
      done(null, chunk);
    },
  });
}

/** Upload sessions (spec "Pushing blobs"): monolithic, chunked and resumable after restarts. */
export class UploadService {
  private readonly states = new Map<string, SessionState>();
  private readonly busy = new Set<string>();

  constructor(
    private readonly meta: MetadataStore,
    private readonly objects: ObjectStore,
    private readonly blobs: BlobService,
  ) {}

  async start(_ctx: OpContext, repo: RepoName): Promise<string> {
    const id = randomUUID();
    const now = new Date().toISOString();
    // The session's file appears with its first bytes; until then the session is empty.
    await this.meta.uploads.create({ id, repository: repo, createdAt: now, updatedAt: now });
    return id;
  }

  /** Bytes received so far; BLOB_UPLOAD_UNKNOWN for a session of another repository or none. */
  async status(_ctx: OpContext, { repo, id }: UploadTarget): Promise<number> {
    await this.session(repo, id);
    try {
      return (await this.objects.stat(StorageLayout.upload(id))).sizeBytes;
    } catch (err) {
      if (isStoreError(err, 'NOT_FOUND')) return 0;
      throw err;
    }
  }

  /** Appends a chunk (PATCH); returns the session's new size. */
  async append(ctx: OpContext, { repo, id }: UploadTarget, chunk: Chunk): Promise<number> {
    await this.session(repo, id);
    return this.exclusive(id, async () => {
      const writer = await this.objects.openWriter(StorageLayout.upload(id));
      try {
        await this.appendTo(ctx, { id, writer }, chunk);
        await this.meta.uploads.touch(id, new Date().toISOString());
        return writer.sizeBytes;
      } finally {
        await writer.close();
      }
    });
  }

  /** Finishes a session (PUT): appends the last chunk, verifies `digest`, makes the blob visible. */
  async finish(ctx: OpContext, { repo, id }: UploadTarget, { digest, chunk }: Completion): Promise<number> {
    await this.session(repo, id);
    return this.exclusive(id, async () => {
      const key = StorageLayout.upload(id);
      const writer = await this.objects.openWriter(key);
      let sizeBytes: number;
      try {
        if (chunk) await this.appendTo(ctx, { id, writer }, chunk);
        const actual = await this.digestOf(ctx, { id, writer }, digestAlgorithm(digest));
        if (actual !== digest) {
          await this.discard(id);
          throw new AppError(OciErrors.DIGEST_INVALID, { detail: { digest, actual } });
        }
        await writer.commit({ signal: ctx.signal });
        sizeBytes = writer.sizeBytes;
      } finally {
        await writer.close();
      }
      await this.blobs.publish(repo, digest, sizeBytes, key);
      await this.discard(id);
      return sizeBytes;
    });
  }

  /** A single-request push (POST with `digest`). */
  async monolithic(ctx: OpContext, repo: RepoName, completion: Completion): Promise<number> {
    const id = await this.start(ctx, repo);
    try {
      return await this.finish(ctx, { repo, id }, completion);
    } catch (err) {
      await this.discard(id);
      throw err;
    }
  }

  async cancel(_ctx: OpContext, { repo, id }: UploadTarget): Promise<void> {
    await this.session(repo, id);
    await this.discard(id);
  }

  /** Removes a session's record and bytes; idempotent. Used by cancel, finish and garbage collection. */
  async discard(id: string): Promise<void> {
    this.states.delete(id);
    await this.meta.uploads.delete(id);
    await this.objects.delete(StorageLayout.uploadDir(id));
  }

  private async session(repo: RepoName, id: string): Promise<void> {
    const record = UPLOAD_ID_PATTERN.test(id) ? await this.meta.uploads.get(id) : undefined;
    if (!record || record.repository !== repo) throw new AppError(OciErrors.BLOB_UPLOAD_UNKNOWN, { detail: { uploadId: id } });
  }

  /** One request at a time per session: a second one would interleave bytes. */
  private async exclusive<T>(id: string, fn: () => Promise<T>): Promise<T> {
    if (this.busy.has(id)) {
      throw new AppError(OciErrors.BLOB_UPLOAD_INVALID, { httpStatus: 416, message: 'another request is writing to this upload', detail: { uploadId: id } });
    }
    this.busy.add(id);
    try {
      return await fn();
    } finally {
      this.busy.delete(id);
    }
  }

  private async appendTo(ctx: OpContext, { id, writer }: OpenSession, { body, ...options }: Chunk): Promise<void> {
    if (options.start !== undefined && options.start !== writer.sizeBytes) {
      body.resume();
      throw new AppError(OciErrors.BLOB_UPLOAD_INVALID, {
        httpStatus: 416,
        message: 'chunk does not start where the upload ends',
        detail: { uploadId: id, expectedStart: writer.sizeBytes, start: options.start },
      });
    }
    const state = await this.caughtUpState(ctx, { id, writer });
    const before = writer.sizeBytes;
    // pipeline, not pipe: when the client goes away (even before we got here), the error must
    // reach the tap and end the append; with pipe it would wait forever and hold the session.
    const tapped = pipeline(body, hashTap(state), () => undefined);
    try {
      await writer.append(tapped, { signal: ctx.signal });
    } catch (err) {
      this.states.delete(id); // the hash may have seen bytes the file did not: rebuild next time
      throw new AppError(OciErrors.BLOB_UPLOAD_INVALID, { message: 'upload body was interrupted', detail: { uploadId: id }, cause: err });
    }
    const received = writer.sizeBytes - before;
    if (options.lengthBytes !== undefined && received !== options.lengthBytes) {
      throw new AppError(OciErrors.SIZE_INVALID, { detail: { uploadId: id, contentLength: options.lengthBytes, received } });
    }
  }

  /** The session's running sha256, rebuilt from stored bytes after a restart or an interruption. */
  private async caughtUpState(ctx: OpContext, { id, writer }: OpenSession): Promise<SessionState> {
    const known = this.states.get(id);
    if (known && known.hashedBytes === writer.sizeBytes) return known;
    const state: SessionState = { hash: createDigester('sha256'), hashedBytes: 0 };
    await this.hashStored(ctx, { id, writer }, (chunk) => {
      state.hash.update(chunk);
      state.hashedBytes += chunk.length;
    });
    this.states.set(id, state);
    return state;
  }

  private async digestOf(ctx: OpContext, session: OpenSession, algorithm: 'sha256' | 'sha512'): Promise<Digest> {
    if (algorithm === 'sha256') {
      const state = await this.caughtUpState(ctx, session);
      this.states.delete(session.id);
      return finishDigest(state.hash, 'sha256');
    }
    const hash = createDigester(algorithm);
    await this.hashStored(ctx, session, (chunk) => hash.update(chunk));
    return finishDigest(hash, algorithm);
  }

  private async hashStored(ctx: OpContext, { id, writer }: OpenSession, onChunk: (chunk: Buffer) => void): Promise<void> {
    const sizeBytes = writer.sizeBytes;
    if (sizeBytes === 0) return;
    const stream = await this.objects.read(StorageLayout.upload(id), { length: sizeBytes, signal: ctx.signal });
    for await (const chunk of stream) onChunk(chunk as Buffer);
  }
}
