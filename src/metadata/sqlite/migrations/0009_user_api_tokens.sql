-- Users' personal API tokens (docs/access.md): a token signs in as its user (HTTP Basic, the
-- user's name and the token's secret) with the user's roles, or a subset of them.

CREATE TABLE user_api_tokens (
  user_name TEXT NOT NULL REFERENCES users (name) ON DELETE CASCADE,
  name TEXT NOT NULL,
  -- The secret's public lookup part (slp_<lookup>_<random>): finds the row without trying every hash.
  lookup TEXT NOT NULL UNIQUE,
  -- scrypt hash of the whole secret (src/auth/password.ts).
  hash TEXT NOT NULL,
  -- JSON array of role names the token is limited to; NULL: every role the user holds.
  roles TEXT,
  created_at TEXT NOT NULL,
  -- NULL: never expires.
  expires_at TEXT,
  last_used_at TEXT,
  PRIMARY KEY (user_name, name)
);
