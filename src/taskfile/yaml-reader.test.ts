import { describe, expect, it } from 'vitest';
import { checkYaml, messages } from './task-check.test-support.js';

describe('YAML decoding with yaml.v2 coercion', () => {
  it('accepts an int where a string is expected, keeping its text', () => {
    const { plan, all } = checkYaml('steps:\n  - id: 1\n    cmd: 5\n  - id: 0x1F\n    cmd: yes\n');
    expect(all).toEqual([]);
    expect(plan.steps.map((s) => [s.id, s.command])).toEqual([['1', '5'], ['0x1F', 'yes']]);
  });

  it('reads YAML 1.1 booleans', () => {
    const { plan } = checkYaml('steps:\n  - cmd: x\n    keep: yes\n    detach: on\n    privileged: Y\n    ignoreErrors: off\n');
    expect([plan.steps[0]!.keep, plan.steps[0]!.detach, plan.steps[0]!.privileged, plan.steps[0]!.ignoreErrors]).toEqual([true, true, true, false]);
  });

  it.each([
    ["stepTimeout: '30'\n", 'cannot unmarshal !!str `30` into int'],
    ['steps:\n  - cmd: x\n    keep: "true"\n', 'cannot unmarshal !!str `true` into bool'],
    ['steps:\n  - cmd: x\n    keep: 1\n', 'cannot unmarshal !!int `1` into bool'],
    ['steps:\n  - cmd: x\n    timeout: abcdefghijklmno\n', 'cannot unmarshal !!str `abcdefg...` into int'],
    ['steps:\n  - push: foo\n', 'cannot unmarshal !!str `foo` into []string'],
    ["steps:\n  - cmd: x\n    when: '-'\n", 'cannot unmarshal !!str `-` into []string'],
    ['env: A=1\n', 'cannot unmarshal !!str `A=1` into []string'],
    ['steps:\n  cmd: x\n', 'cannot unmarshal !!map into []step'],
    ['steps:\n  - cmd: {a: b}\n', 'cannot unmarshal !!map into string'],
    ['just a string\n', 'cannot unmarshal !!str `just a ...` into task'],
  ])('rejects %j with %s', (yaml, message) => {
    expect(messages(yaml)).toEqual([message]);
  });

  it('hints to write a list when a scalar is given', () => {
    const { all } = checkYaml("steps:\n  - cmd: x\n    when: '-'\n");
    expect(all[0]).toMatchObject({ line: 3, column: 11, hint: "write it as a list: `when: ['-']`" });
  });

  it('truncates floats into int fields with a warning, as yaml.v2 does', () => {
    const { plan, all } = checkYaml('stepTimeout: 90.7\n');
    expect(plan.stepTimeout).toBe(90);
    expect(all.map((d) => d.severity)).toEqual(['warning']);
  });

  it('reports every type error of the file at once', () => {
    expect(messages("stepTimeout: '1'\nsteps:\n  - cmd: x\n    retries: 'x'\n    keep: maybe\n")).toHaveLength(3);
  });

  it('reports a YAML syntax error with its position', () => {
    const { all } = checkYaml('steps:\n  - cmd: x\n   bad: [\n');
    expect(all[0]).toMatchObject({ severity: 'error', line: expect.any(Number) });
    expect(all[0]!.message).toMatch(/^yaml: /);
  });

  it('resolves anchors, aliases and merge keys', () => {
    const { plan, all } = checkYaml('x: &base\n  cmd: alpine\n  retries: 2\nsteps:\n  - <<: *base\n    id: a\n  - *base\n');
    expect(all.filter((d) => d.severity === 'error')).toEqual([]);
    expect(plan.steps.map((s) => [s.id, s.command, s.retries])).toEqual([['a', 'alpine', 2], ['acb_step_1', 'alpine', 2]]);
  });
});

describe('unknown and hidden keys', () => {
  it('warns about unknown keys with a did-you-mean hint', () => {
    const { all } = checkYaml('totalTimeout: 5\nsteps:\n  - cmd: x\n    workingdirectory: a\n    Retries: 1\n    retryDelai: 2\n    bogus: 1\n');
    expect(all.map((d) => [d.severity, d.message, d.hint])).toEqual([
      ['warning', 'unknown key `totalTimeout` in task is ignored (ACR ignores it too)', undefined],
      ['warning', 'unknown key `workingdirectory` in step is ignored (ACR ignores it too)', 'did you mean `workingDirectory`?'],
      ['warning', 'unknown key `Retries` in step is ignored (ACR ignores it too)', 'did you mean `retries`?'],
      ['warning', 'unknown key `retryDelai` in step is ignored (ACR ignores it too)', 'did you mean `retryDelay`?'],
      ['warning', 'unknown key `bogus` in step is ignored (ACR ignores it too)', undefined],
    ]);
  });

  it('accepts hidden keys: step tags replace the parsed tags, isbuildtask drops the default network', () => {
    const { plan, all } = checkYaml('isbuildtask: true\nsteps:\n  - build: -t a -t b .\n    tags: [c]\n');
    expect(all).toEqual([]);
    expect(plan.steps[0]!.tags).toEqual(['c']);
    expect(plan.networks).toEqual([]);
  });

  it('warns when an internal hidden key is set, since acb overwrites it', () => {
    expect(messages('steps:\n  - cmd: x\n    stepstatus: done\n', 'warning')).toEqual(['`stepstatus`: acb overwrites this internal field during initialisation, so setting it has no effect']);
  });

  it('warns about a repeated key, the later value winning', () => {
    const { plan, all } = checkYaml('stepTimeout: 1\nstepTimeout: 2\n');
    expect(plan.stepTimeout).toBe(2);
    expect(all.map((d) => d.severity)).toEqual(['warning']);
  });
});
