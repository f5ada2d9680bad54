import { spawn } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { REPO_ROOT, tempDir } from '../helpers/e2e.js';

const SLIPWAY = join(REPO_ROOT, 'bin', 'slipway');
const CLEAN_ENV = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('SLIPWAY_')));

function slipway(args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(SLIPWAY, args, { env: { ...CLEAN_ENV, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.once('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('slipway taskfile validate as a process', () => {
  const dirs: Array<{ remove(): Promise<void> }> = [];
  afterAll(async () => {
    for (const d of dirs) await d.remove();
  });

  it('prints every problem of a broken task file with its position and exits 1', async () => {
    const dir = await tempDir('taskfile');
    dirs.push(dir);
    const file = join(dir.path, 'acb.yaml');
    await writeFile(file, 'version: v1.1.0\nsteps:\n  - cmd: bash echo hi\n    when: [build]\n  - id: build\n    build: -t $Registry/app:$ID .\n    retries: -1\n    retryDelai: 2\n');
    const run = await slipway(['taskfile', 'validate', file], { SLIPWAY_CONFIG_HOME: dir.path });
    expect(run.code).toBe(1);
    expect(run.stdout).toContain(`${file}:4:12: error: build does not exist as a vertex [from: build, to: acb_step_0]`);
    expect(run.stdout).toContain('hint: a `when` can only name an earlier step');
    expect(run.stdout).toContain(`${file}:7:5: error: step must specify retries >= 0`);
    expect(run.stdout).toContain(`${file}:8:5: warning: unknown key \`retryDelai\``);
    expect(run.stdout).toContain('hint: did you mean `retryDelay`?');
  }, 30_000);
});
