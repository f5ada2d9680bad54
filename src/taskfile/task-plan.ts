/**
 * The normalised task a task file becomes after aliases, templates, YAML parsing, validation and
 * defaulting (docs/taskfile.md): what `slipway taskfile plan -o json` prints and what the task
 * runner executes. Field names follow the plan shape; every default is already applied.
 * Produced by src/taskfile (planTask), consumed by src/runner (the multi-step executor).
 */
export interface TaskPlan {
  /** `v1.0.0` when the file had none; one of `1.0-preview-1`, `v1.0.0`, `v1.1.0` (case-insensitive). */
  readonly version: string;
  /** Seconds; 600 when absent or <= 0. */
  readonly stepTimeout: number;
  /** The task-level working directory (already copied into steps that had none). */
  readonly workingDirectory: string | null;
  /** Task-level `env` after the merge (KEY=VALUE). */
  readonly env: readonly string[];
  readonly secrets: readonly TaskSecret[];
  /** Networks to create (or reuse with skipCreation); the implicit `acb_default_network` included when added. */
  readonly networks: readonly TaskNetwork[];
  /** Secret volumes: name and files (file name -> base64 content, as in the file). */
  readonly volumes: readonly TaskVolume[];
  /** Hidden yaml.v2 key: true means no default network is created. */
  readonly isBuildTask: boolean;
  readonly steps: readonly StepPlan[];
  /** The alias map in force (v1.1.0+), after defaults; used for cmd first-token expansion (already applied). */
  readonly aliases: Readonly<Record<string, string>>;
}

export interface TaskSecret {
  readonly id: string;
  /** A `vault://NAME` reference (Slipway's vault) or an Azure Key Vault URL kept for compatibility. */
  readonly keyvault: string | null;
  readonly clientID: string | null;
}

export interface TaskNetwork {
  readonly name: string;
  readonly driver: string | null;
  readonly ipv6: boolean;
  readonly skipCreation: boolean;
  readonly isDefault: boolean;
}

export interface TaskVolume {
  readonly name: string;
  /** File name -> base64-encoded content. */
  readonly secret: Readonly<Record<string, string>>;
}

export interface VolumeMount {
  readonly name: string;
  readonly mountPath: string;
}

export type StepType = 'build' | 'push' | 'cmd';

export interface StepPlan {
  /** Explicit id, or `acb_step_<index>`. */
  readonly id: string;
  readonly type: StepType;
  /** Step ids this step waits for; `[]` starts at once (`when: ["-"]`, or the first step). Deduplicated. */
  readonly dependsOn: readonly string[];
  /** The `cmd` text (after command-alias expansion), the `build` argument string, or null for push. */
  readonly command: string | null;
  /** push steps: images, normalised (`:latest` added, duplicates removed). */
  readonly push: readonly string[];
  /** build steps: `-t`/`--tag` values (or the hidden `tags` key). */
  readonly tags: readonly string[];
  /** build steps: `--build-arg` values. */
  readonly buildArgs: readonly string[];
  /** Seconds, covering retries and repeats. */
  readonly timeout: number;
  readonly retries: number;
  /** Seconds; 5 when absent or <= 0. */
  readonly retryDelay: number;
  readonly retryOnErrors: readonly string[];
  readonly repeat: number;
  /** Seconds. */
  readonly startDelay: number;
  readonly ignoreErrors: boolean;
  readonly detach: boolean;
  readonly keep: boolean;
  readonly pull: boolean;
  readonly cmdDownloadRetries: number;
  readonly cmdDownloadRetryDelay: number;
  /** Merged step + task env, KEY=VALUE, step first (acb's merge). */
  readonly env: readonly string[];
  /** Absolute path inside the container (`/workspace` joined), or null when disableWorkingDirectoryOverride. */
  readonly workingDirectory: string | null;
  readonly disableWorkingDirectoryOverride: boolean;
  readonly entryPoint: string | null;
  readonly user: string | null;
  /** The network the step joins (default network, explicit, or null for the engine's default bridge). */
  readonly network: string | null;
  readonly isolation: string | null;
  readonly cpus: string | null;
  readonly privileged: boolean;
  readonly ports: readonly string[];
  readonly expose: readonly string[];
  readonly volumeMounts: readonly VolumeMount[];
  /** `enabled` | `disabled` | null. */
  readonly cache: string | null;
  /** Where the step starts in the file, for messages (1-based). */
  readonly line: number;
  readonly column: number;
}
