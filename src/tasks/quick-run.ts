import type { JsonObject } from '../queue/run-queue.js';

/**
 * A quick run (`slipway run`, ACR's FileTaskRunRequest / EncodedTaskRunRequest) as stored in a
 * run's `request` column. `--set-secret` values live in `secret_request`, only their names here.
 */
export interface QuickRunSpec {
  /** An uploaded context, or null (a sourceLocation, or none). */
  readonly contextId: string | null;
  /** A git or tarball URL fetched when the run starts, credentials redacted; null otherwise. */
  readonly sourceLocation: string | null;
  /** The task file's text, sent by the CLI (a `/dev/null` run or `--cmd`); null: read `taskFilePath` from the context. */
  readonly taskFile: string | null;
  /** The task file inside the context. @defaultValue 'acb.yaml' */
  readonly taskFilePath: string;
  /** `--values` file text sent by the CLI, or null. */
  readonly valuesFile: string | null;
  /** `--values` path inside the context, or null. */
  readonly valuesFilePath: string | null;
  /** `--set` values, in order (later wins). */
  readonly values: readonly { readonly name: string; readonly value: string }[];
  readonly secretValueNames: readonly string[];
  readonly platform: string;
  readonly timeoutSeconds: number;
}

export interface QuickRunSecrets {
  readonly secretValues: readonly { readonly name: string; readonly value: string }[];
  readonly sourceLocation: string | null;
}

export function quickRunToJson(spec: QuickRunSpec): JsonObject {
  return { ...spec, values: spec.values.map((v) => ({ ...v })), secretValueNames: [...spec.secretValueNames] };
}

export function quickRunFromJson(request: JsonObject): QuickRunSpec {
  return request as unknown as QuickRunSpec;
}

export function quickRunSecretsFromJson(secret: JsonObject | null): QuickRunSecrets {
  const list = (secret?.['secretValues'] ?? []) as unknown as QuickRunSecrets['secretValues'];
  const location = secret?.['sourceLocation'];
  return { secretValues: list, sourceLocation: typeof location === 'string' ? location : null };
}

/**
 * The task file `az acr run --cmd X /dev/null` sends: one cmd step that keeps the image's own
 * working directory, with the run timeout as its step timeout when one was given.
 */
export function taskFileForCmd(cmd: string, timeoutSeconds?: number): string {
  const lines = ['version: v1.1.0', 'steps:', `  - cmd: ${JSON.stringify(cmd)}`, '    disableWorkingDirectoryOverride: true'];
  if (timeoutSeconds !== undefined) lines.push(`    timeout: ${timeoutSeconds}`);
  return `${lines.join('\n')}\n`;
}

/**
 * `az acr run -f FILE /dev/null` sends `version: v1.1.0` and the file: aliases work in a file
 * that declares no version. Slipway prepends it only when the file has no top-level `version:`
 * (acb would see a duplicate key otherwise).
 */
export function withDefaultVersion(text: string): string {
  return /^["']?version["']?\s*:/m.test(text) ? text : `version: v1.1.0\n${text}`;
}
