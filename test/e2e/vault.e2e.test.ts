import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT, engineSocket, sh, startSlipway, tempDir, type SlipwayProcess, runCli, type CliResult } from '../helpers/e2e.js';

/**
 * The vault end to end: the article's build-index task (examples/taskfiles/build-index.yaml) with
 * its secrets in a Slipway vault, saved with --assign-identity, run by the real CLI, server, agent
 * and engine: denied before any step without a policy; with `get`, the secrets reach the step
 * and the log shows *** where they were echoed.
 */

const PASSWORD = 'e2e-vault-password';
const API_KEY = 'e2e-search-admin-key-Vq3R8';
const SERVICE = 'e2e-search-service-Hx52';

type Run = CliResult;

describe('vault secrets in task runs, end to end', () => {
  let slipway: SlipwayProcess;
  let dir: { path: string; remove(): Promise<void> };
  let cliEnv: NodeJS.ProcessEnv;

  function cli(args: string[], stdin?: string): Promise<Run> {
    return runCli(args, { env: cliEnv, cwd: dir.path, ...(stdin === undefined ? {} : { stdin }) });
  }


  async function ok(args: string[], stdin?: string): Promise<Run> {
    const result = await cli(args, stdin);
    expect(result.code, `${args.join(' ')}: ${result.stderr}`).toBe(0);
    return result;
  }

  beforeAll(async () => {
    dir = await tempDir('vault');
    const dataDir = join(dir.path, 'data');
    await sh(join(REPO_ROOT, 'bin', 'slipway'), ['seed', 'busybox', '--data-dir', dataDir]);
    slipway = await startSlipway({ dataDir, password: PASSWORD, env: { SLIPWAY_ENGINE_SOCKET: engineSocket() } });
    cliEnv = { ...process.env, SLIPWAY_REGISTRY: slipway.url, SLIPWAY_USERNAME: 'admin', SLIPWAY_PASSWORD: PASSWORD, SLIPWAY_CONFIG_HOME: join(dir.path, 'cli-config') };
    const example = await readFile(join(REPO_ROOT, 'examples', 'taskfiles', 'build-index.yaml'), 'utf8');
    // Point the secret URLs at this server, as a user would with the name they reach it by.
    await writeFile(join(dir.path, 'build-index.yaml'), example.replaceAll('https://slipway.example.invalid', slipway.url.replace(/^http:/, 'https:')));
    const app = join(dir.path, 'app');
    await mkdir(app);
    await writeFile(join(app, 'build-index.Dockerfile'), `FROM ${slipway.hostPort}/library/busybox:latest\nCMD ["sh", "-c", "echo admin-key=$THNS__AZ_SEARCH_ADMIN_KEY service=$THNS__AZ_SEARCH_SERVICE_NAME"]\n`);
    await ok(['vault', 'create', '-n', 'search']);
    await ok(['secret', 'set', '--vault', 'search', '-n', 'SearchServiceApiKey'], `${API_KEY}\n`);
    await ok(['secret', 'set', '--vault', 'search', '-n', 'SearchServiceName', '--value', SERVICE]);
    await ok(['identity', 'create', '-n', 'indexer']);
    await ok(['task', 'create', '-n', 'build-index', '-c', '/dev/null', '-f', 'build-index.yaml', '--assign-identity', 'indexer', '--base-image-trigger-enabled', 'false']);
  }, 120_000);

  afterAll(async () => {
    await slipway?.kill();
    await dir?.remove();
  });

  it('fails before any step when the identity has no get on the vault, naming secret, vault, identity and permission', async () => {
    const run = await cli(['task', 'run', '-n', 'build-index', '-c', 'app']);
    expect(run.code).not.toBe(0);
    const output = run.stdout + run.stderr;
    expect(output).toMatch(/failed to resolve secret "searchServiceName" \(vault:\/\/search\/SearchServiceName\): identity "indexer" lacks the "get" secret permission on vault "search"/);
    expect(output).not.toMatch(/acb_step_0|Step ID/);
    const [latest] = JSON.parse((await ok(['task', 'list-runs', '--top', '1', '-o', 'json'])).stdout) as Array<{ status: string; steps?: unknown[] }>;
    expect(latest).toMatchObject({ status: 'Failed' });
    expect(latest!.steps ?? []).toEqual([]);
  }, 180_000);

  it('runs the build-index task once the policy grants get, and never shows a secret', async () => {
    await ok(['vault', 'set-policy', '-n', 'search', '--identity', 'indexer', '--secret-permissions', 'get', 'list']);
    const run = await cli(['task', 'run', '-n', 'build-index', '-c', 'app']);
    const output = run.stdout + run.stderr;
    expect(run.code, output).toBe(0);
    expect(output).toContain('admin-key=*** service=***');
    expect(output).not.toContain(API_KEY);
    expect(output).not.toContain(SERVICE);
    const list = await ok(['secret', 'list', '--vault', 'search', '-o', 'json']);
    expect(list.stdout).not.toContain(API_KEY);
    const revealed = await ok(['secret', 'show', '--vault', 'search', '-n', 'SearchServiceApiKey', '--reveal', '--query', 'value', '-o', 'tsv']);
    expect(revealed.stdout.trim()).toBe(API_KEY);
  }, 240_000);
});
