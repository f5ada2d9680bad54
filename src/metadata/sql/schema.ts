import type { Generated, GeneratedAlways } from 'kysely';

/** Table types shared by every SQL dialect (times are ISO-8601 UTC strings). */
export interface Database {
  repositories: { id: Generated<number>; name: string; created_at: string };
  blobs: { digest: string; size_bytes: number; created_at: string; touched_at: string };
  repository_blobs: { repository_id: number; digest: string; linked_at: string };
  manifests: {
    repository_id: number;
    digest: string;
    media_type: string;
    size_bytes: number;
    artifact_type: string | null;
    subject_digest: string | null;
    annotations: string | null;
    created_at: string;
  };
  manifest_references: { repository_id: number; manifest_digest: string; child_digest: string };
  tags: { repository_id: number; name: string; manifest_digest: string; created_at: string; updated_at: string };
  uploads: { id: string; repository: string; created_at: string; updated_at: string };
  registry_events: {
    seq: Generated<number>;
    id: string;
    action: string;
    repository: string;
    occurred_at: string;
    payload: string;
  };
  users: { name: string; password_hash: string; is_admin: number; created_at: string };
  /** Migration 0007_access. */
  role_assignments: { user_name: string; role: string; created_at: string };
  scope_maps: { name: string; description: string; actions: string; created_at: string; updated_at: string };
  access_tokens: AccessTokensTable;
  /** Migration 0009_user_api_tokens. */
  user_api_tokens: UserApiTokensTable;
  runs: RunsTable;
  tasks: TasksTable;
  task_dependencies: TaskDependenciesTable;
  timer_ticks: TimerTicksTable;
  trigger_events: TriggerEventsTable;
  trigger_cursors: { name: string; position: number; updated_at: string };
  poll_heads: { task_name: string; target: string; sha: string; seen_at: string };
  webhooks: WebhooksTable;
  webhook_secrets: { name: string; service_uri: string; custom_headers: string; signing_secret: string };
  webhook_deliveries: WebhookDeliveriesTable;
  audit_events: AuditEventsTable;
}

/** The runs table (migrations 0002_runs, 0003_run_steps); JSON columns hold text; Generated marks a column with a default. */
export interface RunsTable {
  id: GeneratedAlways<number>;
  /** `'ca' || id`, computed by the database. */
  run_id: GeneratedAlways<string>;
  run_type: string;
  status: string;
  trigger: string;
  task_name: string | null;
  platform: string;
  agent_cpu: Generated<number>;
  request: string;
  secret_request: string | null;
  pool: Generated<string>;
  priority: Generated<number>;
  idempotency_key: string | null;
  create_time: string;
  start_time: string | null;
  finish_time: string | null;
  updated_time: string;
  lease_owner: string | null;
  lease_expires_at: string | null;
  heartbeat_at: string | null;
  attempts: Generated<number>;
  max_attempts: Generated<number>;
  cancel_requested: Generated<number>;
  output_images: Generated<string>;
  output_refs: Generated<string>;
  base_images: Generated<string>;
  error_code: string | null;
  run_error_message: string | null;
  billed_seconds: number | null;
  cost: number | null;
  log_size_bytes: number | null;
  /** Migration 0003: the steps of a multi-step run, JSON. */
  steps: Generated<string>;
}

/** Migration 0007_access: repository-scoped tokens, two optional passwords each. */
export interface AccessTokensTable {
  name: string;
  scope_map: string | null;
  status: string;
  password1_hash: string | null;
  password1_created_at: string | null;
  password1_expiry: string | null;
  password2_hash: string | null;
  password2_created_at: string | null;
  password2_expiry: string | null;
  created_at: string;
  updated_at: string;
  last_used_at: string | null;
}

/** Migration 0004_tasks. */
export interface TasksTable {
  name: string;
  task: string;
  secrets: string;
  created_at: string;
  updated_at: string;
}

export interface TaskDependenciesTable {
  task_name: string;
  registry: string;
  repository: string;
  tag: string;
  digest: string | null;
  type: string;
  recorded_at: string;
  checked_at: string | null;
}

export interface TimerTicksTable {
  task_name: string;
  timer_name: string;
  tick: string;
  claimed_at: string;
}

export interface TriggerEventsTable {
  id: GeneratedAlways<number>;
  task_name: string;
  kind: string;
  received_at: string;
  outcome: string;
  reason: string;
  run_id: string | null;
  detail: Generated<string>;
}

/** Migration 0008_webhooks_audit. */
export interface WebhooksTable {
  name: string;
  actions: string;
  scope: string;
  status: string;
  cursor: number;
  state: Generated<string>;
  consecutive_failures: Generated<number>;
  failing_since: string | null;
  next_attempt_at: string | null;
  last_delivery_at: string | null;
  created_at: string;
  updated_at: string;
}

export interface WebhookDeliveriesTable {
  id: GeneratedAlways<number>;
  webhook: string;
  event_id: string;
  event_seq: number;
  action: string;
  image: string;
  attempt: number;
  status_code: number | null;
  response: string;
  error: string | null;
  duration_ms: number;
  at: string;
}

export interface AuditEventsTable {
  id: GeneratedAlways<number>;
  at: string;
  actor: string;
  action: string;
  target_kind: string;
  target_name: string;
  detail: Generated<string>;
}

/** Users' personal API tokens (migration 0009); `roles` is JSON or null (every role of the user). */
export interface UserApiTokensTable {
  user_name: string;
  name: string;
  lookup: string;
  hash: string;
  roles: string | null;
  created_at: string;
  expires_at: string | null;
  last_used_at: string | null;
}
