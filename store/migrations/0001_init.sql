-- The first schema of the whole mission: later changes add to it, never reshape it.
-- Times are Unix milliseconds (INTEGER). Booleans are 0/1.

-- Experiments group runs (MLflow's model); experiment 0 is "Default", as in MLflow.
CREATE TABLE experiments (
    id                INTEGER PRIMARY KEY,
    name              TEXT    NOT NULL UNIQUE,
    lifecycle_stage   TEXT    NOT NULL DEFAULT 'active' CHECK (lifecycle_stage IN ('active', 'deleted')),
    artifact_location TEXT    NOT NULL DEFAULT '',
    created_at        INTEGER NOT NULL,
    updated_at        INTEGER NOT NULL
);
INSERT INTO experiments (id, name, created_at, updated_at)
VALUES (0, 'Default', CAST(strftime('%s','now') AS INTEGER) * 1000, CAST(strftime('%s','now') AS INTEGER) * 1000);

CREATE TABLE experiment_tags (
    experiment_id INTEGER NOT NULL REFERENCES experiments(id) ON DELETE CASCADE,
    key           TEXT    NOT NULL,
    value         TEXT    NOT NULL,
    PRIMARY KEY (experiment_id, key)
) WITHOUT ROWID;

-- Runs: one row per training run, whatever started it (mlwb run, the MLflow API, an import, the demo).
CREATE TABLE runs (
    id              INTEGER PRIMARY KEY,
    uuid            TEXT    NOT NULL UNIQUE,          -- 32 hex chars, MLflow's run_id
    experiment_id   INTEGER NOT NULL DEFAULT 0 REFERENCES experiments(id),
    name            TEXT    NOT NULL DEFAULT '',
    status          TEXT    NOT NULL DEFAULT 'running'
                    CHECK (status IN ('queued', 'running', 'finished', 'failed', 'killed', 'lost')),
    source          TEXT    NOT NULL DEFAULT 'cli',   -- cli, tui, mlflow, import, demo
    command         TEXT    NOT NULL DEFAULT '[]',    -- JSON array: argv as executed
    workdir         TEXT    NOT NULL DEFAULT '',
    host            TEXT    NOT NULL DEFAULT '',
    user            TEXT    NOT NULL DEFAULT '',
    pid             INTEGER,                          -- the training process
    pgid            INTEGER,                          -- its process group (stop signals go here)
    supervisor_pid  INTEGER,
    heartbeat_at    INTEGER,                          -- supervisor's last beat; stale + dead pid = lost
    created_at      INTEGER NOT NULL,
    started_at      INTEGER,
    ended_at        INTEGER,
    exit_code       INTEGER,
    git_commit      TEXT    NOT NULL DEFAULT '',
    git_branch      TEXT    NOT NULL DEFAULT '',
    git_dirty       INTEGER NOT NULL DEFAULT 0,
    git_patch       TEXT    NOT NULL DEFAULT '',      -- uncommitted diff of tracked files at launch
    log_path        TEXT    NOT NULL DEFAULT '',
    artifact_dir    TEXT    NOT NULL DEFAULT '',
    note            TEXT    NOT NULL DEFAULT '',
    deleted_at      INTEGER                           -- soft delete (MLflow lifecycle_stage=deleted)
);
CREATE INDEX runs_status     ON runs(status);
CREATE INDEX runs_created    ON runs(created_at);
CREATE INDEX runs_git_commit ON runs(git_commit);
CREATE INDEX runs_experiment ON runs(experiment_id);

CREATE TABLE params (
    run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
    key    TEXT    NOT NULL,
    value  TEXT    NOT NULL,
    PRIMARY KEY (run_id, key)
) WITHOUT ROWID;

CREATE TABLE tags (
    run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
    key    TEXT    NOT NULL,
    value  TEXT    NOT NULL,
    PRIMARY KEY (run_id, key)
) WITHOUT ROWID;

-- Metric keys are interned so each point costs an integer, not a string.
CREATE TABLE metric_keys (
    id   INTEGER PRIMARY KEY,
    name TEXT    NOT NULL UNIQUE
);

-- Every logged value. The rowid only grows, so a live reader asks for "rowid > last seen".
CREATE TABLE metric_points (
    run_id INTEGER NOT NULL,
    key_id INTEGER NOT NULL,
    step   INTEGER NOT NULL,
    ts     INTEGER NOT NULL,
    value  REAL                                        -- NULL stores NaN (SQLite has no NaN)
);
CREATE INDEX metric_points_series ON metric_points(run_id, key_id, step);

-- Kept current on every write, so the runs table never aggregates metric_points.
CREATE TABLE metric_summaries (
    run_id    INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
    key_id    INTEGER NOT NULL REFERENCES metric_keys(id),
    last      REAL,
    last_step INTEGER NOT NULL,
    last_ts   INTEGER NOT NULL,
    min       REAL,
    max       REAL,
    count     INTEGER NOT NULL,
    PRIMARY KEY (run_id, key_id)
) WITHOUT ROWID;

CREATE TABLE artifacts (
    run_id     INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
    path       TEXT    NOT NULL,                       -- relative to the run's artifact dir
    size       INTEGER NOT NULL,
    hash       TEXT    NOT NULL DEFAULT '',
    created_at INTEGER NOT NULL,
    PRIMARY KEY (run_id, path)
) WITHOUT ROWID;

-- Evaluation reports (confusion matrix, ROC, ...) as JSON, one per run and kind.
CREATE TABLE evaluations (
    run_id     INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
    kind       TEXT    NOT NULL,                       -- classification, regression
    report     TEXT    NOT NULL,                       -- JSON
    created_at INTEGER NOT NULL,
    PRIMARY KEY (run_id, kind)
) WITHOUT ROWID;

-- Alerts raised on runs (NaN loss, stalled metric, low GPU use, failed run...).
CREATE TABLE alerts (
    id         INTEGER PRIMARY KEY,
    run_id     INTEGER REFERENCES runs(id) ON DELETE CASCADE,
    rule       TEXT    NOT NULL,
    severity   TEXT    NOT NULL DEFAULT 'warn' CHECK (severity IN ('info', 'warn', 'error')),
    message    TEXT    NOT NULL,
    raised_at  INTEGER NOT NULL,
    cleared_at INTEGER
);
CREATE INDEX alerts_run ON alerts(run_id);

-- Datasets declared in mlwb.yaml or opened by path, and each content version seen.
CREATE TABLE datasets (
    id         INTEGER PRIMARY KEY,
    name       TEXT    NOT NULL UNIQUE,
    path       TEXT    NOT NULL,                       -- relative to the project root when inside it
    target     TEXT    NOT NULL DEFAULT '',
    created_at INTEGER NOT NULL
);

CREATE TABLE dataset_versions (
    id           INTEGER PRIMARY KEY,
    dataset_id   INTEGER NOT NULL REFERENCES datasets(id) ON DELETE CASCADE,
    content_hash TEXT    NOT NULL,
    size         INTEGER NOT NULL,
    rows         INTEGER,
    columns      INTEGER,
    git_commit   TEXT    NOT NULL DEFAULT '',
    seen_at      INTEGER NOT NULL,
    profile      TEXT,                                 -- JSON profile from the data stage
    UNIQUE (dataset_id, content_hash)
);

-- Which dataset versions a run used (input) or produced (output).
CREATE TABLE run_datasets (
    run_id             INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
    dataset_version_id INTEGER NOT NULL REFERENCES dataset_versions(id) ON DELETE CASCADE,
    role               TEXT    NOT NULL DEFAULT 'input' CHECK (role IN ('input', 'output')),
    PRIMARY KEY (run_id, dataset_version_id, role)
) WITHOUT ROWID;

-- Content hashes cached by path, size and mtime so unchanged files are never re-read.
CREATE TABLE file_hashes (
    path       TEXT    NOT NULL PRIMARY KEY,
    size       INTEGER NOT NULL,
    mtime_ns   INTEGER NOT NULL,
    hash       TEXT    NOT NULL
) WITHOUT ROWID;

-- Row labels, against a dataset version and a stable row key.
CREATE TABLE labels (
    dataset_version_id INTEGER NOT NULL REFERENCES dataset_versions(id) ON DELETE CASCADE,
    row_key            TEXT    NOT NULL,
    label              TEXT    NOT NULL,
    updated_at         INTEGER NOT NULL,
    PRIMARY KEY (dataset_version_id, row_key)
) WITHOUT ROWID;

-- Feature transforms applied: spec hash + input version -> output version.
CREATE TABLE feature_builds (
    id                 INTEGER PRIMARY KEY,
    spec_path          TEXT    NOT NULL,
    spec_hash          TEXT    NOT NULL,
    input_version_id   INTEGER NOT NULL REFERENCES dataset_versions(id),
    output_version_id  INTEGER REFERENCES dataset_versions(id),
    output_path        TEXT    NOT NULL,
    created_at         INTEGER NOT NULL
);

-- What the TUI remembers between sessions (last tab, selections, theme).
CREATE TABLE ui_state (
    key   TEXT NOT NULL PRIMARY KEY,
    value TEXT NOT NULL
) WITHOUT ROWID;
