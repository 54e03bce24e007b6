package store

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"sync"
	"testing"
	"time"
)

// writerEnv makes the test binary act as one writer process of TestManyProcessesWriteAtOnce.
const writerEnv = "MLWB_STORE_TEST_WRITER"

func TestMain(m *testing.M) {
	if spec := os.Getenv(writerEnv); spec != "" {
		os.Exit(writerProcess(spec))
	}
	os.Exit(m.Run())
}

// writerProcess opens the database and writes batches of points to its own run, the way a
// supervisor does; spec is "path|batches|points-per-batch".
func writerProcess(spec string) int {
	var path string
	var batches, per int
	if _, err := fmt.Sscanf(spec, "%s %d %d", &path, &batches, &per); err != nil {
		fmt.Fprintln(os.Stderr, "bad spec:", err)
		return 2
	}
	s, err := Open(path)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer s.Close()
	ctx := context.Background()
	r := &Run{Name: "writer-" + strconv.Itoa(os.Getpid())}
	if err := s.CreateRun(ctx, r, map[string]string{"pid": strconv.Itoa(os.Getpid())}, nil); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	step := int64(0)
	for b := 0; b < batches; b++ {
		pts := make([]Point, per)
		for i := range pts {
			pts[i] = Point{RunID: r.ID, Key: "loss", Step: step, Time: time.Now().UnixMilli(), Value: float64(step)}
			step++
		}
		if err := s.WriteMetrics(ctx, pts); err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 1
		}
		if err := s.Heartbeat(ctx, r.ID, time.Now()); err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 1
		}
	}
	if err := s.EndRun(ctx, r.ID, RunEnd{Status: StatusFinished}); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	return 0
}

// runWriters starts n writer processes on one database and waits for all of them.
func runWriters(tb testing.TB, path string, n, batches, per int) {
	tb.Helper()
	exe, err := os.Executable()
	if err != nil {
		tb.Fatal(err)
	}
	var wg sync.WaitGroup
	errs := make([]error, n)
	outs := make([][]byte, n)
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			cmd := exec.Command(exe, "-test.run=^$")
			cmd.Env = append(os.Environ(), fmt.Sprintf("%s=%s %d %d", writerEnv, path, batches, per))
			outs[i], errs[i] = cmd.CombinedOutput()
		}(i)
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			tb.Fatalf("writer %d: %v\n%s", i, err, outs[i])
		}
	}
}

// TestManyProcessesWriteAtOnce: 8 processes write the same file at once; none may see
// "database is locked", and every point and summary must be there afterwards.
func TestManyProcessesWriteAtOnce(t *testing.T) {
	path := filepath.Join(t.TempDir(), "state.db")
	s, err := Open(path) // created up front, as `mlwb init` would
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	const procs, batches, per = 8, 40, 500
	runWriters(t, path, procs, batches, per)
	ctx := context.Background()
	runs, err := s.ListRuns(ctx, RunQuery{Limit: 100})
	if err != nil || len(runs) != procs {
		t.Fatalf("%d runs, %v", len(runs), err)
	}
	ids := make([]int64, len(runs))
	for i, r := range runs {
		ids[i] = r.ID
		if r.Status != StatusFinished {
			t.Errorf("run %d status %s", r.ID, r.Status)
		}
	}
	sums, err := s.Summaries(ctx, ids)
	if err != nil {
		t.Fatal(err)
	}
	for _, id := range ids {
		got := sums[id]
		if len(got) != 1 || got[0].Count != batches*per || got[0].Max != batches*per-1 || got[0].Min != 0 {
			t.Errorf("run %d summary %+v", id, got)
		}
	}
}
