-- What every node must serve besides documents and records (docs/scale-out.md "Plans, reviews,
-- assets, audit log, votes"): in PostgreSQL, not a shared directory.

-- Reviews (复盘): written once, never changed, only deleted (server/reviews/ReviewStore.ts).
CREATE TABLE reviews (
  account_id text NOT NULL,
  id text NOT NULL,
  -- ISO time of the review; lists are newest first by (at, id).
  at text NOT NULL,
  -- The list row (id, at, title, createdBy, score, findings), so lists never read the plans.
  item jsonb NOT NULL,
  -- The review without its state (title, note, createdBy, the frozen plan record).
  review jsonb NOT NULL,
  -- The frozen document: Y.encodeStateAsUpdate.
  state bytea NOT NULL,
  PRIMARY KEY (account_id, id)
);
CREATE INDEX reviews_newest ON reviews (account_id, at DESC, id DESC);

-- Uploaded images and videos, by content hash (server/assets/AssetStore.ts); MAX_ASSET_BYTES bounds them.
CREATE TABLE assets (
  account_id text NOT NULL,
  -- <sha256 hex>.<ext>
  name text NOT NULL,
  data bytea NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (account_id, name)
);

-- The audit log (server/audit/AuditLog.ts): append-only; seq orders it and pages it.
CREATE TABLE audit_log (
  seq bigserial PRIMARY KEY,
  action text NOT NULL,
  -- The whole entry as GET /api/audit returns it (at, action, actor, address, target, detail).
  entry jsonb NOT NULL
);
CREATE INDEX audit_log_by_action ON audit_log (action, seq);

-- Dot votes (server/live/VoteService.ts): the vote, and one row per person's ballot, so ballots
-- cast on two nodes at once never overwrite each other.
CREATE TABLE votes (
  id text PRIMARY KEY,
  account_id text NOT NULL,
  -- The vote without its ballots.
  vote jsonb NOT NULL
);
CREATE INDEX votes_by_account ON votes (account_id);
CREATE TABLE vote_ballots (
  vote_id text NOT NULL REFERENCES votes (id) ON DELETE CASCADE,
  user_id text NOT NULL,
  -- Shape ids, one dot each.
  shapes jsonb NOT NULL,
  PRIMARY KEY (vote_id, user_id)
);

-- Derived plan records (server/plan/PlanService.ts), upserted by the node that derives them.
CREATE TABLE plans (
  account_id text PRIMARY KEY,
  summary jsonb NOT NULL,
  plan jsonb NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now()
);
