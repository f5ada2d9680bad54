import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buildServer, type BuiltServer } from '../../../app/build-server.js';
import { loadConfig } from '../../../config/load.js';
import { COMMANDS } from '../index.js';
import { runCli } from '../../run-cli.js';
import { captureIo, type CaptureOptions } from '../../output/capture-io.js';

const PASSWORD = 'int-test-password';
const AUTH = `Basic ${Buffer.from(`admin:${PASSWORD}`).toString('base64')}`;
const MANIFEST_TYPE = 'application/vnd.oci.image.manifest.v1+json';

const sha256 = (bytes: Buffer): string => `sha256:${createHash('sha256').update(bytes).digest('hex')}`;

async function pushBlob(base: string, repo: string, bytes: Buffer): Promise<{ digest: string; size: number }> {
  const digest = sha256(bytes);
  const res = await fetch(`${base}/v2/${repo}/blobs/uploads/?digest=${digest}`, {
    method: 'POST',
    headers: { authorization: AUTH, 'content-type': 'application/octet-stream' },
    body: bytes,
  });
  expect(res.status).toBe(201);
  return { digest, size: bytes.length };
}

/** Pushes a one-layer image (distinct per `variant`) under each tag; returns the manifest digest. */
async function pushImage(base: string, repo: string, variant: string, tags: readonly string[]): Promise<string> {
  const config = await pushBlob(base, repo, Buffer.from(JSON.stringify({ architecture: 'amd64', os: 'linux', rootfs: { type: 'layers', diff_ids: [] }, variant })));
  const layer = await pushBlob(base, repo, Buffer.from(`layer ${variant}`));
  const manifest = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: MANIFEST_TYPE,
      config: { mediaType: 'application/vnd.oci.image.config.v1+json', ...config },
      layers: [{ mediaType: 'application/vnd.oci.image.layer.v1.tar', ...layer }],
    }),
  );
  for (const tag of tags) {
    const res = await fetch(`${base}/v2/${repo}/manifests/${tag}`, { method: 'PUT', headers: { authorization: AUTH, 'content-type': MANIFEST_TYPE }, body: manifest });
    expect(res.status).toBe(201);
  }
  return sha256(manifest);
}

async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

interface Result {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

let server: BuiltServer;
let base: string;
let dataDir: string;
let configHome: string;
let appV1: string;
let appV2: string;

/** Runs the CLI in-process with a captured Io; env defaults to the test server and admin credentials. */
type CliOptions = CaptureOptions & { readonly withCredentials?: boolean };

async function cli(argv: readonly string[], options: CliOptions = {}): Promise<Result> {
  const credentials = options.withCredentials === false ? {} : { SLIPWAY_USERNAME: 'admin', SLIPWAY_PASSWORD: PASSWORD };
  const captured = captureIo({ ...options, env: { SLIPWAY_CONFIG_HOME: configHome, SLIPWAY_REGISTRY: base, ...credentials, ...options.env } });
  const code = await runCli(COMMANDS, argv, captured.io);
  return { code, stdout: captured.stdout(), stderr: captured.stderr() };
}

async function json(argv: readonly string[], options: CliOptions = {}): Promise<unknown> {
  const result = await cli(argv, options);
  expect(result, result.stderr).toMatchObject({ code: 0 });
  return JSON.parse(result.stdout);
}

beforeEach(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'slipway-cli-int-'));
  configHome = join(dataDir, 'client-config');
  const { config } = loadConfig({ env: {}, overrides: { dataDir: join(dataDir, 'server') } });
  server = await buildServer(config, { logger: pino({ level: 'silent' }), adminPassword: PASSWORD });
  await server.app.listen({ host: '127.0.0.1', port: 0 });
  const { port } = server.app.server.address() as { port: number };
  base = `http://127.0.0.1:${port}`;
  appV1 = await pushImage(base, 'team/app', 'one', ['v1']);
  appV2 = await pushImage(base, 'team/app', 'two', ['v2', 'latest']);
  await pushImage(base, 'other', 'three', ['x']);
});

afterEach(async () => {
  await server.close();
  await rm(dataDir, { recursive: true, force: true });
});

describe('slipway login and logout against a real server', () => {
  it('checks the password, saves 0600 credentials in a 0700 dir, uses them, and logout removes them', async () => {
    const login = await cli(['login', base, '-u', 'admin', '--password-stdin'], { withCredentials: false, stdinText: `${PASSWORD}\n`, env: { SLIPWAY_REGISTRY: '' } });
    expect(login.code, login.stderr).toBe(0);
    expect(login.stderr).toContain('Login Succeeded');
    expect(login.stderr).not.toContain(PASSWORD);
    const file = join(configHome, 'credentials.json');
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect((await stat(configHome)).mode & 0o777).toBe(0o700);
    expect(JSON.parse(await readFile(file, 'utf8'))).toEqual({ version: 1, currentServer: base, servers: { [base]: { username: 'admin', password: PASSWORD } } });

    // No flags and no env: server and credentials both come from the file.
    expect(await json(['repository', 'list'], { env: { SLIPWAY_REGISTRY: '' }, withCredentials: false })).toEqual(['other', 'team/app']);

    const logout = await cli(['logout'], { withCredentials: false, env: { SLIPWAY_REGISTRY: '' } });
    expect(logout).toMatchObject({ code: 0 });
    await expect(stat(file)).rejects.toMatchObject({ code: 'ENOENT' });
    const anonymous = await cli(['repository', 'list'], { withCredentials: false, env: { SLIPWAY_REGISTRY: base } });
    expect(anonymous.code).toBe(3);
  });

  it('exits 3 on a wrong password and saves nothing', async () => {
    const result = await cli(['login', base, '-u', 'admin', '--password-stdin'], { withCredentials: false, stdinText: 'wrong' });
    expect(result.code).toBe(3);
    expect(result.stderr).toMatch(/login failed/);
    await expect(stat(join(configHome, 'credentials.json'))).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('exits 2 without a password when stdin is not a terminal', async () => {
    const result = await cli(['login', base, '-u', 'admin'], { withCredentials: false });
    expect(result.code).toBe(2);
  });
});

describe('slipway repository against a real server', () => {
  it('lists repositories in every output format, with --top and --query', async () => {
    expect(await json(['repository', 'list'])).toEqual(['other', 'team/app']);
    expect(await json(['repository', 'list', '--top', '1'])).toEqual(['other']);
    expect((await cli(['repository', 'list', '-o', 'tsv'])).stdout).toBe('other\nteam/app\n');
    expect((await cli(['repository', 'list', '-o', 'table'])).stdout).toBe('RESULT\n--------\nother\nteam/app\n');
    expect((await cli(['repository', 'list', '-o', 'yaml'])).stdout).toBe('- other\n- team/app\n');
    expect(await json(['repository', 'list', '--query', "[?starts_with(@, 'team/')]"])).toEqual(['team/app']);
  });

  it('shows tags by name, by time, and in detail', async () => {
    expect(await json(['repository', 'show-tags', '--repository', 'team/app'])).toEqual(['latest', 'v1', 'v2']);
    const detail = (await json(['repository', 'show-tags', '--repository', 'team/app', '--detail', '--orderby', 'time_asc'])) as Array<{ name: string; digest: string; lastUpdateTime: string }>;
    expect(detail.map((t) => t.name).sort()).toEqual(['latest', 'v1', 'v2']);
    const times = detail.map((t) => Date.parse(t.lastUpdateTime));
    expect(times).toEqual([...times].sort((a, b) => a - b));
    expect(detail.find((t) => t.name === 'v1')?.digest).toBe(appV1);
    const newest = await json(['repository', 'show-tags', '--repository', 'team/app', '--orderby', 'time_desc', '--top', '1']);
    expect(newest).toEqual([detail[detail.length - 1]!.name]);
    const table = (await cli(['repository', 'show-tags', '--repository', 'team/app', '--detail', '-o', 'table'])).stdout.split('\n');
    expect(table[0]).toMatch(/^NAME\s+DIGEST\s+CREATED TIME\s+LAST UPDATE TIME$/);
  });

  it('shows manifests as {digest, tags, timestamp} and in detail', async () => {
    const short = (await json(['repository', 'show-manifests', '--repository', 'team/app'])) as Array<{ digest: string; tags: string[]; timestamp: string }>;
    expect(short.map((m) => ({ digest: m.digest, tags: [...m.tags].sort() }))).toEqual([
      { digest: appV1, tags: ['v1'] },
      { digest: appV2, tags: ['latest', 'v2'] },
    ]);
    expect(Object.keys(short[0]!)).toEqual(['digest', 'tags', 'timestamp']);
    const detail = (await json(['repository', 'show-manifests', '--repository', 'team/app', '--detail', '--top', '1'])) as Array<Record<string, unknown>>;
    expect(detail).toHaveLength(1);
    expect(detail[0]).toMatchObject({ digest: appV1, mediaType: MANIFEST_TYPE });
    expect((await cli(['repository', 'show-manifests', '--repository', 'team/app', '--query', '[].digest', '-o', 'tsv'])).stdout).toBe(`${appV1}\n${appV2}\n`);
  });

  it('exits 4 for an unknown repository and 3 for bad credentials', async () => {
    const missing = await cli(['repository', 'show-tags', '--repository', 'nope']);
    expect(missing.code).toBe(4);
    expect(missing.stderr).toContain('[NOT_FOUND]');
    expect((await cli(['repository', 'show-manifests', '--repository', 'nope'])).code).toBe(4);
    expect((await cli(['repository', 'delete', '--image', 'team/app:nope', '--yes'])).code).toBe(4);
    const denied = await cli(['repository', 'list', '-u', 'admin', '-p', 'wrong']);
    expect(denied.code).toBe(3);
    expect(denied.stderr).toContain('[AUTH_REQUIRED]');
    expect(denied.stderr).not.toContain('wrong');
  });

  it('exits 2 for usage errors: delete without --yes off a terminal, bad flags, bad output', async () => {
    const refused = await cli(['repository', 'delete', '--repository', 'team/app']);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/--yes/);
    expect(await json(['repository', 'list'])).toEqual(['other', 'team/app']);
    expect((await cli(['repository', 'list', '--bogus'])).code).toBe(2);
    expect((await cli(['repository', 'list', '-o', 'xml'])).code).toBe(2);
    expect((await cli(['repository', 'show-tags'])).code).toBe(2);
  });

  it('untags one tag and keeps the manifest', async () => {
    expect(await cli(['repository', 'untag', '--image', 'team/app:latest'])).toMatchObject({ code: 0, stdout: '' });
    expect(await json(['repository', 'show-tags', '--repository', 'team/app'])).toEqual(['v1', 'v2']);
    expect((await cli(['repository', 'untag', '--image', 'team/app:latest'])).code).toBe(4);
  });

  it('deletes an image by tag with every tag on its manifest, after a yes on a terminal', async () => {
    const declined = await cli(['repository', 'delete', '--image', 'team/app:v2'], { stdinIsTty: true, answers: ['n'] });
    expect(declined.code).toBe(130);
    const deleted = await json(['repository', 'delete', '--image', 'team/app:v2'], { stdinIsTty: true, answers: ['y'] });
    expect(deleted).toEqual({ repository: 'team/app', digest: appV2, deletedTags: expect.arrayContaining(['v2', 'latest']) });
    expect(await json(['repository', 'show-tags', '--repository', 'team/app'])).toEqual(['v1']);
    expect(await json(['repository', 'delete', '--image', `team/app@${appV1}`, '--yes'])).toEqual({ repository: 'team/app', digest: appV1, deletedTags: ['v1'] });
    expect(await json(['repository', 'show-manifests', '--repository', 'team/app'])).toEqual([]);
  });

  it('deletes a repository with --yes', async () => {
    expect(await json(['repository', 'delete', '--repository', 'other', '--yes'])).toEqual({ repository: 'other', deletedManifests: 1, deletedTags: 1 });
    expect(await json(['repository', 'list'])).toEqual(['team/app']);
    expect((await cli(['repository', 'delete', '--repository', 'other', '--yes'])).code).toBe(4);
  });

  it('exits 1 naming the URL when nothing listens there', async () => {
    const url = `http://127.0.0.1:${await closedPort()}`;
    const result = await cli(['repository', 'list', '--registry', url]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`cannot reach Slipway at ${url}: connection refused`);
  });
});
