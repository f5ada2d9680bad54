import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { basic, busyboxTarball, engineSocket, sh, startSlipway, tempDir, type SlipwayProcess } from '../helpers/e2e.js';

const PASSWORD = 'e2e-access-password';

describe('docker login with a repository token', () => {
  let slipway: SlipwayProcess;
  let dir: { path: string; remove(): Promise<void> };
  let dockerEnv: NodeJS.ProcessEnv;
  let tokenPassword: string;
  const docker = (...args: string[]): Promise<string> => sh('docker', args, dockerEnv);

  async function api(method: string, path: string, body?: object): Promise<Record<string, unknown>> {
    const res = await fetch(`${slipway.url}/api/v1${path}`, {
      method,
      headers: { authorization: basic('admin', PASSWORD), ...(body ? { 'content-type': 'application/json' } : {}) },
      ...(body ? { body: JSON.stringify(body) } : {}),
    });
    expect(res.status, await res.clone().text()).toBeLessThan(300);
    return (await res.json()) as Record<string, unknown>;
  }

  beforeAll(async () => {
    dir = await tempDir('access');
    slipway = await startSlipway({ dataDir: join(dir.path, 'data'), password: PASSWORD });
    await mkdir(join(dir.path, 'docker-config'));
    dockerEnv = { DOCKER_HOST: `unix://${engineSocket()}`, DOCKER_CONFIG: join(dir.path, 'docker-config') };
    const created = await api('POST', '/tokens', { name: 'ci-push', actions: ['content/read', 'content/write'].map((a) => `repositories/team/*/${a}`) });
    tokenPassword = (created as { credentials: { passwords: Array<{ value: string }> } }).credentials.passwords[0]!.value;
    await docker('import', await busyboxTarball(), `${slipway.hostPort}/team/app:1`);
    await docker('tag', `${slipway.hostPort}/team/app:1`, `${slipway.hostPort}/other/app:1`);
  }, 120_000);

  afterAll(async () => {
    await sh('docker', ['rmi', `${slipway?.hostPort}/team/app:1`, `${slipway?.hostPort}/other/app:1`], dockerEnv).catch(() => undefined);
    await slipway?.kill();
    await dir?.remove();
  });

  it('logs in with the token name and password, pushes and pulls inside its scope map only', async () => {
    await sh('docker', ['login', slipway.hostPort, '-u', 'ci-push', '--password-stdin'], dockerEnv, tokenPassword);
    await docker('push', `${slipway.hostPort}/team/app:1`);
    await docker('pull', `${slipway.hostPort}/team/app:1`);
    await expect(docker('push', `${slipway.hostPort}/other/app:1`)).rejects.toThrow(/denied|unauthorized|insufficient/i);
  }, 180_000);

  it('refuses docker login once the token is disabled', async () => {
    await api('PATCH', '/tokens/ci-push', { status: 'disabled' });
    await expect(sh('docker', ['login', slipway.hostPort, '-u', 'ci-push', '--password-stdin'], dockerEnv, tokenPassword)).rejects.toThrow(/unauthorized|incorrect|401/i);
  }, 60_000);
});
