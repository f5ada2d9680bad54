/**
 * The task file's keys as data: type, default and description. The YAML reader decodes with it
 * (yaml.v2 coercion, unknown-key warnings with "did you mean"), and schemas/taskfile.schema.json is
 * generated from it (scripts/gen-taskfile-schema.ts), so the two cannot drift.
 */

export type FieldType =
  | { readonly kind: 'string' }
  | { readonly kind: 'int' }
  | { readonly kind: 'bool' }
  | { readonly kind: 'any' }
  | { readonly kind: 'list'; readonly of: FieldType }
  | { readonly kind: 'map'; readonly of: FieldType }
  | { readonly kind: 'object'; readonly name: string; readonly fields: FieldTable };

export interface FieldSpec {
  readonly type: FieldType;
  readonly description: string;
  readonly default?: string | number | boolean;
  /** A yaml.v2 "hidden" key (an untagged Go field, lower-cased): accepted, mostly without effect. */
  readonly hidden?: boolean;
  /** For hidden keys acb overwrites: the warning to give when one is set. */
  readonly ignoredBecause?: string;
  /** A JSON Schema pattern for the allowed values (case-insensitive ones spelled out). */
  readonly pattern?: string;
}

export type FieldTable = Readonly<Record<string, FieldSpec>>;

const STRING = { kind: 'string' } as const;
const INT = { kind: 'int' } as const;
const BOOL = { kind: 'bool' } as const;
const ANY = { kind: 'any' } as const;
const STRINGS = { kind: 'list', of: STRING } as const;
const INTS = { kind: 'list', of: INT } as const;
const OVERWRITTEN = 'acb overwrites this internal field during initialisation, so setting it has no effect';

const MOUNT_FIELDS: FieldTable = {
  name: { type: STRING, description: 'Name of a task-level volume to mount.' },
  mountPath: { type: STRING, description: 'Absolute path inside the step container; unique within the step.' },
};

export const STEP_FIELDS: FieldTable = {
  id: { type: STRING, description: 'Step id: container name and the name other steps use in `when`. No whitespace, unique, not `acb_root`. Default `acb_step_<index>`.' },
  cmd: { type: STRING, description: 'Run a container: `<image> [args...]`, interpreted by `/bin/sh -c`. A first word that is an alias (e.g. `bash`) is replaced by its value.' },
  build: { type: STRING, description: '`docker build` arguments (without `build`), ending with the context, e.g. `-t $Registry/app:$ID -f Dockerfile .`.' },
  push: { type: STRINGS, description: 'Images to push. `:latest` is added to a name with neither tag nor digest; duplicates are removed.' },
  when: { type: STRINGS, description: 'Ids of earlier steps to wait for; `["-"]` starts at once. Default: the previous step.' },
  workingDirectory: { type: STRING, description: 'Working directory in the container; relative paths are joined to `/workspace`. Default: the task `workingDirectory`, else `/workspace`.' },
  disableWorkingDirectoryOverride: { type: BOOL, default: false, description: "Do not pass `--workdir`: the image's own WORKDIR applies." },
  entryPoint: { type: STRING, description: 'Overrides the image entrypoint (`--entrypoint`); cmd steps only.' },
  user: { type: STRING, description: 'User (`--user`) the container runs as.' },
  network: { type: STRING, description: 'Network the container joins (`--network`), e.g. `host`. Default: the default network.' },
  isolation: { type: STRING, description: 'Container isolation (`--isolation`); Windows only, not validated.' },
  cpus: { type: STRING, description: 'CPU limit (`--cpus`).' },
  env: { type: STRINGS, description: '`KEY=VALUE` entries, merged over the task `env` (the step wins).' },
  expose: { type: STRINGS, description: 'Ports to expose (`--expose`).' },
  ports: { type: STRINGS, description: 'Ports to publish (`-p`).' },
  privileged: { type: BOOL, default: false, description: 'Run the container privileged (`--privileged`).' },
  keep: { type: BOOL, default: false, description: 'Keep the container after it exits (until the run ends) instead of `--rm`.' },
  detach: { type: BOOL, default: false, description: 'Start the container in the background; the step completes once it starts.' },
  timeout: { type: INT, default: 600, description: 'Seconds for the step, covering retries and repeats. Default: the task `stepTimeout`.' },
  startDelay: { type: INT, default: 0, description: 'Seconds to wait before the step starts.' },
  retries: { type: INT, default: 0, description: 'Extra attempts after a failed run (>= 0). Not used by push steps.' },
  retryDelay: { type: INT, default: 5, description: 'Seconds between attempts; values <= 0 mean 5.' },
  retryOnErrors: { type: STRINGS, description: 'Retry only when the output contains one of these strings.' },
  repeat: { type: INT, default: 0, description: 'Run the step this many extra times, whatever the outcome (>= 0).' },
  ignoreErrors: { type: BOOL, default: false, description: 'Mark the step successful even when it fails, so dependants run.' },
  pull: { type: BOOL, default: false, description: 'cmd steps: pull the image explicitly before running.' },
  cmdDownloadRetries: { type: INT, default: 0, description: 'Retries for the explicit pull.' },
  cmdDownloadRetryDelay: { type: INT, default: 0, description: 'Seconds between pull retries.' },
  cache: { type: STRING, pattern: '^([Ee][Nn][Aa][Bb][Ll][Ee][Dd]|[Dd][Ii][Ss][Aa][Bb][Ll][Ee][Dd])$', description: '`enabled` builds with a registry build cache; `enabled` or `disabled`, any case.' },
  volumeMounts: { type: { kind: 'list', of: { kind: 'object', name: 'volumeMount', fields: MOUNT_FIELDS } }, description: 'Task volumes to mount (cmd and build steps only).' },
  exitedWith: { type: INTS, description: 'Parsed for compatibility; has no effect.' },
  exitedWithout: { type: INTS, description: 'Parsed for compatibility; has no effect.' },
  tags: { type: STRINGS, hidden: true, description: 'Hidden acb key: when non-empty, replaces the tags parsed from `build`.' },
  buildargs: { type: STRINGS, hidden: true, ignoredBecause: OVERWRITTEN, description: 'Hidden acb key; overwritten from `build`.' },
  usesbuildkit: { type: BOOL, hidden: true, ignoredBecause: OVERWRITTEN, description: 'Hidden acb key; overwritten.' },
  defaultbuildcachetag: { type: STRING, hidden: true, ignoredBecause: OVERWRITTEN, description: 'Hidden acb key; overwritten.' },
  imagedependencies: { type: ANY, hidden: true, ignoredBecause: OVERWRITTEN, description: 'Hidden acb key; overwritten.' },
  starttime: { type: ANY, hidden: true, ignoredBecause: OVERWRITTEN, description: 'Hidden acb key; overwritten.' },
  endtime: { type: ANY, hidden: true, ignoredBecause: OVERWRITTEN, description: 'Hidden acb key; overwritten.' },
  stepstatus: { type: STRING, hidden: true, ignoredBecause: OVERWRITTEN, description: 'Hidden acb key; overwritten.' },
};

export const SECRET_FIELDS: FieldTable = {
  id: { type: STRING, description: 'Name under which the value is available as `{{.Secrets.<id>}}`. No whitespace, unique.' },
  keyvault: { type: STRING, description: "Where the value comes from: `vault://NAME` (Slipway's vault) or an Azure Key Vault secret URL `https://<vault>/secrets/<name>[/<version>]`." },
  clientID: { type: STRING, description: 'Managed identity client id (a GUID) used to read the Key Vault secret.' },
  aadresourceid: { type: STRING, hidden: true, description: 'Hidden acb key: makes the secret an ACR refresh token for that resource.' },
  resolvedvalue: { type: STRING, hidden: true, ignoredBecause: OVERWRITTEN, description: 'Hidden acb key; overwritten.' },
};

export const NETWORK_FIELDS: FieldTable = {
  name: { type: STRING, description: 'Network name.' },
  driver: { type: STRING, description: 'Driver passed to `docker network create --driver`.' },
  ipv6: { type: BOOL, default: false, description: 'Create the network with IPv6.' },
  skipCreation: { type: BOOL, default: false, description: 'Use an existing network: neither create nor remove it.' },
  isDefault: { type: BOOL, default: false, description: 'Steps without `network` join this network (the last default one wins).' },
};

export const VOLUME_FIELDS: FieldTable = {
  name: { type: STRING, description: 'Volume name (letters, digits, `-`, `_`).' },
  secret: { type: { kind: 'map', of: STRING }, description: 'File name -> base64-encoded content, e.g. `{{.Secrets.x | b64enc}}`.' },
};

const ALIAS_FIELDS: FieldTable = {
  src: { type: STRINGS, description: 'YAML files of `name: value` aliases, relative to the working directory (later files win over earlier ones; inline `values` win over all).' },
  values: { type: { kind: 'map', of: STRING }, description: 'Inline aliases: `name: value`; names are letters and digits.' },
  directive: { type: STRING, default: '$', description: 'The single non-alphanumeric character that starts an alias reference.' },
};

export const TASK_FIELDS: FieldTable = {
  version: { type: STRING, default: 'v1.0.0', pattern: '^(1\\.0-[Pp][Rr][Ee][Vv][Ii][Ee][Ww]-1|[Vv]1\\.[01]\\.0)$', description: 'Task file format version; `v1.1.0` (exactly, lower-case) turns on aliases.' },
  stepTimeout: { type: INT, default: 600, description: 'Seconds; the timeout of every step that sets none. Values <= 0 mean 600.' },
  steps: { type: { kind: 'list', of: { kind: 'object', name: 'step', fields: STEP_FIELDS } }, description: 'Steps, in order. Exactly one of `cmd`, `build`, `push` per step.' },
  env: { type: STRINGS, description: '`KEY=VALUE` entries added to every step (the step wins). Commas split an entry into several.' },
  workingDirectory: { type: STRING, description: 'Working directory for steps that set none.' },
  secrets: { type: { kind: 'list', of: { kind: 'object', name: 'secret', fields: SECRET_FIELDS } }, description: 'Secrets resolved before the final render, used as `{{.Secrets.<id>}}`.' },
  networks: { type: { kind: 'list', of: { kind: 'object', name: 'network', fields: NETWORK_FIELDS } }, description: 'Networks to create. With none, `acb_default_network` (bridge) is created for the run.' },
  volumes: { type: { kind: 'list', of: { kind: 'object', name: 'volume', fields: VOLUME_FIELDS } }, description: 'Volumes filled from secrets, mountable by steps.' },
  alias: { type: { kind: 'object', name: 'alias', fields: ALIAS_FIELDS }, description: 'Aliases (`$name`), for version v1.1.0 and later; removed before the file is parsed.' },
  isbuildtask: { type: BOOL, hidden: true, default: false, description: 'Hidden acb key: true means no default network is created.' },
  initbuildkitcontainer: { type: BOOL, hidden: true, default: false, description: 'Hidden acb key: start the buildkit container even without a cache.' },
  registryname: { type: STRING, hidden: true, ignoredBecause: OVERWRITTEN, description: 'Hidden acb key; unused.' },
  registry: { type: STRING, hidden: true, ignoredBecause: OVERWRITTEN, description: 'Hidden acb key; overwritten by the run.' },
  taskname: { type: STRING, hidden: true, ignoredBecause: OVERWRITTEN, description: 'Hidden acb key; overwritten by the run.' },
  credentials: { type: ANY, hidden: true, ignoredBecause: OVERWRITTEN, description: 'Hidden acb key; overwritten by the run.' },
  dag: { type: ANY, hidden: true, ignoredBecause: OVERWRITTEN, description: 'Hidden acb key; overwritten.' },
  registrylogincredentials: { type: ANY, hidden: true, ignoredBecause: OVERWRITTEN, description: 'Hidden acb key; overwritten.' },
};

export const ALIAS_BLOCK_FIELDS: FieldTable = { alias: TASK_FIELDS.alias! };
