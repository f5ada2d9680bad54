import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { basic, busyboxTarball, engineSocket, sh, startSlipway, tempDir, type SlipwayProcess } from '../helpers/e2e.js';

const PASSWORD = 'e2e-api-token-password';

describe('docker login with a user’s API token', () => {
  let slipway: SlipwayProcess;
  let dir: { path: string; remove(): Promise<void> };
  let dockerEnv: NodeJS.ProcessEnv;
  let pushSecret: string;
  let pullSecret: string;
  const docker = (...args: string[]): Promise<string> => sh('docker', args, dockerEnv);
  const login = (secret: string): Promise<string> => sh('docker', ['login', slipway.hostPort, '-u', 'alice', '--password-stdin'], dockerEnv, secret);

  async function api(method: string, path: string, auth: string, body?: object): Promise<Record<string, unknown>> {
    const res = await fetch(`${slipway.url}/api/v1${path}`, {
      method,
      headers: { authorization: auth, ...(body ? { 'content-type': 'application/json' } : {}) },
      ...(body ? { body: JSON.stringify(body) } : {}),
    });
    expect(res.status, await res.clone().text()).toBeLessThan(300);
    return res.status === 204 ? {} : ((await res.json()) as Record<string, unknown>);
  }

  beforeAll(async () => {
    dir = await tempDir('user-api-token');
    slipway = await startSlipway({ dataDir: join(dir.path, 'data'), password: PASSWORD });
    await mkdir(join(dir.path, 'docker-config'));
    dockerEnv = { DOCKER_HOST: `unix://${engineSocket()}`, DOCKER_CONFIG: join(dir.path, 'docker-config') };
    const admin = basic('admin', PASSWORD);
    await api('POST', '/users', admin, { name: 'alice', password: 'alice-e2e-password', roles: ['AcrPush', 'AcrPull'] });
    const alice = basic('alice', 'alice-e2e-password');
    pushSecret = (await api('POST', '/users/alice/api-tokens', alice, { name: 'ci' })).secret as string;
    pullSecret = (await api('POST', '/users/alice/api-tokens', alice, { name: 'pull', roles: ['AcrPull'] })).secret as string;
    await docker('import', await busyboxTarball(), `${slipway.hostPort}/alice/app:1`);
  }, 120_000);

  afterAll(async () => {
    await sh('docker', ['rmi', `${slipway?.hostPort}/alice/app:1`], dockerEnv).catch(() => undefined);
    await slipway?.kill();
    await dir?.remove();
  });

  it('logs in with the user’s name and token secret and pushes within the user’s roles', async () => {
    await login(pushSecret);
    await docker('push', `${slipway.hostPort}/alice/app:1`);
    await docker('pull', `${slipway.hostPort}/alice/app:1`);
  }, 180_000);

  it('pulls but cannot push with a token limited to AcrPull', async () => {
    await login(pullSecret);
    await docker('pull', `${slipway.hostPort}/alice/app:1`);
    await expect(docker('push', `${slipway.hostPort}/alice/app:1`)).rejects.toThrow(/denied|unauthorized|insufficient/i);
  }, 180_000);

  it('refuses docker login once the token is deleted', async () => {
    await api('DELETE', '/users/alice/api-tokens/ci', basic('admin', PASSWORD));
    await expect(login(pushSecret)).rejects.toThrow(/unauthorized|incorrect|401/i);
  }, 60_000);
});
