import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { promisify } from 'node:util';
import { gzipSync } from 'node:zlib';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiQuickBuildRequest, ApiRun } from '../../src/api/contract/runs.js';
import { encodeTarHeader, endOfArchive, TarEntryType } from '../../src/core/tar/tar-header.js';
import { seedBusybox, writeTar } from '../../src/registry/seed/index.js';
import { BASIC_AUTH, buildTestServer, type TestServer } from '../helpers/build-test-server.js';
import { engineSocket } from '../helpers/e2e.js';
import { startGitHttpServer, type GitHttpServer } from '../helpers/git-http-server.js';
import { listenLocal } from '../helpers/raw-http.js';

/**
 * Git and tarball contexts fetched by the agent (issue 3): a real git smart-HTTP server
 * (`git http-backend`) and a plain HTTP file server on loopback, the real engine building.
 */

const exec = promisify(execFile);
const gitEnv = { ...process.env, GIT_AUTHOR_NAME: 'T', GIT_AUTHOR_EMAIL: 't@example.invalid', GIT_COMMITTER_NAME: 'T', GIT_COMMITTER_EMAIL: 't@example.invalid', GIT_CONFIG_NOSYSTEM: '1' };
const URL_PASSWORD = 'url-password-never-logged';

const socket = engineSocket();
let server: TestServer;
let port: number;
let base: string;
let work: string;
let gitServer: GitHttpServer;
let files: Server;
let filesUrl: string;
const served = new Map<string, { status: number; body: Buffer; location?: string }>();
let featureCommit: string;

async function git(cwd: string, ...args: string[]): Promise<string> {
  return (await exec('git', ['-c', 'init.defaultBranch=main', ...args], { cwd, env: gitEnv })).stdout.trim();
}

/** A repository with `main` (root Dockerfile) and `feature` (a `web/` folder with its own Dockerfile), published bare under the git server's root. */
async function makeRepository(root: string): Promise<void> {
  const src = join(work, 'src-repo');
  await mkdir(join(src, 'web'), { recursive: true });
  await git(src, 'init', '--quiet');
  await writeFile(join(src, 'Dockerfile'), `FROM ${base}\nCOPY . /ctx\nRUN echo "main-branch: $(ls /ctx | tr '\\n' ' ')"\n`);
  await writeFile(join(src, 'root.txt'), 'root\n');
  await git(src, 'add', '.');
  await git(src, 'commit', '--quiet', '-m', 'main');
  await git(src, 'checkout', '--quiet', '-b', 'feature');
  await writeFile(join(src, 'web', 'Dockerfile'), `FROM ${base}\nCOPY . /web\nRUN echo "feature-web: $(cat /web/page.html)" && ls /web\n`);
  await writeFile(join(src, 'web', 'page.html'), 'feature-page\n');
  await git(src, 'add', '.');
  await git(src, 'commit', '--quiet', '-m', 'feature');
  featureCommit = await git(src, 'rev-parse', 'HEAD');
  await git(src, 'checkout', '--quiet', 'main');
  await exec('git', ['clone', '--quiet', '--bare', src, join(root, 'app.git')], { env: gitEnv });
}

async function startFiles(): Promise<void> {
  files = createServer((req, res) => {
    const entry = served.get(req.url ?? '');
    if (entry === undefined) return void res.writeHead(404).end('no such file');
    res.writeHead(entry.status, entry.location ? { location: entry.location } : { 'content-type': 'application/gzip' }).end(entry.body);
  });
  await new Promise<void>((resolve) => files.listen(0, '127.0.0.1', resolve));
  filesUrl = `http://127.0.0.1:${(files.address() as AddressInfo).port}`;
}

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'slipway-remote-ctx-'));
  server = await buildTestServer({ overrides: { 'engine.socket': socket } });
  port = await listenLocal(server.app);
  base = `127.0.0.1:${port}/library/busybox`;
  await seedBusybox({ log: pino({ level: 'silent' }), signal: new AbortController().signal, actor: { name: 'admin' } }, server.built.registry);
  await mkdir(join(work, 'git-root'));
  await makeRepository(join(work, 'git-root'));
  gitServer = await startGitHttpServer(join(work, 'git-root'));
  await startFiles();
}, 60_000);

afterAll(async () => {
  await server?.close();
  await gitServer?.close();
  files?.closeAllConnections();
  await new Promise((resolve) => (files ? files.close(resolve) : resolve(undefined)));
  if (work) await rm(work, { recursive: true, force: true });
});

async function startRun(request: Partial<ApiQuickBuildRequest>): Promise<ApiRun> {
  const res = await server.request({ method: 'POST', url: '/api/v1/runs', payload: { contextId: null, images: [`remote/${randomUUID().slice(0, 8)}:{{.Run.ID}}`], noCache: true, ...request } });
  expect(res.statusCode, res.body).toBe(201);
  return res.json<ApiRun>();
}

/** Follows the log to its end (the response ends when the run is terminal), then reads the run. */
async function finish(runId: string): Promise<{ run: ApiRun; log: string }> {
  const res = await fetch(`http://127.0.0.1:${port}/api/v1/runs/${runId}/logs?follow=true`, { headers: { authorization: BASIC_AUTH }, signal: AbortSignal.timeout(120_000) });
  const log = await res.text();
  return { run: (await server.get(`/api/v1/runs/${runId}`)).json<ApiRun>(), log };
}

function tarGz(entries: Parameters<typeof writeTar>[0]): Buffer {
  return gzipSync(writeTar(entries));
}

describe('git contexts', () => {
  it('builds a branch and subfolder (#feature:web) fetched over smart HTTP, and records the commit', async () => {
    const queued = await startRun({ sourceLocation: `${gitServer.url}/app.git#feature:web` });
    const { run, log } = await finish(queued.runId);
    expect(run.status, `${run.runErrorMessage}\n${log}`).toBe('Succeeded');
    expect(log).toContain('feature-web: feature-page');
    expect(log).toContain(`Checked out commit ${featureCommit}`);
    // Only the subfolder is the context: the root's files are not in /web.
    expect(log).not.toContain('root.txt');
    expect(run.sourceLocation).toBe(`${gitServer.url}/app.git#feature:web`);
    expect(run.outputImages[0]?.digest).toMatch(/^sha256:/);
    expect(run.baseImages).toEqual([expect.objectContaining({ repository: 'library/busybox', type: 'Runtime', digest: expect.stringMatching(/^sha256:/) })]);
    expect(gitServer.requests.some((r) => r.includes('git-upload-pack'))).toBe(true);
    expect(await readdir(join(server.dataDir, 'storage', 'contexts'))).toEqual([]);
  }, 180_000);

  it('builds the default branch and a commit id; never shows a password from the URL', async () => {
    const withPassword = gitServer.url.replace('http://', `http://builder:${URL_PASSWORD}@`);
    const queued = await startRun({ sourceLocation: `${withPassword}/app.git` });
    const { run, log } = await finish(queued.runId);
    expect(run.status, `${run.runErrorMessage}\n${log}`).toBe('Succeeded');
    expect(log).toContain('main-branch: Dockerfile root.txt');
    expect(log).toContain('builder:***@');
    expect(JSON.stringify(run) + log).not.toContain(URL_PASSWORD);

    const byCommit = await finish((await startRun({ sourceLocation: `${gitServer.url}/app.git#${featureCommit}:web` })).runId);
    expect(byCommit.run.status, byCommit.log).toBe('Succeeded');
    expect(byCommit.log).toContain('feature-web: feature-page');
  }, 180_000);

  it('ends Failed with SOURCE_GIT_FAILED for an unknown branch, naming it, and leaves nothing behind', async () => {
    const { run, log } = await finish((await startRun({ sourceLocation: `${gitServer.url}/app.git#no-such-branch` })).runId);
    expect(run.status).toBe('Failed');
    expect(run.errorCode).toBe('SOURCE_GIT_FAILED');
    expect(run.runErrorMessage).toMatch(/"no-such-branch"/);
    expect(log).toMatch(/no-such-branch/);
    expect(await readdir(join(server.dataDir, 'storage', 'contexts'))).toEqual([]);
  }, 60_000);

  it('ends Failed with SOURCE_GIT_FAILED for an unreachable repository, and SOURCE_NOT_FOUND for a missing subfolder', async () => {
    const unreachable = await finish((await startRun({ sourceLocation: `${gitServer.url}/missing.git` })).runId);
    expect(unreachable.run).toMatchObject({ status: 'Failed', errorCode: 'SOURCE_GIT_FAILED' });
    const noFolder = await finish((await startRun({ sourceLocation: `${gitServer.url}/app.git#main:nowhere` })).runId);
    expect(noFolder.run).toMatchObject({ status: 'Failed', errorCode: 'SOURCE_NOT_FOUND' });
    expect(noFolder.run.runErrorMessage).toContain('nowhere');
  }, 60_000);

  it('ends Failed with SOURCE_DOCKERFILE_MISSING when the Dockerfile is not in the repository', async () => {
    const { run } = await finish((await startRun({ sourceLocation: `${gitServer.url}/app.git#main`, dockerfile: 'docker/Dockerfile' })).runId);
    expect(run).toMatchObject({ status: 'Failed', errorCode: 'SOURCE_DOCKERFILE_MISSING' });
    expect(run.runErrorMessage).toContain('docker/Dockerfile');
  }, 60_000);
});

describe('tarball contexts', () => {
  it('builds a tar.gz fetched over HTTP, following a redirect', async () => {
    served.set('/ctx.tar.gz', {
      status: 200,
      body: tarGz([
        { type: 'file', path: 'Dockerfile', mode: 0o644, data: Buffer.from(`FROM ${base}\nCOPY note.txt /note.txt\nRUN echo "tarball: $(cat /note.txt)"\n`) },
        { type: 'file', path: 'note.txt', mode: 0o644, data: Buffer.from('from-a-tarball\n') },
      ]),
    });
    served.set('/moved', { status: 302, body: Buffer.alloc(0), location: '/ctx.tar.gz' });
    const { run, log } = await finish((await startRun({ sourceLocation: `${filesUrl}/moved` })).runId);
    expect(run.status, `${run.runErrorMessage}\n${log}`).toBe('Succeeded');
    expect(log).toContain('tarball: from-a-tarball');
    expect(log).toMatch(/Fetched the context: [\d.]+ KiB/);
  }, 120_000);

  it('ends Failed with SOURCE_NOT_FOUND for a 404, and SOURCE_INVALID for a file that is not a tarball', async () => {
    const missing = await finish((await startRun({ sourceLocation: `${filesUrl}/nothing.tar.gz` })).runId);
    expect(missing.run).toMatchObject({ status: 'Failed', errorCode: 'SOURCE_NOT_FOUND' });
    expect(missing.run.runErrorMessage).toContain('404');
    served.set('/notes.txt', { status: 200, body: Buffer.from('just some text, long enough to fill more than one tar block? no.\n'.repeat(20)) });
    const notTar = await finish((await startRun({ sourceLocation: `${filesUrl}/notes.txt` })).runId);
    expect(notTar.run).toMatchObject({ status: 'Failed', errorCode: 'SOURCE_INVALID' });
  }, 60_000);

  it('ends Failed with SOURCE_INVALID for a tarball with a ../ entry, and stores nothing', async () => {
    const data = Buffer.from('escape\n');
    const evil = Buffer.concat([
      encodeTarHeader({ name: 'Dockerfile', type: TarEntryType.file, mode: 0o644, sizeBytes: 5, mtimeSeconds: 0 }),
      Buffer.from('FROM\n'),
      Buffer.alloc(512 - 5),
      encodeTarHeader({ name: '../escape.txt', type: TarEntryType.file, mode: 0o644, sizeBytes: data.length, mtimeSeconds: 0 }),
      data,
      Buffer.alloc(512 - data.length),
      endOfArchive(),
    ]);
    served.set('/evil.tar', { status: 200, body: evil });
    const { run } = await finish((await startRun({ sourceLocation: `${filesUrl}/evil.tar` })).runId);
    expect(run).toMatchObject({ status: 'Failed', errorCode: 'SOURCE_INVALID' });
    expect(run.runErrorMessage).toContain('..');
    expect(await readdir(join(server.dataDir, 'storage', 'contexts'))).toEqual([]);
  }, 60_000);
});

describe('what a server lets runs fetch (sources.*)', () => {
  let strict: TestServer;
  beforeAll(async () => {
    strict = await buildTestServer({ overrides: { 'sources.allowPrivateNetworks': false } });
  });
  afterAll(async () => {
    await strict?.close();
  });

  it('refuses file:// by default and loopback hosts when private networks are off, with 403 SOURCE_NOT_ALLOWED', async () => {
    const fileUrl = await server.request({ method: 'POST', url: '/api/v1/runs', payload: { contextId: null, images: [], sourceLocation: `file://${work}/git-root/app.git` } });
    expect(fileUrl.statusCode).toBe(403);
    expect(fileUrl.json()).toMatchObject({ error: { code: 'SOURCE_NOT_ALLOWED', detail: { setting: 'sources.allowFileUrls' } } });
    for (const location of [`${gitServer.url}/app.git`, `${filesUrl}/ctx.tar.gz`, 'http://[::1]:9/x.tar', 'http://localhost:9/app.git']) {
      const res = await strict.request({ method: 'POST', url: '/api/v1/runs', payload: { contextId: null, images: [], sourceLocation: location } });
      expect(res.statusCode, location).toBe(403);
      expect(res.json()).toMatchObject({ error: { code: 'SOURCE_NOT_ALLOWED', detail: { setting: 'sources.allowPrivateNetworks' } } });
    }
  });

  it('answers 400 for a sourceLocation that is a folder, malformed, or given with a contextId', async () => {
    for (const payload of [
      { contextId: null, images: [], sourceLocation: './app' },
      { contextId: null, images: [], sourceLocation: 'ftp://example.invalid/x' },
      { contextId: null, images: [], sourceLocation: 'https://git.example.invalid/x.git#bad..ref' },
      { contextId: randomUUID(), images: [], sourceLocation: 'https://git.example.invalid/x.git' },
    ]) {
      const res = await server.request({ method: 'POST', url: '/api/v1/runs', payload });
      expect(res.statusCode, JSON.stringify(payload)).toBeGreaterThanOrEqual(400);
      expect(res.statusCode).toBeLessThan(500);
    }
  });
});
