import { defineCatalog } from './app-error.js';

/** Slipway's own error codes (the OCI ones live in registry/http/oci-errors.ts). */
export const Errors = defineCatalog({
  CONFIG_INVALID: {
    httpStatus: 500,
    message: 'configuration is invalid',
    description: 'A configuration file, environment variable or flag failed validation; the detail names the key.',
  },
  USAGE_INVALID: {
    httpStatus: 400,
    message: 'invalid command usage',
    description: 'A command was called with unknown flags, missing arguments or bad values.',
  },
  AUTH_REQUIRED: {
    httpStatus: 401,
    message: 'authentication required',
    description: 'The request carried no credentials, or credentials that are not valid.',
  },
  AUTH_DENIED: {
    httpStatus: 403,
    message: 'access denied',
    description: 'The credentials are valid but do not grant the requested action.',
  },
  NOT_FOUND: {
    httpStatus: 404,
    message: 'resource not found',
    description: 'The API resource (repository, tag, manifest) does not exist.',
  },
  REQUEST_INVALID: {
    httpStatus: 400,
    message: 'request is invalid',
    description: 'The API request failed validation; the detail says which field.',
  },
  STORE_UNAVAILABLE: {
    httpStatus: 503,
    message: 'storage backend unavailable',
    description: 'The object store or metadata store could not be reached or failed; retry later.',
  },
  ENGINE_UNAVAILABLE: {
    httpStatus: 503,
    message: 'container engine unavailable',
    description: 'The container engine socket is missing, refuses connections or does not answer; check SLIPWAY_ENGINE_SOCKET and that dockerd runs.',
  },
  ENGINE_NOT_FOUND: {
    httpStatus: 404,
    message: 'engine object not found',
    description: 'The engine has no such image, container, network or volume (or the registry has no such image to pull).',
  },
  ENGINE_CONFLICT: {
    httpStatus: 409,
    message: 'engine object in use or already exists',
    description: 'The engine refused because a name is taken or the object is in use (an image used by a container, a volume mounted).',
  },
  ENGINE_INVALID_ARGUMENT: {
    httpStatus: 400,
    message: 'engine rejected the request',
    description: 'The engine rejected the parameters of a call (a bad image reference, an invalid option).',
  },
  ENGINE_BUILD_FAILED: {
    httpStatus: 422,
    message: 'image build failed',
    description: 'The build ended with an error: a Dockerfile syntax error, a failing RUN step or a missing base image; the detail holds the error text and the last log lines.',
  },
  ENGINE_PULL_FAILED: {
    httpStatus: 502,
    message: 'image pull failed',
    description: 'The engine could not pull an image from its registry (unreachable, denied or invalid content).',
  },
  ENGINE_PUSH_FAILED: {
    httpStatus: 502,
    message: 'image push failed',
    description: 'The engine could not push an image: the registry refused the credentials or the content, or could not be reached.',
  },
  ENGINE_CANCELLED: {
    httpStatus: 499,
    message: 'engine call cancelled',
    description: 'The caller aborted the call (a run was cancelled); the engine was told to stop the work.',
  },
  ENGINE_TIMEOUT: {
    httpStatus: 504,
    message: 'engine call timed out',
    description: 'The call was aborted because its deadline passed (a build or step exceeded its timeout).',
  },
  ENGINE_FAILED: {
    httpStatus: 502,
    message: 'container engine error',
    description: 'The engine answered with an error that has no more specific code; the detail holds its message.',
  },
  RUN_NOT_FOUND: {
    httpStatus: 404,
    message: 'run not found',
    description: 'No run has this run id (run ids look like `ca12`).',
  },
  RUN_STATE_INVALID: {
    httpStatus: 409,
    message: 'run is not in a state that allows this',
    description: 'The run cannot make the requested transition, for example cancelling or completing a run that already finished; a finished run never changes status again. The detail names the current and requested status.',
  },
  RUN_LEASE_EXPIRED: {
    httpStatus: 500,
    message: 'the agent running this run stopped answering',
    description: 'The agent holding the run missed its heartbeats until the lease expired (it crashed, lost its database connection or its machine went away); the run ended as Error, or went back to the queue when it had attempts left.',
  },
  QUEUE_LEASE_LOST: {
    httpStatus: 409,
    message: 'lease on the run was lost',
    description: 'An agent heartbeated or reported a run it no longer holds: its lease expired or was reaped, or the run finished or moved to another agent. The agent must stop working on the run.',
  },
  UPSTREAM_UNAVAILABLE: {
    httpStatus: 502,
    message: 'upstream registry unavailable',
    description: "The pull-through cache's upstream registry (`registry.upstream.url`) could not be reached, timed out, broke off a transfer or answered 5xx or 429; the detail names the host and the kind of failure. Pulls are answered with what Slipway holds; a miss becomes MANIFEST_UNKNOWN or BLOB_UNKNOWN saying so.",
  },
  UPSTREAM_NOT_FOUND: {
    httpStatus: 404,
    message: 'not found upstream',
    description: 'The upstream registry answered 404: the repository, tag or digest does not exist there either.',
  },
  UPSTREAM_DENIED: {
    httpStatus: 502,
    message: 'upstream registry refused access',
    description: 'The upstream registry answered 401 or 403 after the token flow: check `registry.upstream.username` and `registry.upstream.password` (or that the repository is public there).',
  },
  UPSTREAM_INVALID: {
    httpStatus: 502,
    message: 'upstream registry sent invalid content',
    description: 'What the upstream sent did not match its digest or size, was not a manifest Slipway accepts, or the upstream answered with an unexpected status; nothing of it was stored.',
  },
  SOURCE_NOT_FOUND: {
    httpStatus: 404,
    message: 'build context not found',
    description: 'The build context does not exist: a missing local folder, a path that is not a folder, a git subfolder that is absent, or a tarball URL that answered with a non-2xx status or could not be reached.',
  },
  SOURCE_DOCKERFILE_MISSING: {
    httpStatus: 400,
    message: 'Dockerfile not found in the build context',
    description: 'The Dockerfile (default `Dockerfile`, or the `-f` path) is not a file inside the context.',
  },
  SOURCE_INVALID: {
    httpStatus: 400,
    message: 'build context is invalid',
    description: 'The context argument is malformed, or the context tar is not a tar (or gzip of one), is too large, or holds an entry with `..`, an absolute path, a link escaping the context, or a device file; the detail names the entry.',
  },
  SOURCE_GIT_FAILED: {
    httpStatus: 400,
    message: 'git context could not be fetched',
    description: "Cloning or checking out a git context failed (unreachable repository, unknown branch, tag or commit); the message carries git's own error with credentials redacted.",
  },
  SOURCE_NOT_ALLOWED: {
    httpStatus: 403,
    message: 'build context location not allowed',
    description: "The server's `sources` settings refuse this context: a `file://` URL (`sources.allowFileUrls`) or a host on a loopback or private network (`sources.allowPrivateNetworks`).",
  },
  TASK_STEP_FAILED: {
    httpStatus: 422,
    message: 'a step of the task failed',
    description: 'A step of a multi-step run failed without `ignoreErrors` (a non-zero exit, a failed build or push, a step timeout); the run ends Failed and its message names the step: `failed to run step ID: <id>: <reason>`.',
  },
  TASK_SECRET_UNRESOLVED: {
    httpStatus: 422,
    message: 'a secret of the task could not be resolved',
    description: "A `secrets:` entry names a `vault://NAME` that neither the run's `--set-secret` values nor the vault hold, or an Azure Key Vault URL (Slipway does not reach Key Vault); the run fails before any step starts.",
  },
  TASKFILE_INVALID: {
    httpStatus: 400,
    message: 'task file is invalid',
    description: 'A multi-step task file (or its values file) could not be read, rendered or validated: a YAML error, a template error, or a rule of the format (docs/taskfile.md); the detail lists every problem as `FILE:LINE:COLUMN: error: message`.',
  },
  TASK_NOT_FOUND: {
    httpStatus: 404,
    message: 'task not found',
    description: 'No saved task has this name (`slipway task list` shows them).',
  },
  TASK_EXISTS: {
    httpStatus: 409,
    message: 'a task with this name already exists',
    description: '`task create` was given a name in use; `task update` changes an existing task.',
  },
  TASK_INVALID: {
    httpStatus: 400,
    message: 'task definition is invalid',
    description: 'A task create or update request failed validation (name, step, trigger, cron schedule, credential); the message says which field and why.',
  },
  WEBHOOK_REJECTED: {
    httpStatus: 401,
    message: 'webhook signature missing or wrong',
    description: "A webhook delivery for a task carried no signature, or one that does not match the task's webhook secret (HMAC-SHA256, or GitLab's token); it is recorded and nothing runs.",
  },
  VAULT_NOT_FOUND: {
    httpStatus: 404,
    message: 'vault not found',
    description: 'No vault has this name (`slipway vault list` shows them); names compare case-insensitively.',
  },
  VAULT_EXISTS: {
    httpStatus: 409,
    message: 'a vault with this name already exists',
    description: '`vault create` was given a name in use (case-insensitively).',
  },
  SECRET_NOT_FOUND: {
    httpStatus: 404,
    message: 'secret not found',
    description: 'The vault holds no secret (or no such version of it) with this name; the detail names the vault and the secret.',
  },
  IDENTITY_NOT_FOUND: {
    httpStatus: 404,
    message: 'identity not found',
    description: 'No identity has this name (`slipway identity list` shows them).',
  },
  IDENTITY_EXISTS: {
    httpStatus: 409,
    message: 'an identity with this name already exists',
    description: '`identity create` was given a name in use (case-insensitively).',
  },
  SECRET_ACCESS_DENIED: {
    httpStatus: 403,
    message: 'the identity may not read this secret',
    description: "A run's `secrets:` entry, git access token or registry password names a vault secret that the run's identity (`task create --assign-identity`) has no `get` permission on (`slipway vault set-policy`), or the run has no identity; the run fails before any step starts, and the message names the secret, the vault, the identity and the missing permission.",
  },
  VAULT_MASTER_KEY_MISMATCH: {
    httpStatus: 500,
    message: 'the vault master key is not the one the vault was sealed with',
    description: 'The master key (`vault.masterKeyFile` or SLIPWAY_VAULT_MASTER_KEY) has another key id than the one that wrapped the vault\'s data key: a wrong key, or a `slipway vault rotate-key` whose new key the server has not been given; the detail holds both key ids (never the keys).',
  },
  VAULT_CIPHERTEXT_INVALID: {
    httpStatus: 500,
    message: 'a vault ciphertext failed authentication',
    description: 'A stored secret or data key did not decrypt: the row was changed, moved to another secret or vault, or truncated (AES-GCM authentication failed). Nothing is revealed; restore the database from a backup.',
  },
  WEBHOOK_NOT_FOUND: {
    httpStatus: 404,
    message: 'webhook not found',
    description: 'No webhook has this name (`slipway webhook list` shows them).',
  },
  WEBHOOK_EXISTS: {
    httpStatus: 409,
    message: 'a webhook with this name already exists',
    description: '`webhook create` was given a name in use; `webhook update` changes an existing webhook.',
  },
  WEBHOOK_INVALID: {
    httpStatus: 400,
    message: 'webhook definition is invalid',
    description: 'A webhook create or update request failed validation: a name that is not 5-50 letters and digits, a service URI that is not http(s) or carries a user and password, an unknown action, a malformed scope, or a custom header that is malformed or reserved (Host, Content-Length, X-Slipway-*); the detail names the field.',
  },
  WEBHOOK_DISABLED: {
    httpStatus: 409,
    message: 'the webhook is disabled',
    description: '`webhook ping` was asked of a disabled webhook, which delivers nothing; enable it with `webhook update --status enabled`.',
  },
  USER_NOT_FOUND: {
    httpStatus: 404,
    message: 'user not found',
    description: 'No user has this name (`slipway user list` shows them).',
  },
  USER_EXISTS: {
    httpStatus: 409,
    message: 'the name is taken',
    description: '`user create` was given a name that a user or a repository token already has; users and tokens sign in the same way, so their names are one namespace.',
  },
  USER_PROTECTED: {
    httpStatus: 409,
    message: 'the built-in admin cannot be deleted',
    description: 'The `admin` user is always Owner and is recreated at every start; change its password with SLIPWAY_ADMIN_PASSWORD or `user update` instead.',
  },
  TOKEN_NOT_FOUND: {
    httpStatus: 404,
    message: 'token not found',
    description: 'No repository token has this name (`slipway token list` shows them).',
  },
  TOKEN_EXISTS: {
    httpStatus: 409,
    message: 'the name is taken',
    description: '`token create` was given a name that a token or a user already has.',
  },
  API_TOKEN_NOT_FOUND: {
    httpStatus: 404,
    message: 'API token not found',
    description: 'The user has no API token of this name (`slipway user token list` shows them).',
  },
  API_TOKEN_EXISTS: {
    httpStatus: 409,
    message: 'the user already has an API token of this name',
    description: '`user token create` was given a name one of the user\'s API tokens already has.',
  },
  SCOPE_MAP_NOT_FOUND: {
    httpStatus: 404,
    message: 'scope map not found',
    description: 'No scope map has this name (`slipway scope-map list` shows them).',
  },
  SCOPE_MAP_EXISTS: {
    httpStatus: 409,
    message: 'a scope map with this name already exists',
    description: '`scope-map create` was given a name in use, or `token create --repository` found its `<token>-scope-map` holding other actions.',
  },
  SCOPE_MAP_IN_USE: {
    httpStatus: 409,
    message: 'the scope map is used by tokens',
    description: 'A scope map cannot be deleted while tokens use it; the detail lists them. Delete them or move them to another scope map first.',
  },
  ACCESS_INVALID: {
    httpStatus: 400,
    message: 'access request is invalid',
    description: 'A user, role, scope map or token request failed validation: a bad name, an unknown role, an action not of the form `repositories/<repo>/content|metadata/<verb>`, or a bad expiry; the detail says which field.',
  },
  UNKNOWN: {
    httpStatus: 500,
    message: 'internal error',
    description: 'An unexpected error; it is logged once with its stack on the server.',
  },
});
