package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/mattn/go-sqlite3"
)

// Experiment lifecycle stages (MLflow's words).
const (
	LifecycleActive  = "active"
	LifecycleDeleted = "deleted"
)

// DefaultExperimentID is the experiment every database starts with ("Default", as in MLflow).
const DefaultExperimentID int64 = 0

// ErrExists is returned when a row with the same unique name already exists.
var ErrExists = errors.New("already exists")

// ErrDefaultExperiment is returned when asked to delete the Default experiment, which every run
// without an experiment belongs to.
var ErrDefaultExperiment = errors.New("the Default experiment cannot be deleted")

// Experiment groups runs (MLflow's model).
type Experiment struct {
	ID               int64
	Name             string
	LifecycleStage   string // LifecycleActive or LifecycleDeleted
	ArtifactLocation string // as given at creation; "" when the server chooses
	Created          time.Time
	Updated          time.Time
	Tags             map[string]string
}

// isUnique reports whether err is a UNIQUE (or primary key) constraint violation.
func isUnique(err error) bool {
	var se sqlite3.Error
	if errors.As(err, &se) {
		return se.ExtendedCode == sqlite3.ErrConstraintUnique || se.ExtendedCode == sqlite3.ErrConstraintPrimaryKey
	}
	return false
}

// CreateExperiment inserts an active experiment with its tags and returns its id. A name in use
// (by an active or a deleted experiment) is ErrExists.
func (s *Store) CreateExperiment(ctx context.Context, name, artifactLocation string, tags map[string]string) (int64, error) {
	if strings.TrimSpace(name) == "" {
		return 0, fmt.Errorf("create experiment: the name is empty")
	}
	var id int64
	err := s.writeTx(ctx, func(tx *Tx) error {
		now := nowMS()
		res, err := tx.ExecContext(ctx, `INSERT INTO experiments (name, artifact_location, created_at, updated_at)
			VALUES (?, ?, ?, ?)`, name, artifactLocation, now, now)
		if isUnique(err) {
			return fmt.Errorf("experiment %q: %w", name, ErrExists)
		}
		if err != nil {
			return fmt.Errorf("create experiment %q: %w", name, err)
		}
		if id, err = res.LastInsertId(); err != nil {
			return fmt.Errorf("create experiment %q: %w", name, err)
		}
		return setExperimentTags(ctx, tx, id, tags)
	})
	return id, err
}

func setExperimentTags(ctx context.Context, tx *Tx, id int64, tags map[string]string) error {
	for k, v := range tags {
		if _, err := tx.ExecContext(ctx, `INSERT INTO experiment_tags (experiment_id, key, value) VALUES (?, ?, ?)
			ON CONFLICT (experiment_id, key) DO UPDATE SET value = excluded.value`, id, k, v); err != nil {
			return fmt.Errorf("set tag %q of experiment %d: %w", k, id, err)
		}
	}
	return nil
}

const experimentColumns = `e.id, e.name, e.lifecycle_stage, e.artifact_location, e.created_at, e.updated_at`

func scanExperiment(sc interface{ Scan(...any) error }) (*Experiment, error) {
	var e Experiment
	var created, updated int64
	if err := sc.Scan(&e.ID, &e.Name, &e.LifecycleStage, &e.ArtifactLocation, &created, &updated); err != nil {
		return nil, err
	}
	e.Created, e.Updated = time.UnixMilli(created), time.UnixMilli(updated)
	e.Tags = map[string]string{}
	return &e, nil
}

// GetExperiment returns the experiment with the given id (active or deleted), with its tags.
func (s *Store) GetExperiment(ctx context.Context, id int64) (*Experiment, error) {
	e, err := scanExperiment(s.db.QueryRowContext(ctx, "SELECT "+experimentColumns+" FROM experiments e WHERE e.id = ?", id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("experiment %d: %w", id, ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("get experiment %d: %w", id, err)
	}
	return e, s.fillExperimentTags(ctx, []*Experiment{e})
}

// GetExperimentByName returns the experiment with the given name (active or deleted), with its tags.
func (s *Store) GetExperimentByName(ctx context.Context, name string) (*Experiment, error) {
	e, err := scanExperiment(s.db.QueryRowContext(ctx, "SELECT "+experimentColumns+" FROM experiments e WHERE e.name = ?", name))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("experiment %q: %w", name, ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("get experiment %q: %w", name, err)
	}
	return e, s.fillExperimentTags(ctx, []*Experiment{e})
}

func (s *Store) fillExperimentTags(ctx context.Context, exps []*Experiment) error {
	if len(exps) == 0 {
		return nil
	}
	byID := make(map[int64]*Experiment, len(exps))
	ids := make([]int64, 0, len(exps))
	for _, e := range exps {
		byID[e.ID] = e
		ids = append(ids, e.ID)
	}
	in, args := inList(ids)
	rows, err := s.db.QueryContext(ctx, "SELECT experiment_id, key, value FROM experiment_tags WHERE experiment_id IN "+in, args...)
	if err != nil {
		return fmt.Errorf("read experiment tags: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var k, v string
		if err := rows.Scan(&id, &k, &v); err != nil {
			return fmt.Errorf("read experiment tags: %w", err)
		}
		byID[id].Tags[k] = v
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("read experiment tags: %w", err)
	}
	return nil
}

// ExperimentQuery selects a page of experiments. Filters are ANDed; their kinds are FilterAttr
// (keys "name", "id", "created", "updated") and FilterTag. Orders take the same attribute keys.
type ExperimentQuery struct {
	Filters   []Filter
	Order     []Order // then created DESC, id DESC
	Lifecycle View
	Limit     int // default 1000
	Offset    int
}

var experimentAttrs = map[string]column{
	"name":    {"e.name", false},
	"id":      {"e.id", true},
	"created": {"e.created_at", true},
	"updated": {"e.updated_at", true},
}

// SearchExperiments returns one page of experiments matching q, with their tags.
func (s *Store) SearchExperiments(ctx context.Context, q ExperimentQuery) ([]*Experiment, error) {
	var b queryBuilder
	b.where(lifecycleSQL(q.Lifecycle, "e.lifecycle_stage = 'active'", "e.lifecycle_stage = 'deleted'"))
	for _, f := range q.Filters {
		var expr column
		switch f.Kind {
		case FilterAttr:
			c, ok := experimentAttrs[f.Key]
			if !ok {
				return nil, fmt.Errorf("search experiments: attribute %q: %w", f.Key, ErrBadQuery)
			}
			expr = c
		case FilterTag:
			expr = column{"(SELECT t.value FROM experiment_tags t WHERE t.experiment_id = e.id AND t.key = ?)", false}
			b.args = append(b.args, f.Key)
		default:
			return nil, fmt.Errorf("search experiments: filter kind %q: %w", f.Kind, ErrBadQuery)
		}
		if err := b.compare(expr, f.Op, f.Value); err != nil {
			return nil, fmt.Errorf("search experiments: %w", err)
		}
	}
	var order []string
	for _, o := range q.Order {
		c, ok := experimentAttrs[o.Key]
		if o.Kind != FilterAttr || !ok {
			return nil, fmt.Errorf("search experiments: order by %s %q: %w", o.Kind, o.Key, ErrBadQuery)
		}
		order = append(order, c.expr+dirSQL(o.Desc))
	}
	order = append(order, "e.created_at DESC", "e.id DESC")
	if q.Limit <= 0 {
		q.Limit = 1000
	}
	args := append(b.args, q.Limit, q.Offset)
	rows, err := s.db.QueryContext(ctx, "SELECT "+experimentColumns+" FROM experiments e WHERE "+b.whereSQL()+
		" ORDER BY "+strings.Join(order, ", ")+" LIMIT ? OFFSET ?", args...)
	if err != nil {
		return nil, fmt.Errorf("search experiments: %w", err)
	}
	defer rows.Close()
	var out []*Experiment
	for rows.Next() {
		e, err := scanExperiment(rows)
		if err != nil {
			return nil, fmt.Errorf("search experiments: %w", err)
		}
		out = append(out, e)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("search experiments: %w", err)
	}
	rows.Close()
	return out, s.fillExperimentTags(ctx, out)
}

// RenameExperiment gives an active experiment a new name; a name in use is ErrExists.
func (s *Store) RenameExperiment(ctx context.Context, id int64, name string) error {
	if strings.TrimSpace(name) == "" {
		return fmt.Errorf("rename experiment %d: the name is empty", id)
	}
	return s.writeTx(ctx, func(tx *Tx) error {
		res, err := tx.ExecContext(ctx, "UPDATE experiments SET name = ?, updated_at = ? WHERE id = ?", name, nowMS(), id)
		if isUnique(err) {
			return fmt.Errorf("experiment %q: %w", name, ErrExists)
		}
		if err != nil {
			return fmt.Errorf("rename experiment %d: %w", id, err)
		}
		return mustAffect(res, "experiment", id)
	})
}

// DeleteExperiment marks an experiment deleted, and soft-deletes its runs (as MLflow does).
func (s *Store) DeleteExperiment(ctx context.Context, id int64) error {
	if id == DefaultExperimentID {
		return fmt.Errorf("delete experiment %d: %w", id, ErrDefaultExperiment)
	}
	return s.writeTx(ctx, func(tx *Tx) error {
		now := nowMS()
		res, err := tx.ExecContext(ctx, "UPDATE experiments SET lifecycle_stage = 'deleted', updated_at = ? WHERE id = ?", now, id)
		if err != nil {
			return fmt.Errorf("delete experiment %d: %w", id, err)
		}
		if err := mustAffect(res, "experiment", id); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, "UPDATE runs SET deleted_at = ? WHERE experiment_id = ? AND deleted_at IS NULL", now, id); err != nil {
			return fmt.Errorf("delete runs of experiment %d: %w", id, err)
		}
		return nil
	})
}

// RestoreExperiment makes a deleted experiment active again, with all its runs (as MLflow does).
func (s *Store) RestoreExperiment(ctx context.Context, id int64) error {
	return s.writeTx(ctx, func(tx *Tx) error {
		res, err := tx.ExecContext(ctx, "UPDATE experiments SET lifecycle_stage = 'active', updated_at = ? WHERE id = ?", nowMS(), id)
		if err != nil {
			return fmt.Errorf("restore experiment %d: %w", id, err)
		}
		if err := mustAffect(res, "experiment", id); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, "UPDATE runs SET deleted_at = NULL WHERE experiment_id = ?", id); err != nil {
			return fmt.Errorf("restore runs of experiment %d: %w", id, err)
		}
		return nil
	})
}

// SetExperimentTag sets (or overwrites) one tag of an experiment.
func (s *Store) SetExperimentTag(ctx context.Context, id int64, key, value string) error {
	return s.writeTx(ctx, func(tx *Tx) error {
		res, err := tx.ExecContext(ctx, "UPDATE experiments SET updated_at = ? WHERE id = ?", nowMS(), id)
		if err != nil {
			return fmt.Errorf("set tag of experiment %d: %w", id, err)
		}
		if err := mustAffect(res, "experiment", id); err != nil {
			return err
		}
		return setExperimentTags(ctx, tx, id, map[string]string{key: value})
	})
}

// DeleteExperimentTag removes one tag of an experiment; a missing tag is ErrNotFound.
func (s *Store) DeleteExperimentTag(ctx context.Context, id int64, key string) error {
	return s.writeTx(ctx, func(tx *Tx) error {
		res, err := tx.ExecContext(ctx, "DELETE FROM experiment_tags WHERE experiment_id = ? AND key = ?", id, key)
		if err != nil {
			return fmt.Errorf("delete tag %q of experiment %d: %w", key, id, err)
		}
		if n, err := res.RowsAffected(); err != nil || n == 0 {
			return fmt.Errorf("tag %q of experiment %d: %w", key, id, ErrNotFound)
		}
		return nil
	})
}
