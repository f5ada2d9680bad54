-- How far a trigger consumer has read an outbox (the base-image trigger reads registry events),
-- so pushes made while the server was down are still seen after a restart.
CREATE TABLE trigger_cursors (
  name TEXT PRIMARY KEY,
  position INTEGER NOT NULL,
  updated_at TEXT NOT NULL
);
