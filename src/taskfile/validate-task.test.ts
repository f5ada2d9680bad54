import { describe, expect, it } from 'vitest';
import { checkYaml, messages } from './task-check.test-support.js';
import { keyVaultProblem } from './validate-task.js';

const GUID = '0b1c2d3e-4f50-6172-8394-a5b6c7d8e9f0';

describe('task validation: every acb catalogue message, all at once', () => {
  it.each([
    ['secrets:\n  - keyvault: vault://x\n', 'secret is missing an ID as well as auto-generated ID'],
    ['secrets:\n  - id: a b\n    keyvault: vault://x\n', 'failed to validate secret with ID: a b: secret ID cannot contain spaces'],
    ['secrets:\n  - id: s\n', 'failed to validate secret with ID: s: secret should contain either keyvault property for vault secret, or msi clientID/aadResourceId for msi authentication'],
    ['secrets:\n  - id: s\n    clientID: ' + GUID + '\n', 'failed to validate secret with ID: s: secret should contain either keyvault property for vault secret, or msi clientID/aadResourceId for msi authentication'],
    ['secrets:\n  - id: s\n    keyvault: vault://x\n    clientID: nope\n', 'failed to validate secret with ID: s: msi client ID is not a valid guid'],
    ['secrets:\n  - id: s\n    keyvault: http://kv.example.invalid/secrets/a\n', 'failed to validate secret with ID: s: invalid azure keyvault secret URL scheme. Expected Https'],
    ['secrets:\n  - id: s\n    keyvault: https://kv.example.invalid/secrets\n', 'failed to validate secret with ID: s: invalid azure keyvault secret URL. Bad number of URL segments: 1'],
    ['secrets:\n  - id: s\n    keyvault: https://kv.example.invalid/keys/a\n', "failed to validate secret with ID: s: invalid azure keyvault secret URL. Expected 'secrets' collection, but found: keys"],
    ['secrets:\n  - id: s\n    keyvault: vault://\n', 'failed to validate secret with ID: s: invalid vault reference "vault://": expected vault://NAME or vault://VAULT/SECRET[/VERSION]'],
    ['secrets:\n  - {id: s, keyvault: "vault://a"}\n  - {id: s, keyvault: "vault://b"}\n', 'duplicate secret found with ID: s'],
    ['volumes:\n  - secret: {a: eA==}\n', 'volume name is empty'],
    ['volumes:\n  - name: a.b\n    secret: {a: eA==}\n', 'volume name is not well formed. Only use alphanumeric and - _'],
    ['volumes:\n  - name: v\n', 'currently only support for source type secret'],
    ['volumes:\n  - name: v\n    secret: {}\n', 'secret is empty'],
    ['volumes:\n  - name: v\n    secret: {"": eA==}\n', 'secret name provided for value is empty'],
    ['volumes:\n  - name: v\n    secret: {"a/b": eA==}\n', 'file name, a/b, is not well formed. Only use alphanumeric and - _ .'],
    ['volumes:\n  - {name: v, secret: {a: eA==}}\n  - {name: v, secret: {a: eA==}}\n', 'volume with duplicate name found'],
    ['steps:\n  - cmd: x\n    volumeMounts: [{name: nope, mountPath: /m}]\n', 'mount name, nope, does not correspond to a volume'],
    ['steps:\n  - cmd: x\n    retries: -1\n', 'step must specify retries >= 0'],
    ['steps:\n  - cmd: x\n    repeat: -1\n', 'step must specify repeat >= 0'],
    ['steps:\n  - cmd: x\n    build: .\n', 'step must only contain a single build, cmd, or push property'],
    ['steps:\n  - id: a b\n    cmd: x\n', 'step ID cannot contain spaces'],
    ['steps:\n  - id: a\n', 'step is missing a cmd, build, or push property'],
    ['steps:\n  - cmd: ""\n    push: []\n', 'step is missing a cmd, build, or push property'],
    ['volumes: [{name: v, secret: {a: eA==}}]\nsteps:\n  - push: [x]\n    volumeMounts: [{name: v, mountPath: /m}]\n', 'invalid use of Mounts. Mounts must have unique container paths and only used for cmd or build steps'],
    ['volumes: [{name: v, secret: {a: eA==}}]\nsteps:\n  - cmd: x\n    volumeMounts: [{name: v}]\n', 'mount name or mount path is empty'],
    ['volumes: [{name: v, secret: {a: eA==}}]\nsteps:\n  - cmd: x\n    volumeMounts: [{name: v, mountPath: /m}, {name: v, mountPath: /m}]\n', 'mount with duplicate container file path found'],
    ['steps:\n  - id: a\n    cmd: x\n  - cmd: y\n    when: ["-", a]\n', 'step cannot contain other IDs in when if the immediate execution token is specified'],
    ['steps:\n  - id: a\n    cmd: x\n    when: [a]\n', 'Step ID: a is self-referenced'],
    ['steps:\n  - cmd: x\n    cache: sometimes\n', "invalid value for cache property. Valid values are 'enabled', 'disabled'"],
    ['version: v2\n', 'invalid version specified: "v2", the current version is "v1.0.0"'],
    ['steps:\n  - id: a\n    cmd: x\n  - id: a\n    cmd: y\n', 'a already exists as a vertex'],
    ['steps:\n  - id: acb_root\n    cmd: x\n', "acb_root is a reserved ID, it can't be used"],
    ['steps:\n  - cmd: x\n    when: [b]\n  - id: b\n    cmd: y\n', 'b does not exist as a vertex [from: b, to: acb_step_0]'],
    ['steps:\n  - cmd: x\n  - id: acb_step_0\n    cmd: y\n', 'acb_step_0 already exists as a vertex'],
    ['env: [A=1]\nsteps:\n  - cmd: x\n    env: [B]\n', 'failed to merge task and step environment variables: cannot parse step environment variable B correctly'],
    ['env: ["A=1,B"]\nsteps:\n  - cmd: x\n', 'failed to merge task and step environment variables: cannot parse task environment variable B correctly'],
  ])('%j -> %s', (yaml, message) => {
    expect(messages(yaml)).toContain(message);
  });

  it('accepts what acb accepts: Key Vault URLs, vault:// references, aadresourceid, cache in any case, V1.1.0', () => {
    const yaml = [
      'version: V1.1.0',
      'secrets:',
      '  - {id: a, keyvault: "https://kv.example.invalid/secrets/name/"}',
      '  - {id: b, keyvault: "https://kv.example.invalid/secrets/name/version", clientID: ' + GUID + '}',
      '  - {id: c, keyvault: "vault://slipway-secret"}',
      '  - {id: registry.example.invalid, aadresourceid: "https://management.example.invalid"}',
      'steps:',
      '  - build: -t a .',
      '    cache: Enabled',
    ].join('\n');
    expect(messages(yaml)).toEqual([]);
  });

  it('collects every problem, not only the first', () => {
    const yaml = 'version: v9\nsteps:\n  - retries: -1\n    repeat: -1\n  - cmd: x\n    when: [zz]\n';
    expect(messages(yaml)).toEqual([
      'invalid version specified: "v9", the current version is "v1.0.0"',
      'step must specify retries >= 0',
      'step must specify repeat >= 0',
      'step is missing a cmd, build, or push property',
      'zz does not exist as a vertex [from: zz, to: acb_step_1]',
    ]);
  });

  it('points at the line and column of the offending key, with a hint', () => {
    const { all } = checkYaml('steps:\n  - cmd: x\n  - cmd: y\n    when: [later]\n  - id: later\n    cmd: z\n');
    expect(all).toEqual([{ severity: 'error', message: 'later does not exist as a vertex [from: later, to: acb_step_1]', hint: 'a `when` can only name an earlier step', line: 4, column: 12 }]);
  });

  it('warns about settings ACR ignores', () => {
    expect(messages('steps:\n  - cmd: x\n    exitedWith: [0]\n  - push: [a]\n    retries: 2\n', 'warning')).toEqual([
      '`exitedWith` has no effect (ACR parses it but never uses it)',
      '`retries` is ignored on push steps (each image is tried 3 times)',
    ]);
  });
});

describe('Slipway vault references in secrets', () => {
  it.each(['vault://search/SearchServiceApiKey', 'vault://search/key/0123abcd', 'https://slipway.example.invalid/vaults/search/secrets/SearchServiceApiKey', 'https://slipway.example.invalid/vaults/search/secrets/key/0123abcd'])('accepts %s', (ref) => {
    expect(keyVaultProblem(ref)).toBeUndefined();
  });

  it.each(['vault://a/b/c/d', 'vault://a_b/c', 'https://slipway.example.invalid/vaults/search/keys/k'])('refuses %s', (ref) => {
    expect(keyVaultProblem(ref)).toBeDefined();
  });
});
