-- Metric points move from a row each to packed chunks (store/chunk.go): one insert per chunk
-- instead of a table and an index insert per point. The Go step of this migration
-- (store/migrate_chunks.go) converts the rows of metric_points and then drops that table.
CREATE TABLE metric_chunks (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,      -- grows monotonically: Live reads "newer than"
    run_id     INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
    key_id     INTEGER NOT NULL REFERENCES metric_keys(id),
    n          INTEGER NOT NULL,                       -- points in data, 1..4096
    first_step INTEGER NOT NULL,
    last_step  INTEGER NOT NULL,
    data       BLOB NOT NULL
);
CREATE INDEX metric_chunks_series ON metric_chunks(run_id, key_id, id);
