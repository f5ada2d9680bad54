-- Outbound webhooks (docs/webhooks.md), what each delivery attempt got back, and the audit log
-- of who changed what (tasks, webhooks; later secrets, tokens, policies).

CREATE TABLE webhooks (
  name TEXT PRIMARY KEY,
  -- JSON array of ACR actions: push, delete, quarantine, chart_push, chart_delete.
  actions TEXT NOT NULL,
  -- ACR scope ('repo:tag', 'repo:*', 'repo', '*'); '' matches everything.
  scope TEXT NOT NULL DEFAULT '',
  status TEXT NOT NULL CHECK (status IN ('enabled', 'disabled')),
  -- The registry_events seq of the last event handled; a new webhook starts at the end of the outbox.
  cursor INTEGER NOT NULL,
  state TEXT NOT NULL DEFAULT 'healthy' CHECK (state IN ('healthy', 'failing')),
  consecutive_failures INTEGER NOT NULL DEFAULT 0,
  failing_since TEXT,
  next_attempt_at TEXT,
  last_delivery_at TEXT,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);

-- Kept apart so no listing query can read them: only delivery and get-config do.
CREATE TABLE webhook_secrets (
  name TEXT PRIMARY KEY REFERENCES webhooks (name) ON DELETE CASCADE,
  service_uri TEXT NOT NULL,
  -- JSON object of header name to value (Authorization and the like).
  custom_headers TEXT NOT NULL DEFAULT '{}',
  signing_secret TEXT NOT NULL
);

CREATE TABLE webhook_deliveries (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  webhook TEXT NOT NULL REFERENCES webhooks (name) ON DELETE CASCADE,
  event_id TEXT NOT NULL,
  event_seq INTEGER NOT NULL,
  action TEXT NOT NULL,
  image TEXT NOT NULL,
  attempt INTEGER NOT NULL,
  status_code INTEGER,
  -- The first 1 KiB of the response body.
  response TEXT NOT NULL,
  error TEXT,
  duration_ms INTEGER NOT NULL,
  at TEXT NOT NULL
);
CREATE INDEX webhook_deliveries_webhook ON webhook_deliveries (webhook, id DESC);

CREATE TABLE audit_events (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  at TEXT NOT NULL,
  -- The user or token name; '' when the change was made by the server itself.
  actor TEXT NOT NULL,
  action TEXT NOT NULL,
  target_kind TEXT NOT NULL,
  target_name TEXT NOT NULL,
  -- JSON; never holds secret values (src/audit/audit-log.ts scrubs them).
  detail TEXT NOT NULL DEFAULT '{}'
);
CREATE INDEX audit_events_at ON audit_events (id DESC);
