-- Labels keep the hash of the row's text they were given on (a label carried to a new version of
-- the file only follows a row whose text is unchanged), and every change is kept in a history so
-- it can be undone. row_key is the row's 0-based ordinal in its version, in decimal.
ALTER TABLE labels ADD COLUMN row_hash TEXT NOT NULL DEFAULT '';

CREATE TABLE label_history (
    id                 INTEGER PRIMARY KEY AUTOINCREMENT,
    dataset_version_id INTEGER NOT NULL REFERENCES dataset_versions(id) ON DELETE CASCADE,
    batch              INTEGER NOT NULL,                -- one undo step: the edits made together
    row_key            TEXT    NOT NULL,
    old_label          TEXT,                            -- NULL: the row had no label before
    old_hash           TEXT,
    new_label          TEXT,                            -- NULL: the label was removed
    at                 INTEGER NOT NULL
);
CREATE INDEX label_history_batch ON label_history(dataset_version_id, batch);
