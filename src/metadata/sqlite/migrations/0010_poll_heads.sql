-- The commit a polled branch was last seen at, per task, so that a commit pushed while the
-- server was down is built after the restart instead of being taken as the first look.
CREATE TABLE poll_heads (
  task_name TEXT PRIMARY KEY REFERENCES tasks (name) ON DELETE CASCADE,
  -- repository#branch the sha belongs to: a task moved to another branch starts over.
  target TEXT NOT NULL,
  sha TEXT NOT NULL,
  seen_at TEXT NOT NULL
);
