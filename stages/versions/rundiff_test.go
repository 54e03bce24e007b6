package versions

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/mlwb/mlwb/stages/data"
	"github.com/mlwb/mlwb/stages/project"
	"github.com/mlwb/mlwb/store"
)

// openStore opens a real state database in a temp dir.
func openStore(t *testing.T) *store.Store {
	t.Helper()
	s, err := store.Open(filepath.Join(t.TempDir(), "state.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// addRun records a finished run at commit with patch, params and last metric values.
func addRun(t *testing.T, s *store.Store, name, commit, patch string, params map[string]string, metrics map[string]float64) *store.Run {
	t.Helper()
	ctx := context.Background()
	r := &store.Run{UUID: store.NewRunUUID(), Name: name, Status: store.StatusFinished, Command: []string{"python", "train.py"},
		Host: "box", GitCommit: commit, GitPatch: patch, GitDirty: patch != ""}
	if err := s.CreateRun(ctx, r, params, nil); err != nil {
		t.Fatal(err)
	}
	var pts []store.Point
	for k, v := range metrics {
		// An earlier value first, so "last" is really the last one written.
		pts = append(pts, store.Point{RunID: r.ID, Key: k, Step: 0, Time: 1, Value: -7},
			store.Point{RunID: r.ID, Key: k, Step: 1, Time: 2, Value: v})
	}
	if err := s.WriteMetrics(ctx, pts); err != nil {
		t.Fatal(err)
	}
	return r
}

// linkProfile profiles CSV text with the data stage and stores it as a version of dataset "wine"
// used by run.
func linkProfile(t *testing.T, s *store.Store, run *store.Run, csv string) {
	t.Helper()
	ctx := context.Background()
	f := filepath.Join(t.TempDir(), "wine.csv")
	if err := os.WriteFile(f, []byte(csv), 0o644); err != nil {
		t.Fatal(err)
	}
	p, err := data.ProfileFile(ctx, f, data.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if p.Hash, p.Size, err = data.HashFile(ctx, s, f); err != nil {
		t.Fatal(err)
	}
	js, _ := json.Marshal(p)
	id, err := s.UpsertDataset(ctx, store.Dataset{Name: "wine", Path: "wine.csv"})
	if err != nil {
		t.Fatal(err)
	}
	v, err := s.AddDatasetVersion(ctx, store.DatasetVersion{DatasetID: id, ContentHash: p.Hash, Size: p.Size,
		Rows: p.Rows, Columns: len(p.Columns), Profile: string(js), Seen: time.Now()})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.LinkRunDataset(ctx, run.ID, v, "input"); err != nil {
		t.Fatal(err)
	}
}

func TestDiffRuns(t *testing.T) {
	needGit(t)
	dir := cliRepo(t)
	writeBytes(t, dir, "train.py", []byte(lines("t", 20)))
	c1 := commitCLI(t, dir, "first")
	// Run A ran on c1 with an uncommitted edit; run B on c2, which committed a different edit.
	writeBytes(t, dir, "train.py", []byte(lines("t", 20)+"dropout = 0.1\n"))
	patch, err := Patch(context.Background(), dir)
	if err != nil {
		t.Fatal(err)
	}
	writeBytes(t, dir, "train.py", []byte(lines("t", 20)+"dropout = 0.3\nwarmup = 5\n"))
	c2 := commitCLI(t, dir, "second")

	s := openStore(t)
	a := addRun(t, s, "base", c1, patch, map[string]string{"lr": "0.1", "epochs": "10", "seed": "1"},
		map[string]float64{"val_loss": 0.50, "accuracy": 0.80, "only_a": 1})
	b := addRun(t, s, "tuned", c2, "", map[string]string{"lr": "0.3", "epochs": "10", "batch": "64"},
		map[string]float64{"val_loss": 0.40, "accuracy": 0.78, "only_b": math.NaN()})
	linkProfile(t, s, a, "x,y\n1,a\n2,b\n3,a\n")
	linkProfile(t, s, b, "x,y,z\n10,a,1\n20,b,2\n30,a,3\n40,b,4\n")

	ctx := context.Background()
	d, err := DiffRuns(ctx, s, a, b, RunDiffOptions{Root: dir, DiffOptions: DiffOptions{Hunks: true}})
	if err != nil {
		t.Fatal(err)
	}
	// Code: what really ran. A had "dropout = 0.1" (patch), B has "dropout = 0.3" and "warmup".
	if len(d.Files) != 1 || d.Files[0].Added != 2 || d.Files[0].Deleted != 1 {
		t.Fatalf("code diff of the runs: %+v", d.Files)
	}
	// Params: only differing ones, with added/removed.
	got := map[string]string{}
	for _, p := range d.Params {
		got[p.Key] = p.Status
	}
	want := map[string]string{"lr": "changed", "seed": "removed", "batch": "added"}
	if len(got) != len(want) {
		t.Errorf("params %v, want %v", got, want)
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("param %s: %q, want %q", k, got[k], v)
		}
	}
	// Metrics: hand-computed deltas and directions (loss down is better, accuracy up).
	m := map[string]MetricChange{}
	for _, c := range d.Metrics {
		m[c.Key] = c
	}
	if c := m["val_loss"]; c.Delta == nil || math.Abs(*c.Delta-(-0.10)) > 1e-12 || c.Better != "b" ||
		c.Pct == nil || math.Abs(*c.Pct-(-20)) > 1e-9 || c.Direction != "min" {
		t.Errorf("val_loss: %+v", c)
	}
	if c := m["accuracy"]; c.Delta == nil || math.Abs(*c.Delta-(-0.02)) > 1e-12 || c.Better != "a" {
		t.Errorf("accuracy: %+v", c)
	}
	if c := m["only_a"]; c.A == nil || *c.A != 1 || c.B != nil || c.Delta != nil {
		t.Errorf("only_a: %+v", c)
	}
	if c := m["only_b"]; c.B != nil { // NaN is not a number to compare
		t.Errorf("only_b (NaN): %+v", c)
	}
	// Data: the versions differ; the profile diff has the rows and the added column.
	if len(d.Datasets) != 1 || d.Datasets[0].Same || d.Datasets[0].Profile == nil {
		t.Fatalf("datasets: %+v", d.Datasets)
	}
	if p := d.Datasets[0].Profile; p.RowsA != 3 || p.RowsB != 4 || len(p.Added) != 1 || p.Added[0] != "z" {
		t.Errorf("profile diff: rows %d→%d added %v", p.RowsA, p.RowsB, p.Added)
	}
	// The reports carry all of it; the JSON has the documented keys.
	var md bytes.Buffer
	if err := d.Write(&md, true); err != nil {
		t.Fatal(err)
	}
	for _, w := range []string{"## run #1 → run #2", "| `train.py` | modified | 2 | 1 |", "| lr | 0.1 | 0.3 |",
		"| val_loss | 0.5 | 0.4 | -0.1 better | -20.0% |", "rows 3 → 4", "+columns z"} {
		if !strings.Contains(md.String(), w) {
			t.Errorf("markdown lacks %q:\n%s", w, md.String())
		}
	}
	js, _ := json.Marshal(d)
	var shape map[string]any
	json.Unmarshal(js, &shape)
	for _, k := range []string{"files", "params", "metrics", "datasets", "env"} {
		if _, ok := shape[k]; !ok {
			t.Errorf("JSON lacks %q: %s", k, js)
		}
	}

	// History rewritten: run A's commit is gone. Params and metrics are still compared.
	gone := *a
	gone.GitCommit = strings.Repeat("cd", 20)
	d, err = DiffRuns(ctx, s, &gone, b, RunDiffOptions{Root: dir})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(d.CodeNote, "not in the repository") || len(d.Params) != 3 {
		t.Errorf("missing commit: note %q, params %d", d.CodeNote, len(d.Params))
	}
}

func TestCompareRuns(t *testing.T) {
	s := openStore(t)
	r1 := addRun(t, s, "a", "", "", map[string]string{"lr": "0.1", "seed": "1"}, map[string]float64{"loss": 0.5, "acc": 0.7})
	r2 := addRun(t, s, "b", "", "", map[string]string{"lr": "0.3", "seed": "1"}, map[string]float64{"loss": 0.3, "acc": 0.9})
	r3 := addRun(t, s, "c", "", "", map[string]string{"lr": "1.0", "seed": "1"}, map[string]float64{"loss": math.NaN(), "acc": 0.8})
	c, err := CompareRuns(context.Background(), s, []*store.Run{r1, r2, r3}, CompareOptions{SortBy: "acc"})
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Params) != 1 || c.Params[0].Key != "lr" {
		t.Errorf("differing params: %+v", c.Params)
	}
	if c.Runs[0].ID != r2.ID || c.Runs[1].ID != r3.ID || c.Runs[2].ID != r1.ID {
		t.Errorf("sorted by acc: %+v", c.Runs)
	}
	for _, m := range c.Metrics {
		best := c.Runs[m.Best].ID
		if best != r2.ID { // r2 is best on both: highest acc, lowest loss (NaN skipped)
			t.Errorf("%s: best run #%d, want #%d", m.Key, best, r2.ID)
		}
	}
	all, _ := CompareRuns(context.Background(), s, []*store.Run{r1, r2, r3}, CompareOptions{AllParams: true})
	if len(all.Params) != 2 {
		t.Errorf("all params: %+v", all.Params)
	}
	var text bytes.Buffer
	c.Write(&text, false)
	if !strings.Contains(text.String(), "0.9 *") {
		t.Errorf("best not starred:\n%s", text.String())
	}
	// A tie: both runs that reach the best value are starred.
	r4 := addRun(t, s, "d", "", "", map[string]string{"lr": "0.5", "seed": "1"}, map[string]float64{"loss": 0.4, "acc": 0.9})
	tied, err := CompareRuns(context.Background(), s, []*store.Run{r1, r2, r4}, CompareOptions{})
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range tied.Metrics {
		if m.Key == "acc" && (!m.IsBest(1) || !m.IsBest(2) || m.IsBest(0)) {
			t.Errorf("acc tie: best %v %v %v", m.IsBest(0), m.IsBest(1), m.IsBest(2))
		}
	}
	text.Reset()
	tied.Write(&text, false)
	if strings.Count(text.String(), "0.9 *") != 2 {
		t.Errorf("tied bests not both starred:\n%s", text.String())
	}
	_ = project.DirectionMin
}

func TestParamHistoryAndFileLog(t *testing.T) {
	needGit(t)
	dir := cliRepo(t)
	step := func(yaml, msg, author string) string {
		writeBytes(t, dir, "params.yaml", []byte(yaml))
		writeBytes(t, dir, "notes.txt", []byte(msg))
		gitRun(t, dir, "add", "-A")
		gitRun(t, dir, "-c", "user.name="+author, "-c", "user.email=x@example.com", "commit", "-q", "--author", author+" <x@example.com>", "-m", msg)
		return strings.TrimSpace(gitRun(t, dir, "rev-parse", "HEAD"))
	}
	c1 := step("train:\n  lr: 0.1\n  epochs: 5\n", "one", "Ann")
	c2 := step("train:\n  lr: 0.1\n  epochs: 9\n", "two", "Bob") // lr unchanged
	c3 := step("train:\n  lr: 0.03\n  epochs: 9\n", "three", "Cid")
	writeBytes(t, dir, "other.txt", []byte("x"))
	c4 := commitCLI(t, dir, "four: params.yaml untouched")
	hist, err := ParamHistory(dir, "params.yaml", "train.lr", 10)
	if err != nil {
		t.Fatal(err)
	}
	if len(hist) != 2 || hist[0].Commit.Hash != c3 || hist[0].Value != "0.03" || hist[0].Old != "0.1" ||
		hist[0].Commit.Author != "Cid" || hist[1].Commit.Hash != c1 || hist[1].Value != "0.1" || hist[1].Old != "" {
		t.Errorf("lr history: %+v", hist)
	}
	// The commits on each value: 0.03 from c3 to HEAD (c4), 0.1 from c1 through c2 (where the
	// file changed but lr did not).
	if len(hist) == 2 && (!slices.Equal(hist[0].Commits, []string{c4, c3}) || !slices.Equal(hist[1].Commits, []string{c2, c1})) {
		t.Errorf("spans: 0.03 on %v, want [c4 c3]; 0.1 on %v, want [c2 c1]", hist[0].Commits, hist[1].Commits)
	}
	cancelled, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := ParamHistoryContext(cancelled, dir, "params.yaml", "train.lr", 10); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled param history: %v", err)
	}
	if _, err := FileLogContext(cancelled, dir, "params.yaml", 10); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled file log: %v", err)
	}
	log, err := FileLog(dir, "params.yaml", 10)
	if err != nil {
		t.Fatal(err)
	}
	if len(log) != 3 {
		t.Errorf("params.yaml changed in 3 commits, FileLog says %d", len(log))
	}
	writeBytes(t, dir, "params.yaml", []byte("train: [unclosed\n"))
	commitCLI(t, dir, "broken yaml")
	if _, err := ParamHistory(dir, "params.yaml", "train.lr", 10); err == nil || !strings.Contains(err.Error(), "params.yaml at") {
		t.Errorf("broken YAML: %v", err)
	}
}

func TestCheckoutRun(t *testing.T) {
	needGit(t)
	dir := cliRepo(t)
	writeBytes(t, dir, "train.py", []byte("lr = 0.1\n"))
	c1 := commitCLI(t, dir, "first")
	writeBytes(t, dir, "train.py", []byte("lr = 0.7\n"))
	patch, err := Patch(context.Background(), dir)
	if err != nil {
		t.Fatal(err)
	}
	writeBytes(t, dir, "train.py", []byte("lr = 0.9\n"))
	commitCLI(t, dir, "second")
	dst := filepath.Join(t.TempDir(), "run-1")
	if err := Checkout(context.Background(), dir, Snapshot{Label: "run #1", Commit: c1, Patch: patch}, dst); err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile(filepath.Join(dst, "train.py"))
	if err != nil || string(got) != "lr = 0.7\n" {
		t.Errorf("restored train.py = %q, %v; want the run's edited code", got, err)
	}
	if cur, _ := os.ReadFile(filepath.Join(dir, "train.py")); string(cur) != "lr = 0.9\n" {
		t.Errorf("the user's worktree changed: %q", cur)
	}
	if err := Checkout(context.Background(), dir, Snapshot{Label: "run #1", Commit: c1}, dst); err == nil {
		t.Error("checkout into a non-empty directory: no error")
	}
}
