import type { JsonObject } from '../queue/run-queue.js';

/**
 * A quick build as stored in a run's `request` column (validated, defaults applied). Secret
 * build args keep only their names here; their values live in `secret_request`.
 */
export interface QuickBuildSpec {
  readonly contextId: string | null;
  readonly dockerfile: string;
  readonly dockerfileContent: string | null;
  /** `-t` templates as given; rendered by the agent when the run starts. */
  readonly images: readonly string[];
  readonly buildArgs: readonly { readonly name: string; readonly value: string }[];
  readonly secretBuildArgNames: readonly string[];
  readonly target: string | null;
  readonly noPush: boolean;
  readonly noCache: boolean;
  readonly platform: string;
  readonly timeoutSeconds: number;
}

export interface QuickBuildSecrets {
  readonly secretBuildArgs: readonly { readonly name: string; readonly value: string }[];
}

export const DEFAULT_TIMEOUT_SECONDS = 3600;
export const MAX_TIMEOUT_SECONDS = 28_800;

export function toRequestJson(spec: QuickBuildSpec): JsonObject {
  return { ...spec, images: [...spec.images], buildArgs: spec.buildArgs.map((a) => ({ ...a })), secretBuildArgNames: [...spec.secretBuildArgNames] };
}

/** The stored request back as a spec (it was validated before it was stored). */
export function quickBuildFromJson(request: JsonObject): QuickBuildSpec {
  return request as unknown as QuickBuildSpec;
}

export function secretsFromJson(secret: JsonObject | null): QuickBuildSecrets {
  const list = (secret?.['secretBuildArgs'] ?? []) as unknown as QuickBuildSecrets['secretBuildArgs'];
  return { secretBuildArgs: list };
}
