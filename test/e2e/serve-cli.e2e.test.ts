import { spawn } from 'node:child_process';
import { readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { REPO_ROOT, basic, sh, sha256, tempDir } from '../helpers/e2e.js';
import { writeTar } from '../../src/registry/seed/index.js';

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

  it('serves HTTPS with a configured certificate, and challenges with an https realm', async () => {
    const dir = await tempDir('tls');
    dirs.push(dir);
    const cert = join(dir.path, 'cert.pem');
    const key = join(dir.path, 'key.pem');
    await sh('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '1', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1', '-keyout', key, '-out', cert]);
    const server = serve(join(dir.path, 'data'), { SLIPWAY_ADMIN_PASSWORD: 'tls-password', SLIPWAY_TLS_CERT_FILE: cert, SLIPWAY_TLS_KEY_FILE: key });
    const url = /Slipway is listening at (https:\/\/\S+)/.exec(await server.banner)![1]!;
    const challenge = await sh('curl', ['-s', '-o', '/dev/null', '-D', '-', '--cacert', cert, `${url}/v2/`]);
    expect(challenge).toMatch(/^HTTP\/1\.1 401/);
    expect(challenge).toContain(`realm="${url}/oauth2/token"`);
    const blob = join(dir.path, 'blob');
    await writeFile(blob, 'over tls');
    const digest = sha256('over tls');
    const pushed = await sh('curl', ['-s', '-o', '/dev/null', '-w', '%{http_code}', '--cacert', cert, '-u', 'admin:tls-password', '-X', 'POST', '--data-binary', `@${blob}`, `${url}/v2/tls/app/blobs/uploads/?digest=${digest}`]);
    expect(pushed).toBe('201');
    expect(await sh('curl', ['-s', '--cacert', cert, '-u', 'admin:tls-password', `${url}/v2/tls/app/blobs/${digest}`])).toBe('over tls');
    server.child.kill('SIGTERM');
    expect(await server.exited).toBe(0);
  }, 60_000);

  it('refuses a certificate without its key, naming the missing key, and an unreadable certificate', async () => {
    const check = await slipway(['config', 'check'], { SLIPWAY_TLS_CERT_FILE: '/nonexistent/cert.pem' });
    expect(check.code).toBe(2);
    expect(check.stderr).toContain('server.tlsKeyFile');
    const dir = await tempDir('tls-missing');
    dirs.push(dir);
    const served = await slipway(['serve', '--data-dir', dir.path, '--listen', '127.0.0.1:0'], { SLIPWAY_TLS_CERT_FILE: '/nonexistent/cert.pem', SLIPWAY_TLS_KEY_FILE: '/nonexistent/key.pem' });
    expect(served.code).toBe(2);
    expect(served.stderr).toContain('server.tlsCertFile');
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
    // A build context uploaded by a client that never created its run.
    const context = writeTar([{ type: 'file', path: 'Dockerfile', mode: 0o644, data: Buffer.from('FROM scratch\n') }]);
    const uploaded = await fetch(`${url}/api/v1/contexts`, { method: 'POST', headers: { authorization: basic('admin', 'gc-password'), 'content-type': 'application/x-tar' }, body: context });
    expect(uploaded.status).toBe(201);

    const graced = await slipway(['gc', '--data-dir', dir.path, '-o', 'json']);
    expect(graced.code).toBe(0);
    expect(JSON.parse(graced.stdout)).toMatchObject({ dryRun: false, deletedBlobs: 0, removedContexts: 0 });

    const dry = await slipway(['gc', '--data-dir', dir.path, '--grace-seconds', '0', '--dry-run', '-o', 'json']);
    expect(JSON.parse(dry.stdout)).toMatchObject({ dryRun: true, deletedBlobs: 1, removedContexts: 1, contextBytes: context.length, freedBytes: orphan.length + context.length });
    expect((await fetch(`${url}/v2/gc/app/blobs/${sha256(orphan)}`, { method: 'HEAD', headers: { authorization: basic('admin', 'gc-password') } })).status).toBe(200);
    const queried = await slipway(['gc', '--data-dir', dir.path, '--grace-seconds', '0', '--dry-run', '--query', 'freedBytes', '-o', 'tsv']);
    expect(queried.stdout.trim()).toBe(String(orphan.length + context.length));

    const real = await slipway(['gc', '--data-dir', dir.path, '--grace-seconds', '0', '-o', 'json']);
    expect(real.code).toBe(0);
    expect(JSON.parse(real.stdout)).toMatchObject({ dryRun: false, removedLinks: 1, deletedBlobs: 1, removedContexts: 1, freedBytes: orphan.length + context.length });
    const summary = await slipway(['gc', '--data-dir', dir.path, '--grace-seconds', '0']);
    expect(summary.stdout).toContain('unused contexts:    0 (0 B)');
    expect((await fetch(`${url}/v2/gc/app/blobs/${sha256(orphan)}`, { method: 'HEAD', headers: { authorization: basic('admin', 'gc-password') } })).status).toBe(404);
    server.child.kill('SIGTERM');
    expect(await server.exited).toBe(0);
  }, 60_000);
});
