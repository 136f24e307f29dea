-- Records of the PostgreSQL mode (server/pg/PgRecords.ts, docs/scale-out.md): users, sessions,
-- accounts, members; every change bumps records_state.version and lists the rows it changed in
-- records_changes, which other nodes read to update their in-memory mirror.
CREATE TABLE users (
  id text PRIMARY KEY,
  email text NOT NULL UNIQUE,
  name text NOT NULL,
  role text NOT NULL CHECK (role IN ('admin', 'member')),
  department text,
  password_hash text NOT NULL,
  disabled boolean NOT NULL DEFAULT false,
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL
);

-- Keyed by the sha256 (hex) of the session token; the token itself is never stored.
CREATE TABLE sessions (
  key text PRIMARY KEY,
  user_id text NOT NULL,
  created_at timestamptz NOT NULL,
  expires_at timestamptz NOT NULL
);
CREATE INDEX sessions_user_id ON sessions (user_id);

CREATE TABLE accounts (
  id text PRIMARY KEY,
  created_at timestamptz NOT NULL,
  last_activity_at timestamptz NOT NULL,
  name text,
  tier text,
  owner text,
  created_by text,
  archived_at timestamptz
);

-- No foreign keys: every row a change touches is written (and listed in records_changes) by the
-- change itself; a cascade would change rows behind the other nodes' mirrors.
CREATE TABLE memberships (
  account_id text NOT NULL,
  user_id text NOT NULL,
  role text NOT NULL CHECK (role IN ('owner', 'editor', 'viewer')),
  PRIMARY KEY (account_id, user_id)
);
CREATE INDEX memberships_user_id ON memberships (user_id);

-- One row: the number of the last committed change, and up to which change records_changes has
-- been pruned (a mirror older than that reloads everything).
CREATE TABLE records_state (
  id boolean PRIMARY KEY DEFAULT true CHECK (id),
  version bigint NOT NULL,
  pruned_through bigint NOT NULL
);
INSERT INTO records_state (version, pruned_through) VALUES (0, 0);

-- Which rows each change touched (entity: user, session, account, member; sub: the member's user id).
CREATE TABLE records_changes (
  version bigint NOT NULL,
  entity text NOT NULL,
  id text NOT NULL,
  sub text NOT NULL DEFAULT '',
  PRIMARY KEY (version, entity, id, sub)
);
