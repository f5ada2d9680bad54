import type { JsonObject } from '../queue/run-queue.js';

/**
 * A quick build as stored in a run's `request` column (validated, defaults applied). Secret
 * build args keep only their names here; their values live in `secret_request`.
 */
export interface QuickBuildSpec {
  readonly contextId: string | null;
  /** A git or tarball URL the agent fetches when the run starts, credentials redacted (null: contextId or none). */
  readonly sourceLocation: string | null;
  /** Relative to the context root. */
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

/** A saved task's credentials for another registry, with the password, for its runs only. */
export interface RegistryCredential {
  readonly loginServer: string;
  readonly username: string;
  readonly password: string;
}

/** `registryCredentials` of a run's secret request (a task's `task credential add`), or none. */
export function registryCredentialsFromJson(secret: JsonObject | null): RegistryCredential[] {
  const list = secret?.['registryCredentials'];
  return Array.isArray(list) ? (list as unknown as RegistryCredential[]) : [];
}

export interface QuickBuildSecrets {
  readonly secretBuildArgs: readonly { readonly name: string; readonly value: string }[];
  /** The source URL as given, credentials included. */
  readonly sourceLocation: string | null;
}

export const DEFAULT_TIMEOUT_SECONDS = 3600;
export const MAX_TIMEOUT_SECONDS = 28_800;

export function toRequestJson(spec: QuickBuildSpec): JsonObject {
  return { ...spec, images: [...spec.images], buildArgs: spec.buildArgs.map((a) => ({ ...a })), secretBuildArgNames: [...spec.secretBuildArgNames] };
}

/** The stored request back as a spec (it was validated before it was stored). */
export function quickBuildFromJson(request: JsonObject): QuickBuildSpec {
  // Runs stored before sourceLocation existed lack it.
  const spec = request as unknown as QuickBuildSpec;
  return { ...spec, sourceLocation: spec.sourceLocation ?? null };
}

export function secretsFromJson(secret: JsonObject | null): QuickBuildSecrets {
  const list = (secret?.['secretBuildArgs'] ?? []) as unknown as QuickBuildSecrets['secretBuildArgs'];
  const location = secret?.['sourceLocation'];
  return { secretBuildArgs: list, sourceLocation: typeof location === 'string' ? location : null };
}
