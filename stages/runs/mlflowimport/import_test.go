package mlflowimport

import (
	"context"
	"database/sql"
	"errors"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mlwb/mlwb/store"
)

// Run ids of the fixtures (MLflow's form: 32 hex digits).
const (
	runA = "a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1" // Default: finished, nested keys, NaN, old step-less file
	runB = "b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2" // cifar: failed, name only in the mlflow.runName tag
	runC = "c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3" // cifar: running, deleted
	runD = "d4d4d4d4d4d4d4d4d4d4d4d4d4d4d4d4" // old-exp (in .trash): killed
	runE = "e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5" // SQLite: finished, NaN
	runF = "f6f6f6f6f6f6f6f6f6f6f6f6f6f6f6f6" // SQLite: killed, deleted
	runG = "0707070707070707070707070707a7a7" // SQLite: scheduled, no metrics
)

func write(t testing.TB, path, content string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

// expMeta is an experiment's meta.yaml as MLflow's FileStore writes it (yaml.safe_dump of
// Experiment's dict, keys sorted).
func expMeta(id, name, stage string) string {
	return "artifact_location: file:///home/u/proj/mlruns/" + id + "\ncreation_time: 1700000000000\n" +
		"experiment_id: '" + id + "'\nlast_update_time: 1700000000000\nlifecycle_stage: " + stage + "\nname: " + name + "\n"
}

// runMetaYAML is a run's meta.yaml as MLflow's FileStore writes it (_make_persisted_run_info_dict).
func runMetaYAML(id, exp, name string, status int, start, end string, stage string) string {
	s := "artifact_uri: file:///home/u/proj/mlruns/" + exp + "/" + id + "/artifacts\nend_time: " + end +
		"\nentry_point_name: ''\nexperiment_id: '" + exp + "'\nlifecycle_stage: " + stage + "\nrun_id: " + id + "\n"
	if name != "" {
		s += "run_name: " + name + "\n"
	}
	return s + "run_uuid: " + id + "\nsource_name: ''\nsource_type: 4\nsource_version: ''\nstart_time: " + start +
		"\nstatus: " + string(rune('0'+status)) + "\ntags: []\nuser_id: alice\n"
}

// fileFixture builds an mlruns folder in MLflow's file-store format and returns its path.
func fileFixture(t testing.TB) string {
	t.Helper()
	root := filepath.Join(t.TempDir(), "mlruns")
	w := func(rel, content string) { write(t, filepath.Join(root, rel), content) }

	w("0/meta.yaml", expMeta("0", "Default", "active"))
	a := "0/" + runA + "/"
	w(a+"meta.yaml", runMetaYAML(runA, "0", "baseline", 3, "1700000000000", "1700000060000", "active"))
	w(a+"metrics/loss", "1700000001000 0.9 0\n1700000002000 0.5 1\n1700000003000 nan 2\n")
	w(a+"metrics/val/loss", "1700000001500 1.1 0\n1700000002500 0.7 1\n")
	w(a+"metrics/acc", "1700000001000 0.25\n1700000002000 0.75\n") // MLflow < 1.0: no step
	w(a+"params/lr", "0.01")
	w(a+"params/model/depth", "3")
	w(a+"tags/mlflow.runName", "baseline")
	w(a+"tags/mlflow.source.git.commit", "4c2e7d1f00000000000000000000000000000000")
	w(a+"tags/mlflow.user", "alice")
	w(a+"tags/team", "vision\nsecond line")
	os.MkdirAll(filepath.Join(root, a, "artifacts"), 0o755)

	w("1/meta.yaml", expMeta("1", "cifar", "active"))
	w("1/tags/mlflow.note.content", "ResNet sweeps")
	b := "1/" + runB + "/"
	w(b+"meta.yaml", runMetaYAML(runB, "1", "", 4, "1700000100000", "1700000130000", "active"))
	w(b+"metrics/loss", "1700000101000 2.5 10\n")
	w(b+"params/lr", "10")
	w(b+"tags/mlflow.runName", "from-tag")
	c := "1/" + runC + "/"
	w(c+"meta.yaml", runMetaYAML(runC, "1", "crashed", 1, "1700000200000", "null", "deleted"))
	w(c+"metrics/acc", "1700000201000 -inf 0\n1700000202000 0.5 1\n")
	w("1/datasets/ab12/meta.yaml", "digest: ab12\nname: ds\n") // not a run
	os.MkdirAll(filepath.Join(root, "models"), 0o755)          // the model registry's, not an experiment

	w(".trash/2/meta.yaml", expMeta("2", "old-exp", "deleted"))
	d := ".trash/2/" + runD + "/"
	w(d+"meta.yaml", runMetaYAML(runD, "2", "old", 5, "1600000000000", "1600000001000", "active"))
	w(d+"metrics/x", "1600000000500 1 0\n")
	return root
}

// sqlFixture makes an mlflow.db with MLflow's DDL and returns its path.
func sqlFixture(t testing.TB) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "mlflow.db")
	db, err := sql.Open("sqlite3", path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	ddl, err := os.ReadFile("testdata/mlflow_schema.sql")
	if err != nil {
		t.Fatal(err)
	}
	stmts := []string{string(ddl),
		`INSERT INTO alembic_version VALUES ('1b5f0d9ad7c1')`,
		`INSERT INTO experiments VALUES (0, 'Default', 'mlflow-artifacts:/0', 'active', 1700000000000, 1700000000000)`,
		`INSERT INTO experiments VALUES (1, 'sql-exp', 'mlflow-artifacts:/1', 'active', 1700000000000, 1700000000000)`,
		`INSERT INTO experiment_tags VALUES ('owner', 'bob', 1)`,
		`INSERT INTO runs VALUES ('` + runE + `', 'sql-run', 'LOCAL', '', '', 'bob', 'FINISHED', 1700000300000, 1700000360000, '', 'active', 'mlflow-artifacts:/1/` + runE + `/artifacts', 1, NULL)`,
		`INSERT INTO runs VALUES ('` + runF + `', 'gone', 'LOCAL', '', '', 'bob', 'KILLED', 1700000400000, 1700000401000, '', 'deleted', '', 1, 1700000500000)`,
		`INSERT INTO runs VALUES ('` + runG + `', 'waiting', 'LOCAL', '', '', NULL, 'SCHEDULED', NULL, NULL, '', 'active', '', 0, NULL)`,
		`INSERT INTO metrics VALUES ('loss', 1.5, 1700000301000, '` + runE + `', 0, 0)`,
		`INSERT INTO metrics VALUES ('loss', 0, 1700000303000, '` + runE + `', 2, 1)`,
		`INSERT INTO metrics VALUES ('loss', 0.8, 1700000302000, '` + runE + `', 1, 0)`,
		`INSERT INTO metrics VALUES ('val/acc', 0.5, 1700000301000, '` + runE + `', 0, 0)`,
		`INSERT INTO metrics VALUES ('g', 7, 1700000400500, '` + runF + `', 0, 0)`,
		`INSERT INTO latest_metrics VALUES ('loss', 0, 1700000303000, 2, 1, '` + runE + `')`,
		`INSERT INTO params VALUES ('lr', '0.1', '` + runE + `')`,
		`INSERT INTO params VALUES ('opt', 'adam', '` + runE + `')`,
		`INSERT INTO tags VALUES ('mlflow.runName', 'sql-run', '` + runE + `')`,
		`INSERT INTO tags VALUES ('mlflow.source.git.commit', 'deadbeef', '` + runE + `')`,
		`INSERT INTO tags VALUES ('empty', NULL, '` + runE + `')`,
	}
	for _, s := range stmts {
		if _, err := db.Exec(s); err != nil {
			t.Fatalf("%s: %v", s, err)
		}
	}
	return path
}

func openStore(t testing.TB) *store.Store {
	t.Helper()
	s, err := store.Open(filepath.Join(t.TempDir(), "state.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// wantRun is the hand-written expectation of one imported run.
type wantRun struct {
	uuid, exp, name, status, user, commit string
	start, end                            int64
	deleted                               bool
	params, tags                          map[string]string
	metrics                               map[string][]store.Point // Step, Time, Value
}

func pts(triples ...float64) []store.Point {
	var out []store.Point
	for i := 0; i < len(triples); i += 3 {
		out = append(out, store.Point{Time: int64(triples[i]), Value: triples[i+1], Step: int64(triples[i+2])})
	}
	return out
}

var nan = math.NaN()

var fileWant = []wantRun{
	{uuid: runA, exp: "Default", name: "baseline", status: store.StatusFinished, user: "alice",
		commit: "4c2e7d1f00000000000000000000000000000000", start: 1700000000000, end: 1700000060000,
		params: map[string]string{"lr": "0.01", "model/depth": "3"},
		tags: map[string]string{"mlflow.runName": "baseline", "mlflow.source.git.commit": "4c2e7d1f00000000000000000000000000000000",
			"mlflow.user": "alice", "team": "vision\nsecond line"},
		metrics: map[string][]store.Point{
			"loss":     pts(1700000001000, 0.9, 0, 1700000002000, 0.5, 1, 1700000003000, nan, 2),
			"val/loss": pts(1700000001500, 1.1, 0, 1700000002500, 0.7, 1),
			"acc":      pts(1700000001000, 0.25, 0, 1700000002000, 0.75, 0),
		}},
	{uuid: runB, exp: "cifar", name: "from-tag", status: store.StatusFailed, user: "alice", start: 1700000100000, end: 1700000130000,
		params: map[string]string{"lr": "10"}, tags: map[string]string{"mlflow.runName": "from-tag"},
		metrics: map[string][]store.Point{"loss": pts(1700000101000, 2.5, 10)}},
	{uuid: runC, exp: "cifar", name: "crashed", status: store.StatusRunning, user: "alice", start: 1700000200000, deleted: true,
		params: map[string]string{}, tags: map[string]string{},
		metrics: map[string][]store.Point{"acc": pts(1700000201000, math.Inf(-1), 0, 1700000202000, 0.5, 1)}},
	{uuid: runD, exp: "old-exp", name: "old", status: store.StatusKilled, user: "alice", start: 1600000000000, end: 1600000001000, deleted: true,
		params: map[string]string{}, tags: map[string]string{},
		metrics: map[string][]store.Point{"x": pts(1600000000500, 1, 0)}},
}

var sqlWant = []wantRun{
	{uuid: runE, exp: "sql-exp", name: "sql-run", status: store.StatusFinished, user: "bob", commit: "deadbeef",
		start: 1700000300000, end: 1700000360000,
		params: map[string]string{"lr": "0.1", "opt": "adam"},
		tags:   map[string]string{"mlflow.runName": "sql-run", "mlflow.source.git.commit": "deadbeef", "empty": ""},
		metrics: map[string][]store.Point{
			"loss":    pts(1700000301000, 1.5, 0, 1700000302000, 0.8, 1, 1700000303000, nan, 2),
			"val/acc": pts(1700000301000, 0.5, 0),
		}},
	{uuid: runF, exp: "sql-exp", name: "gone", status: store.StatusKilled, user: "bob", start: 1700000400000, end: 1700000401000,
		deleted: true, params: map[string]string{}, tags: map[string]string{},
		metrics: map[string][]store.Point{"g": pts(1700000400500, 7, 0)}},
	{uuid: runG, exp: "Default", name: "waiting", status: store.StatusQueued, params: map[string]string{}, tags: map[string]string{},
		metrics: map[string][]store.Point{}},
}

func sameFloat(a, b float64) bool { return a == b || (math.IsNaN(a) && math.IsNaN(b)) }

func checkRuns(t *testing.T, s *store.Store, want []wantRun) {
	t.Helper()
	ctx := context.Background()
	for _, w := range want {
		e, err := s.GetRunEntry(ctx, w.uuid)
		if err != nil {
			t.Errorf("run %s: %v", w.uuid, err)
			continue
		}
		exp, err := s.GetExperiment(ctx, e.ExperimentID)
		if err != nil {
			t.Fatal(err)
		}
		r := e.Run
		if exp.Name != w.exp || r.Name != w.name || r.Status != w.status || r.User != w.user || r.GitCommit != w.commit ||
			r.Source != "import" || r.SupervisorPID != 0 {
			t.Errorf("run %s: experiment %q name %q status %q user %q commit %q source %q spid %d, want %q %q %q %q %q import 0",
				w.uuid, exp.Name, r.Name, r.Status, r.User, r.GitCommit, r.Source, r.SupervisorPID, w.exp, w.name, w.status, w.user, w.commit)
		}
		if w.start != 0 && (r.Started.UnixMilli() != w.start || r.Created.UnixMilli() != w.start) {
			t.Errorf("run %s: started %v created %v, want %d", w.uuid, r.Started, r.Created, w.start)
		}
		if got := r.Ended; (w.end == 0) != got.IsZero() || (w.end != 0 && got.UnixMilli() != w.end) {
			t.Errorf("run %s: ended %v, want %d", w.uuid, got, w.end)
		}
		if e.Deleted.IsZero() == w.deleted {
			t.Errorf("run %s: deleted %v, want %v", w.uuid, e.Deleted, w.deleted)
		}
		ps, _ := s.Params(ctx, []int64{r.ID})
		ts, _ := s.Tags(ctx, []int64{r.ID})
		checkKV(t, w.uuid+" params", ps[r.ID], w.params)
		checkKV(t, w.uuid+" tags", ts[r.ID], w.tags)
		sums, _ := s.Summaries(ctx, []int64{r.ID})
		if len(sums[r.ID]) != len(w.metrics) {
			t.Errorf("run %s: %d metric keys, want %d: %+v", w.uuid, len(sums[r.ID]), len(w.metrics), sums[r.ID])
		}
		for key, wp := range w.metrics {
			got, err := s.History(ctx, r.ID, key)
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != len(wp) {
				t.Errorf("run %s %s: %d points, want %d", w.uuid, key, len(got), len(wp))
				continue
			}
			for i := range wp {
				g := got[i]
				if g.Step != wp[i].Step || g.Time != wp[i].Time || !sameFloat(g.Value, wp[i].Value) {
					t.Errorf("run %s %s[%d] = step %d time %d value %v, want %d %d %v", w.uuid, key, i,
						g.Step, g.Time, g.Value, wp[i].Step, wp[i].Time, wp[i].Value)
				}
			}
		}
	}
}

func checkKV(t *testing.T, what string, got, want map[string]string) {
	t.Helper()
	if len(got) != len(want) {
		t.Errorf("%s: %v, want %v", what, got, want)
		return
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s: %q = %q, want %q", what, k, got[k], v)
		}
	}
}

func TestImportFileStore(t *testing.T) {
	s := openStore(t)
	ctx := context.Background()
	root := fileFixture(t)
	sum, err := Import(ctx, s, filepath.Dir(root), Options{Batch: 2}) // the folder holding mlruns/; tiny batches
	if err != nil {
		t.Fatalf("import: %v", err)
	}
	if sum.Kind != KindFile || sum.Source != root {
		t.Errorf("kind %q source %q", sum.Kind, sum.Source)
	}
	if sum.ExperimentsCreated != 2 || sum.ExperimentsReused != 1 || sum.RunsImported != 4 || sum.RunsSkipped != 0 ||
		sum.RunsFailed != 0 || sum.DeletedRuns != 2 || sum.Points != 11 || sum.Params != 3 || sum.Tags != 5 {
		t.Errorf("summary %+v", sum)
	}
	checkRuns(t, s, fileWant)
	exp, err := s.GetExperimentByName(ctx, "cifar")
	if err != nil || exp.Tags["mlflow.note.content"] != "ResNet sweeps" || exp.LifecycleStage != "active" {
		t.Errorf("cifar: %+v %v", exp, err)
	}
	if old, err := s.GetExperimentByName(ctx, "old-exp"); err != nil || old.LifecycleStage != "deleted" {
		t.Errorf("old-exp: %+v %v", old, err)
	}

	// Again: nothing new, nothing doubled.
	sum, err = Import(ctx, s, root, Options{})
	if err != nil {
		t.Fatalf("second import: %v", err)
	}
	if sum.RunsImported != 0 || sum.RunsSkipped != 4 || sum.ExperimentsCreated != 0 || sum.ExperimentsReused != 3 || sum.Points != 0 {
		t.Errorf("second summary %+v", sum)
	}
	checkRuns(t, s, fileWant)
	if n, _ := s.CountRuns(ctx); n[store.StatusFinished]+n[store.StatusFailed] != 2 { // C and D are deleted
		t.Errorf("run counts %v", n)
	}
}

func TestImportSQLite(t *testing.T) {
	s := openStore(t)
	ctx := context.Background()
	db := sqlFixture(t)
	before, _ := os.ReadFile(db)
	for _, path := range []string{"sqlite:///" + db, filepath.Dir(db)} {
		sum, err := Import(ctx, s, path, Options{})
		if err != nil {
			t.Fatalf("import %s: %v", path, err)
		}
		if sum.Kind != KindSQLite || sum.Source != db {
			t.Errorf("kind %q source %q", sum.Kind, sum.Source)
		}
		if path == filepath.Dir(db) { // the second time
			if sum.RunsImported != 0 || sum.RunsSkipped != 3 {
				t.Errorf("second summary %+v", sum)
			}
			continue
		}
		if sum.ExperimentsCreated != 1 || sum.ExperimentsReused != 1 || sum.RunsImported != 3 || sum.DeletedRuns != 1 ||
			sum.Points != 5 || sum.Params != 2 || sum.Tags != 3 {
			t.Errorf("summary %+v", sum)
		}
	}
	checkRuns(t, s, sqlWant)
	if exp, err := s.GetExperimentByName(ctx, "sql-exp"); err != nil || exp.Tags["owner"] != "bob" {
		t.Errorf("sql-exp: %+v %v", exp, err)
	}
	after, _ := os.ReadFile(db)
	if string(before) != string(after) {
		t.Error("the MLflow database changed")
	}
	if _, err := os.Stat(db + "-wal"); err == nil {
		t.Error("the import left a -wal file beside the MLflow database")
	}
}

func TestImportBadRunsFailAlone(t *testing.T) {
	ctx := context.Background()
	const bad = "ba0ba0ba0ba0ba0ba0ba0ba0ba0ba0ba"
	long := strings.Repeat("1", maxLine+10)
	for _, c := range []struct {
		name, file, content string
		want                []string // in the error
		wantMetricLine      bool
	}{
		{"bad metric line", "metrics/loss", "1700000001000 0.5 0\n1700000002000 0.4 1\nnot a metric\n",
			[]string{filepath.Join(bad, "metrics", "loss") + ":3:"}, true},
		{"bad step", "metrics/val/acc", "1 0.5 0\n2 0.4 1.5\n", []string{filepath.Join("metrics", "val", "acc") + ":2:", "step"}, true},
		{"four fields", "metrics/loss", "1 2 3 4\n", []string{"loss:1:", "more than 3"}, true},
		{"binary metrics", "metrics/loss", "1 2 3\n\x00\xff\xfe garbage\n", []string{"loss:2:"}, true},
		{"long line", "metrics/loss", "1 2 3\n" + long + "\n", []string{"loss:2:", "longer than"}, false},
		{"malformed meta", "meta.yaml", "run_id: [" + bad + "\nstatus: 3\n", []string{filepath.Join(bad, "meta.yaml"), "line"}, false},
		{"binary meta", "meta.yaml", "\xff\xfe\x00\x01garbage", []string{"meta.yaml", "not UTF-8"}, false},
		{"bad status", "meta.yaml", "run_id: " + bad + "\nstatus: 9\n", []string{"meta.yaml", `status "9"`}, false},
		{"binary param", "params/lr", "\xff\xfe", []string{filepath.Join("params", "lr"), "not UTF-8"}, false},
	} {
		t.Run(c.name, func(t *testing.T) {
			s := openStore(t)
			root := fileFixture(t)
			dir := filepath.Join(root, "1", bad)
			write(t, filepath.Join(dir, "meta.yaml"), runMetaYAML(bad, "1", "bad", 3, "1700000000000", "1700000001000", "active"))
			write(t, filepath.Join(dir, "metrics", "ok"), "1 1 0\n2 2 1\n3 3 2\n") // written before the bad file is read
			write(t, filepath.Join(dir, c.file), c.content)
			sum, err := Import(ctx, s, root, Options{Batch: 2})
			if err == nil {
				t.Fatal("no error")
			}
			for _, w := range c.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not contain %q", err, w)
				}
			}
			if c.wantMetricLine && !errors.Is(err, ErrMetricLine) {
				t.Errorf("error %v does not wrap ErrMetricLine", err)
			}
			if sum.RunsFailed != 1 || sum.RunsImported != 4 || len(sum.Failures) != 1 || sum.Failures[0].Run != bad {
				t.Errorf("summary %+v", sum)
			}
			if _, err := s.LookupRun(ctx, bad); !errors.Is(err, store.ErrNotFound) {
				t.Errorf("the bad run is in the store: %v", err)
			}
			checkRuns(t, s, fileWant)

			// Fixed, it imports; the others are skipped.
			os.RemoveAll(dir)
			write(t, filepath.Join(dir, "meta.yaml"), runMetaYAML(bad, "1", "bad", 3, "1700000000000", "1700000001000", "active"))
			write(t, filepath.Join(dir, "metrics", "ok"), "1 1 0\n")
			sum, err = Import(ctx, s, root, Options{})
			if err != nil || sum.RunsImported != 1 || sum.RunsSkipped != 4 {
				t.Fatalf("after the fix: %+v %v", sum, err)
			}
		})
	}
}

func TestImportMissingMeta(t *testing.T) {
	s := openStore(t)
	root := fileFixture(t)
	const lost = "0e0e0e0e0e0e0e0e0e0e0e0e0e0e0e0e"
	write(t, filepath.Join(root, "1", lost, "metrics", "loss"), "1 1 0\n")
	write(t, filepath.Join(root, "7", "x"), "an experiment folder without meta.yaml")
	sum, err := Import(context.Background(), s, root, Options{})
	if err == nil || !strings.Contains(err.Error(), filepath.Join(lost, "meta.yaml")) ||
		!strings.Contains(err.Error(), filepath.Join(root, "7")) || !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("error %v", err)
	}
	if sum.RunsFailed != 1 || sum.RunsImported != 4 || len(sum.Failures) != 2 {
		t.Errorf("summary %+v", sum)
	}
}

func TestResolve(t *testing.T) {
	root := fileFixture(t)
	db := sqlFixture(t)
	for _, c := range []struct{ in, kind, out string }{
		{root, KindFile, root},
		{filepath.Dir(root), KindFile, root},
		{db, KindSQLite, db},
		{"sqlite:///" + db, KindSQLite, db},
		{filepath.Dir(db), KindSQLite, db},
	} {
		kind, out, err := Resolve(c.in)
		if err != nil || kind != c.kind || out != c.out {
			t.Errorf("Resolve(%q) = %q %q %v, want %q %q", c.in, kind, out, err, c.kind, c.out)
		}
	}
	notDB := filepath.Join(t.TempDir(), "x.db")
	write(t, notDB, "hello")
	for _, in := range []string{t.TempDir(), notDB, filepath.Join(root, "nope"), "http://localhost:5000", "sqlite:///"} {
		if _, _, err := Resolve(in); err == nil {
			t.Errorf("Resolve(%q): no error", in)
		}
	}
	// Our own state database is SQLite but not MLflow's.
	s := openStore(t)
	if _, err := Import(context.Background(), s, s.Path(), Options{}); err == nil || !strings.Contains(err.Error(), "not an MLflow") {
		t.Errorf("importing an mlwb database: %v", err)
	}
}

func TestParseMetricLine(t *testing.T) {
	for _, c := range []struct {
		in        string
		ts, step  int64
		v         float64
		wantError bool
	}{
		{"1700000000000 0.5 3", 1700000000000, 3, 0.5, false},
		{"1700000000000 0.5", 1700000000000, 0, 0.5, false},
		{"1 nan 0", 1, 0, nan, false},
		{"1 NaN 0", 1, 0, nan, false},
		{"1 inf -2", 1, -2, math.Inf(1), false},
		{"1 -inf 0", 1, 0, math.Inf(-1), false},
		{"1 1e400 0", 1, 0, math.Inf(1), false},
		{"  1 2 3  \r", 1, 3, 2, false},
		{"1", 0, 0, 0, true},
		{"", 0, 0, 0, true},
		{"1 2 3 4", 0, 0, 0, true},
		{"1.5 2 3", 0, 0, 0, true},
		{"1 x 3", 0, 0, 0, true},
		{"1 0x10 3", 0, 0, 0, true},
		{"1 1_0 3", 0, 0, 0, true},
		{"1 2 3.0", 0, 0, 0, true},
	} {
		ts, v, step, err := ParseMetricLine([]byte(c.in))
		if c.wantError {
			if err == nil || !errors.Is(err, ErrMetricLine) {
				t.Errorf("%q: err %v", c.in, err)
			}
			continue
		}
		if err != nil || ts != c.ts || step != c.step || !sameFloat(v, c.v) {
			t.Errorf("%q = %d %v %d %v, want %d %v %d", c.in, ts, v, step, err, c.ts, c.v, c.step)
		}
	}
}

func TestParseRunMetaForms(t *testing.T) {
	// A status name (not MLflow's number), a numeric-looking id and no run_id (old files).
	r, err := parseRunMeta("meta.yaml", []byte("run_uuid: 12345678901234567890123456789012\nstatus: FINISHED\nstart_time: 5\nend_time: null\n"), "x")
	if err != nil || r.UUID != "12345678901234567890123456789012" || r.Status != "FINISHED" || r.Start != 5 || r.End != 0 {
		t.Fatalf("%+v %v", r, err)
	}
	if _, err := parseRunMeta("m.yaml", []byte("status: 3\nstart_time: soon\n"), "x"); err == nil || !strings.Contains(err.Error(), "m.yaml") {
		t.Errorf("bad start_time: %v", err)
	}
	if _, err := parseRunMeta("m.yaml", []byte("run_id: a\nrun_uuid: b\nstatus: 3\n"), "x"); err == nil {
		t.Error("differing ids accepted")
	}
	if _, err := parseRunMeta("m.yaml", []byte("run_id: ../../etc\nstatus: 3\n"), "x"); err == nil {
		t.Error("a path as run id accepted")
	}
}
