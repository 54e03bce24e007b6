package runs

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/mlwb/mlwb/stages/project"
	"github.com/mlwb/mlwb/store"
)

// The test binary plays mlwb's parts in child processes, chosen by MLWB_TEST_ROLE:
//   - supervise: `mlwb supervise --db DB ID`, as Launch starts it;
//   - follow: launch a run and follow it, as `mlwb run` does (to be killed or hung up on);
//   - spew: a training script printing metric lines as fast as it can.
const roleEnv = "MLWB_TEST_ROLE"

func TestMain(m *testing.M) {
	switch os.Getenv(roleEnv) {
	case "supervise":
		os.Exit(superviseRole(os.Args[1:]))
	case "follow":
		os.Exit(followRole(os.Args[1:]))
	case "spew":
		os.Exit(spewRole(os.Args[1:]))
	case "mlflowclient":
		os.Exit(mlflowClientRole(os.Args[1:]))
	case "hog":
		os.Exit(hogRole())
	}
	os.Exit(m.Run())
}

func superviseRole(args []string) int {
	// args: supervise --db DB ID
	if len(args) != 4 || args[0] != "supervise" {
		fmt.Fprintln(os.Stderr, "bad supervise args", args)
		return 2
	}
	s, err := store.Open(args[2])
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer s.Close()
	id, _ := strconv.ParseInt(args[3], 10, 64)
	if err := SuperviseProcess(context.Background(), s, id, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	return 0
}

// followRole launches the command in args[1:] in the project at args[0], prints the run id, and
// follows it.
func followRole(args []string) int {
	p, err := project.Discover(args[0])
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	s, err := store.Open(p.DefaultDBPath())
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer s.Close()
	os.Setenv(roleEnv, "supervise") // for the supervisor Launch starts
	r, err := Launch(context.Background(), supervisedBy(p, s, args[1:]))
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	fmt.Println(r.ID)
	if _, err := Follow(context.Background(), s, r.ID, os.Stderr); err != nil {
		return 1
	}
	return 0
}

// spewRole prints args[0] lines of three metrics each to stdout, as fast as it can.
func spewRole(args []string) int {
	n, _ := strconv.Atoi(args[0])
	w := make([]byte, 0, 1<<20)
	out := os.Stdout
	for i := 0; i < n; i++ {
		w = fmt.Appendf(w, "step=%d loss=%.6f acc=%.6f lr=0.001\n", i, 1/float64(i+1), float64(i)/float64(n))
		if len(w) > 1<<20-128 {
			out.Write(w)
			w = w[:0]
		}
	}
	out.Write(w)
	return 0
}

// newProject makes a project directory (not a git repository) with its store.
func newProject(t testing.TB) (*project.Project, *store.Store) {
	t.Helper()
	return projectAt(t, t.TempDir())
}

// projectAt is the project at dir with its state directory and store (closed at the end).
func projectAt(t testing.TB, dir string) (*project.Project, *store.Store) {
	t.Helper()
	p, err := project.Discover(dir)
	if err != nil {
		t.Fatal(err)
	}
	if err := p.EnsureStateDir(); err != nil {
		t.Fatal(err)
	}
	s, err := store.Open(p.DefaultDBPath())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return p, s
}

// supervisedBy is the launch options that make the test binary the supervisor.
func supervisedBy(p *project.Project, s *store.Store, argv []string) LaunchOptions {
	return LaunchOptions{Store: s, Project: p, Exe: os.Args[0], Command: argv}
}

// launch starts argv as a run supervised by a child copy of this test binary.
func launch(t testing.TB, p *project.Project, s *store.Store, o LaunchOptions) *store.Run {
	t.Helper()
	if o.Store == nil {
		o.Store, o.Project, o.Exe = s, p, os.Args[0]
	}
	t.Setenv(roleEnv, "supervise")
	r, err := Launch(context.Background(), o)
	os.Unsetenv(roleEnv)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// waitEnd waits for the run to end and returns it as recorded.
func waitEnd(t testing.TB, s *store.Store, id int64, within time.Duration) *store.Run {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), within)
	defer cancel()
	var sb strings.Builder
	r, err := Follow(ctx, s, id, &sb)
	if err != nil {
		t.Fatalf("run %d did not end within %s: %v (status %v)", id, within, err, r)
	}
	return r
}

func TestRunFinishesWithLogMetricsAndEnv(t *testing.T) {
	p, s := newProject(t)
	script := `echo "lr is [$MLWB_PARAM_LR] arg [$1]"; echo "epoch=1 loss=0.5"; echo "warn" >&2; ` +
		`echo '{"epoch": 2, "loss": 0.25}'; echo "Downloading 50%"; printf "epoch=3 loss=0.125"`
	r := launch(t, p, s, LaunchOptions{Name: "ok", Command: []string{"sh", "-c", script, "x", "1; rm -rf ~"},
		Params: map[string]string{"lr": "1; rm -rf ~"}})
	r = waitEnd(t, s, r.ID, 60*time.Second)
	if r.Status != store.StatusFinished || r.ExitCode == nil || *r.ExitCode != 0 {
		t.Fatalf("run ended %s %v, note %q", r.Status, r.ExitCode, r.Note)
	}
	if r.PID == 0 || r.SupervisorPID == 0 || r.Started.IsZero() || r.Ended.Before(r.Started) {
		t.Fatalf("process facts not recorded: %+v", r)
	}
	log, err := os.ReadFile(r.LogPath)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"lr is [1; rm -rf ~] arg [1; rm -rf ~]\n", "warn\n", "Downloading 50%\n", "epoch=3 loss=0.125"} {
		if !strings.Contains(string(log), want) {
			t.Errorf("log lacks %q:\n%s", want, log)
		}
	}
	h, err := s.History(context.Background(), r.ID, "loss")
	if err != nil {
		t.Fatal(err)
	}
	if len(h) != 3 || h[0].Value != 0.5 || h[1].Step != 2 || h[2].Value != 0.125 || h[2].Step != 3 {
		t.Fatalf("loss history %+v", h)
	}
	keys, _ := s.Summaries(context.Background(), []int64{r.ID})
	for _, sm := range keys[r.ID] {
		if strings.Contains(sm.Key, "Downloading") {
			t.Fatalf("a progress line became metric %q", sm.Key)
		}
	}
}

func TestFailedAndUnstartableRuns(t *testing.T) {
	p, s := newProject(t)
	r := launch(t, p, s, LaunchOptions{Command: []string{"sh", "-c", "exit 3"}})
	if r = waitEnd(t, s, r.ID, 60*time.Second); r.Status != store.StatusFailed || *r.ExitCode != 3 {
		t.Fatalf("exit 3 recorded as %s %v", r.Status, r.ExitCode)
	}
	r = launch(t, p, s, LaunchOptions{Command: []string{"/no/such/trainer"}})
	if r = waitEnd(t, s, r.ID, 60*time.Second); r.Status != store.StatusFailed || *r.ExitCode != 127 ||
		!strings.Contains(r.Note, "/no/such/trainer") {
		t.Fatalf("missing command recorded as %s %v %q", r.Status, r.ExitCode, r.Note)
	}
}

// TestStopEndsTheWholeProcessGroup: a stopped run ends as killed, and so does a child it forked.
func TestStopEndsTheWholeProcessGroup(t *testing.T) {
	p, s := newProject(t)
	pidFile := filepath.Join(t.TempDir(), "pid")
	r := launch(t, p, s, LaunchOptions{Command: []string{"sh", "-c",
		"sleep 1000 & echo $! > " + pidFile + "; echo started; wait"}})
	r = waitRunning(t, s, r.ID)
	waitFile(t, pidFile)
	r, err := Stop(context.Background(), s, r, 30*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	if r.Status != store.StatusKilled {
		t.Fatalf("stopped run is %s", r.Status)
	}
	b, _ := os.ReadFile(pidFile)
	child, _ := strconv.Atoi(strings.TrimSpace(string(b)))
	deadline := time.Now().Add(10 * time.Second)
	for syscall.Kill(child, 0) == nil {
		if time.Now().After(deadline) {
			t.Fatalf("the run's background child %d outlived the stop", child)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// TestSupervisorKilledRunIsLost: kill -9 of the supervisor mid-run; any reader then finds the run
// lost, and the metrics it flushed before dying are kept.
func TestSupervisorKilledRunIsLost(t *testing.T) {
	p, s := newProject(t)
	r := launch(t, p, s, LaunchOptions{Command: []string{"sh", "-c",
		"i=0; while true; do i=$((i+1)); echo step=$i loss=1; sleep 0.05; done"}})
	r = waitRunning(t, s, r.ID)
	waitPoints(t, s, r.ID, "loss", 5)
	defer syscall.Kill(-r.PGID, syscall.SIGKILL)
	if err := syscall.Kill(r.SupervisorPID, syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	for syscall.Kill(r.SupervisorPID, 0) == nil { // until it is reaped by its parent (Launch's Wait)
		time.Sleep(20 * time.Millisecond)
	}
	// Judged against the last heartbeat the supervisor wrote (this box may be slow to get here):
	// a reader that looks while it is fresh leaves the run alone, one that looks once it is stale
	// finds the run lost.
	beat, err := s.GetRun(context.Background(), r.ID)
	if err != nil {
		t.Fatal(err)
	}
	if lost, _ := ReapLost(context.Background(), s, beat.Heartbeat.Add(time.Second)); len(lost) != 0 {
		t.Fatalf("run lost before its heartbeat went stale: %v", lost)
	}
	lost, err := ReapLost(context.Background(), s, beat.Heartbeat.Add(StaleAfter+time.Second))
	if err != nil || len(lost) != 1 || lost[0] != r.ID {
		t.Fatalf("ReapLost = %v, %v", lost, err)
	}
	got, _ := s.GetRun(context.Background(), r.ID)
	if got.Status != store.StatusLost || !strings.Contains(got.Note, "lost") {
		t.Fatalf("run is %s, note %q", got.Status, got.Note)
	}
	if h, _ := s.History(context.Background(), r.ID, "loss"); len(h) < 5 {
		t.Fatalf("metrics before the kill were lost: %d points", len(h))
	}
}

// TestFollowerGoneRunGoesOn: the process that launched and followed the run (mlwb run, the TUI) is
// killed with SIGKILL, or its terminal hangs up; the run goes on and finishes.
func TestFollowerGoneRunGoesOn(t *testing.T) {
	for _, sig := range []syscall.Signal{syscall.SIGKILL, syscall.SIGHUP} {
		t.Run(sig.String(), func(t *testing.T) {
			p, s := newProject(t)
			cmd := exec.Command(os.Args[0], p.Root, "sh", "-c", "sleep 1; echo epoch=1 loss=0.5")
			cmd.Env = append(os.Environ(), roleEnv+"=follow")
			out, err := cmd.StdoutPipe()
			if err != nil {
				t.Fatal(err)
			}
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			var id int64
			if _, err := fmt.Fscan(out, &id); err != nil {
				t.Fatalf("follower printed no run id: %v", err)
			}
			cmd.Process.Signal(sig)
			cmd.Wait()
			r := waitEnd(t, s, id, 60*time.Second)
			if r.Status != store.StatusFinished {
				t.Fatalf("run %s after its follower got %v (note %q)", r.Status, sig, r.Note)
			}
			if h, _ := s.History(context.Background(), id, "loss"); len(h) != 1 {
				t.Fatalf("loss history %v", h)
			}
		})
	}
}

// TestHostileOutput: 100 MB without a newline, binary bytes and a stderr flood are logged whole,
// never block the child, and leave the metric lines around them parsed.
func TestHostileOutput(t *testing.T) {
	if testing.Short() {
		t.Skip("writes 100 MB")
	}
	p, s := newProject(t)
	script := `echo "epoch=1 loss=0.5"; head -c 100000000 /dev/zero | tr '\0' 'a'; echo; ` +
		`head -c 1000000 /dev/urandom; echo; yes err | head -n 200000 >&2; echo "epoch=2 loss=0.25"`
	r := launch(t, p, s, LaunchOptions{Command: []string{"sh", "-c", script}})
	r = waitEnd(t, s, r.ID, 5*time.Minute)
	if r.Status != store.StatusFinished {
		t.Fatalf("run %s, note %q", r.Status, r.Note)
	}
	st, err := os.Stat(r.LogPath)
	if err != nil {
		t.Fatal(err)
	}
	if min := int64(100_000_000 + 1_000_000 + 200_000*4); st.Size() < min {
		t.Fatalf("log has %d bytes, want at least %d", st.Size(), min)
	}
	h, _ := s.History(context.Background(), r.ID, "loss")
	if len(h) != 2 || h[1].Value != 0.25 || h[1].Step != 2 {
		t.Fatalf("loss history around the flood: %+v", h)
	}
}

// TestLogDiskFull: the log cannot be written (ENOSPC from /dev/full); the run still runs, its
// metrics are stored and the note says what happened.
func TestLogDiskFull(t *testing.T) {
	if _, err := os.Stat("/dev/full"); err != nil {
		t.Skip("no /dev/full on this system")
	}
	_, s := newProject(t)
	r := &store.Run{Status: store.StatusQueued, Command: []string{"sh", "-c", "echo epoch=1 loss=0.5; echo epoch=2 loss=0.4"},
		Workdir: t.TempDir(), LogPath: "/dev/full"}
	if err := s.CreateRun(context.Background(), r, nil, nil); err != nil {
		t.Fatal(err)
	}
	got, err := Supervise(context.Background(), SuperviseOptions{Store: s, RunID: r.ID})
	if err != nil {
		t.Fatal(err)
	}
	if got.Status != store.StatusFinished || !strings.Contains(got.Note, "no space left on device") {
		t.Fatalf("run %s, note %q", got.Status, got.Note)
	}
	if h, _ := s.History(context.Background(), r.ID, "loss"); len(h) != 2 {
		t.Fatalf("loss history %v", h)
	}
}

// TestEightRunsAtOnce: eight runs launched together, each logging 2,000 points, all recorded —
// while a viewer reads the store as the TUI does (its own connection, the runs list, their
// summaries and a chart's history every 50 ms), and never gets an error (a busy database, a
// half-written run).
func TestEightRunsAtOnce(t *testing.T) {
	p, s := newProject(t)
	viewer, err := store.Open(p.DefaultDBPath())
	if err != nil {
		t.Fatal(err)
	}
	defer viewer.Close()
	stop, viewed := make(chan struct{}), make(chan error, 1)
	go func() {
		ctx := context.Background()
		for {
			runs, err := viewer.ListRuns(ctx, store.RunQuery{})
			if err != nil {
				viewed <- fmt.Errorf("list runs: %w", err)
				return
			}
			ids := make([]int64, len(runs))
			for i, r := range runs {
				ids[i] = r.ID
			}
			if _, err := viewer.Summaries(ctx, ids); err != nil {
				viewed <- fmt.Errorf("summaries: %w", err)
				return
			}
			if len(ids) > 0 {
				if _, err := viewer.History(ctx, ids[0], "loss"); err != nil {
					viewed <- fmt.Errorf("history: %w", err)
					return
				}
			}
			select {
			case <-stop:
				viewed <- nil
				return
			case <-time.After(50 * time.Millisecond):
			}
		}
	}()
	var ids []int64
	for i := 0; i < 8; i++ {
		r := launch(t, p, s, LaunchOptions{Name: fmt.Sprint("r", i), Command: []string{"sh", "-c",
			"i=0; while [ $i -lt 1000 ]; do i=$((i+1)); echo step=$i loss=$i; done"}})
		ids = append(ids, r.ID)
	}
	for _, id := range ids {
		r := waitEnd(t, s, id, 3*time.Minute)
		if r.Status != store.StatusFinished {
			t.Fatalf("run %d %s: %q", id, r.Status, r.Note)
		}
		sums, _ := s.Summaries(context.Background(), []int64{id})
		if len(sums[id]) == 0 || sums[id][0].Key != "loss" || sums[id][0].Count != 1000 || sums[id][0].Last != 1000 {
			t.Fatalf("run %d summaries %+v", id, sums[id])
		}
	}
	close(stop)
	if err := <-viewed; err != nil {
		t.Fatalf("the viewer open beside eight runs: %v", err)
	}
}

func waitRunning(t testing.TB, s *store.Store, id int64) *store.Run {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	r, err := WaitStarted(ctx, s, id)
	if err != nil || r.Status != store.StatusRunning {
		t.Fatalf("run %d never ran: %v %v", id, err, r)
	}
	return r
}

func waitFile(t testing.TB, path string) {
	t.Helper()
	for i := 0; i < 1000; i++ {
		if b, err := os.ReadFile(path); err == nil && len(b) > 0 {
			return
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatalf("%s never written", path)
}

func waitPoints(t testing.TB, s *store.Store, id int64, key string, n int) {
	t.Helper()
	for i := 0; i < 1500; i++ {
		if h, _ := s.History(context.Background(), id, key); len(h) >= n {
			return
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatalf("run %d never logged %d %s points", id, n, key)
}
