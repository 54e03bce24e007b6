// Package mlflowimport copies MLflow tracking data into an mlwb store: the file store (an
// mlruns/ folder of meta.yaml, metrics/, params/ and tags/ files) and the SQLite store
// (mlflow.db). Runs keep their MLflow run ids, so importing the same source twice skips the runs
// already there. A run that cannot be read is reported with the file (and line) at fault and
// leaves nothing behind; the other runs are still imported.
package mlflowimport

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"time"

	"github.com/mlwb/mlwb/store"
)

// Kinds of MLflow store.
const (
	KindFile   = "file"   // an mlruns/ folder
	KindSQLite = "sqlite" // an mlflow.db file
)

// DefaultBatch is how many metric points go to the store in one transaction.
const DefaultBatch = 10000

// maxLine bounds one line of a metrics file, and the size of a meta.yaml, param or tag file.
const maxLine = 1 << 20

// Options tune an import.
type Options struct {
	// Batch is the number of metric points written per transaction (default DefaultBatch).
	Batch int
	// Now stands in for the import time (default time.Now); a run with no start time is
	// created at it.
	Now func() time.Time
}

// Failure is a run (or experiment) that could not be imported.
type Failure struct {
	Experiment string `json:"experiment,omitempty"` // MLflow experiment name or id
	Run        string `json:"run,omitempty"`        // MLflow run id, when known
	Err        error  `json:"-"`
	Message    string `json:"error"` // Err's text
}

// Summary is what an import did.
type Summary struct {
	Kind               string    `json:"kind"`   // KindFile or KindSQLite
	Source             string    `json:"source"` // the mlruns folder or database read
	ExperimentsCreated int       `json:"experiments_created"`
	ExperimentsReused  int       `json:"experiments_reused"`
	RunsImported       int       `json:"runs_imported"`
	RunsSkipped        int       `json:"runs_skipped"` // already in the store (same run id)
	RunsFailed         int       `json:"runs_failed"`
	DeletedRuns        int       `json:"deleted_runs"` // deleted in MLflow (or in a deleted experiment): imported soft-deleted
	Points             int64     `json:"points"`
	Params             int64     `json:"params"`
	Tags               int64     `json:"tags"`
	Failures           []Failure `json:"failures,omitempty"`
}

// Err is nil when nothing failed, else an error that wraps every failure.
func (s *Summary) Err() error {
	if len(s.Failures) == 0 {
		return nil
	}
	errs := make([]error, len(s.Failures))
	for i, f := range s.Failures {
		errs[i] = f.Err
	}
	return fmt.Errorf("%d run(s) or experiment(s) of %s failed to import: %w", len(s.Failures), s.Source, errors.Join(errs...))
}

func (s *Summary) fail(exp, run string, err error) {
	s.Failures = append(s.Failures, Failure{Experiment: exp, Run: run, Err: err, Message: err.Error()})
}

// experiment is an MLflow experiment as a reader found it.
type experiment struct {
	ID               string // MLflow's experiment id
	Name             string
	ArtifactLocation string
	Deleted          bool
	Tags             map[string]string
	handle           any // the reader's own reference (a folder, say)
}

// run is an MLflow run with its params and tags (metrics are streamed separately).
type run struct {
	UUID        string
	Name        string
	User        string
	Status      string // MLflow's word: RUNNING, SCHEDULED, FINISHED, FAILED, KILLED
	Start, End  int64  // Unix ms; 0 when unknown
	Deleted     bool
	ArtifactURI string
	Params      map[string]string
	Tags        map[string]string
}

// reader is one kind of MLflow store.
type reader interface {
	// experiments lists the experiments; an experiment that cannot be read is a failure
	// (reported, the others go on); an error stops the import.
	experiments(ctx context.Context) ([]*experiment, []Failure, error)
	// runs lists the run handles of an experiment.
	runs(ctx context.Context, e *experiment) ([]runHandle, error)
	// load reads a run's meta, params and tags.
	load(ctx context.Context, h runHandle) (*run, error)
	// metrics streams a run's metric points, each key's in logged order.
	metrics(ctx context.Context, h runHandle, emit func(store.Point) error) error
	Close() error
}

// runHandle names a run inside a reader before it is read.
type runHandle struct {
	ID  string // the run id as far as it is known (a folder name)
	ref any
}

// Resolve says which kind of MLflow store path is and where exactly it lies: an mlruns folder,
// a folder holding mlruns/ or mlflow.db (mlflow.db wins: since MLflow 3 mlruns/ beside it holds
// only artifacts), a .db file, or a sqlite:/// URI.
func Resolve(path string) (kind, resolved string, err error) {
	if rest, ok := strings.CutPrefix(path, "sqlite:///"); ok {
		// SQLAlchemy's form: sqlite:///relative.db, sqlite:////absolute.db.
		path = rest
		if path == "" {
			return "", "", fmt.Errorf("%q: no database path after sqlite:///", "sqlite:///")
		}
	} else if strings.Contains(path, "://") {
		return "", "", fmt.Errorf("%s: only an mlruns folder, an mlflow.db file or a sqlite:/// URI can be imported", path)
	}
	fi, err := os.Stat(path)
	if err != nil {
		return "", "", fmt.Errorf("mlflow store: %w", err)
	}
	if !fi.IsDir() {
		if isSQLite(path) {
			return KindSQLite, path, nil
		}
		return "", "", fmt.Errorf("%s: not a SQLite database (nor an mlruns folder)", path)
	}
	if db := filepath.Join(path, "mlflow.db"); isSQLite(db) {
		return KindSQLite, db, nil
	}
	if mr := filepath.Join(path, "mlruns"); isDir(mr) && looksLikeMlruns(mr) {
		return KindFile, mr, nil
	}
	if looksLikeMlruns(path) {
		return KindFile, path, nil
	}
	return "", "", fmt.Errorf("%s: no MLflow store here (no mlflow.db, no mlruns/, no <experiment>/meta.yaml)", path)
}

func isDir(p string) bool {
	fi, err := os.Stat(p)
	return err == nil && fi.IsDir()
}

// isSQLite reports whether p is a regular file that starts with SQLite's header.
func isSQLite(p string) bool {
	f, err := os.Open(p)
	if err != nil {
		return false
	}
	defer f.Close()
	var hdr [16]byte
	if _, err := f.Read(hdr[:]); err != nil {
		return false
	}
	return string(hdr[:]) == "SQLite format 3\x00"
}

// looksLikeMlruns reports whether dir has an experiment folder (one with meta.yaml) or .trash.
func looksLikeMlruns(dir string) bool {
	ents, err := os.ReadDir(dir)
	if err != nil {
		return false
	}
	for _, e := range ents {
		if !e.IsDir() {
			continue
		}
		if e.Name() == ".trash" {
			return true
		}
		if _, err := os.Stat(filepath.Join(dir, e.Name(), "meta.yaml")); err == nil {
			return true
		}
	}
	return false
}

// Import copies the MLflow store at path into s. The summary is returned even when an error is:
// the error is nil when every run was imported or skipped, Summary.Err when some failed, and a
// plain error when the source could not be read at all.
func Import(ctx context.Context, s *store.Store, path string, o Options) (*Summary, error) {
	if o.Batch <= 0 {
		o.Batch = DefaultBatch
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	kind, resolved, err := Resolve(path)
	if err != nil {
		return nil, err
	}
	sum := &Summary{Kind: kind, Source: resolved}
	var r reader
	switch kind {
	case KindFile:
		r = &fileReader{root: resolved}
	default:
		if r, err = openSQLite(ctx, resolved); err != nil {
			return sum, err
		}
	}
	defer r.Close()
	imp := &importer{s: s, r: r, o: o, sum: sum}
	exps, fails, err := r.experiments(ctx)
	sum.Failures = append(sum.Failures, fails...)
	if err != nil {
		return sum, err
	}
	for _, e := range exps {
		if err := imp.experiment(ctx, e); err != nil {
			return sum, err
		}
	}
	return sum, sum.Err()
}

type importer struct {
	s   *store.Store
	r   reader
	o   Options
	sum *Summary
}

// experiment imports one experiment and its runs. Only a cancelled context or a store that
// cannot be written stop the import; a bad run is a failure in the summary.
func (im *importer) experiment(ctx context.Context, e *experiment) error {
	expID, created, err := im.ensureExperiment(ctx, e)
	if err != nil {
		return err
	}
	hs, err := im.r.runs(ctx, e)
	if err != nil {
		im.sum.fail(e.Name, "", err)
		return ctx.Err()
	}
	for _, h := range hs {
		if err := ctx.Err(); err != nil {
			return err
		}
		if err := im.run(ctx, expID, e.Deleted, h); err != nil {
			if ctx.Err() != nil {
				return ctx.Err()
			}
			im.sum.RunsFailed++
			im.sum.fail(e.Name, h.ID, err)
		}
	}
	// A deleted experiment is deleted here too, but only when this import made it: deleting
	// one that was already here would also delete runs that were not imported.
	if e.Deleted && created {
		if err := im.s.DeleteExperiment(ctx, expID); err != nil {
			return fmt.Errorf("mark experiment %q deleted: %w", e.Name, err)
		}
	}
	return nil
}

// ensureExperiment finds our experiment of e's name, or creates it.
func (im *importer) ensureExperiment(ctx context.Context, e *experiment) (int64, bool, error) {
	got, err := im.s.GetExperimentByName(ctx, e.Name)
	if err == nil {
		im.sum.ExperimentsReused++
		return got.ID, false, nil
	}
	if !errors.Is(err, store.ErrNotFound) {
		return 0, false, err
	}
	id, err := im.s.CreateExperiment(ctx, e.Name, e.ArtifactLocation, e.Tags)
	if errors.Is(err, store.ErrExists) { // made meanwhile by another process
		if got, err = im.s.GetExperimentByName(ctx, e.Name); err == nil {
			im.sum.ExperimentsReused++
			return got.ID, false, nil
		}
	}
	if err != nil {
		return 0, false, fmt.Errorf("import experiment %q: %w", e.Name, err)
	}
	im.sum.ExperimentsCreated++
	return id, true, nil
}

var statuses = map[string]string{
	"RUNNING":   store.StatusRunning,
	"SCHEDULED": store.StatusQueued,
	"FINISHED":  store.StatusFinished,
	"FAILED":    store.StatusFailed,
	"KILLED":    store.StatusKilled,
}

// validRunID is what an MLflow run id may look like (MLflow's own are 32 hex digits).
var validRunID = regexp.MustCompile(`^[0-9a-zA-Z_-]{1,64}$`)

// run imports one run: nothing of it stays in the store when it fails.
func (im *importer) run(ctx context.Context, expID int64, expDeleted bool, h runHandle) error {
	if h.ID != "" {
		if _, err := im.s.LookupRun(ctx, strings.ToLower(h.ID)); err == nil {
			im.sum.RunsSkipped++
			return nil
		}
	}
	m, err := im.r.load(ctx, h)
	if err != nil {
		return err
	}
	if !validRunID.MatchString(m.UUID) {
		return fmt.Errorf("run id %q is not an MLflow run id", m.UUID)
	}
	uuid := strings.ToLower(m.UUID)
	if _, err := im.s.LookupRun(ctx, uuid); err == nil {
		im.sum.RunsSkipped++
		return nil
	} else if !errors.Is(err, store.ErrNotFound) {
		return err
	}
	status, ok := statuses[m.Status]
	if !ok {
		return fmt.Errorf("run %s: unknown status %q", m.UUID, m.Status)
	}
	name := m.Name
	if name == "" {
		name = m.Tags["mlflow.runName"]
	}
	r := &store.Run{UUID: uuid, ExperimentID: expID, Name: name, Status: status, Source: "import",
		User: m.User, GitCommit: m.Tags["mlflow.source.git.commit"], GitBranch: m.Tags["mlflow.source.git.branch"],
		ArtifactDir: localPath(m.ArtifactURI)}
	if m.Start > 0 {
		r.Created, r.Started = time.UnixMilli(m.Start), time.UnixMilli(m.Start)
	} else {
		r.Created = im.o.Now()
	}
	if m.End > 0 {
		r.Ended = time.UnixMilli(m.End)
	}
	if err := im.s.CreateRun(ctx, r, m.Params, m.Tags); err != nil {
		return fmt.Errorf("run %s: %w", m.UUID, err)
	}
	deleted := m.Deleted || expDeleted
	points, err := im.points(ctx, h, r.ID)
	if err == nil && deleted {
		err = im.s.DeleteRun(ctx, r.ID)
	}
	if err != nil {
		// Leave nothing half-imported: a later import would skip the run as present.
		if perr := im.s.PurgeRun(context.WithoutCancel(ctx), r.ID); perr != nil {
			err = errors.Join(err, fmt.Errorf("remove the partly imported run: %w", perr))
		}
		return fmt.Errorf("run %s: %w", m.UUID, err)
	}
	im.sum.RunsImported++
	if deleted {
		im.sum.DeletedRuns++
	}
	im.sum.Points += points
	im.sum.Params += int64(len(m.Params))
	im.sum.Tags += int64(len(m.Tags))
	return nil
}

// points streams a run's metrics into the store in batches and returns how many it wrote.
func (im *importer) points(ctx context.Context, h runHandle, runID int64) (int64, error) {
	batch := make([]store.Point, 0, im.o.Batch)
	var n int64
	flush := func() error {
		if len(batch) == 0 {
			return nil
		}
		if err := im.s.WriteMetrics(ctx, batch); err != nil {
			return err
		}
		n += int64(len(batch))
		batch = batch[:0]
		return nil
	}
	err := im.r.metrics(ctx, h, func(p store.Point) error {
		p.RunID = runID
		batch = append(batch, p)
		if len(batch) >= im.o.Batch {
			return flush()
		}
		return nil
	})
	if err != nil {
		return n, err
	}
	return n, flush()
}

// localPath is the local folder an artifact URI names (file:///x or /x), else "".
func localPath(uri string) string {
	if p, ok := strings.CutPrefix(uri, "file://"); ok {
		uri = p
	}
	if filepath.IsAbs(uri) {
		return uri
	}
	return ""
}
