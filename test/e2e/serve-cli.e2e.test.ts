import { spawn } from 'node:child_process';
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { REPO_ROOT, basic, sha256, tempDir } from '../helpers/e2e.js';

interface Run {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

const SLIPWAY = join(REPO_ROOT, 'bin', 'slipway');
const CLEAN_ENV = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('SLIPWAY_')));

/** Runs `bin/slipway` to completion. */
function slipway(args: string[], env: NodeJS.ProcessEnv = {}): Promise<Run> {
  return new Promise((resolve) => {
    const child = spawn(SLIPWAY, args, { env: { ...CLEAN_ENV, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.once('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

/** Starts `slipway serve`, resolves once it printed its banner, with the running child. */
function serve(dataDir: string, env: NodeJS.ProcessEnv = {}) {
  const child = spawn(SLIPWAY, ['serve', '--data-dir', dataDir, '--listen', '127.0.0.1:0'], { env: { ...CLEAN_ENV, SLIPWAY_LOG_LEVEL: 'info', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  const banner = new Promise<string>((resolve, reject) => {
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
      if (stdout.includes('data dir:')) resolve(stdout);
    });
    void exited.then((code) => reject(new Error(`serve exited with ${code}: ${stdout}`)));
  });
  return { child, banner, exited, output: () => stdout };
}

describe('slipway serve and the CLI as processes', () => {
  const dirs: Array<{ remove(): Promise<void> }> = [];
  afterAll(async () => {
    for (const d of dirs) await d.remove();
  });

  it('generates the admin password once, in a 0600 file, and shuts down gracefully on SIGTERM', async () => {
    const dir = await tempDir('serve');
    dirs.push(dir);
    const first = serve(dir.path);
    const banner = await first.banner;
    const url = /Slipway is listening at (http:\/\/\S+)/.exec(banner)![1]!;
    expect(banner).toContain('admin user: admin');
    expect(banner).toContain('(generated now)');
    const file = join(dir.path, 'admin-password');
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    const password = (await readFile(file, 'utf8')).trim();
    expect(banner).not.toContain(password);
    expect((await fetch(`${url}/v2/`, { headers: { authorization: basic('admin', password) } })).status).toBe(200);
    first.child.kill('SIGTERM');
    expect(await first.exited).toBe(0);
    expect(first.output()).toContain('"msg":"stopped"');

    const second = serve(dir.path);
    expect(await second.banner).not.toContain('generated now');
    expect((await readFile(file, 'utf8')).trim()).toBe(password);
    second.child.kill('SIGINT');
    expect(await second.exited).toBe(0);
  }, 60_000);

  it('fails fast with exit code 2 naming the bad configuration key', async () => {
    const run = await slipway(['serve', '--listen', 'not-a-host-port']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('server.listen');
    const check = await slipway(['config', 'check'], { SLIPWAY_LOG_LEVEL: 'loud' });
    expect(check.code).toBe(2);
    expect(check.stderr).toContain('log.level');
  }, 60_000);

  it('runs gc against a live server and reports what it freed as JSON', async () => {
    const dir = await tempDir('gc-cli');
    dirs.push(dir);
    const server = serve(dir.path, { SLIPWAY_ADMIN_PASSWORD: 'gc-password' });
    const url = /Slipway is listening at (http:\/\/\S+)/.exec(await server.banner)![1]!;
    const orphan = Buffer.from('a layer no manifest will ever reference');
    const pushed = await fetch(`${url}/v2/gc/app/blobs/uploads/?digest=${sha256(orphan)}`, { method: 'POST', headers: { authorization: basic('admin', 'gc-password') }, body: orphan });
    expect(pushed.status).toBe(201);

    const graced = await slipway(['gc', '--data-dir', dir.path, '-o', 'json']);
    expect(graced.code).toBe(0);
    expect(JSON.parse(graced.stdout)).toMatchObject({ dryRun: false, deletedBlobs: 0 });

    const dry = await slipway(['gc', '--data-dir', dir.path, '--grace-seconds', '0', '--dry-run', '-o', 'json']);
    expect(JSON.parse(dry.stdout)).toMatchObject({ dryRun: true, deletedBlobs: 1, freedBytes: orphan.length });
    expect((await fetch(`${url}/v2/gc/app/blobs/${sha256(orphan)}`, { method: 'HEAD', headers: { authorization: basic('admin', 'gc-password') } })).status).toBe(200);

    const real = await slipway(['gc', '--data-dir', dir.path, '--grace-seconds', '0', '-o', 'json']);
    expect(real.code).toBe(0);
    expect(JSON.parse(real.stdout)).toMatchObject({ dryRun: false, removedLinks: 1, deletedBlobs: 1, freedBytes: orphan.length });
    expect((await fetch(`${url}/v2/gc/app/blobs/${sha256(orphan)}`, { method: 'HEAD', headers: { authorization: basic('admin', 'gc-password') } })).status).toBe(404);
    server.child.kill('SIGTERM');
    expect(await server.exited).toBe(0);
  }, 60_000);
});
