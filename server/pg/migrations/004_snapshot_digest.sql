-- A digest (SHA-1 of data) on each snapshot, as every update row has one: a load checks both and
-- refuses a room whose stored bytes are not what was written (server/pg/PgDocStore.ts), instead of
-- handing damaged bytes to the document and to clients. Snapshots from before stay unchecked (NULL).
ALTER TABLE doc_snapshots ADD COLUMN digest bytea;
