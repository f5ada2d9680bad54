import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { captureIo } from '../../output/capture-io.js';
import { runCli } from '../../run-cli.js';
import { COMMANDS } from '../index.js';
import { defaultRegistry } from './taskfile-options.js';

const dir = mkdtempSync(join(tmpdir(), 'slipway-taskfile-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

async function cli(args: string[], env: NodeJS.ProcessEnv = {}) {
  const captured = captureIo({ env: { SLIPWAY_CONFIG_HOME: dir, ...env } });
  const code = await runCli(COMMANDS, args, captured.io);
  return { code, stdout: captured.stdout(), stderr: captured.stderr() };
}

const GOOD = 'version: v1.1.0\nsteps:\n  - build: -t $Registry/app:$ID .\n  - push: [$Registry/app:$ID]\n  - cmd: $Registry/app:$ID {{.Values.arg}}\n';

describe('slipway taskfile validate', () => {
  it('says a clean file is valid', async () => {
    const path = file('good.yaml', GOOD);
    expect(await cli(['taskfile', 'validate', path])).toEqual({ code: 0, stdout: `${path}: valid`, stderr: '' });
  });

  it('prints every problem as FILE:LINE:COLUMN with hints and exits 1 on errors', async () => {
    const path = file('bad.yaml', '# broken\nversion: v1.1.0\nsteps:\n  - cmd: x\n    when: [later]\n    retries: -1\n    Retries: 2\n  - id: later\n    push: foo\n');
    const { code, stdout } = await cli(['taskfile', 'validate', path]);
    expect(code).toBe(1);
    expect(stdout.split('\n')).toEqual([
      `${path}:5:12: error: later does not exist as a vertex [from: later, to: acb_step_0]`,
      '  hint: a `when` can only name an earlier step',
      `${path}:6:5: error: step must specify retries >= 0`,
      `${path}:7:5: warning: unknown key \`Retries\` in step is ignored (ACR ignores it too)`,
      '  hint: did you mean `retries`?',
      `${path}:9:11: error: cannot unmarshal !!str \`foo\` into []string`,
      "  hint: write it as a list: `push: ['foo']`",
    ]);
  });

  it('exits 0 when there are only warnings', async () => {
    const path = file('warn.yaml', 'steps:\n  - cmd: x\n    bogus: 1\n');
    const { code, stdout } = await cli(['taskfile', 'validate', path]);
    expect(code).toBe(0);
    expect(stdout).toContain(`${path}:3:5: warning: unknown key \`bogus\``);
  });

  it('fails with TASKFILE_INVALID for a missing file and needs a FILE', async () => {
    const missing = await cli(['taskfile', 'validate', join(dir, 'nope.yaml')]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/failed to load template at path .*nope.yaml.*\[TASKFILE_INVALID\]/);
    expect((await cli(['taskfile', 'validate'])).code).toBe(2);
  });
});

describe('slipway taskfile render', () => {
  it('prints the task after aliases and templates, with --set, --values, --run-id and --registry', async () => {
    const path = file('render.yaml', GOOD.replace('{{.Values.arg}}', '{{.Values.arg}} {{.Values.fromFile}}'));
    const values = file('values.yaml', 'fromFile: file\narg: ignored\n');
    const { code, stdout } = await cli(['taskfile', 'render', path, '--set', 'arg=one', '--values', values, '--run-id', 'ca9', '--registry', 'reg.example.invalid']);
    expect(code).toBe(0);
    expect(stdout).toBe('version: v1.1.0\nsteps:\n  - build: -t reg.example.invalid/app:ca9 .\n  - push: [reg.example.invalid/app:ca9]\n  - cmd: reg.example.invalid/app:ca9 one file\n');
  });

  it('renders secrets from --set-secret', async () => {
    const path = file('secret.yaml', 'secrets:\n  - {id: pw, keyvault: "vault://pw"}\nsteps:\n  - cmd: echo {{.Secrets.pw}}\n');
    expect((await cli(['taskfile', 'render', path, '--set-secret', 'pw=hunter2'])).stdout).toContain('cmd: echo hunter2');
  });

  it('uses the configured server host as the registry, else localhost:5000, and ca0 as the run id', async () => {
    const path = file('reg.yaml', 'steps:\n  - cmd: {{.Run.Registry}}/x:{{.Run.ID}}\n');
    expect((await cli(['taskfile', 'render', path])).stdout).toContain('cmd: localhost:5000/x:ca0');
    expect((await cli(['taskfile', 'render', path], { SLIPWAY_REGISTRY: 'https://reg.example.invalid:5443/' })).stdout).toContain('cmd: reg.example.invalid:5443/x:ca0');
    expect(await defaultRegistry(captureIo({ env: { SLIPWAY_CONFIG_HOME: dir } }).io)).toBe('localhost:5000');
  });

  it('exits 1 with the problem when the template does not render', async () => {
    const path = file('broken-template.yaml', 'steps:\n  - cmd: {{.Values.x.y}}\n');
    const { code, stderr } = await cli(['taskfile', 'render', path]);
    expect(code).toBe(1);
    expect(stderr).toContain(`${path}:2:`);
  });
});

describe('template problems', () => {
  it('explains that $ID inside {{range}} needs $.Run, at the line of the file', async () => {
    const path = file('range.yaml', '# c\nversion: v1.1.0\nsteps:\n{{range list "a" "b"}}\n  - cmd: alpine echo {{.}} $ID\n{{end}}\n');
    const { code, stdout } = await cli(['taskfile', 'validate', path]);
    expect(code).toBe(1);
    expect(stdout).toContain(`${path}:5:`);
    expect(stdout).toContain("can't evaluate field Run in type string");
    expect(stdout).toContain('hint: inside {{range}} or {{with}} the dot is the current item');
  });
});

describe('slipway taskfile plan', () => {
  it('prints the TaskPlan as JSON, with --query and -o yaml', async () => {
    const path = file('plan.yaml', GOOD);
    const json = await cli(['taskfile', 'plan', path, '--registry', 'reg.example.invalid', '--set', 'arg=x']);
    expect(json.code).toBe(0);
    const plan = JSON.parse(json.stdout) as { steps: Array<{ id: string; dependsOn: string[]; push: string[] }>; networks: Array<{ name: string }> };
    expect(plan.steps.map((s) => [s.id, s.dependsOn])).toEqual([['acb_step_0', []], ['acb_step_1', ['acb_step_0']], ['acb_step_2', ['acb_step_1']]]);
    expect(plan.steps[1]!.push).toEqual(['reg.example.invalid/app:ca0']);
    expect(plan.networks.map((n) => n.name)).toEqual(['acb_default_network']);
    const tsv = await cli(['taskfile', 'plan', path, '--query', 'steps[].id', '-o', 'tsv']);
    expect(tsv.stdout).toBe('acb_step_0\nacb_step_1\nacb_step_2\n');
    expect((await cli(['taskfile', 'plan', path, '-o', 'yaml'])).stdout).toContain('stepTimeout: 600');
  });

  it('prints the problems instead of a plan for an invalid file', async () => {
    const path = file('plan-bad.yaml', 'steps:\n  - id: a\n');
    const { code, stdout, stderr } = await cli(['taskfile', 'plan', path]);
    expect(code).toBe(1);
    expect(stdout).toBe('');
    expect(stderr).toContain(`${path}:2:5: error: step is missing a cmd, build, or push property`);
  });
});
