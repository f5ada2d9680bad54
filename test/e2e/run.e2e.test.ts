import { execFile } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT, engineSocket, sh, startSlipway, tempDir, type SlipwayProcess, runCli, type CliResult } from '../helpers/e2e.js';

/**
 * `slipway run` end to end (issue 4): the article's build → push → cmd task file run by the real
 * CLI, server, agent and engine; secrets from --set-secret redacted from every log form; values;
 * a failing step; a broken task file; nothing left on the engine.
 */

const PASSWORD = 'e2e-run-password';
const SECRET = 'e2e-task-secret-Zq81';
const exec = promisify(execFile);

type Run = CliResult;

describe('slipway run (multi-step task files) end to end', () => {
  let slipway: SlipwayProcess;
  let dir: { path: string; remove(): Promise<void> };
  let cliEnv: NodeJS.ProcessEnv;

  function cli(args: string[], stdin?: string): Promise<Run> {
    return runCli(args, { env: cliEnv, ...(stdin === undefined ? {} : { stdin }) });
  }


  async function runsLeftOnEngine(): Promise<string[]> {
    const env = { ...process.env, DOCKER_HOST: `unix://${engineSocket()}` };
    const filter = 'label=slipway.run';
    const out = await Promise.all([['ps', '-aq'], ['network', 'ls', '-q'], ['volume', 'ls', '-q']].map(async (cmd) => (await exec('docker', [...cmd, '--filter', filter], { env })).stdout));
    return out.join('\n').split('\n').filter(Boolean);
  }

  beforeAll(async () => {
    dir = await tempDir('run');
    const dataDir = join(dir.path, 'data');
    await sh(join(REPO_ROOT, 'bin', 'slipway'), ['seed', 'busybox', '--data-dir', dataDir]);
    slipway = await startSlipway({ dataDir, password: PASSWORD, env: { SLIPWAY_ENGINE_SOCKET: engineSocket() } });
    cliEnv = { ...process.env, SLIPWAY_REGISTRY: slipway.url, SLIPWAY_USERNAME: 'admin', SLIPWAY_PASSWORD: PASSWORD, SLIPWAY_CONFIG_HOME: join(dir.path, 'cli-config') };
  }, 120_000);

  afterAll(async () => {
    await slipway?.kill();
    await dir?.remove();
  });

  it("runs the article's build → push → cmd task from a folder, and records every step", async () => {
    const app = join(dir.path, 'hello');
    await mkdir(app);
    await writeFile(join(app, 'hello-world.dockerfile'), 'ARG BASE\nFROM $BASE\nCOPY message.txt /message.txt\nCMD ["cat", "/message.txt"]\n');
    await writeFile(join(app, 'message.txt'), 'hello from the article task\n');
    await writeFile(
      join(app, 'acb.yaml'),
      [
        'version: v1.1.0',
        'steps:',
        '  - build: -t $Registry/hello-world:$ID --build-arg BASE=$Registry/library/busybox:latest -f hello-world.dockerfile .',
        '  - push:',
        '      - $Registry/hello-world:$ID',
        '  - cmd: $Registry/hello-world:$ID',
        '',
      ].join('\n'),
    );
    const result = await cli(['run', '-f', 'acb.yaml', app]);
    expect(result.code, `${result.stderr}\n${result.stdout}`).toBe(0);
    expect(result.stdout).toContain('hello from the article task');
    const [latest] = JSON.parse((await cli(['task', 'list-runs', '--top', '1', '-o', 'json'])).stdout) as Array<{ runId: string; runType: string; status: string; outputImages: Array<{ repository: string; tag: string; digest: string }>; steps: Array<{ id: string; type: string; status: string; images: unknown[] }> }>;
    expect(latest).toMatchObject({ runType: 'QuickRun', status: 'Succeeded' });
    expect(latest!.outputImages).toEqual([expect.objectContaining({ repository: 'hello-world', tag: latest!.runId, digest: expect.stringMatching(/^sha256:/) })]);
    expect(latest!.steps.map((s) => [s.id, s.type, s.status])).toEqual([
      ['acb_step_0', 'build', 'Succeeded'],
      ['acb_step_1', 'push', 'Succeeded'],
      ['acb_step_2', 'cmd', 'Succeeded'],
    ]);
    expect(await runsLeftOnEngine()).toEqual([]);
  }, 180_000);

  it('resolves vault:// secrets from --set-secret and never shows them, in any encoding; values from --set and a values file', async () => {
    const task = [
      'version: v1.1.0',
      'secrets:',
      '  - id: token',
      '    keyvault: vault://api-token',
      'steps:',
      `  - cmd: $Registry/library/busybox:latest sh -c 'echo plain=$TOKEN; echo b64=$(printf %s "$TOKEN" | base64); echo greeting={{.Values.greeting}} size={{.Values.size}}'`,
      '    env:',
      "      - TOKEN='{{.Secrets.token}}'",
      '',
    ].join('\n');
    await writeFile(join(dir.path, 'values.yaml'), 'greeting: from-values-file\nsize: small\n');
    const result = await cli(['run', '-f', '-', '--values', join(dir.path, 'values.yaml'), '--set', 'size=large', '--set-secret', `api-token=${SECRET}`, '/dev/null'], task);
    expect(result.code, `${result.stderr}\n${result.stdout}`).toBe(0);
    expect(result.stdout).toContain('plain=***');
    expect(result.stdout).toContain('b64=***');
    expect(result.stdout).toContain('greeting=from-values-file size=large');
    expect(result.stdout + result.stderr).not.toContain(SECRET);
    expect(result.stdout).not.toContain(Buffer.from(SECRET).toString('base64'));
    const runId = /Queued a run with ID: (\S+)/.exec(result.stderr)?.[1];
    const replay = await cli(['task', 'logs', '--run-id', runId!]);
    expect(replay.stdout).toContain('plain=***');
    expect(replay.stdout).not.toContain(SECRET);
  }, 120_000);

  it('fails before any step on an unknown secret, exits 1 when a step fails, and names the problem', async () => {
    const unknown = await cli(['run', '-f', '-', '/dev/null'], 'version: v1.1.0\nsecrets:\n  - id: x\n    keyvault: vault://nowhere\nsteps:\n  - cmd: $Registry/library/busybox:latest echo never-runs\n');
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/no secret named "nowhere"/);
    expect(unknown.stdout).not.toContain('never-runs');

    const failing = await cli(['run', '--cmd', "$Registry/library/busybox:latest sh -c 'echo about-to-fail; exit 5'", '/dev/null']);
    expect(failing.code).toBe(1);
    expect(failing.stdout).toContain('about-to-fail');
    expect(failing.stderr).toMatch(/status: Failed\nfailed to run step ID: acb_step_0: exit status 5/);
    expect(await runsLeftOnEngine()).toEqual([]);
  }, 120_000);

  it('cancel-run stops a running task and leaves nothing on the engine', async () => {
    const queued = await cli(['run', '--no-wait', '--query', 'runId', '-o', 'tsv', '--cmd', "$Registry/library/busybox:latest sh -c 'echo cancel-me-started; sleep 120'", '/dev/null']);
    const runId = queued.stdout.trim();
    expect(runId).toMatch(/^ca\d+$/);
    const deadline = Date.now() + 60_000;
    const auth = { authorization: `Basic ${Buffer.from(`admin:${PASSWORD}`).toString('base64')}` };
    const logSoFar = async (): Promise<string> => (await fetch(`${slipway.url}/api/v1/runs/${runId}/logs`, { headers: auth })).text();
    while (!(await logSoFar()).includes('cancel-me-started')) {
      if (Date.now() > deadline) throw new Error('the step never started');
      await new Promise((r) => setTimeout(r, 200));
    }
    expect((await cli(['task', 'cancel-run', '--run-id', runId])).code).toBe(0);
    const followed = await cli(['task', 'logs', '--run-id', runId]);
    expect(followed.stdout).toContain('cancel-me-started');
    const shown = JSON.parse((await cli(['task', 'show-run', '--run-id', runId, '-o', 'json'])).stdout) as { status: string; steps: Array<{ status: string }> };
    expect(shown.status).toBe('Canceled');
    expect(await runsLeftOnEngine()).toEqual([]);
  }, 120_000);

  it('refuses a broken task file with FILE:LINE:COLUMN messages', async () => {
    const broken = await cli(['run', '-f', '-', '/dev/null'], 'version: v1.1.0\nsteps:\n  - cmd: $Registry/library/busybox:latest echo x\n    when: -\n');
    expect(broken.code).toBe(1);
    expect(broken.stderr).toMatch(/task\.yaml:4:\d+: error: /);
  }, 60_000);
});
