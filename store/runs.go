package store

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"
)

// Run statuses. A run is "lost" when its supervisor died without recording an end.
const (
	StatusQueued   = "queued"
	StatusRunning  = "running"
	StatusFinished = "finished"
	StatusFailed   = "failed"
	StatusKilled   = "killed"
	StatusLost     = "lost"
)

// Statuses lists every run status in display order.
var Statuses = []string{StatusRunning, StatusQueued, StatusFinished, StatusFailed, StatusKilled, StatusLost}

// ErrNotFound is returned when a looked-up row does not exist.
var ErrNotFound = errors.New("not found")

// Run is one training run.
type Run struct {
	ID            int64
	UUID          string // 32 hex characters; MLflow's run_id
	ExperimentID  int64
	Name          string
	Status        string
	Source        string // cli, tui, mlflow, import, demo
	Command       []string
	Workdir       string
	Host          string
	User          string
	PID           int
	PGID          int
	SupervisorPID int
	Heartbeat     time.Time
	Created       time.Time
	Started       time.Time
	Ended         time.Time
	ExitCode      *int
	GitCommit     string
	GitBranch     string
	GitDirty      bool
	GitPatch      string
	LogPath       string
	ArtifactDir   string
	Note          string
}

// Duration is how long the run ran: to its end, or until now while it runs.
func (r *Run) Duration(now time.Time) time.Duration {
	if r.Started.IsZero() {
		return 0
	}
	if r.Ended.IsZero() {
		return now.Sub(r.Started)
	}
	return r.Ended.Sub(r.Started)
}

// NewRunUUID returns a fresh random 32-hex-character run id.
func NewRunUUID() string {
	var b [16]byte
	if _, err := rand.Read(b[:]); err != nil {
		panic(fmt.Sprintf("crypto/rand: %v", err)) // never fails on Linux
	}
	return hex.EncodeToString(b[:])
}

// CreateRun inserts r (with its params and tags, in one transaction) and sets r.ID, and r.UUID and
// r.Created when they are empty.
func (s *Store) CreateRun(ctx context.Context, r *Run, params, tags map[string]string) error {
	if r.UUID == "" {
		r.UUID = NewRunUUID()
	}
	if r.Created.IsZero() {
		r.Created = time.Now()
	}
	if r.Status == "" {
		r.Status = StatusRunning
	}
	r.Name = printableName(r.Name)
	if r.Source == "" {
		r.Source = "cli"
	}
	cmd, err := json.Marshal(r.Command)
	if err != nil {
		return fmt.Errorf("encode command: %w", err)
	}
	return s.writeTx(ctx, func(tx *Tx) error {
		res, err := tx.ExecContext(ctx, `INSERT INTO runs (uuid, experiment_id, name, status, source, command, workdir,
			host, user, pid, pgid, supervisor_pid, heartbeat_at, created_at, started_at, ended_at, exit_code,
			git_commit, git_branch, git_dirty, git_patch, log_path, artifact_dir, note)
			VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)`,
			r.UUID, r.ExperimentID, r.Name, r.Status, r.Source, string(cmd), r.Workdir, r.Host, r.User,
			nullInt(r.PID), nullInt(r.PGID), nullInt(r.SupervisorPID), toMS(r.Heartbeat), r.Created.UnixMilli(),
			toMS(r.Started), toMS(r.Ended), r.ExitCode, r.GitCommit, r.GitBranch, r.GitDirty, r.GitPatch,
			r.LogPath, r.ArtifactDir, r.Note)
		if err != nil {
			return fmt.Errorf("insert run: %w", err)
		}
		if r.ID, err = res.LastInsertId(); err != nil {
			return fmt.Errorf("insert run: %w", err)
		}
		if err := setKV(ctx, tx, "params", r.ID, params); err != nil {
			return err
		}
		return setKV(ctx, tx, "tags", r.ID, tags)
	})
}

// setKV upserts key/value rows into params or tags (table is one of our two constants).
func setKV(ctx context.Context, tx *Tx, table string, runID int64, kv map[string]string) error {
	if len(kv) == 0 {
		return nil
	}
	stmt, err := tx.PrepareContext(ctx, "INSERT INTO "+table+" (run_id, key, value) VALUES (?,?,?) "+
		"ON CONFLICT (run_id, key) DO UPDATE SET value = excluded.value")
	if err != nil {
		return fmt.Errorf("prepare %s: %w", table, err)
	}
	defer stmt.Close()
	for k, v := range kv {
		if _, err := stmt.ExecContext(ctx, runID, k, v); err != nil {
			return fmt.Errorf("set %s %q: %w", table, k, err)
		}
	}
	return nil
}

// SetParams records params of a run (an existing key is overwritten; callers that must refuse a
// change, like the MLflow API, check first).
func (s *Store) SetParams(ctx context.Context, runID int64, params map[string]string) error {
	return s.writeTx(ctx, func(tx *Tx) error { return setKV(ctx, tx, "params", runID, params) })
}

// SetTags records tags of a run.
func (s *Store) SetTags(ctx context.Context, runID int64, tags map[string]string) error {
	return s.writeTx(ctx, func(tx *Tx) error { return setKV(ctx, tx, "tags", runID, tags) })
}

// RunEnd is how a run ended.
type RunEnd struct {
	Status   string
	ExitCode *int
	Ended    time.Time
}

// EndRun records the end of a run.
func (s *Store) EndRun(ctx context.Context, runID int64, end RunEnd) error {
	if end.Ended.IsZero() {
		end.Ended = time.Now()
	}
	return s.writeTx(ctx, func(tx *Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE runs SET status = ?, exit_code = ?, ended_at = ? WHERE id = ?`,
			end.Status, end.ExitCode, end.Ended.UnixMilli(), runID)
		if err != nil {
			return fmt.Errorf("end run %d: %w", runID, err)
		}
		return mustAffect(res, "run", runID)
	})
}

// Heartbeat records that the supervisor of a run is alive.
func (s *Store) Heartbeat(ctx context.Context, runID int64, at time.Time) error {
	return s.writeTx(ctx, func(tx *Tx) error {
		_, err := tx.ExecContext(ctx, `UPDATE runs SET heartbeat_at = ? WHERE id = ?`, at.UnixMilli(), runID)
		if err != nil {
			return fmt.Errorf("heartbeat run %d: %w", runID, err)
		}
		return nil
	})
}

func mustAffect(res sql.Result, what string, id int64) error {
	n, err := res.RowsAffected()
	if err != nil {
		return fmt.Errorf("%s %d: %w", what, id, err)
	}
	if n == 0 {
		return fmt.Errorf("%s %d: %w", what, id, ErrNotFound)
	}
	return nil
}

func nullInt(v int) sql.NullInt64 {
	return sql.NullInt64{Int64: int64(v), Valid: v != 0}
}

const runColumns = `id, uuid, experiment_id, name, status, source, command, workdir, host, user, pid, pgid,
	supervisor_pid, heartbeat_at, created_at, started_at, ended_at, exit_code, git_commit, git_branch,
	git_dirty, log_path, artifact_dir, note`

// scanRun reads runColumns (the patch is read only by GetRun: it can be large).
func scanRun(sc interface{ Scan(...any) error }) (*Run, error) {
	var r Run
	var cmd string
	var pid, pgid, spid, hb, started, ended, exit sql.NullInt64
	var created int64
	if err := sc.Scan(&r.ID, &r.UUID, &r.ExperimentID, &r.Name, &r.Status, &r.Source, &cmd, &r.Workdir,
		&r.Host, &r.User, &pid, &pgid, &spid, &hb, &created, &started, &ended, &exit, &r.GitCommit,
		&r.GitBranch, &r.GitDirty, &r.LogPath, &r.ArtifactDir, &r.Note); err != nil {
		return nil, err
	}
	_ = json.Unmarshal([]byte(cmd), &r.Command) // a malformed command shows as empty, never fails a listing
	r.PID, r.PGID, r.SupervisorPID = int(pid.Int64), int(pgid.Int64), int(spid.Int64)
	r.Heartbeat, r.Started, r.Ended = fromMS(hb), fromMS(started), fromMS(ended)
	r.Created = time.UnixMilli(created)
	if exit.Valid {
		c := int(exit.Int64)
		r.ExitCode = &c
	}
	return &r, nil
}

// GetRun returns the run with the given id, including its git patch.
func (s *Store) GetRun(ctx context.Context, id int64) (*Run, error) {
	r, err := scanRun(s.db.QueryRowContext(ctx, "SELECT "+runColumns+" FROM runs WHERE id = ?", id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("run %d: %w", id, ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("get run %d: %w", id, err)
	}
	if err := s.db.QueryRowContext(ctx, "SELECT git_patch FROM runs WHERE id = ?", id).Scan(&r.GitPatch); err != nil {
		return nil, fmt.Errorf("get run %d patch: %w", id, err)
	}
	return r, nil
}

// FindRun resolves a user's reference to a run: its number, its uuid, or a unique uuid prefix
// (at least 4 characters), or its exact name, each also with a "#" or "run:" before it.
func (s *Store) FindRun(ctx context.Context, ref string) (*Run, error) {
	return s.findRun(ctx, ref, false)
}

// FindDeletedRun is FindRun among the runs deleted with DeleteRun (and not purged), so
// `runs restore` takes the same names and uuids as `runs rm` did.
func (s *Store) FindDeletedRun(ctx context.Context, ref string) (*Run, error) {
	return s.findRun(ctx, ref, true)
}

func (s *Store) findRun(ctx context.Context, ref string, deleted bool) (*Run, error) {
	ref = strings.TrimSpace(ref)
	// "#12" and "run:NAME" are the spellings that always mean a run (mlwb diff takes them
	// beside git revisions); every verb that takes a run takes them.
	if rest, ok := strings.CutPrefix(ref, "#"); ok && rest != "" {
		ref = rest
	} else if rest, ok := strings.CutPrefix(ref, "run:"); ok && rest != "" {
		ref = rest
	}
	var id int64
	if _, err := fmt.Sscanf(ref, "%d", &id); err == nil && fmt.Sprint(id) == ref {
		// A number is a run number first; a uuid prefix can be all digits too
		// (6% of 6-character prefixes are), so one with no run of that number goes on
		// to the uuid and name match.
		r, err := s.GetRun(ctx, id)
		if !errors.Is(err, ErrNotFound) {
			return r, err
		}
	}
	rows, err := s.db.QueryContext(ctx, `SELECT id FROM runs WHERE (deleted_at IS NOT NULL) = ?3 AND
		(uuid = ?1 OR (length(?1) >= 4 AND uuid LIKE ?1 || '%') OR name = ?2) ORDER BY id LIMIT 2`, strings.ToLower(ref), ref, deleted)
	if err != nil {
		return nil, fmt.Errorf("find run %q: %w", ref, err)
	}
	var ids []int64
	for rows.Next() {
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return nil, fmt.Errorf("find run %q: %w", ref, err)
		}
		ids = append(ids, id)
	}
	rows.Close()
	switch len(ids) {
	case 0:
		return nil, fmt.Errorf("run %q: %w", ref, ErrNotFound)
	case 1:
		return s.GetRun(ctx, ids[0])
	}
	return nil, fmt.Errorf("run %q is ambiguous (runs %d and %d, maybe more): give its number or more of its uuid", ref, ids[0], ids[1])
}

// RunQuery selects a page of runs.
type RunQuery struct {
	Statuses []string // empty: any
	OrderBy  string   // created (default), name, status, started, duration, id
	Asc      bool
	// OrderKey, when set, orders by a metric's last value, a param or a tag instead of OrderBy
	// (runs lacking it last, in either direction).
	OrderKey *Order
	// Filters are ANDed conditions on metrics (last value), params, tags and attributes, as the
	// MLflow search syntax parses them.
	Filters []Filter
	Limit   int // default 100
	Offset  int
}

var runOrder = map[string]string{
	"":         "created_at",
	"created":  "created_at",
	"id":       "id",
	"name":     "name",
	"status":   "status",
	"started":  "started_at",
	"duration": "coalesce(ended_at, CAST(strftime('%s','now') AS INTEGER) * 1000) - started_at",
}

// RunOrders are the orders RunQuery.OrderBy takes, sorted.
func RunOrders() []string {
	return slices.DeleteFunc(slices.Sorted(maps.Keys(runOrder)), func(k string) bool { return k == "" })
}

// ListRuns returns one page of (not deleted) runs.
func (s *Store) ListRuns(ctx context.Context, q RunQuery) ([]*Run, error) {
	order, ok := runOrder[q.OrderBy]
	if !ok {
		return nil, fmt.Errorf("list runs: unknown order %q (one of %s)", q.OrderBy, strings.Join(RunOrders(), ", "))
	}
	dir := "DESC"
	if q.Asc {
		dir = "ASC"
	}
	if q.Limit <= 0 {
		q.Limit = 100
	}
	b, err := runQueryWhere(q)
	if err != nil {
		return nil, fmt.Errorf("list runs: %w", err)
	}
	args := b.args
	orderSQL := order + " " + dir
	if o := q.OrderKey; o != nil {
		c, oargs, err := runValue(o.Kind, o.Key)
		if err != nil {
			return nil, fmt.Errorf("list runs: order: %w", err)
		}
		orderSQL = c.expr + " " + dir + " NULLS LAST" // one evaluation per row, not two
		args = append(args, oargs...)
	}
	if q.OrderBy == "duration" && q.OrderKey == nil {
		// "now" bound once, not computed by SQLite for every row.
		orderSQL = "coalesce(r.ended_at, ?) - r.started_at " + dir
		args = append(args, time.Now().UnixMilli())
	}
	args = append(args, q.Limit, q.Offset)
	// Two steps: the sort keeps only ids and keys (sorting 10,000 whole rows costs several times
	// more), then the page's rows are read by id.
	idRows, err := s.db.QueryContext(ctx, "SELECT r.id FROM runs r WHERE "+b.whereSQL()+
		" ORDER BY "+orderSQL+", r.id "+dir+" LIMIT ? OFFSET ?", args...)
	if err != nil {
		return nil, fmt.Errorf("list runs: %w", err)
	}
	var ids []int64
	for idRows.Next() {
		var id int64
		if err := idRows.Scan(&id); err != nil {
			idRows.Close()
			return nil, fmt.Errorf("list runs: %w", err)
		}
		ids = append(ids, id)
	}
	idRows.Close()
	if err := idRows.Err(); err != nil {
		return nil, fmt.Errorf("list runs: %w", err)
	}
	if len(ids) == 0 {
		return nil, nil
	}
	in, idArgs := inList(ids)
	rows, err := s.db.QueryContext(ctx, "SELECT "+runColumns+" FROM runs WHERE id IN "+in, idArgs...)
	if err != nil {
		return nil, fmt.Errorf("list runs: %w", err)
	}
	defer rows.Close()
	byID := make(map[int64]*Run, len(ids))
	for rows.Next() {
		r, err := scanRun(rows)
		if err != nil {
			return nil, fmt.Errorf("list runs: %w", err)
		}
		byID[r.ID] = r
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("list runs: %w", err)
	}
	out := make([]*Run, 0, len(ids))
	for _, id := range ids {
		if r := byID[id]; r != nil { // deleted between the two reads: left out
			out = append(out, r)
		}
	}
	return out, nil
}

// runQueryWhere builds the conditions of a run query: not deleted, the statuses, the filters.
func runQueryWhere(q RunQuery) (*queryBuilder, error) {
	b := &queryBuilder{}
	b.where("r.deleted_at IS NULL")
	if len(q.Statuses) > 0 {
		sts := make([]any, len(q.Statuses))
		for i, st := range q.Statuses {
			sts[i] = st
		}
		b.where("r.status IN (?"+strings.Repeat(",?", len(sts)-1)+")", sts...)
	}
	for _, f := range q.Filters {
		c, args, err := runValue(f.Kind, f.Key)
		if err != nil {
			return nil, err
		}
		b.args = append(b.args, args...)
		if err := b.compare(c, f.Op, f.Value); err != nil {
			return nil, fmt.Errorf("%s %q: %w", f.Kind, f.Key, err)
		}
	}
	return b, nil
}

// CountMatching returns how many (not deleted) runs match q's statuses and filters.
func (s *Store) CountMatching(ctx context.Context, q RunQuery) (int, error) {
	b, err := runQueryWhere(q)
	if err != nil {
		return 0, fmt.Errorf("count runs: %w", err)
	}
	var n int
	if err := s.db.QueryRowContext(ctx, "SELECT count(*) FROM runs r WHERE "+b.whereSQL(), b.args...).Scan(&n); err != nil {
		return 0, fmt.Errorf("count runs: %w", err)
	}
	return n, nil
}

// CountRuns returns the number of (not deleted) runs in each status.
func (s *Store) CountRuns(ctx context.Context) (map[string]int, error) {
	rows, err := s.db.QueryContext(ctx, "SELECT status, count(*) FROM runs WHERE deleted_at IS NULL GROUP BY status")
	if err != nil {
		return nil, fmt.Errorf("count runs: %w", err)
	}
	defer rows.Close()
	out := map[string]int{}
	for rows.Next() {
		var st string
		var n int
		if err := rows.Scan(&st, &n); err != nil {
			return nil, fmt.Errorf("count runs: %w", err)
		}
		out[st] = n
	}
	return out, rows.Err()
}

// Params returns the params of the given runs: run id -> key -> value.
func (s *Store) Params(ctx context.Context, runIDs []int64) (map[int64]map[string]string, error) {
	return s.kvOf(ctx, "params", runIDs)
}

// Tags returns the tags of the given runs: run id -> key -> value.
func (s *Store) Tags(ctx context.Context, runIDs []int64) (map[int64]map[string]string, error) {
	return s.kvOf(ctx, "tags", runIDs)
}

func (s *Store) kvOf(ctx context.Context, table string, runIDs []int64) (map[int64]map[string]string, error) {
	out := map[int64]map[string]string{}
	if len(runIDs) == 0 {
		return out, nil
	}
	in, args := inList(runIDs)
	rows, err := s.db.QueryContext(ctx, "SELECT run_id, key, value FROM "+table+" WHERE run_id IN "+in, args...)
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", table, err)
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var k, v string
		if err := rows.Scan(&id, &k, &v); err != nil {
			return nil, fmt.Errorf("read %s: %w", table, err)
		}
		if out[id] == nil {
			out[id] = map[string]string{}
		}
		out[id][k] = v
	}
	return out, rows.Err()
}

// inList builds "(?,?,…)" and its arguments for an IN clause.
func inList(ids []int64) (string, []any) {
	args := make([]any, len(ids))
	for i, id := range ids {
		args[i] = id
	}
	return "(?" + strings.Repeat(",?", len(ids)-1) + ")", args
}

// CommitRun is a run as the history shows it on its commit.
type CommitRun struct {
	ID     int64
	Name   string
	Status string
	// Metric is the last value of the metric asked for; NaN when the run has none.
	Metric float64
}

// RunsAtCommits returns the (not deleted) runs made at each of the given commits, with the last
// value of metric for each.
func (s *Store) RunsAtCommits(ctx context.Context, commits []string, metric string) (map[string][]CommitRun, error) {
	out := map[string][]CommitRun{}
	if len(commits) == 0 {
		return out, nil
	}
	args := []any{metric}
	for _, c := range commits {
		args = append(args, c)
	}
	rows, err := s.db.QueryContext(ctx, `SELECT r.git_commit, r.id, r.name, r.status, s.last
		FROM runs r LEFT JOIN metric_keys k ON k.name = ?
		LEFT JOIN metric_summaries s ON s.run_id = r.id AND s.key_id = k.id
		WHERE r.deleted_at IS NULL AND r.git_commit IN (?`+strings.Repeat(",?", len(commits)-1)+`)
		ORDER BY r.id`, args...)
	if err != nil {
		return nil, fmt.Errorf("runs at commits: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var c string
		var r CommitRun
		var v sql.NullFloat64
		if err := rows.Scan(&c, &r.ID, &r.Name, &r.Status, &v); err != nil {
			return nil, fmt.Errorf("runs at commits: %w", err)
		}
		r.Metric = floatOrNaN(v)
		out[c] = append(out[c], r)
	}
	return out, rows.Err()
}
