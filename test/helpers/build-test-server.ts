import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify';
import { pino } from 'pino';
import { expect } from 'vitest';
import { buildServer, type BuiltServer } from '../../src/app/build-server.js';
import { loadConfig } from '../../src/config/load.js';
import { imageConfig, layerA, layerB, ociImage, type Content, type ManifestContent } from '../fixtures/oci/images.js';

export const ADMIN_PASSWORD = 'test-admin-password';
export const BASIC_AUTH = `Basic ${Buffer.from(`admin:${ADMIN_PASSWORD}`).toString('base64')}`;

export type Response = LightMyRequestResponse;

/** A request; `auth` false sends no Authorization, a string sends that header instead of admin Basic. */
export type TestRequest = InjectOptions & { readonly auth?: string | false };

export interface TestServer {
  readonly app: FastifyInstance;
  readonly built: BuiltServer;
  readonly dataDir: string;
  /** `app.inject()` with the admin's Basic credentials unless `auth` says otherwise. */
  request(options: TestRequest): Promise<Response>;
  get(url: string, options?: Omit<TestRequest, 'url' | 'method'>): Promise<Response>;
  head(url: string, options?: Omit<TestRequest, 'url' | 'method'>): Promise<Response>;
  delete(url: string, options?: Omit<TestRequest, 'url' | 'method'>): Promise<Response>;
  /** Stops the server and removes its data dir. */
  close(): Promise<void>;
}

export interface TestServerOptions {
  /** Config overrides as dotted paths (`auth.anonymousPull`, `registry.manifestMaxBytes`). */
  readonly overrides?: Record<string, unknown>;
}

/** A fresh server over its own temp data dir, driven in-process (STYLE.md section 8). */
export async function buildTestServer(options: TestServerOptions = {}): Promise<TestServer> {
  const dataDir = await mkdtemp(join(tmpdir(), 'slipway-http-'));
  const { config } = loadConfig({ env: {}, overrides: { dataDir, ...options.overrides } });
  let built: BuiltServer;
  try {
    built = await buildServer(config, { logger: pino({ level: 'silent' }), adminPassword: ADMIN_PASSWORD });
  } catch (err) {
    await rm(dataDir, { recursive: true, force: true });
    throw err;
  }
  const { app } = built;
  const request = (opts: TestRequest): Promise<Response> => {
    const { auth, headers, ...rest } = opts;
    const authorization = auth === false ? undefined : (auth ?? BASIC_AUTH);
    return app.inject({ ...rest, headers: { ...(authorization ? { authorization } : {}), ...headers } } as InjectOptions);
  };
  return {
    app,
    built,
    dataDir,
    request,
    get: (url, opts = {}) => request({ ...opts, method: 'GET', url }),
    head: (url, opts = {}) => request({ ...opts, method: 'HEAD', url }),
    delete: (url, opts = {}) => request({ ...opts, method: 'DELETE', url }),
    async close() {
      try {
        await built.close();
      } finally {
        await rm(dataDir, { recursive: true, force: true });
      }
    },
  };
}

/** A repository name no other test uses. */
export function uniqueRepo(prefix = 'test'): string {
  return `${prefix}/${randomUUID().slice(0, 8)}`;
}

/** The first OCI error code of a response body. */
export function errorCode(res: Response): string | undefined {
  const body = res.json<{ errors?: Array<{ code: string }> }>();
  return body.errors?.[0]?.code;
}

/** Asserts status and OCI error code together (never the message). */
export function expectError(res: Response, status: number, code: string): void {
  expect({ status: res.statusCode, code: res.statusCode === status && res.body !== '' ? errorCode(res) : res.body.slice(0, 300) }).toEqual({ status, code });
}

/** Monolithic blob push (POST `?digest=`); asserts 201 and returns the digest. */
export async function pushBlob(server: TestServer, repo: string, blob: Content): Promise<string> {
  const res = await server.request({
    method: 'POST',
    url: `/v2/${repo}/blobs/uploads/?digest=${blob.digest}`,
    headers: { 'content-type': 'application/octet-stream' },
    payload: blob.bytes,
  });
  expect(res.statusCode, res.body).toBe(201);
  return blob.digest;
}

export async function pushBlobs(server: TestServer, repo: string, blobs: readonly Content[]): Promise<void> {
  for (const blob of blobs) await pushBlob(server, repo, blob);
}

/** PUT a manifest under a tag or digest (defaults to its digest); returns the raw response. */
export function putManifest(server: TestServer, repo: string, m: ManifestContent, ref: string = m.digest, contentType: string = m.mediaType): Promise<Response> {
  return server.request({
    method: 'PUT',
    url: `/v2/${repo}/manifests/${ref}`,
    headers: { 'content-type': contentType },
    payload: m.bytes,
  });
}

/** Pushes a manifest and asserts 201 with its digest. */
export async function pushManifest(server: TestServer, repo: string, m: ManifestContent, ref: string = m.digest): Promise<Response> {
  const res = await putManifest(server, repo, m, ref);
  expect(res.statusCode, res.body).toBe(201);
  expect(res.headers['docker-content-digest']).toBe(m.digest);
  return res;
}

/** Pushes `imageConfig`, both layers and an OCI image manifest (under `tag` when given). */
export async function pushImage(server: TestServer, repo: string, options: { tag?: string; image?: ManifestContent } = {}): Promise<ManifestContent> {
  const image = options.image ?? ociImage();
  await pushBlobs(server, repo, [imageConfig, layerA, layerB]);
  await pushManifest(server, repo, image, options.tag ?? image.digest);
  return image;
}
