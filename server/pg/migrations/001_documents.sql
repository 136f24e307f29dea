-- Yjs documents (docs/scale-out.md "Documents"): per room an append-only log of updates plus one
-- compacted snapshot. load = the snapshot, then the updates in id order (read in one statement).
CREATE TABLE doc_updates (
  id bigserial PRIMARY KEY,
  room text NOT NULL,
  data bytea NOT NULL,
  -- SHA-1 of data: the same update persisted by two nodes is stored once.
  digest bytea NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (room, digest)
);
CREATE INDEX doc_updates_room_id ON doc_updates (room, id);

CREATE TABLE doc_snapshots (
  room text PRIMARY KEY,
  data bytea NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now()
);

-- Probe writes that prove the database commits again after a failure (checkWritable).
CREATE TABLE storage_probes (
  name text PRIMARY KEY,
  at timestamptz NOT NULL DEFAULT now()
);
