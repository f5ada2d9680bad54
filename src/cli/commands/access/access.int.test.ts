import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildServer, type BuiltServer } from '../../../app/build-server.js';
import { loadConfig } from '../../../config/load.js';
import { COMMANDS } from '../index.js';
import { runCli } from '../../run-cli.js';
import { captureIo, type CaptureOptions } from '../../output/capture-io.js';
import { parseToken } from './token.js';
import { parseScopeMap } from './scope-map.js';

const PASSWORD = 'access-cli-password';

describe('slipway user, scope-map and token against a real server', () => {
  let server: BuiltServer;
  let dir: string;
  let base: string;

  async function cli(argv: readonly string[], options: CaptureOptions & { user?: [string, string] } = {}): Promise<{ code: number; stdout: string; stderr: string }> {
    const [u, p] = options.user ?? ['admin', PASSWORD];
    const captured = captureIo({ ...options, env: { SLIPWAY_CONFIG_HOME: join(dir, 'client'), SLIPWAY_REGISTRY: base, SLIPWAY_USERNAME: u, SLIPWAY_PASSWORD: p } });
    const code = await runCli(COMMANDS, argv, captured.io);
    return { code, stdout: captured.stdout(), stderr: captured.stderr() };
  }

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'slipway-access-cli-'));
    const { config } = loadConfig({ env: {}, overrides: { dataDir: join(dir, 'server') } });
    server = await buildServer(config, { logger: pino({ level: 'silent' }), adminPassword: PASSWORD });
    await server.app.listen({ host: '127.0.0.1', port: 0 });
    base = `http://127.0.0.1:${(server.app.server.address() as { port: number }).port}`;
  });
  afterAll(async () => {
    await server.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('creates a user with a generated password shown once on stderr, and changes its roles', async () => {
    const created = await cli(['user', 'create', '-n', 'dev', '--role', 'reader']);
    expect(created.code, created.stderr).toBe(0);
    expect(JSON.parse(created.stdout)).toMatchObject({ name: 'dev', roles: ['Reader'] });
    expect(created.stdout).not.toContain('password');
    const password = /Password for dev: (\S+)/.exec(created.stderr)![1]!;
    const denied = await cli(['user', 'list'], { user: ['dev', password] });
    expect(denied.code).toBe(3);
    expect(denied.stderr).toContain('AUTH_DENIED');
    await cli(['user', 'update', '-n', 'dev', '--roles', 'Contributor,AcrPush']);
    const table = await cli(['user', 'list', '-o', 'table']);
    expect(table.stdout).toMatch(/dev\s+Contributor, AcrPush|dev\s+AcrPush, Contributor/);
    expect((await cli(['user', 'show', '-n', 'ghost'])).code).toBe(4);
  });

  it('makes a scope map and a token whose password signs in, lists it ACR-style, and disables it', async () => {
    const map = await cli(['scope-map', 'create', '-n', 'team-rw', '--repository', 'team/*', 'content/read', 'content/write', '--repository', 'docs', 'metadata/read']);
    expect(map.code, map.stderr).toBe(0);
    expect(JSON.parse(map.stdout).actions).toEqual(['repositories/team/*/content/read', 'repositories/team/*/content/write', 'repositories/docs/metadata/read']);
    const token = await cli(['token', 'create', '-n', 'ci-bot', '--scope-map', 'team-rw', '--expiration', '2099-01-01T00:00:00Z']);
    expect(token.code, token.stderr).toBe(0);
    expect(token.stderr).toContain('docker login');
    const passwords = JSON.parse(token.stdout).credentials.passwords as Array<{ name: string; value: string; expiry: string }>;
    expect(passwords.map((p) => [p.name, p.expiry])).toEqual([['password1', '2099-01-01T00:00:00.000Z'], ['password2', '2099-01-01T00:00:00.000Z']]);
    const basic = `Basic ${Buffer.from(`ci-bot:${passwords[0]!.value}`).toString('base64')}`;
    expect((await fetch(`${base}/v2/team/app/tags/list`, { headers: { authorization: basic } })).status).toBe(404);
    const list = await cli(['token', 'list', '-o', 'table']);
    expect(list.stdout).toMatch(/ci-bot\s+team-rw\s+2099-01-01T00:00:00.000Z\s+2099-01-01T00:00:00.000Z\s+enabled/);
    expect(list.stdout).not.toContain(passwords[0]!.value);
    expect((await cli(['token', 'update', '-n', 'ci-bot', '--status', 'disabled'])).code).toBe(0);
    expect((await fetch(`${base}/v2/team/app/tags/list`, { headers: { authorization: basic } })).status).toBe(401);
    const regenerated = await cli(['token', 'credential', 'generate', '-n', 'ci-bot', '--password2']);
    expect(JSON.parse(regenerated.stdout).credentials.passwords.filter((p: { value?: string }) => p.value !== undefined).map((p: { name: string }) => p.name)).toEqual(['password2']);
    expect((await cli(['scope-map', 'delete', '-n', 'team-rw'])).stderr).toContain('SCOPE_MAP_IN_USE');
    expect((await cli(['token', 'delete', '-n', 'ci-bot'])).code).toBe(0);
    expect((await cli(['scope-map', 'delete', '-n', 'team-rw'])).code).toBe(0);
  });
});

describe('parsing', () => {
  const input = (args: string[], flags: Record<string, string | boolean>, positionals: string[] = []): Parameters<typeof parseToken>[0] => ({ flags, positionals, args });

  it('reads az\'s --repository REPO ACTION... groups in order, and --expiration-in-days from the given clock', () => {
    const args = ['-n', 'ci', '--repository', 'a', 'content/read', '--repository', 'b/*', 'content/delete', '--expiration-in-days', '2'];
    const parsed = parseToken(input(args, { name: 'ci', repository: 'b/*', 'expiration-in-days': '2' }, ['content/read', 'content/delete']), 'create', new Date('2030-01-01T00:00:00Z'));
    expect(parsed.actions).toEqual(['repositories/a/content/read', 'repositories/b/*/content/delete']);
    expect(parsed.expiry).toBe('2030-01-03T00:00:00.000Z');
  });

  it('refuses a token with both or neither of --scope-map and --repository, and a stray argument', () => {
    expect(() => parseToken(input(['-n', 'ci'], { name: 'ci' }), 'create')).toThrow(/--scope-map/);
    expect(() => parseToken(input(['-n', 'ci', '--scope-map', 's', '--repository', 'a', 'content/read'], { name: 'ci', 'scope-map': 's', repository: 'a' }, ['content/read']), 'create')).toThrow(/one of the two/);
    expect(() => parseScopeMap(input(['-n', 'm', 'stray'], { name: 'm' }, ['stray']), 'show')).toThrow(/unexpected argument/);
  });
});
