import { spawn, type ChildProcess } from 'node:child_process';
import { request } from 'node:http';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT, sh, startSlipway, tempDir, type SlipwayProcess } from '../helpers/e2e.js';

/**
 * Slipway as the Docker Hub mirror of a dedicated dockerd (issue 3, "Engine"): `busybox` resolves
 * to library/busybox in Slipway, seeded from busybox-static, with no credentials and no network.
 * The test dockerd's proxy is a closed loopback port, so its fallback to the public registry
 * fails at once on 127.0.0.1 instead of leaving the machine.
 */

const PASSWORD = 'e2e-mirror-password';
const DEAD_PROXY = 'http://127.0.0.1:9';
const DEADLINE_MS = 30_000;

interface Dockerd {
  readonly child: ChildProcess;
  readonly socket: string;
  readonly log: () => string;
}

/** One Engine API call over the unix socket; resolves with status and body text. */
function engine(socket: string, method: string, path: string, body?: Buffer): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ socketPath: socket, method, path, headers: body ? { 'content-type': 'application/x-tar' } : {} }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString() }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

async function waitForPing(d: Dockerd): Promise<void> {
  const deadline = Date.now() + DEADLINE_MS;
  for (;;) {
    if (d.child.exitCode !== null) throw new Error(`test dockerd exited (${d.child.exitCode}): ${d.log().slice(-2000)}`);
    const ok = await engine(d.socket, 'GET', '/_ping').then((r) => r.text === 'OK', () => false);
    if (ok) return;
    if (Date.now() > deadline) throw new Error(`test dockerd did not answer /_ping within ${DEADLINE_MS} ms: ${d.log().slice(-2000)}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** The test dockerd's own bridge. Not `--bridge=none`: with it dockerd deletes docker0, the main engine's. */
const TEST_BRIDGE = `slwmirror${process.pid % 100_000}`;

/** A second dockerd, only for this test: own roots, own socket, own bridge, no iptables. */
async function startDockerd(dir: string, mirror: string): Promise<Dockerd> {
  const socket = join(dir, 'docker.sock');
  await sh('ip', ['link', 'add', TEST_BRIDGE, 'type', 'bridge']);
  await sh('ip', ['addr', 'add', '172.31.254.1/24', 'dev', TEST_BRIDGE]);
  const args = [
    '--registry-mirror', mirror,
    '--data-root', join(dir, 'data'), '--exec-root', join(dir, 'exec'), '--pidfile', join(dir, 'docker.pid'),
    '--host', `unix://${socket}`, `--bridge=${TEST_BRIDGE}`, '--iptables=false', '--ip-masq=false',
  ];
  const env = { ...process.env, HTTPS_PROXY: DEAD_PROXY, HTTP_PROXY: DEAD_PROXY, NO_PROXY: '127.0.0.1,localhost' };
  const child = spawn('dockerd', args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  child.stdout!.on('data', (d: Buffer) => (log += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (log += d.toString()));
  const d = { child, socket, log: () => log };
  await waitForPing(d);
  return d;
}

async function stopDockerd(d: Dockerd | undefined): Promise<void> {
  if (d && d.child.exitCode === null) {
    const exited = new Promise((r) => d.child.once('exit', r));
    d.child.kill('SIGTERM');
    const timer = setTimeout(() => d.child.kill('SIGKILL'), 15_000);
    await exited;
    clearTimeout(timer);
  }
  await sh('ip', ['link', 'del', TEST_BRIDGE]).catch(() => undefined);
}

describe('Slipway as a Docker Hub mirror for a dedicated dockerd', () => {
  let dir: { path: string; remove(): Promise<void> };
  let slipway: SlipwayProcess;
  let dockerd: Dockerd | undefined;
  let slipwayLog = '';
  let dockerEnv: NodeJS.ProcessEnv;
  const dataDir = (): string => join(dir.path, 'data');
  const seed = (): Promise<string> => sh(join(REPO_ROOT, 'bin', 'slipway'), ['seed', 'busybox', '--data-dir', dataDir()]);
  const docker = (...args: string[]): Promise<string> => sh('docker', args, dockerEnv);

  beforeAll(async () => {
    dir = await tempDir('mirror');
    expect(await seed()).toMatch(/^library\/busybox:latest seeded \(sha256:[0-9a-f]{64}\)/);
    slipway = await startSlipway({ dataDir: dataDir(), password: PASSWORD, env: { SLIPWAY_LOG_LEVEL: 'info' } });
    slipway.child.stdout!.on('data', (d: Buffer) => (slipwayLog += d.toString()));
    dockerd = await startDockerd(join(dir.path, 'dockerd'), slipway.url);
    await mkdir(join(dir.path, 'docker-config'));
    dockerEnv = { DOCKER_HOST: `unix://${dockerd.socket}`, DOCKER_CONFIG: join(dir.path, 'docker-config') };
  }, 60_000);

  afterAll(async () => {
    await stopDockerd(dockerd);
    await slipway?.kill();
    await dir?.remove();
  }, 30_000);

  it('seeding again while the server runs reports the image already present, same digest', async () => {
    const served = await fetch(`${slipway.url}/v2/library/busybox/manifests/latest`, { method: 'HEAD', headers: { accept: 'application/vnd.oci.image.manifest.v1+json' } });
    expect(served.status).toBe(200);
    const again = await seed();
    expect(again).toContain('already present');
    expect(again).toContain(served.headers.get('docker-content-digest'));
  });

  it('docker pull busybox works with no credentials and no registry host, and the image runs', async () => {
    await docker('pull', 'busybox');
    expect((await docker('run', '--rm', '--network', 'none', 'busybox', 'echo', 'ok')).trim()).toBe('ok');
  }, 30_000);

  it('the classic builder builds FROM busybox through the mirror', async () => {
    const ctx = join(dir.path, 'ctx');
    await mkdir(ctx, { recursive: true });
    await writeFile(join(ctx, 'Dockerfile'), 'FROM busybox\nRUN echo built > /built\n');
    await docker('rmi', 'busybox');
    const logStart = slipwayLog.length;
    await sh('docker', ['build', '--network', 'none', '-t', 'mirror-classic', ctx], { ...dockerEnv, DOCKER_BUILDKIT: '0' });
    expect((await docker('run', '--rm', '--network', 'none', 'mirror-classic', 'cat', '/built')).trim()).toBe('built');
    expect(slipwayLog.slice(logStart)).toMatch(/"url":"\/v2\/library\/busybox\/manifests\/latest","status":200/);
  }, 30_000);

  it('BuildKit (Engine API, version=2) builds FROM busybox through the mirror', async () => {
    const ctx = join(dir.path, 'ctx');
    const tarBytes = await new Promise<Buffer>((resolve, reject) => {
      const child = spawn('tar', ['-C', ctx, '-c', '.'], { stdio: ['ignore', 'pipe', 'inherit'] });
      const chunks: Buffer[] = [];
      child.stdout.on('data', (c: Buffer) => chunks.push(c));
      child.on('exit', (code) => (code === 0 ? resolve(Buffer.concat(chunks)) : reject(new Error(`tar exited ${code}`))));
    });
    // Untag the local busybox and force a pull, so BuildKit must resolve FROM through the mirror.
    await docker('rmi', 'busybox');
    const logStart = slipwayLog.length;
    const res = await engine(dockerd!.socket, 'POST', '/build?version=2&t=mirror-buildkit&networkmode=none&nocache=1&pull=1', tarBytes);
    expect(res.status).toBe(200);
    const lines = res.text.split('\n').filter((l) => l.trim() !== '').map((l) => JSON.parse(l) as { error?: string; id?: string });
    expect(lines.filter((l) => l.error !== undefined)).toEqual([]);
    expect(lines.some((l) => l.id === 'moby.buildkit.trace')).toBe(true);
    expect(slipwayLog.slice(logStart)).toMatch(/"url":"\/v2\/library\/busybox\/manifests\/latest","status":200/);
    expect((await docker('run', '--rm', '--network', 'none', 'mirror-buildkit', 'cat', '/built')).trim()).toBe('built');
  }, 30_000);

  it('pulling an image Slipway lacks fails, fetches nothing from outside, and both logs name what was missing', async () => {
    await expect(docker('pull', 'nginx:latest')).rejects.toThrow(/failed/);
    // Slipway answered 404 (MANIFEST_UNKNOWN) for the exact manifest; dockerd logged the mirror's answer
    // before falling back to the public registry, which the dead loopback proxy refused.
    const misses = slipwayLog.split('\n').filter((l) => l.includes('"url":"/v2/library/nginx/manifests/latest"'));
    expect(misses.length).toBeGreaterThan(0);
    expect(misses.every((l) => l.includes('"status":404'))).toBe(true);
    expect(dockerd!.log()).toContain('manifest unknown');
    expect(await docker('images', '-q', 'nginx')).toBe('');
  }, 30_000);

  it('skopeo inspects library/busybox anonymously, and names a missing image as manifest unknown', async () => {
    const ref = `docker://${slipway.hostPort}/library/busybox:latest`;
    const inspected = JSON.parse(await sh('skopeo', ['inspect', '--no-creds', '--tls-verify=false', ref])) as { Architecture: string; Os: string; Layers: string[] };
    expect(inspected).toMatchObject({ Architecture: 'amd64', Os: 'linux' });
    expect(inspected.Layers).toHaveLength(1);
    await expect(sh('skopeo', ['inspect', '--no-creds', '--tls-verify=false', `docker://${slipway.hostPort}/library/nginx:latest`])).rejects.toThrow(/manifest unknown/);
  }, 30_000);
});
