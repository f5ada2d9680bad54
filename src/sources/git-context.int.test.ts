import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { createConnection, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collect, listTar } from '../../test/helpers/tar.js';
import { fetchGitContext } from './git-context.js';

const exec = promisify(execFile);
const gitEnv = {
  ...process.env,
  GIT_AUTHOR_NAME: 'Test',
  GIT_AUTHOR_EMAIL: 'test@example.invalid',
  GIT_COMMITTER_NAME: 'Test',
  GIT_COMMITTER_EMAIL: 'test@example.invalid',
  GIT_CONFIG_NOSYSTEM: '1',
};

let base: string;
let repo: string;
let firstCommit: string;
let daemon: ChildProcess | undefined;
let daemonPort = 0;
let scratch: string;

async function git(...args: string[]): Promise<string> {
  return (await exec('git', ['-c', 'init.defaultBranch=main', ...args], { cwd: repo, env: gitEnv })).stdout.trim();
}

async function write(rel: string, content: string): Promise<void> {
  await mkdir(join(repo, rel, '..'), { recursive: true });
  await writeFile(join(repo, rel), content);
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

async function waitForPort(port: number): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    const isOpen = await new Promise<boolean>((resolve) => {
      const socket = createConnection({ port, host: '127.0.0.1' }, () => {
        socket.destroy();
        resolve(true);
      });
      socket.on('error', () => resolve(false));
    });
    if (isOpen) return;
    await sleep(50);
  }
  throw new Error(`git daemon did not listen on ${port}`);
}

beforeAll(async () => {
  base = await mkdtemp(join(tmpdir(), 'slipway-gitsrv-'));
  scratch = await mkdtemp(join(tmpdir(), 'slipway-gitwork-'));
  repo = join(base, 'repo.git');
  await mkdir(repo);
  await git('init', '--quiet');
  await write('README.md', 'root\n');
  await write('app/Dockerfile', 'FROM busybox\n');
  await write('app/v1.txt', 'one\n');
  await git('add', '.');
  await git('commit', '--quiet', '-m', 'first');
  firstCommit = await git('rev-parse', 'HEAD');
  await git('tag', '-a', 'v1', '-m', 'release 1');
  await write('app/v2.txt', 'two\n');
  await git('add', '.');
  await git('commit', '--quiet', '-m', 'second');
  await git('checkout', '--quiet', '-b', 'feature');
  await write('app/feature.txt', 'feature\n');
  await git('add', '.');
  await git('commit', '--quiet', '-m', 'feature');
  await git('checkout', '--quiet', 'main');
  daemonPort = await freePort();
  daemon = spawn('git', ['daemon', '--export-all', '--reuseaddr', `--base-path=${base}`, `--port=${daemonPort}`, '--listen=127.0.0.1', base], {
    stdio: 'ignore',
  });
  await waitForPort(daemonPort);
});

afterAll(async () => {
  daemon?.kill();
  await rm(base, { recursive: true, force: true });
  await rm(scratch, { recursive: true, force: true });
});

async function names(url: string, ref: string | null, subfolder: string | null): Promise<string[]> {
  const stream = await fetchGitContext(url, ref, subfolder, { tempDir: scratch, dockerfile: null });
  return (await listTar(await collect(stream))).map((e) => e.header.name).sort();
}

describe('fetchGitContext', () => {
  it('packs a branch subfolder over file://, without .git', async () => {
    expect(await names(`file://${repo}`, 'feature', 'app')).toEqual(['Dockerfile', 'feature.txt', 'v1.txt', 'v2.txt']);
  });

  it('packs the default branch root over the git protocol on loopback', async () => {
    expect(await names(`git://127.0.0.1:${daemonPort}/repo.git`, null, null)).toEqual(['README.md', 'app/', 'app/Dockerfile', 'app/v1.txt', 'app/v2.txt']);
  });

  it('packs #branch:subfolder over the git protocol', async () => {
    expect(await names(`git://127.0.0.1:${daemonPort}/repo.git`, 'feature', 'app')).toContain('feature.txt');
  });

  it('packs an annotated tag', async () => {
    expect(await names(`git://127.0.0.1:${daemonPort}/repo.git`, 'v1', 'app')).toEqual(['Dockerfile', 'v1.txt']);
  });

  it('packs a commit by its full and its short id', async () => {
    expect(await names(`git://127.0.0.1:${daemonPort}/repo.git`, firstCommit, 'app')).toEqual(['Dockerfile', 'v1.txt']);
    expect(await names(`file://${repo}`, firstCommit.slice(0, 10), 'app')).toEqual(['Dockerfile', 'v1.txt']);
  });

  it('checks the Dockerfile inside the subfolder', async () => {
    await expect(fetchGitContext(`file://${repo}`, 'main', null, { tempDir: scratch })).rejects.toMatchObject({ code: 'SOURCE_DOCKERFILE_MISSING' });
    const stream = await fetchGitContext(`file://${repo}`, 'main', 'app', { tempDir: scratch });
    expect((await collect(stream)).length).toBeGreaterThan(0);
  });

  it('fails with SOURCE_GIT_FAILED and git\'s message for an unknown ref', async () => {
    const err = await fetchGitContext(`git://127.0.0.1:${daemonPort}/repo.git`, 'no-such-branch', null, { tempDir: scratch }).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'SOURCE_GIT_FAILED', detail: { ref: 'no-such-branch' } });
    expect((err as Error).message).toMatch(/no-such-branch/);
  });

  it('fails with SOURCE_GIT_FAILED for an unreachable repository, with credentials redacted', async () => {
    const port = await freePort();
    const err = await fetchGitContext(`http://alice:hunter2@127.0.0.1:${port}/repo.git`, 'main', null, { tempDir: scratch }).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'SOURCE_GIT_FAILED' });
    expect(JSON.stringify({ message: (err as Error).message, detail: (err as { detail: unknown }).detail })).not.toContain('hunter2');
    expect((err as Error).message).toContain('alice:***@127.0.0.1');
  });

  it('fails with SOURCE_NOT_FOUND for a subfolder the repository lacks', async () => {
    await expect(fetchGitContext(`file://${repo}`, 'main', 'nope', { tempDir: scratch })).rejects.toMatchObject({ code: 'SOURCE_NOT_FOUND' });
  });

  it('leaves no temporary folder behind, after success and after failure', async () => {
    const deadline = Date.now() + 5_000; // removal runs when each stream closes
    while ((await readdir(scratch)).length > 0 && Date.now() < deadline) await sleep(20);
    expect(await readdir(scratch)).toEqual([]);
  });
});
