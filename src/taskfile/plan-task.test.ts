import { describe, expect, it } from 'vitest';
import { planTask } from './plan-task.js';
import { checkYaml } from './task-check.test-support.js';

describe('planTask defaults (acb 1.4)', () => {
  it('plans an empty task: v1.0.0, 600 s, the default bridge network, no steps', () => {
    const { plan, diagnostics } = planTask(null);
    expect(diagnostics).toEqual([]);
    expect(plan).toMatchObject({ version: 'v1.0.0', stepTimeout: 600, workingDirectory: null, env: [], steps: [], isBuildTask: false });
    expect(plan.networks).toEqual([{ name: 'acb_default_network', driver: 'bridge', ipv6: false, skipCreation: false, isDefault: true }]);
  });

  it('fills every step default', () => {
    const { plan } = checkYaml('stepTimeout: -1\nsteps:\n  - cmd: alpine echo hi\n    retryDelay: 0\n');
    expect(plan.steps[0]).toEqual({
      id: 'acb_step_0', type: 'cmd', dependsOn: [], command: 'alpine echo hi', push: [], tags: [], buildArgs: [],
      timeout: 600, retries: 0, retryDelay: 5, retryOnErrors: [], repeat: 0, startDelay: 0, ignoreErrors: false,
      detach: false, keep: false, pull: false, cmdDownloadRetries: 0, cmdDownloadRetryDelay: 0, env: [],
      workingDirectory: '/workspace', disableWorkingDirectoryOverride: false, entryPoint: null, user: null,
      network: 'acb_default_network', isolation: null, cpus: null, privileged: false, ports: [], expose: [],
      volumeMounts: [], cache: null, line: 3, column: 5,
    });
  });

  it('inherits the task timeout, working directory and env, the step winning', () => {
    const yaml = 'stepTimeout: 30\nworkingDirectory: src\nenv: [A=task, B=task]\nsteps:\n  - cmd: x\n    env: [A=step]\n  - cmd: y\n    timeout: 5\n    workingDirectory: /abs/../other/\n  - cmd: z\n    workingDirectory: sub\n    disableWorkingDirectoryOverride: true\n';
    const { plan } = checkYaml(yaml);
    expect(plan.steps.map((s) => [s.timeout, s.workingDirectory, s.env])).toEqual([
      [30, '/workspace/src', ['A=step', 'B=task']],
      [5, '/other', ['A=task', 'B=task']],
      [30, null, ['A=task', 'B=task']],
    ]);
    expect(plan.workingDirectory).toBe('src');
  });

  it('normalises push lists, parses build tags and args, lower-cases cache', () => {
    const { plan } = checkYaml('steps:\n  - build: -t app:1 --build-arg V=2 -f Dockerfile .\n    cache: Enabled\n  - push: [app, app:latest, app:1]\n');
    expect(plan.steps[0]).toMatchObject({ type: 'build', command: '-t app:1 --build-arg V=2 -f Dockerfile .', tags: ['app:1'], buildArgs: ['V=2'], cache: 'enabled' });
    expect(plan.steps[1]).toMatchObject({ type: 'push', command: null, push: ['app:latest', 'app:1'], dependsOn: ['acb_step_0'] });
  });

  it('picks the last isDefault network and gives steps without one no network when none is default', () => {
    const withDefault = checkYaml('networks:\n  - {name: a, isDefault: true}\n  - {name: b, isDefault: true}\n  - {name: c}\nsteps:\n  - cmd: x\n  - cmd: y\n    network: host\n').plan;
    expect(withDefault.steps.map((s) => s.network)).toEqual(['b', 'host']);
    expect(withDefault.networks.map((n) => n.name)).toEqual(['a', 'b', 'c']);
    expect(checkYaml('networks:\n  - {name: a}\nsteps:\n  - cmd: x\n').plan.steps[0]!.network).toBeNull();
  });

  it('uses an external run network instead of creating the default one', () => {
    const { plan } = planTask(null, { network: 'shared' });
    expect(plan.networks).toEqual([{ name: 'shared', driver: 'external', ipv6: false, skipCreation: true, isDefault: true }]);
  });

  it('merges run env under the task env (commas split) and expands command aliases only when given', () => {
    expect(checkYaml('steps:\n  - cmd: bash echo $A\n').plan.steps[0]!.command).toBe('bash echo $A');
    const task = checkYaml('env: [A=task]\nsteps:\n  - cmd: bash echo\n');
    const decoded = { at: { line: 1, column: 1 }, values: { env: ['A=task'], steps: [{ at: { line: 2, column: 3 }, values: { cmd: 'bash echo' }, keyAt: {}, itemAt: {} }] }, keyAt: {}, itemAt: {} };
    const { plan } = planTask(decoded, { env: ['A=run,C=run'], aliases: { bash: 'img:1' } });
    expect(task.plan.env).toEqual(['A=task']);
    expect(plan.env).toEqual(['A=task', 'C=run']);
    expect(plan.steps[0]!.command).toBe('img:1 echo');
  });

  it('keeps secrets and volumes for the runner', () => {
    const { plan } = checkYaml('secrets:\n  - {id: s, keyvault: "vault://db-password"}\nvolumes:\n  - name: v\n    secret: {f.txt: eA==}\n');
    expect(plan.secrets).toEqual([{ id: 's', keyvault: 'vault://db-password', clientID: null }]);
    expect(plan.volumes).toEqual([{ name: 'v', secret: { 'f.txt': 'eA==' } }]);
  });
});
