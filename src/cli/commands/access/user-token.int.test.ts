import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildServer, type BuiltServer } from '../../../app/build-server.js';
import { loadConfig } from '../../../config/load.js';
import { COMMANDS } from '../index.js';
import { runCli } from '../../run-cli.js';
import { captureIo } from '../../output/capture-io.js';
import { parseUserToken } from './user-token.js';

const PASSWORD = 'user-token-cli-password';

describe('slipway user token against a real server', () => {
  let server: BuiltServer;
  let dir: string;
  let base: string;

  async function cli(argv: readonly string[], user: [string, string] = ['admin', PASSWORD]): Promise<{ code: number; stdout: string; stderr: string }> {
    const captured = captureIo({ env: { SLIPWAY_CONFIG_HOME: join(dir, 'client'), SLIPWAY_REGISTRY: base, SLIPWAY_USERNAME: user[0], SLIPWAY_PASSWORD: user[1] } });
    const code = await runCli(COMMANDS, argv, captured.io);
    return { code, stdout: captured.stdout(), stderr: captured.stderr() };
  }

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'slipway-user-token-cli-'));
    const { config } = loadConfig({ env: {}, overrides: { dataDir: join(dir, 'server') } });
    server = await buildServer(config, { logger: pino({ level: 'silent' }), adminPassword: PASSWORD });
    await server.app.listen({ host: '127.0.0.1', port: 0 });
    base = `http://127.0.0.1:${(server.app.server.address() as { port: number }).port}`;
    expect((await cli(['user', 'create', '-n', 'dev', '--role', 'AcrPush', '--role', 'Reader'])).code).toBe(0);
  });
  afterAll(async () => {
    await server.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('creates the caller’s own token, prints the secret once, and the CLI signs in with it (SLIPWAY_PASSWORD)', async () => {
    const devPassword = /Password for dev: (\S+)/.exec((await cli(['user', 'update', '-n', 'dev', '--generate-password'])).stderr)![1]!;
    const made = await cli(['user', 'token', 'create', '-n', 'ci', '--role', 'Reader', '--expiration', '2099-01-01T00:00:00Z'], ['dev', devPassword]);
    expect(made.code, made.stderr).toBe(0);
    const secret = made.stdout.trim();
    expect(secret).toMatch(/^slp_/);
    expect(made.stderr).toContain('docker login');
    const list = await cli(['user', 'token', 'list', '-o', 'table'], ['dev', secret]);
    expect(list.code, list.stderr).toBe(0);
    expect(list.stdout).toMatch(/ci\s+Reader\s+\S+\s+2099-01-01T00:00:00.000Z/);
    expect(list.stdout).not.toContain(secret);
    expect((await cli(['user', 'list'], ['dev', secret])).stderr).toContain('AUTH_DENIED');
    expect((await cli(['user', 'token', 'delete', '-n', 'ci'], ['dev', secret])).code).toBe(0);
    expect((await cli(['user', 'token', 'list'], ['dev', secret])).stderr).toContain('AUTH_REQUIRED');
  });

  it('lets an Owner manage another user’s tokens with --user, and keeps other users out', async () => {
    const made = await cli(['user', 'token', 'create', '-n', 'deploy', '--user', 'dev']);
    expect(made.code, made.stderr).toBe(0);
    expect(JSON.parse((await cli(['user', 'token', 'list', '--user', 'dev'])).stdout)).toMatchObject([{ name: 'deploy', user: 'dev', roles: null }]);
    const eve = /Password for eve: (\S+)/.exec((await cli(['user', 'create', '-n', 'eve'])).stderr)![1]!;
    expect((await cli(['user', 'token', 'list', '--user', 'dev'], ['eve', eve])).stderr).toContain('AUTH_DENIED');
    expect((await cli(['user', 'token', 'delete', '-n', 'deploy', '--user', 'dev'])).code).toBe(0);
    expect((await cli(['user', 'token', 'delete', '-n', 'deploy', '--user', 'dev'])).code).toBe(4);
  });
});

describe('parsing user token', () => {
  const input = (flags: Record<string, string | boolean | string[]>): Parameters<typeof parseUserToken>[0] => ({ flags, positionals: [], args: [] });

  it('reads repeated --role, --user and --expiration-in-days from the given clock', () => {
    const parsed = parseUserToken(input({ name: 'ci', user: 'dev', role: ['AcrPush', 'Reader'], 'expiration-in-days': '2' }), 'create', new Date('2030-01-01T00:00:00Z'));
    expect(parsed).toMatchObject({ name: 'ci', user: 'dev', roles: ['AcrPush', 'Reader'], expiresAt: '2030-01-03T00:00:00.000Z' });
    expect(parseUserToken(input({}), 'list')).not.toHaveProperty('user');
    expect(() => parseUserToken(input({}), 'delete')).toThrow(/--name/);
  });
});
