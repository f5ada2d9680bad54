import type { TSchema } from '@sinclair/typebox';
import { ConfigSchema } from '../config/schema.js';
import { Errors } from '../core/errors/index.js';
import type { ErrorDescriptor } from '../core/errors/index.js';
import { OciErrors } from '../registry/http/oci-errors.js';

interface Row {
  readonly key: string;
  readonly env: string;
  readonly type: string;
  readonly defaultValue: string;
  readonly description: string;
}

function typeOf(schema: TSchema): string {
  const s = schema as { type?: string; const?: unknown; anyOf?: TSchema[] };
  if (s.const !== undefined) return `\`${JSON.stringify(s.const)}\``;
  if (s.anyOf) return s.anyOf.map(typeOf).join(' \\| ');
  return s.type ?? 'any';
}

function rows(schema: TSchema, path: string[] = []): Row[] {
  const props = (schema as { properties?: Record<string, TSchema> }).properties;
  if (props && (schema as { type?: string }).type === 'object' && path.length > 0 && !(schema as { env?: string }).env) {
    return Object.entries(props).flatMap(([k, child]) => rows(child, [...path, k]));
  }
  if (props && path.length === 0) return Object.entries(props).flatMap(([k, child]) => rows(child, [k]));
  const s = schema as { env?: string; default?: unknown; description?: string; minimum?: number; maximum?: number };
  const range = s.minimum !== undefined || s.maximum !== undefined ? ` (${s.minimum ?? ''}..${s.maximum ?? ''})` : '';
  return [
    {
      key: path.join('.'),
      env: s.env ? `\`${s.env}\`` : '',
      type: typeOf(schema) + range,
      defaultValue: s.default === undefined ? '(unset)' : `\`${JSON.stringify(s.default)}\``,
      description: s.description ?? '',
    },
  ];
}

/** docs/config.md, generated from the one config schema so it cannot drift. */
export function configReference(): string {
  const table = rows(ConfigSchema)
    .map((r) => `| \`${r.key}\` | ${r.env} | ${r.type} | ${r.defaultValue} | ${r.description} |`)
    .join('\n');
  return `# Configuration

<!-- Generated from src/config/schema.ts by \`npm run docs\`; a test fails when it is stale. -->

Slipway reads, in this order (later wins): the schema defaults below, a YAML file (\`--config FILE\`
or \`SLIPWAY_CONFIG\`), environment variables, then command-line flags (\`--data-dir\`, \`--listen\`).
The whole configuration is validated once at start-up; the first bad key is named in the error
(exit code 2), and unknown keys are rejected. An unknown \`SLIPWAY_*\` variable is reported as a
warning (probably misspelt). \`slipway config check\` validates, \`slipway config print\` shows the result.

\`\`\`yaml
version: 1
dataDir: /var/lib/slipway
server:
  listen: 0.0.0.0:5000
auth:
  anonymousPull: true
gc:
  graceSeconds: 7200
\`\`\`

| key | environment | type | default | meaning |
|---|---|---|---|---|
${table}

Variables that are not configuration keys:

| variable | meaning |
|---|---|
| \`SLIPWAY_CONFIG\` | the YAML file to read |
| \`SLIPWAY_ADMIN_PASSWORD\` | the \`admin\` user's password; without it one is generated on the first start and written to \`<dataDir>/admin-password\` (0600) |
| \`SLIPWAY_REGISTRY\`, \`SLIPWAY_USERNAME\`, \`SLIPWAY_PASSWORD\` | server and credentials for CLI commands (see cli.md) |
`;
}

function errorTable(catalog: Record<string, ErrorDescriptor>): string {
  return Object.values(catalog)
    .map((e) => `| \`${e.code}\` | ${e.httpStatus} | ${e.message} | ${e.description} |`)
    .join('\n');
}

/** docs/errors.md, generated from the two error catalogs. */
export function errorReference(): string {
  return `# Error codes

<!-- Generated from the error catalogs by \`npm run docs\`; a test fails when it is stale. -->

An error's identity is its code; the message is prose for people and may change.

## Registry API (\`/v2\`)

Bodies use the OCI envelope \`{"errors":[{"code","message","detail"}]}\`. The status is the one
listed unless the spec asks for another in context: \`416\` with \`BLOB_UPLOAD_INVALID\` for an
out-of-order chunk or a bad \`Content-Range\`, \`416\` with \`BLOB_UNKNOWN\` for an unsatisfiable
\`Range\`, \`413\` with \`SIZE_INVALID\` for a manifest over the size limit, \`405\` with \`UNSUPPORTED\`
for a method a route does not answer. An unexpected failure is \`500 UNKNOWN\`, logged once on the server.

| code | status | message | meaning |
|---|---|---|---|
${errorTable(OciErrors)}

## REST API (\`/api/v1\`) and CLI

Bodies use \`{"error":{"code","message","detail","requestId"}}\`. The CLI maps codes to exit codes:
0 success, 1 failure, 2 usage or configuration error, 3 authentication or permission, 4 not found,
130 cancelled.

| code | status | message | meaning |
|---|---|---|---|
${errorTable(Errors)}
`;
}
