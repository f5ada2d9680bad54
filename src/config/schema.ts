import { Type, type Static, type TSchema } from '@sinclair/typebox';

/** Declares the environment variable that sets a field (read by load.ts, listed in docs/config.md). */
function env<T extends TSchema>(name: string, schema: T): T {
  return { ...schema, env: name } as T;
}

const Listen = Type.String({ pattern: '^[^\\s:]+:\\d{1,5}$', description: 'HOST:PORT to listen on' });

export const ConfigSchema = Type.Object(
  {
    version: Type.Literal(1, { default: 1, description: 'Config file format version' }),
    dataDir: env('SLIPWAY_DATA_DIR', Type.String({ minLength: 1, default: './.slipway', description: 'Where Slipway keeps its state' })),
    server: Type.Object(
      {
        listen: env('SLIPWAY_LISTEN', { ...Listen, default: '127.0.0.1:5000' }),
        publicUrl: env('SLIPWAY_PUBLIC_URL', Type.Optional(Type.String({ pattern: '^https?://', description: 'URL clients reach Slipway at; derived from the Host header when unset' }))),
        shutdownGraceSeconds: Type.Integer({ minimum: 0, default: 10, description: 'Seconds requests may take to finish after SIGTERM/SIGINT' }),
        tlsCertFile: env('SLIPWAY_TLS_CERT_FILE', Type.Optional(Type.String({ minLength: 1, description: 'PEM certificate (chain): serve HTTPS; needs tlsKeyFile' }))),
        tlsKeyFile: env('SLIPWAY_TLS_KEY_FILE', Type.Optional(Type.String({ minLength: 1, description: 'PEM private key for tlsCertFile' }))),
      },
      { additionalProperties: false, default: {} },
    ),
    storage: Type.Object(
      {
        driver: Type.Literal('filesystem', { default: 'filesystem', description: 'Blob storage backend' }),
        path: env('SLIPWAY_STORAGE_PATH', Type.Optional(Type.String({ minLength: 1, description: 'Blob root; <dataDir>/storage when unset' }))),
      },
      { additionalProperties: false, default: {} },
    ),
    metadata: Type.Object(
      {
        driver: Type.Literal('sqlite', { default: 'sqlite', description: 'Metadata store backend' }),
        path: env('SLIPWAY_METADATA_PATH', Type.Optional(Type.String({ minLength: 1, description: 'SQLite file; <dataDir>/slipway.db when unset' }))),
      },
      { additionalProperties: false, default: {} },
    ),
    auth: Type.Object(
      {
        anonymousPull: env('SLIPWAY_ANONYMOUS_PULL', Type.Boolean({ default: false, description: 'Let anyone pull without credentials' })),
        service: Type.String({ minLength: 1, default: 'slipway', description: 'The `service` of registry tokens' }),
        tokenTtlSeconds: Type.Integer({ minimum: 30, maximum: 86_400, default: 300, description: 'Lifetime of registry access tokens' }),
      },
      { additionalProperties: false, default: {} },
    ),
    registry: Type.Object(
      {
        manifestMaxBytes: Type.Integer({ minimum: 1024, maximum: 64 * 1024 * 1024, default: 4 * 1024 * 1024, description: 'Largest manifest accepted (413 SIZE_INVALID above)' }),
        defaultPageSize: Type.Integer({ minimum: 1, maximum: 10_000, default: 1000, description: 'Page size of tag and catalog lists when the client gives no n' }),
        mirrorNamespace: env(
          'SLIPWAY_MIRROR_NAMESPACE',
          Type.String({
            pattern: '^([a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*)?$',
            default: 'library',
            description: 'Namespace served as a Docker Hub mirror: anyone may pull repositories under it without credentials (Docker sends none to a mirror); push and delete still need them. Empty disables',
          }),
        ),
        upstream: Type.Object(
          {
            url: env('SLIPWAY_UPSTREAM_URL', Type.Optional(Type.String({ pattern: '^https?://[^\\s/?#@]+/?$', description: 'Registry the mirror namespace pulls through from (`https://registry-1.example.invalid`): what Slipway lacks there is fetched and cached. Unset: no pull-through cache' }))),
            username: env('SLIPWAY_UPSTREAM_USERNAME', Type.Optional(Type.String({ minLength: 1, description: 'User for the upstream (token or Basic auth); anonymous when unset' }))),
            password: env('SLIPWAY_UPSTREAM_PASSWORD', Type.Optional(Type.String({ minLength: 1, secret: true, description: 'Password or access token for `username`; never logged' }))),
            repositoryPrefix: Type.Optional(
              Type.String({
                pattern: '^([a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*)?$',
                description: 'Upstream path the mirror namespace stands for: `<namespace>/x` is fetched as `<prefix>/x` (empty: `x`). Unset: names are kept (`library/x` is `library/x` upstream)',
              }),
            ),
            tagTtlSeconds: env('SLIPWAY_UPSTREAM_TAG_TTL_SECONDS', Type.Integer({ minimum: 0, default: 300, description: 'How long a cached tag is served before upstream is asked again whether it moved (digests never are)' })),
            timeoutSeconds: env('SLIPWAY_UPSTREAM_TIMEOUT_SECONDS', Type.Integer({ minimum: 1, maximum: 3600, default: 30, description: 'Longest silence from the upstream (connecting, waiting for an answer, between body bytes) before a call fails' })),
          },
          { additionalProperties: false, default: {} },
        ),
      },
      { additionalProperties: false, default: {} },
    ),
    sources: Type.Object(
      {
        allowFileUrls: env(
          'SLIPWAY_SOURCES_ALLOW_FILE_URLS',
          Type.Boolean({ default: false, description: "Let runs fetch `file://` git contexts from the server's own disk (the CLI clones `file://` URLs on the client's side either way)" }),
        ),
        allowPrivateNetworks: env(
          'SLIPWAY_SOURCES_ALLOW_PRIVATE_NETWORKS',
          Type.Boolean({ default: true, description: 'Let runs fetch git and tarball contexts from loopback, private, link-local and unique-local addresses; set false on a server shared with people who must not reach its network' }),
        ),
        maxContextBytes: Type.Integer({ minimum: 1024 * 1024, default: 1024 ** 3, description: 'Largest build context (uncompressed tar) accepted from an upload, a git repository or a tarball URL' }),
      },
      { additionalProperties: false, default: {} },
    ),
    gc: Type.Object(
      {
        graceSeconds: Type.Integer({ minimum: 0, default: 3600, description: 'Blobs and untagged manifests younger than this are never collected (pushes in flight)' }),
        uploadExpirySeconds: Type.Integer({ minimum: 60, default: 86_400, description: 'Upload sessions idle longer than this are removed by gc' }),
      },
      { additionalProperties: false, default: {} },
    ),
    engine: Type.Object(
      {
        socket: env('SLIPWAY_ENGINE_SOCKET', Type.Optional(Type.String({ minLength: 1, description: 'Docker Engine API socket (`/run/docker.sock` or `unix://…`) the build agent inside `slipway serve` uses; unset: no agent runs and runs stay Queued' }))),
      },
      { additionalProperties: false, default: {} },
    ),
    runs: Type.Object(
      {
        pricePerSecond: Type.Number({ minimum: 0, default: 0.0001, description: 'Cost of one billed second of a run (the `cost` field)' }),
        leaseTtlSeconds: Type.Integer({ minimum: 3, maximum: 3600, default: 30, description: 'How long an agent holds a run without a heartbeat; it heartbeats every third of this' }),
      },
      { additionalProperties: false, default: {} },
    ),
    triggers: Type.Object(
      {
        timerCatchUpSeconds: env(
          'SLIPWAY_TRIGGERS_TIMER_CATCH_UP_SECONDS',
          Type.Integer({ minimum: 60, maximum: 604_800, default: 3600, description: 'A timer tick missed while no server ran (down or stalled) still runs once if it is younger than this; older missed ticks are skipped and recorded as ignored trigger events' }),
        ),
      },
      { additionalProperties: false, default: {} },
    ),
    vault: Type.Object(
      {
        masterKey: env('SLIPWAY_VAULT_MASTER_KEY', Type.Optional(Type.String({ minLength: 1, secret: true, description: 'The vault master key: 32 bytes, base64. Wins over masterKeyFile; never logged. `slipway vault rotate-key` re-encrypts the vault to a new one' }))),
        masterKeyFile: env('SLIPWAY_VAULT_MASTER_KEY_FILE', Type.Optional(Type.String({ minLength: 1, description: 'File holding the vault master key (base64); <dataDir>/keys/vault-master.key when unset, created 0600 on first use when masterKey is unset' }))),
      },
      { additionalProperties: false, default: {} },
    ),
    webhooks: Type.Object(
      {
        timeoutMs: Type.Integer({ minimum: 100, maximum: 120_000, default: 10_000, description: 'Deadline of one webhook delivery (connect, send, first 1 KiB of the answer), in ms' }),
        maxBackoffSeconds: Type.Integer({ minimum: 1, maximum: 3600, default: 300, description: 'Longest wait between retries of a failed delivery; waits start at 1 s and double up to this' }),
        failingAfterHours: Type.Number({ minimum: 0, maximum: 720, default: 6, description: 'A webhook whose deliveries have failed without a break for this long is marked failing (it keeps retrying and keeps its backlog)' }),
      },
      { additionalProperties: false, default: {} },
    ),
    log: Type.Object(
      {
        level: env('SLIPWAY_LOG_LEVEL', Type.Union([Type.Literal('fatal'), Type.Literal('error'), Type.Literal('warn'), Type.Literal('info'), Type.Literal('debug'), Type.Literal('trace'), Type.Literal('silent')], { default: 'info', description: 'Log level (JSON lines on stdout)' })),
      },
      { additionalProperties: false, default: {} },
    ),
  },
  { additionalProperties: false },
);

export type Config = Static<typeof ConfigSchema>;
