import { errorAt, type Diagnostic } from './diagnostics.js';
import { bool, has, int, itemPos, keyPos, objects, str, stringMap, strings } from './decoded-access.js';
import { IMMEDIATE } from './when-graph.js';
import type { DecodedObject } from './yaml-reader.js';

// acb's validation catalogue (1.7), with its messages, but every problem reported at once.

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const WHITESPACE = /\s/u;
const VOLUME_NAME = /^[a-zA-Z0-9-_]+$/;
const FILE_NAME = /^[a-zA-Z0-9-_.]+$/;
// vault://NAME (a --set-secret value) or vault://VAULT/SECRET[/VERSION] (Slipway's vault).
const VAULT_REF = /^vault:\/\/(?:[A-Za-z0-9][A-Za-z0-9._-]*|[a-zA-Z0-9-]{1,127}\/[a-zA-Z0-9-]{1,127}(?:\/[a-zA-Z0-9]{1,64})?)$/;
export const VERSIONS = ['1.0-preview-1', 'v1.0.0', 'v1.1.0'] as const;

export function validateVersion(task: DecodedObject): Diagnostic[] {
  const version = str(task, 'version');
  if (version === '' || VERSIONS.some((v) => v.toLowerCase() === version.toLowerCase())) return [];
  return [errorAt(keyPos(task, 'version'), `invalid version specified: "${version}", the current version is "v1.0.0"`, `use one of ${VERSIONS.join(', ')}`)];
}

export function validateSecrets(task: DecodedObject): Diagnostic[] {
  const out: Diagnostic[] = [];
  const ids = new Set<string>();
  for (const secret of objects(task, 'secrets')) {
    const id = str(secret, 'id');
    if (id === '') {
      out.push(errorAt(secret.at, 'secret is missing an ID as well as auto-generated ID', 'add `id: <name>`; the value is then `{{.Secrets.<name>}}`'));
      continue;
    }
    const fail = (message: string, hint?: string, at = secret.at): void => void out.push(errorAt(at, `failed to validate secret with ID: ${id}: ${message}`, hint));
    if (WHITESPACE.test(id)) fail('secret ID cannot contain spaces', undefined, keyPos(secret, 'id'));
    const keyvault = str(secret, 'keyvault');
    if (keyvault === '' && str(secret, 'aadresourceid') === '') {
      fail('secret should contain either keyvault property for vault secret, or msi clientID/aadResourceId for msi authentication', 'add `keyvault: vault://NAME` (a secret in Slipway\'s vault) or an Azure Key Vault secret URL');
    }
    const clientId = str(secret, 'clientID');
    if (clientId !== '' && !GUID.test(clientId)) fail('msi client ID is not a valid guid', undefined, keyPos(secret, 'clientID'));
    const urlProblem = keyvault === '' ? undefined : keyVaultProblem(keyvault);
    if (urlProblem !== undefined) fail(urlProblem, 'use `vault://VAULT/SECRET` or `https://<server>/vaults/VAULT/secrets/SECRET` for a secret in Slipway\'s vault, or `vault://NAME` for a --set-secret value', keyPos(secret, 'keyvault'));
    if (ids.has(id)) out.push(errorAt(keyPos(secret, 'id'), `duplicate secret found with ID: ${id}`));
    ids.add(id);
  }
  return out;
}

/** acb's Key Vault URL checks (made at resolution time in acb, up front here); `vault://NAME` is Slipway's. */
export function keyVaultProblem(value: string): string | undefined {
  if (value.startsWith('vault://')) return VAULT_REF.test(value) ? undefined : `invalid vault reference "${value}": expected vault://NAME or vault://VAULT/SECRET[/VERSION]`;
  let url: URL;
  try {
    url = new URL(value.toLowerCase().replace(/\/+$/, ''));
  } catch {
    return 'invalid azure keyvault secret URL scheme. Expected Https';
  }
  if (url.protocol !== 'https:') return 'invalid azure keyvault secret URL scheme. Expected Https';
  const segments = url.pathname.replace(/^\//, '').split('/');
  // A Slipway vault's URL: https://<server>/vaults/<vault>/secrets/<name>[/<version>].
  if (segments[0] === 'vaults' && segments.length >= 4) segments.splice(0, 2);
  if (segments.length < 2 || segments.length > 3) return `invalid azure keyvault secret URL. Bad number of URL segments: ${segments.length}`;
  if (segments[0] !== 'secrets') return `invalid azure keyvault secret URL. Expected 'secrets' collection, but found: ${segments[0]}`;
  return undefined;
}

export function validateVolumes(task: DecodedObject): Diagnostic[] {
  const out: Diagnostic[] = [];
  const names = new Set<string>();
  for (const volume of objects(task, 'volumes')) {
    const name = str(volume, 'name');
    if (name === '') out.push(errorAt(volume.at, 'volume name is empty'));
    else if (!VOLUME_NAME.test(name)) out.push(errorAt(keyPos(volume, 'name'), 'volume name is not well formed. Only use alphanumeric and - _'));
    const secret = stringMap(volume, 'secret');
    if (secret === undefined) out.push(errorAt(volume.at, 'currently only support for source type secret', 'add `secret: {<file name>: <base64 content>}`'));
    else if (Object.keys(secret).length === 0) out.push(errorAt(keyPos(volume, 'secret'), 'secret is empty'));
    for (const file of Object.keys(secret ?? {})) {
      if (file === '') out.push(errorAt(keyPos(volume, 'secret'), 'secret name provided for value is empty'));
      else if (!FILE_NAME.test(file)) out.push(errorAt(keyPos(volume, 'secret'), `file name, ${file}, is not well formed. Only use alphanumeric and - _ .`));
    }
    if (name !== '' && names.has(name)) out.push(errorAt(keyPos(volume, 'name'), 'volume with duplicate name found'));
    names.add(name);
  }
  for (const step of objects(task, 'steps')) {
    objects(step, 'volumeMounts').forEach((mount) => {
      const mountName = str(mount, 'name');
      if (!names.has(mountName)) out.push(errorAt(mount.at, `mount name, ${mountName}, does not correspond to a volume`, names.size === 0 ? 'declare it under the task `volumes`' : `declared volumes: ${[...names].join(', ')}`));
    });
  }
  return out;
}

/** The per-step checks acb makes while building the graph, in its order. `id` is the defaulted id. */
export function validateStep(step: DecodedObject, id: string): Diagnostic[] {
  const out: Diagnostic[] = [];
  if (int(step, 'retries') < 0) out.push(errorAt(keyPos(step, 'retries'), 'step must specify retries >= 0'));
  if (int(step, 'repeat') < 0) out.push(errorAt(keyPos(step, 'repeat'), 'step must specify repeat >= 0'));
  const kinds = ['cmd', 'build', 'push'].filter((k) => (k === 'push' ? strings(step, k).length > 0 : str(step, k) !== ''));
  if (kinds.length > 1) out.push(errorAt(keyPos(step, kinds[1]!), 'step must only contain a single build, cmd, or push property', `this step has ${kinds.join(' and ')}: split it into ${kinds.length} steps`));
  if (WHITESPACE.test(id)) out.push(errorAt(keyPos(step, 'id'), 'step ID cannot contain spaces'));
  // A kind key whose value failed to decode already has its type error; do not add a second one.
  const undecoded = ['cmd', 'build', 'push'].some((k) => Object.hasOwn(step.keyAt, k) && !has(step, k));
  if (kinds.length === 0 && !undecoded) out.push(errorAt(step.at, 'step is missing a cmd, build, or push property', missingKindHint(step)));
  out.push(...validateMounts(step, kinds.length === 1 && kinds[0] === 'push'));
  out.push(...validateWhen(step, id));
  const cache = str(step, 'cache');
  if (cache !== '' && !['enabled', 'disabled'].includes(cache.toLowerCase())) {
    out.push(errorAt(keyPos(step, 'cache'), "invalid value for cache property. Valid values are 'enabled', 'disabled'"));
  }
  out.push(...ignoredSettings(step, kinds[0]));
  return out;
}

function missingKindHint(step: DecodedObject): string | undefined {
  if (has(step, 'cmd') || has(step, 'build')) return '`cmd` and `build` must not be empty';
  if (has(step, 'push')) return '`push` must list at least one image';
  return 'add one of `cmd: <image> [args]`, `build: <docker build args> <context>` or `push: [<image>]`';
}

function validateMounts(step: DecodedObject, isPush: boolean): Diagnostic[] {
  const mounts = objects(step, 'volumeMounts');
  if (mounts.length === 0) return [];
  if (isPush) return [errorAt(keyPos(step, 'volumeMounts'), 'invalid use of Mounts. Mounts must have unique container paths and only used for cmd or build steps')];
  const out: Diagnostic[] = [];
  const paths = new Set<string>();
  for (const mount of mounts) {
    const path = str(mount, 'mountPath');
    // An empty name is already reported as not matching a volume (acb checks that first).
    if (str(mount, 'name') !== '' && path === '') out.push(errorAt(mount.at, 'mount name or mount path is empty'));
    else if (paths.has(path)) out.push(errorAt(keyPos(mount, 'mountPath'), 'mount with duplicate container file path found'));
    paths.add(path);
  }
  return out;
}

function validateWhen(step: DecodedObject, id: string): Diagnostic[] {
  const when = strings(step, 'when');
  const out: Diagnostic[] = [];
  if (when.includes(IMMEDIATE) && when.length > 1) {
    out.push(errorAt(keyPos(step, 'when'), 'step cannot contain other IDs in when if the immediate execution token is specified', 'use `when: [\'-\']` alone to start at once, or list step ids'));
  }
  when.forEach((dep, i) => {
    if (dep === id) out.push(errorAt(itemPos(step, 'when', i), `Step ID: ${id} is self-referenced`));
  });
  return out;
}

/** Warnings for settings acb accepts but ignores for this kind of step. */
function ignoredSettings(step: DecodedObject, kind: string | undefined): Diagnostic[] {
  const out: Diagnostic[] = [];
  const warn = (key: string, why: string): void => void out.push({ ...errorAt(keyPos(step, key), `\`${key}\` ${why}`), severity: 'warning' });
  for (const key of ['exitedWith', 'exitedWithout']) if (has(step, key)) warn(key, 'has no effect (ACR parses it but never uses it)');
  if (kind === 'build' && has(step, 'entryPoint')) warn('entryPoint', 'is ignored on build steps');
  if (kind === 'build' && bool(step, 'pull')) warn('pull', 'is only used by cmd steps; use `--pull` in `build` to pull base images');
  if (kind === 'push') for (const key of ['retries', 'repeat', 'retryDelay', 'env', 'network']) if (has(step, key)) warn(key, 'is ignored on push steps (each image is tried 3 times)');
  return out;
}
