-- Saved tasks and what their triggers need: the task (step, triggers, credentials as JSON),
-- its secrets apart, the base images its runs built from, timer ticks claimed (one run per tick,
-- whichever server sees it first), and what each trigger saw (task explain-trigger).

CREATE TABLE tasks (
  name TEXT PRIMARY KEY,
  -- The Task without secrets, as JSON (src/tasks/task-model.ts).
  task TEXT NOT NULL,
  -- TaskSecrets as JSON; only the trigger and run paths read it. To be encrypted at rest later.
  secrets TEXT NOT NULL,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);

CREATE TABLE task_dependencies (
  task_name TEXT NOT NULL REFERENCES tasks (name) ON DELETE CASCADE,
  registry TEXT NOT NULL,
  repository TEXT NOT NULL,
  -- '' when the base was pinned by digest only.
  tag TEXT NOT NULL,
  digest TEXT,
  type TEXT NOT NULL CHECK (type IN ('Runtime', 'BuildTime')),
  recorded_at TEXT NOT NULL,
  checked_at TEXT,
  PRIMARY KEY (task_name, registry, repository, tag, type)
);
-- A push of repo:tag finds its dependents.
CREATE INDEX task_dependencies_image ON task_dependencies (repository, tag);

CREATE TABLE timer_ticks (
  task_name TEXT NOT NULL REFERENCES tasks (name) ON DELETE CASCADE,
  timer_name TEXT NOT NULL,
  -- The scheduled minute the run is for (ISO-8601 UTC), not when it was seen.
  tick TEXT NOT NULL,
  claimed_at TEXT NOT NULL,
  PRIMARY KEY (task_name, timer_name, tick)
);

CREATE TABLE trigger_events (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  task_name TEXT NOT NULL,
  kind TEXT NOT NULL,
  received_at TEXT NOT NULL,
  outcome TEXT NOT NULL CHECK (outcome IN ('queued', 'duplicate', 'ignored', 'rejected')),
  reason TEXT NOT NULL,
  run_id TEXT,
  detail TEXT NOT NULL DEFAULT '{}'
);
CREATE INDEX trigger_events_task ON trigger_events (task_name, id DESC);
