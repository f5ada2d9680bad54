-- Access control (docs/access.md): users' roles (ACR's built-in roles), scope maps and
-- repository-scoped tokens. The built-in admin (users.is_admin) is always Owner.

CREATE TABLE role_assignments (
  user_name TEXT NOT NULL REFERENCES users (name) ON DELETE CASCADE,
  -- Owner, Contributor, Reader, AcrPull, AcrPush or AcrDelete (src/auth/roles.ts).
  role TEXT NOT NULL,
  created_at TEXT NOT NULL,
  PRIMARY KEY (user_name, role)
);

INSERT INTO role_assignments (user_name, role, created_at)
  SELECT name, 'Owner', created_at FROM users WHERE is_admin = 1;

CREATE TABLE scope_maps (
  name TEXT PRIMARY KEY,
  description TEXT NOT NULL DEFAULT '',
  -- JSON array of ACR action strings: repositories/<pattern>/content/read ...
  actions TEXT NOT NULL,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);

CREATE TABLE access_tokens (
  name TEXT PRIMARY KEY,
  -- NULL: the token grants nothing (ACR's token without a scope map).
  scope_map TEXT REFERENCES scope_maps (name),
  status TEXT NOT NULL,
  -- scrypt hashes (src/auth/password.ts); NULL when the password is not set.
  password1_hash TEXT,
  password1_created_at TEXT,
  -- NULL: never expires.
  password1_expiry TEXT,
  password2_hash TEXT,
  password2_created_at TEXT,
  password2_expiry TEXT,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  last_used_at TEXT
);
