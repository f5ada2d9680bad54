-- Runs: quick builds, quick runs and task runs, and the durable queue that feeds agents.
-- Every queue write is a single statement (see src/queue/sql/sql-run-queue.ts), so no lock
-- is held across an await and two processes on one file serialise on SQLite's write lock.

CREATE TABLE runs (
  -- AUTOINCREMENT: SQLite never hands out an id twice, even after the newest run is deleted,
  -- so the public run id derived from it is never reused (PostgreSQL: an identity column).
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  run_id TEXT GENERATED ALWAYS AS ('ca' || id) STORED,
  run_type TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('Queued', 'Running', 'Succeeded', 'Failed', 'Canceled', 'Error', 'Timeout')),
  trigger TEXT NOT NULL,
  task_name TEXT,
  platform TEXT NOT NULL,
  agent_cpu INTEGER NOT NULL DEFAULT 2,
  -- The parsed, immutable run request as JSON, without secret values.
  request TEXT NOT NULL,
  -- Secret values of the request (secret build args, --set-secret) as JSON; to be encrypted
  -- at rest later. Only lease() returns it, to the agent that runs the run.
  secret_request TEXT,
  pool TEXT NOT NULL DEFAULT 'default',
  priority INTEGER NOT NULL DEFAULT 0,
  idempotency_key TEXT UNIQUE,
  create_time TEXT NOT NULL,
  start_time TEXT,
  finish_time TEXT,
  updated_time TEXT NOT NULL,
  lease_owner TEXT,
  lease_expires_at TEXT,
  heartbeat_at TEXT,
  attempts INTEGER NOT NULL DEFAULT 0,
  max_attempts INTEGER NOT NULL DEFAULT 1,
  cancel_requested INTEGER NOT NULL DEFAULT 0,
  output_images TEXT NOT NULL DEFAULT '[]',
  -- ' repo:tag repo@digest … ' so list-runs --image can filter with one LIKE in any dialect.
  output_refs TEXT NOT NULL DEFAULT ' ',
  base_images TEXT NOT NULL DEFAULT '[]',
  error_code TEXT,
  run_error_message TEXT,
  billed_seconds INTEGER,
  cost REAL,
  log_size_bytes INTEGER
);

CREATE UNIQUE INDEX runs_run_id ON runs (run_id);
-- lease(): the oldest highest-priority Queued run of a pool.
CREATE INDEX runs_lease ON runs (status, pool, priority DESC, create_time, id);
-- expireLeases(): Running runs by lease deadline.
CREATE INDEX runs_lease_expiry ON runs (status, lease_expires_at);
-- list-runs: newest first, optionally by status or task.
CREATE INDEX runs_created ON runs (create_time DESC, id DESC);
CREATE INDEX runs_task ON runs (task_name, create_time DESC);
CREATE INDEX runs_status_created ON runs (status, create_time DESC);
