import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pino } from 'pino';
import { BASIC_AUTH, buildTestServer, type TestServer } from '../helpers/build-test-server.js';
import { listenLocal } from '../helpers/raw-http.js';
import { engineSocket } from '../helpers/e2e.js';
import { packLocalContext } from '../../src/sources/index.js';
import { seedBusybox } from '../../src/registry/seed/index.js';
import type { ApiContext, ApiQuickBuildRequest, ApiRun } from '../../src/api/contract/runs.js';

// engineSocket() throws without SLIPWAY_ENGINE_SOCKET: the suite fails, it does not skip.
const socket = engineSocket();
let server: TestServer;
let port: number;
let base: string;
const dirs: string[] = [];

beforeAll(async () => {
  server = await buildTestServer({ overrides: { 'engine.socket': socket } });
  port = await listenLocal(server.app);
  base = `127.0.0.1:${port}/library/busybox`;
  await seedBusybox({ log: pino({ level: 'silent' }), signal: new AbortController().signal, actor: { name: 'admin' } }, server.built.registry);
});

afterAll(async () => {
  await server?.close();
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
});

async function uploadContext(files: Record<string, string>): Promise<ApiContext> {
  const dir = await mkdtemp(join(tmpdir(), 'slipway-runs-ctx-'));
  dirs.push(dir);
  for (const [name, text] of Object.entries(files)) await writeFile(join(dir, name), text);
  const chunks: Buffer[] = [];
  for await (const chunk of await packLocalContext(dir)) chunks.push(chunk as Buffer);
  const res = await server.request({ method: 'POST', url: '/api/v1/contexts', headers: { 'content-type': 'application/x-tar' }, payload: Buffer.concat(chunks) });
  expect(res.statusCode, res.body).toBe(201);
  return res.json<ApiContext>();
}

async function startRun(request: Partial<ApiQuickBuildRequest> & { contextId: string | null }): Promise<ApiRun> {
  const res = await server.request({ method: 'POST', url: '/api/v1/runs', payload: { images: [`runs/${randomUUID().slice(0, 8)}:{{.Run.ID}}`], ...request } });
  expect(res.statusCode, res.body).toBe(201);
  const run = res.json<ApiRun>();
  expect(run.status).toBe('Queued');
  return run;
}

async function logs(runId: string, query: string): Promise<{ offset: string | null; text: string }> {
  const res = await fetch(`http://127.0.0.1:${port}/api/v1/runs/${runId}/logs?${query}`, { headers: { authorization: BASIC_AUTH }, signal: AbortSignal.timeout(60_000) });
  expect(res.status).toBe(200);
  return { offset: res.headers.get('x-log-offset'), text: await res.text() };
}

async function getRun(runId: string): Promise<ApiRun> {
  const res = await server.get(`/api/v1/runs/${runId}`);
  expect(res.statusCode, res.body).toBe(200);
  return res.json<ApiRun>();
}

/** Follows the log to its end (the response ends when the run is terminal). */
async function finish(runId: string): Promise<{ run: ApiRun; log: string }> {
  const { text } = await logs(runId, 'follow=true');
  return { run: await getRun(runId), log: text };
}

async function waitFor(predicate: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await predicate())) {
    if (Date.now() > deadline) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('quick builds on the engine', () => {
  it('builds, pushes into Slipway, stores the log and serves it from any offset; a rebuild is cached', async () => {
    const files = { Dockerfile: `FROM ${base}\nCOPY hello.txt /hello.txt\nRUN cat /hello.txt && echo run-output-marker\n`, 'hello.txt': 'hello from the context\n' };
    const ctx = await uploadContext(files);
    expect(ctx.digest).toMatch(/^sha256:[a-f0-9]{64}$/);
    const queued = await startRun({ contextId: ctx.contextId });
    const { run, log } = await finish(queued.runId);
    expect(run.status, `${run.runErrorMessage}\n${log}`).toBe('Succeeded');
    expect(log).toContain('run-output-marker');
    expect(run.billedSeconds).toBeGreaterThanOrEqual(1);
    expect(run.cost).toBeCloseTo((run.billedSeconds ?? 0) * 0.0001, 8);
    const [image] = run.outputImages;
    expect(image).toMatchObject({ registry: `127.0.0.1:${port}`, tag: queued.runId });
    const head = await server.head(`/v2/${image!.repository}/manifests/${image!.tag}`, {
      headers: { accept: 'application/vnd.docker.distribution.manifest.v2+json, application/vnd.oci.image.manifest.v1+json, application/vnd.oci.image.index.v1+json, application/vnd.docker.distribution.manifest.list.v2+json' },
    });
    expect(head.statusCode).toBe(200);
    expect(image!.digest).toBe(head.headers['docker-content-digest']);

    const half = Math.floor(Buffer.byteLength(log) / 2);
    const rest = await logs(queued.runId, `offset=${half}`);
    expect(rest.offset).toBe(String(half));
    expect(rest.text).toBe(Buffer.from(log).subarray(half).toString('utf8'));

    const again = await startRun({ contextId: (await uploadContext(files)).contextId });
    const second = await finish(again.runId);
    expect(second.run.status).toBe('Succeeded');
    expect(second.log).toContain('CACHED');
    // Contexts are removed once their run finished.
    expect(await readdir(join(server.dataDir, 'storage', 'contexts'))).toEqual([]);
    const listed = await server.get(`/api/v1/runs?top=5&status=Succeeded`);
    expect(listed.json<{ runs: ApiRun[] }>().runs.map((r) => r.runId)).toContain(again.runId);
  });

  it('ends Failed with the exit message when a RUN step fails, and keeps the failing step in the log', async () => {
    const ctx = await uploadContext({ Dockerfile: `FROM ${base}\nRUN echo about-to-fail && exit 7\n` });
    const { run, log } = await finish((await startRun({ contextId: ctx.contextId })).runId);
    expect(run.status).toBe('Failed');
    expect(run.runErrorMessage).toMatch(/exit code: 7/);
    expect(log).toContain('about-to-fail');
  });

  it('builds without image names, as ACR does, and pushes nothing', async () => {
    const ctx = await uploadContext({ Dockerfile: `FROM ${base}\nRUN echo no-names\n` });
    const { run, log } = await finish((await startRun({ contextId: ctx.contextId, images: [] })).runId);
    expect(run.status).toBe('Succeeded');
    expect(run.outputImages).toEqual([]);
    expect(log).toContain('no-names');
  });

  it('cancels a running build promptly', async () => {
    const ctx = await uploadContext({ Dockerfile: `FROM ${base}\nRUN echo sleeping-now && sleep 30\n` });
    const queued = await startRun({ contextId: ctx.contextId, noCache: true });
    await waitFor(async () => (await logs(queued.runId, '')).text.includes('sleeping-now'), 20_000);
    const started = Date.now();
    const cancel = await server.request({ method: 'POST', url: `/api/v1/runs/${queued.runId}/cancel` });
    expect(cancel.statusCode).toBe(202);
    const { run } = await finish(queued.runId);
    expect(run.status).toBe('Canceled');
    expect(Date.now() - started).toBeLessThan(10_000);
    const again = await server.request({ method: 'POST', url: `/api/v1/runs/${queued.runId}/cancel` });
    expect(again.statusCode).toBe(202);
  });

  it('ends Timeout when the build outlives timeoutSeconds', async () => {
    const ctx = await uploadContext({ Dockerfile: `FROM ${base}\nRUN sleep 30\n` });
    const { run } = await finish((await startRun({ contextId: ctx.contextId, timeoutSeconds: 2, noCache: true })).runId);
    expect(run.status).toBe('Timeout');
    expect(run.billedSeconds).toBeLessThan(10);
  });

  it('never stores a secret build arg, nor its base64 form, even when the Dockerfile echoes it', async () => {
    const secret = `s3cret-${randomUUID()}`;
    const ctx = await uploadContext({ Dockerfile: `FROM ${base}\nARG TOKEN\nRUN echo "token=$TOKEN" && echo -n "$TOKEN" | base64 -w0 && echo\n` });
    const queued = await startRun({ contextId: ctx.contextId, noPush: true, noCache: true, secretBuildArgs: [{ name: 'TOKEN', value: secret }] });
    const { run, log } = await finish(queued.runId);
    expect(run.status, log).toBe('Succeeded');
    expect(log).toContain('token=***');
    expect(log).not.toContain(secret);
    expect(log).not.toContain(Buffer.from(secret).toString('base64').slice(0, 20));
    expect(JSON.stringify(run)).not.toContain(secret);
  });
});

describe('runs API errors', () => {
  it('answers 400 SOURCE_INVALID for an upload that is not a tar', async () => {
    const res = await server.request({ method: 'POST', url: '/api/v1/contexts', headers: { 'content-type': 'application/x-tar' }, payload: Buffer.from('this is not a tar archive at all') });
    expect(res.statusCode).toBe(400);
    expect(res.json<{ error: { code: string } }>().error.code).toBe('SOURCE_INVALID');
  });

  it('answers 404 RUN_NOT_FOUND for an unknown run', async () => {
    for (const url of ['/api/v1/runs/ca999999', '/api/v1/runs/ca999999/logs']) {
      const res = await server.get(url);
      expect(res.statusCode).toBe(404);
      expect(res.json<{ error: { code: string } }>().error.code).toBe('RUN_NOT_FOUND');
    }
  });

  it('refuses invalid requests and anonymous callers', async () => {
    const bad = await server.request({ method: 'POST', url: '/api/v1/runs', payload: { contextId: null, dockerfileContent: 'FROM x', images: [], timeoutSeconds: 0 } });
    expect(bad.statusCode).toBe(400);
    expect(bad.json<{ error: { code: string } }>().error.code).toBe('REQUEST_INVALID');
    const anonymous = await server.request({ method: 'POST', url: '/api/v1/contexts', auth: false, payload: Buffer.from('x') });
    expect(anonymous.statusCode).toBe(401);
  });

  it('answers 400 TASKFILE_INVALID with every problem when a quick run sends a broken task file', async () => {
    const taskFile = "version: v1.1.0\nsteps:\n  - cmd: busybox echo\n    when: '-'\n  - build: .\n    push: [x]\n    retrys: 2\n";
    const res = await server.request({ method: 'POST', url: '/api/v1/runs', payload: { runType: 'QuickRun', contextId: null, taskFile } });
    expect(res.statusCode, res.body).toBe(400);
    const error = res.json<{ error: { code: string; message: string; detail: { problems: string[] } } }>().error;
    expect(error.code).toBe('TASKFILE_INVALID');
    expect(error.message).toMatch(/^task\.yaml:4:11: error: cannot unmarshal !!str `-` into \[\]string/);
    expect(error.detail.problems.length).toBeGreaterThanOrEqual(3);
    expect(error.detail.problems.join('\n')).toMatch(/task\.yaml:7:\d+: warning: .*retrys/);
    const none = await server.request({ method: 'POST', url: '/api/v1/runs', payload: { runType: 'QuickRun', contextId: null } });
    expect(none.statusCode).toBe(400);
    const badValues = await server.request({ method: 'POST', url: '/api/v1/runs', payload: { runType: 'QuickRun', contextId: null, taskFile: 'steps: []\n', valuesFile: '- a list\n' } });
    expect(badValues.json()).toMatchObject({ error: { code: 'TASKFILE_INVALID', message: 'the values file must be a YAML mapping of names to values' } });
  });

  it('needs push on every repository of Slipway the run pushes to (403 AUTH_DENIED naming it)', async () => {
    const scope = ['api:builds:write', 'repository:allowed/app:push,pull'].map(encodeURIComponent).join('&scope=');
    const issued = await server.get(`/oauth2/token?service=slipway&scope=${scope}`);
    expect(issued.statusCode, issued.body).toBe(200);
    const auth = `Bearer ${issued.json<{ token: string }>().token}`;
    const create = (images: string[], noPush = false) =>
      server.request({ method: 'POST', url: '/api/v1/runs', auth, payload: { contextId: null, dockerfileContent: 'FROM scratch\n', images, noPush } });
    const denied = await create(['allowed/app:v1', 'other/app:v1']);
    expect(denied.statusCode, denied.body).toBe(403);
    expect(denied.json()).toMatchObject({ error: { code: 'AUTH_DENIED', detail: { needed: { name: 'other/app', actions: ['push'] } } } });
    // Not pushing, or pushing to another registry, needs nothing more.
    const allowed = [await create(['allowed/app:{{.Run.ID}}']), await create(['other/app:v1'], true), await create(['127.0.0.1:9/other/app:v1'])];
    for (const res of allowed) {
      expect(res.statusCode, res.body).toBe(201);
      await server.request({ method: 'POST', url: `/api/v1/runs/${res.json<ApiRun>().runId}/cancel` });
    }
  });
});

describe('without a working engine', () => {
  it('ends the run Error with ENGINE_UNAVAILABLE instead of hanging', async () => {
    const down = await buildTestServer({ overrides: { 'engine.socket': join(tmpdir(), `slipway-no-engine-${randomUUID()}.sock`) } });
    try {
      const downPort = await listenLocal(down.app);
      const res = await down.request({ method: 'POST', url: '/api/v1/runs', payload: { contextId: null, dockerfileContent: 'FROM scratch\n', images: ['app:v1'] } });
      expect(res.statusCode, res.body).toBe(201);
      const runId = res.json<ApiRun>().runId;
      const log = await fetch(`http://127.0.0.1:${downPort}/api/v1/runs/${runId}/logs?follow=true`, { headers: { authorization: BASIC_AUTH }, signal: AbortSignal.timeout(20_000) });
      await log.text();
      const run = (await down.get(`/api/v1/runs/${runId}`)).json<ApiRun>();
      expect(run).toMatchObject({ status: 'Error', errorCode: 'ENGINE_UNAVAILABLE' });
    } finally {
      await down.close();
    }
  });
});

describe('shutdown', () => {
  it('aborts the running build after server.shutdownGraceSeconds instead of waiting for it', async () => {
    const closing = await buildTestServer({ overrides: { 'engine.socket': socket, 'server.shutdownGraceSeconds': 0 } });
    const closingPort = await listenLocal(closing.app);
    const res = await closing.request({ method: 'POST', url: '/api/v1/runs', payload: { contextId: null, dockerfileContent: `FROM 127.0.0.1:${port}/library/busybox\nRUN echo shutdown-sleep && sleep 30\n`, images: ['app:v1'], noCache: true } });
    expect(res.statusCode, res.body).toBe(201);
    const runId = res.json<ApiRun>().runId;
    await waitFor(async () => (await closing.get(`/api/v1/runs/${runId}/logs`)).body.includes('shutdown-sleep'), 20_000);
    const started = Date.now();
    await closing.close();
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(closingPort).toBeGreaterThan(0);
  });
});

describe('server.publicUrl', () => {
  it('names output images with the public host while the engine pushes over loopback', async () => {
    const pub = await buildTestServer({ overrides: { 'engine.socket': socket, 'server.publicUrl': 'https://slipway.example.invalid' } });
    try {
      const pubPort = await listenLocal(pub.app);
      const dockerfileContent = `FROM 127.0.0.1:${port}/library/busybox\nRUN echo public-name\n`;
      const res = await pub.request({ method: 'POST', url: '/api/v1/runs', payload: { contextId: null, dockerfileContent, images: ['{{.Run.Registry}}/pub/app:{{.Run.ID}}', 'pub/app:latest'] } });
      expect(res.statusCode, res.body).toBe(201);
      const runId = res.json<ApiRun>().runId;
      const log = await (await fetch(`http://127.0.0.1:${pubPort}/api/v1/runs/${runId}/logs?follow=true`, { headers: { authorization: BASIC_AUTH }, signal: AbortSignal.timeout(60_000) })).text();
      const run = (await pub.get(`/api/v1/runs/${runId}`)).json<ApiRun>();
      expect(run.status, `${run.runErrorMessage}\n${log}`).toBe('Succeeded');
      expect(run.outputImages.map((i) => `${i.registry}/${i.repository}:${i.tag}`)).toEqual([`slipway.example.invalid/pub/app:${runId}`, 'slipway.example.invalid/pub/app:latest']);
      expect(log).toContain(`pushed slipway.example.invalid/pub/app:${runId}@sha256:`);
      const head = await pub.head(`/v2/pub/app/manifests/${runId}`, { headers: { accept: 'application/vnd.docker.distribution.manifest.v2+json, application/vnd.oci.image.manifest.v1+json' } });
      expect(head.headers['docker-content-digest']).toBe(run.outputImages[0]?.digest);
    } finally {
      await pub.close();
    }
  });
});
