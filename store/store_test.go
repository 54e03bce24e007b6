package store

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func openTemp(t testing.TB) *Store {
	t.Helper()
	s, err := Open(filepath.Join(t.TempDir(), "state.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func userVersion(t *testing.T, path string) int {
	t.Helper()
	db, err := sql.Open("sqlite3", dsn(path, true))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var v int
	if err := db.QueryRow("PRAGMA user_version").Scan(&v); err != nil {
		t.Fatal(err)
	}
	return v
}

func TestOpenFreshSetsVersionAndWAL(t *testing.T) {
	s := openTemp(t)
	if v := userVersion(t, s.Path()); v != SchemaVersion() || v < 1 {
		t.Fatalf("user_version = %d, want %d", v, SchemaVersion())
	}
	var mode string
	if err := s.db.QueryRow("PRAGMA journal_mode").Scan(&mode); err != nil || mode != "wal" {
		t.Fatalf("journal_mode = %q (%v), want wal", mode, err)
	}
	var fk int
	if err := s.db.QueryRow("PRAGMA foreign_keys").Scan(&fk); err != nil || fk != 1 {
		t.Fatalf("foreign_keys = %d (%v), want 1", fk, err)
	}
	// Reopening an up-to-date database changes nothing.
	path := s.Path()
	s.Close()
	s2, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	s2.Close()
}

// TestUpgradeFromOlderVersion builds a database at version 0 with a foreign table (as an older
// mlwb with fewer migrations would leave it) and checks Open applies every migration and keeps data.
func TestUpgradeFromOlderVersion(t *testing.T) {
	path := filepath.Join(t.TempDir(), "state.db")
	db, err := sql.Open("sqlite3", dsn(path, false))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec("CREATE TABLE keepme (x INTEGER); INSERT INTO keepme VALUES (42)"); err != nil {
		t.Fatal(err)
	}
	db.Close()
	s, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	var x int
	if err := s.db.QueryRow("SELECT x FROM keepme").Scan(&x); err != nil || x != 42 {
		t.Fatalf("existing data lost: %v %d", err, x)
	}
	if v := userVersion(t, path); v != SchemaVersion() {
		t.Fatalf("user_version = %d, want %d", v, SchemaVersion())
	}
}

func TestRefuseNewerSchemaLeavesFileUntouched(t *testing.T) {
	path := filepath.Join(t.TempDir(), "state.db")
	db, err := sql.Open("sqlite3", "file:"+path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec("CREATE TABLE future (x); PRAGMA user_version = 999"); err != nil {
		t.Fatal(err)
	}
	db.Close()
	before, _ := os.ReadFile(path)
	_, err = Open(path)
	if !errors.Is(err, ErrNewerSchema) {
		t.Fatalf("Open = %v, want ErrNewerSchema", err)
	}
	if !strings.Contains(err.Error(), "999") || !strings.Contains(err.Error(), path) {
		t.Errorf("message should name the file and version: %v", err)
	}
	after, _ := os.ReadFile(path)
	if !bytes.Equal(before, after) {
		t.Fatal("a newer database was modified")
	}
	if _, err := os.Stat(path + "-wal"); err == nil {
		t.Fatal("a WAL file was created next to a newer database")
	}
}

func TestRefuseNonSQLiteAndCorruptFiles(t *testing.T) {
	dir := t.TempDir()
	cases := map[string][]byte{
		"text":      []byte("hello, this is not a database\n"),
		"binary":    bytes.Repeat([]byte{0xff, 0x00, 0x13}, 2000),
		"truncated": []byte("SQLite format 3\x00\x10\x00"),
	}
	// A real database whose pages after the header are overwritten with garbage.
	good := filepath.Join(dir, "good.db")
	s, err := Open(good)
	if err != nil {
		t.Fatal(err)
	}
	s.Close()
	os.Remove(good + "-wal")
	os.Remove(good + "-shm")
	b, _ := os.ReadFile(good)
	for i := 100; i < len(b); i++ {
		b[i] = byte(i * 7)
	}
	cases["corrupt"] = b
	for name, content := range cases {
		t.Run(name, func(t *testing.T) {
			path := filepath.Join(dir, name+".db")
			if err := os.WriteFile(path, content, 0o644); err != nil {
				t.Fatal(err)
			}
			_, err := Open(path)
			if !errors.Is(err, ErrNotDatabase) {
				t.Fatalf("Open = %v, want ErrNotDatabase", err)
			}
			if !strings.Contains(err.Error(), path) {
				t.Errorf("message does not name the file: %v", err)
			}
			after, _ := os.ReadFile(path)
			if !bytes.Equal(content, after) {
				t.Fatal("file was modified")
			}
		})
	}
	if _, err := Open(dir); !errors.Is(err, ErrNotDatabase) {
		t.Fatalf("Open(dir) = %v, want ErrNotDatabase", err)
	}
}

func TestRunLifecycle(t *testing.T) {
	s := openTemp(t)
	ctx := context.Background()
	r := &Run{Name: "baseline", Command: []string{"python", "train.py", "--lr", "0.1"}, GitCommit: "abc123",
		GitDirty: true, GitPatch: "diff --git a/x b/x\n", Started: time.UnixMilli(1_700_000_000_000)}
	if err := s.CreateRun(ctx, r, map[string]string{"lr": "0.1"}, map[string]string{"team": "a"}); err != nil {
		t.Fatal(err)
	}
	if r.ID == 0 || len(r.UUID) != 32 || r.Status != StatusRunning {
		t.Fatalf("created run %+v", r)
	}
	code := 3
	end := time.UnixMilli(1_700_000_060_000)
	if err := s.EndRun(ctx, r.ID, RunEnd{Status: StatusFailed, ExitCode: &code, Ended: end}); err != nil {
		t.Fatal(err)
	}
	got, err := s.GetRun(ctx, r.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.Status != StatusFailed || got.ExitCode == nil || *got.ExitCode != 3 || got.GitPatch != r.GitPatch ||
		!got.GitDirty || strings.Join(got.Command, " ") != "python train.py --lr 0.1" {
		t.Fatalf("got %+v", got)
	}
	if d := got.Duration(time.Now()); d != time.Minute {
		t.Fatalf("duration %v, want 1m", d)
	}
	for _, ref := range []string{r.UUID, r.UUID[:6], "baseline", "1", "#1", "run:baseline", "run:1"} {
		f, err := s.FindRun(ctx, ref)
		if err != nil || f.ID != r.ID {
			t.Fatalf("FindRun(%q) = %v, %v", ref, f, err)
		}
	}
	// A uuid prefix of digits only (CI drew one once: 6% of 6-character prefixes are)
	// finds the run when no run has that number.
	if _, err := s.db.Exec("UPDATE runs SET uuid = '581854' || substr(uuid, 7) WHERE id = ?", r.ID); err != nil {
		t.Fatal(err)
	}
	if f, err := s.FindRun(ctx, "581854"); err != nil || f.ID != r.ID {
		t.Fatalf("FindRun of a digits-only uuid prefix = %v, %v", f, err)
	}
	if _, err := s.FindRun(ctx, "nope"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("FindRun(nope) = %v", err)
	}
	twin := &Run{Name: "baseline"} // a rerun keeps the name: the name no longer says which
	if err := s.CreateRun(ctx, twin, nil, nil); err != nil {
		t.Fatal(err)
	}
	if _, err := s.FindRun(ctx, "baseline"); err == nil || !strings.Contains(err.Error(), fmt.Sprintf("runs %d and %d", r.ID, twin.ID)) {
		t.Fatalf("FindRun of a shared name: %v", err)
	}
	if err := s.EndRun(ctx, 999, RunEnd{Status: StatusKilled}); !errors.Is(err, ErrNotFound) {
		t.Fatalf("EndRun(999) = %v, want ErrNotFound", err)
	}
	p, err := s.Params(ctx, []int64{r.ID})
	if err != nil || p[r.ID]["lr"] != "0.1" {
		t.Fatalf("params %v %v", p, err)
	}
	counts, err := s.CountRuns(ctx)
	if err != nil || counts[StatusFailed] != 1 {
		t.Fatalf("counts %v %v", counts, err)
	}
}

func TestListRunsPagesAndFilters(t *testing.T) {
	s := openTemp(t)
	ctx := context.Background()
	for i := 0; i < 25; i++ {
		st := StatusFinished
		if i%5 == 0 {
			st = StatusFailed
		}
		r := &Run{Name: string(rune('a' + i)), Status: st, Created: time.UnixMilli(int64(1000 + i))}
		if err := s.CreateRun(ctx, r, nil, nil); err != nil {
			t.Fatal(err)
		}
	}
	page, err := s.ListRuns(ctx, RunQuery{Limit: 10, Offset: 10})
	if err != nil || len(page) != 10 || page[0].Name != "o" {
		t.Fatalf("page = %d runs, first %q, %v", len(page), page[0].Name, err)
	}
	failed, err := s.ListRuns(ctx, RunQuery{Statuses: []string{StatusFailed}, OrderBy: "name", Asc: true})
	if err != nil || len(failed) != 5 || failed[0].Name != "a" || failed[4].Name != "u" {
		t.Fatalf("failed = %v, %v", failed, err)
	}
	if _, err := s.ListRuns(ctx, RunQuery{OrderBy: "drop table"}); err == nil {
		t.Fatal("unknown order accepted")
	}
}

// TestMetricSummariesMatchPoints checks the kept-current summaries against an independent
// computation over the points written, across several batches, with NaN and infinities.
func TestMetricSummariesMatchPoints(t *testing.T) {
	s := openTemp(t)
	ctx := context.Background()
	r := &Run{Name: "m"}
	if err := s.CreateRun(ctx, r, nil, nil); err != nil {
		t.Fatal(err)
	}
	batches := [][]float64{{0.9, 0.7, math.NaN()}, {0.5, math.Inf(1)}, {math.NaN()}, {0.6}}
	step := int64(0)
	var all []float64
	for _, b := range batches {
		var pts []Point
		for _, v := range b {
			pts = append(pts, Point{RunID: r.ID, Key: "loss", Step: step, Time: 1000 + step, Value: v})
			all = append(all, v)
			step++
		}
		if err := s.WriteMetrics(ctx, pts); err != nil {
			t.Fatal(err)
		}
	}
	sums, err := s.Summaries(ctx, []int64{r.ID})
	if err != nil || len(sums[r.ID]) != 1 {
		t.Fatalf("summaries %v %v", sums, err)
	}
	got := sums[r.ID][0]
	want := Summary{Key: "loss", Last: 0.6, LastStep: 6, LastTime: 1006, Min: 0.5, Max: math.Inf(1), Count: 7}
	if got != want {
		t.Fatalf("summary %+v, want %+v", got, want)
	}
	hist, err := s.History(ctx, r.ID, "loss")
	if err != nil || len(hist) != len(all) {
		t.Fatalf("history %d points, %v", len(hist), err)
	}
	for i, p := range hist {
		if p.Step != int64(i) || !(p.Value == all[i] || math.IsNaN(p.Value) && math.IsNaN(all[i])) {
			t.Fatalf("point %d = %+v, want %v", i, p, all[i])
		}
	}
	// A run whose only values are NaN has NaN min/max and a NaN last.
	if err := s.WriteMetrics(ctx, []Point{{RunID: r.ID, Key: "nan", Value: math.NaN()}}); err != nil {
		t.Fatal(err)
	}
	sums, _ = s.Summaries(ctx, []int64{r.ID})
	n := sums[r.ID][1]
	if n.Key != "nan" || !math.IsNaN(n.Last) || !math.IsNaN(n.Min) || !math.IsNaN(n.Max) || n.Count != 1 {
		t.Fatalf("nan summary %+v", n)
	}
	if err := s.WriteMetrics(ctx, []Point{{RunID: r.ID, Key: "", Value: 1}}); err == nil {
		t.Fatal("empty key accepted")
	}
}

// TestLargeBatchCrossesInsertChunks writes series longer than one chunk, with a count that is not a
// multiple of it, and reads every point back in order.
func TestLargeBatchCrossesInsertChunks(t *testing.T) {
	s := openTemp(t)
	ctx := context.Background()
	r := &Run{}
	if err := s.CreateRun(ctx, r, nil, nil); err != nil {
		t.Fatal(err)
	}
	n := 2*(maxChunkPoints*2) + 17
	pts := make([]Point, n)
	sum := 0.0
	for i := range pts {
		pts[i] = Point{RunID: r.ID, Key: []string{"a", "b"}[i%2], Step: int64(i / 2), Time: int64(1e12) + int64(i), Value: float64(i)}
		sum += float64(i)
	}
	if err := s.WriteMetrics(ctx, pts); err != nil {
		t.Fatal(err)
	}
	var chunks int
	if err := s.db.QueryRow("SELECT count(*) FROM metric_chunks").Scan(&chunks); err != nil {
		t.Fatal(err)
	}
	if chunks != 6 { // each key: 4096 + 4096 + 8 or 9 points
		t.Fatalf("%d chunks, want 6", chunks)
	}
	count, total := 0, 0.0
	for k, key := range []string{"a", "b"} {
		h, err := s.History(ctx, r.ID, key)
		if err != nil {
			t.Fatal(err)
		}
		for j, p := range h {
			i := 2*j + k
			if p.Step != int64(j) || p.Time != int64(1e12)+int64(i) || p.Value != float64(i) || p.Key != key || p.RunID != r.ID {
				t.Fatalf("%s point %d = %+v", key, j, p)
			}
			total += p.Value
		}
		count += len(h)
	}
	if count != n || total != sum {
		t.Fatalf("read %d points summing %v, want %d summing %v", count, total, n, sum)
	}
}

func TestMetricWriterFlushes(t *testing.T) {
	s := openTemp(t)
	ctx := context.Background()
	r := &Run{}
	if err := s.CreateRun(ctx, r, nil, nil); err != nil {
		t.Fatal(err)
	}
	w := s.NewMetricWriter(10*time.Millisecond, 100)
	for i := 0; i < 1000; i++ {
		w.Add(Point{RunID: r.ID, Key: "x", Step: int64(i), Value: float64(i)})
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	sums, _ := s.Summaries(ctx, []int64{r.ID})
	if got := sums[r.ID][0]; got.Count != 1000 || got.Last != 999 || got.Min != 0 {
		t.Fatalf("summary %+v", got)
	}
}

// TestMetricWriterTimerFlushesAQuietRun: a few points, far below the batch size, are stored
// one period after they arrive, with nothing else happening; later points arm the timer again.
func TestMetricWriterTimerFlushesAQuietRun(t *testing.T) {
	s := openTemp(t)
	ctx := context.Background()
	r := &Run{}
	if err := s.CreateRun(ctx, r, nil, nil); err != nil {
		t.Fatal(err)
	}
	w := s.NewMetricWriter(20*time.Millisecond, 1000)
	defer w.Close()
	for round := int64(1); round <= 2; round++ {
		w.Add(Point{RunID: r.ID, Key: "x", Step: round, Value: float64(round)})
		deadline := time.Now().Add(10 * time.Second)
		for {
			sums, err := s.Summaries(ctx, []int64{r.ID})
			if err != nil {
				t.Fatal(err)
			}
			if len(sums[r.ID]) == 1 && sums[r.ID][0].Count == round {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("round %d: point not flushed by the timer: %+v", round, sums[r.ID])
			}
			time.Sleep(10 * time.Millisecond)
		}
	}
}

func TestUIStateAndDatasets(t *testing.T) {
	s := openTemp(t)
	ctx := context.Background()
	if _, ok, err := s.UIState(ctx, "tab"); ok || err != nil {
		t.Fatalf("unset state: %v %v", ok, err)
	}
	if err := s.SetUIState(ctx, "tab", "runs"); err != nil {
		t.Fatal(err)
	}
	if err := s.SetUIState(ctx, "tab", "diff"); err != nil {
		t.Fatal(err)
	}
	if v, ok, err := s.UIState(ctx, "tab"); v != "diff" || !ok || err != nil {
		t.Fatalf("state = %q %v %v", v, ok, err)
	}
	id, err := s.UpsertDataset(ctx, Dataset{Name: "wine", Path: "data/wine.csv", Target: "cultivar"})
	if err != nil {
		t.Fatal(err)
	}
	id2, err := s.UpsertDataset(ctx, Dataset{Name: "wine", Path: "data/wine2.csv"})
	if err != nil || id2 != id {
		t.Fatalf("upsert gave %d then %d (%v)", id, id2, err)
	}
	v1, err := s.AddDatasetVersion(ctx, DatasetVersion{DatasetID: id, ContentHash: "h1", Size: 10, Rows: 5, Columns: 2, Seen: time.UnixMilli(1)})
	if err != nil {
		t.Fatal(err)
	}
	again, err := s.AddDatasetVersion(ctx, DatasetVersion{DatasetID: id, ContentHash: "h1", Size: 10, Rows: -1, Columns: -1, Profile: `{"rows":5}`})
	if err != nil || again != v1 {
		t.Fatalf("same hash gave a new version %d vs %d (%v)", again, v1, err)
	}
	if _, err := s.AddDatasetVersion(ctx, DatasetVersion{DatasetID: id, ContentHash: "h2", Size: 12, Rows: 6, Columns: 2, Seen: time.UnixMilli(2)}); err != nil {
		t.Fatal(err)
	}
	list, err := s.ListDatasets(ctx)
	if err != nil || len(list) != 1 || list[0].Versions != 2 || list[0].Latest.ContentHash != "h2" || list[0].Path != "data/wine2.csv" {
		t.Fatalf("datasets %+v %v", list, err)
	}
	vs, err := s.DatasetVersions(ctx, id)
	if err != nil || len(vs) != 2 || vs[1].Profile != `{"rows":5}` || vs[1].Rows != 5 {
		t.Fatalf("versions %+v %v", vs, err)
	}
	r := &Run{}
	if err := s.CreateRun(ctx, r, nil, nil); err != nil {
		t.Fatal(err)
	}
	if err := s.LinkRunDataset(ctx, r.ID, v1, "input"); err != nil {
		t.Fatal(err)
	}
	rd, err := s.RunDatasets(ctx, r.ID)
	if err != nil || rd["wine"] == nil || rd["wine"].ContentHash != "h1" {
		t.Fatalf("run datasets %v %v", rd, err)
	}
	if _, ok, _ := s.CachedHash(ctx, "/x", 1, 2); ok {
		t.Fatal("hash cached before set")
	}
	if err := s.SetCachedHash(ctx, "/x", 1, 2, "abc"); err != nil {
		t.Fatal(err)
	}
	if h, ok, _ := s.CachedHash(ctx, "/x", 1, 2); !ok || h != "abc" {
		t.Fatal("cached hash not found")
	}
	if _, ok, _ := s.CachedHash(ctx, "/x", 1, 3); ok {
		t.Fatal("hash found for another mtime")
	}
}
