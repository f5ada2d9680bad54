import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { promisify } from 'node:util';

export const REPO_ROOT = resolve(import.meta.dirname, '..', '..');
const run = promisify(execFile);

/** Runs a command (stdin: `input`, or closed), resolving with stdout; rejects with stderr in the message. */
export async function sh(cmd: string, args: readonly string[], env: NodeJS.ProcessEnv = {}, input = ''): Promise<string> {
  try {
    const child = run(cmd, [...args], { env: { ...process.env, ...env }, maxBuffer: 64 * 1024 * 1024 });
    child.child.stdin?.on('error', () => undefined);
    child.child.stdin?.end(input);
    return (await child).stdout;
  } catch (err) {
    const e = err as { stderr?: string; stdout?: string; message: string };
    throw new Error(`${cmd} ${args.join(' ')} failed: ${e.stderr || e.stdout || e.message}`);
  }
}

/** The Docker engine the test setup started (scripts/ensure-engine.sh); fails loudly without one. */
export function engineSocket(): string {
  const socket = process.env.SLIPWAY_ENGINE_SOCKET;
  if (!socket || !existsSync(socket)) {
    throw new Error('SLIPWAY_ENGINE_SOCKET is not set to a live Docker socket: run the tests with `npm test`, which starts dockerd');
  }
  return socket;
}

/** A busybox rootfs tarball made from Debian's busybox-static (no registry pulls here). */
export async function busyboxTarball(): Promise<string> {
  const file = join(tmpdir(), 'slipway-test-busybox.tar');
  if (!existsSync(file)) await sh('bash', [join(REPO_ROOT, 'scripts', 'make-busybox-image.sh'), file]);
  return file;
}

export interface SlipwayProcess {
  readonly url: string;
  readonly hostPort: string;
  readonly dataDir: string;
  readonly child: ChildProcess;
  kill(signal?: NodeJS.Signals): Promise<number | null>;
}

/** Starts `bin/slipway serve` as a real process on a free port and waits for its banner. */
export async function startSlipway(options: { dataDir: string; password: string; port?: number; env?: NodeJS.ProcessEnv }): Promise<SlipwayProcess> {
  const port = options.port ?? 0;
  const child = spawn(join(REPO_ROOT, 'bin', 'slipway'), ['serve', '--data-dir', options.dataDir, '--listen', `127.0.0.1:${port}`], {
    env: { ...process.env, SLIPWAY_ADMIN_PASSWORD: options.password, SLIPWAY_LOG_LEVEL: 'warn', ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const url = await new Promise<string>((resolveUrl, reject) => {
    const lines = createInterface({ input: child.stdout! });
    lines.on('line', (line) => {
      const m = /Slipway is listening at (http:\/\/\S+)/.exec(line);
      if (m) resolveUrl(m[1] as string);
    });
    child.once('exit', (code) => reject(new Error(`slipway exited with ${code} before listening: ${stderr}`)));
  });
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  return {
    url,
    hostPort: url.replace(/^http:\/\//, ''),
    dataDir: options.dataDir,
    child,
    async kill(signal = 'SIGTERM') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
  };
}

export async function tempDir(prefix: string): Promise<{ path: string; remove(): Promise<void> }> {
  const path = await mkdtemp(join(tmpdir(), `slipway-${prefix}-`));
  return { path, remove: () => rm(path, { recursive: true, force: true }) };
}

export function sha256(data: Buffer | string): string {
  return `sha256:${createHash('sha256').update(data).digest('hex')}`;
}

export function basic(user: string, password: string): string {
  return `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
}

/** Minimal OCI client over fetch, for pushes the CLI tools can't express (artifacts, indexes). */
export class OciClient {
  constructor(
    readonly baseUrl: string,
    private readonly authorization: string,
  ) {}

  async pushBlob(repo: string, data: Buffer): Promise<{ digest: string; size: number }> {
    const digest = sha256(data);
    const res = await fetch(`${this.baseUrl}/v2/${repo}/blobs/uploads/?digest=${digest}`, {
      method: 'POST',
      headers: { authorization: this.authorization, 'content-type': 'application/octet-stream' },
      body: data,
    });
    if (res.status !== 201) throw new Error(`blob push ${res.status}: ${await res.text()}`);
    return { digest, size: data.length };
  }

  async pushManifest(repo: string, ref: string, manifest: unknown, mediaType: string): Promise<{ digest: string; size: number; response: Response }> {
    const body = Buffer.from(JSON.stringify(manifest));
    const response = await fetch(`${this.baseUrl}/v2/${repo}/manifests/${ref}`, {
      method: 'PUT',
      headers: { authorization: this.authorization, 'content-type': mediaType },
      body,
    });
    if (response.status !== 201) throw new Error(`manifest push ${response.status}: ${await response.text()}`);
    return { digest: sha256(body), size: body.length, response };
  }

  get(path: string, headers: Record<string, string> = {}): Promise<Response> {
    return fetch(`${this.baseUrl}${path}`, { headers: { authorization: this.authorization, ...headers } });
  }
}

export function randomBlob(size: number): Buffer {
  return randomBytes(size);
}

/** What a `bin/slipway` process printed and how it exited. */
export interface CliResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs `bin/slipway args…` as a process with `env` (and `cwd`), feeding `stdin`; never rejects on a non-zero exit. */
export function runCli(args: readonly string[], options: { env: NodeJS.ProcessEnv; cwd?: string; stdin?: string }): Promise<CliResult> {
  return new Promise((resolveRun) => {
    const hasInput = options.stdin !== undefined;
    const child = spawn(join(REPO_ROOT, 'bin', 'slipway'), [...args], { env: options.env, ...(options.cwd === undefined ? {} : { cwd: options.cwd }), stdio: [hasInput ? 'pipe' : 'ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout?.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
    if (child.stdin !== null) {
      // A command that exits before reading its input closes the pipe: that is its answer, not a test error.
      child.stdin.on('error', () => undefined);
      child.stdin.end(options.stdin);
    }
    child.once('exit', (code) => resolveRun({ code, stdout, stderr }));
  });
}
