package runs

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"os/signal"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/mlwb/mlwb/stages/live"
	"github.com/mlwb/mlwb/stages/project"
	"github.com/mlwb/mlwb/store"
)

// SuperviseOptions configures one supervisor.
type SuperviseOptions struct {
	Store *store.Store
	RunID int64
	// Stop asks the supervisor to stop the run (SIGTERM to its process group, SIGKILL after
	// StopGrace); the run then ends as killed.
	Stop <-chan struct{}
	// StopGrace is how long a stopped run has to exit before SIGKILL; 0 is 10 s.
	StopGrace time.Duration
	// HeartbeatEvery is the heartbeat period; 0 is 1 s.
	HeartbeatEvery time.Duration
	// SampleEvery is the system-metrics period; 0 is DefaultSampleEvery, negative turns
	// sampling off.
	SampleEvery time.Duration
	// Env adds variables to the child's environment (the MLflow tracking URI, say).
	Env []string
	// Log receives the supervisor's own messages (its stderr); nil discards them.
	Log io.Writer
}

// drainGrace is how long the pipes may stay open after the command exits (a background process it
// left holding them) before the supervisor stops reading and ends the run.
const drainGrace = 3 * time.Second

// Supervise runs a queued run's command to its end and records everything about it: this is the
// body of `mlwb supervise`, in its own session, detached from any terminal. It is written by hand
// (DESIGN.md: the run supervisor is our core). The returned run is as recorded at the end.
func Supervise(ctx context.Context, o SuperviseOptions) (*store.Run, error) {
	s := o.Store
	logw := o.Log
	if logw == nil {
		logw = io.Discard
	}
	r, err := s.GetRun(ctx, o.RunID)
	if err != nil {
		return nil, err
	}
	if r.Status != store.StatusQueued {
		return r, fmt.Errorf("run %d is %s, not queued: it has a supervisor already", r.ID, r.Status)
	}
	if len(r.Command) == 0 {
		return r, finish(ctx, s, r.ID, store.StatusFailed, 127, "not started: the run has no command")
	}
	if err := s.SetSupervisor(ctx, r.ID, os.Getpid(), time.Now()); err != nil {
		return r, err
	}

	patterns := []string(nil)
	var evalSpec project.EvalSpec
	rules := live.DefaultRules()
	if p, err := project.Discover(r.Workdir); err == nil && p.Config != nil {
		patterns, evalSpec, rules = p.Config.Metrics.Patterns, p.Config.Eval, p.Config.Alerts
	}
	if _, err := NewMetricParser(patterns); err != nil {
		fmt.Fprintf(logw, "metric patterns: %v; using the built-in forms only\n", err)
		patterns = nil
	}

	sink := &logSink{w: io.Discard}
	var logFile *os.File
	if f, err := os.OpenFile(r.LogPath, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644); err != nil {
		sink.err = err
		noteTrouble(ctx, s, r.ID, logw, fmt.Sprintf("output not logged: %v", err))
	} else {
		logFile, sink.w = f, f
		defer f.Close()
	}
	sink.onFail = func(err error) {
		noteTrouble(ctx, s, r.ID, logw, fmt.Sprintf("output log incomplete: %v (metrics still recorded)", err))
	}

	params, err := s.Params(ctx, []int64{r.ID})
	if err != nil {
		return r, err
	}
	env := append(os.Environ(), childEnv(r, params[r.ID])...)
	closeAPI := func() {}
	if api, err := serveTracking(s, r, logw); err != nil {
		noteTrouble(ctx, s, r.ID, logw, fmt.Sprintf("no MLflow tracking API for the run: %v", err))
	} else {
		env = append(env, api.Env...)
		closeAPI = func() {
			closeAPI = func() {}
			if err := api.close(); err != nil {
				fmt.Fprintf(logw, "tracking API: %v\n", err)
			}
		}
	}
	defer func() { closeAPI() }()
	cmd := exec.Command(resolveSelf(r.Command[0]), r.Command[1:]...)
	cmd.Dir = r.Workdir
	cmd.Env = append(env, o.Env...)
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	outR, outW, err := os.Pipe()
	if err != nil {
		return r, fmt.Errorf("run %d: pipe: %w", r.ID, err)
	}
	errR, errW, err := os.Pipe()
	if err != nil {
		return r, fmt.Errorf("run %d: pipe: %w", r.ID, err)
	}
	cmd.Stdout, cmd.Stderr = outW, errW
	startErr := cmd.Start()
	outW.Close()
	errW.Close()
	if startErr != nil {
		outR.Close()
		errR.Close()
		msg := fmt.Sprintf("cannot start %s: %v", r.Command[0], startErr)
		sink.write([]byte("mlwb: " + msg + "\n"))
		return r, finish(ctx, s, r.ID, store.StatusFailed, 127, msg)
	}
	pid := cmd.Process.Pid
	if err := s.MarkStarted(ctx, r.ID, store.StartedRun{PID: pid, PGID: pid, SupervisorPID: os.Getpid(),
		Started: time.Now()}); err != nil {
		fmt.Fprintf(logw, "record start: %v\n", err)
	}

	writer := s.NewMetricWriter(200*time.Millisecond, 0)
	var pumps sync.WaitGroup
	for _, rd := range []*os.File{outR, errR} {
		pumps.Add(1)
		go func() {
			defer pumps.Done()
			parser, _ := NewMetricParser(patterns) // one each: a parser counts steps per key
			pu := &pump{log: sink, parser: parser, writer: writer, runID: r.ID}
			if err := pu.run(rd); err != nil && !errors.Is(err, os.ErrClosed) {
				fmt.Fprintf(logw, "read output: %v\n", err)
			}
		}()
	}

	beatStop := make(chan struct{})
	sampleEvery := o.SampleEvery
	if sampleEvery == 0 {
		sampleEvery = DefaultSampleEvery
	}
	var sample func(time.Time)
	var gpus *gpuWatcher
	defer func() { gpus.stop() }() // on an early return; stopped below before the writer closes
	if sampleEvery > 0 {
		sampler := newSysSampler(r.ID, pid)
		sample = func(now time.Time) { writer.Add(sampler.sample(ctx, now)...) }
		sample(time.Now()) // the baseline of the first rates
		gpus = startGPUWatcher(r.ID, sampleEvery, writer, logw)
	}
	beatDone := make(chan struct{})
	go func() {
		defer close(beatDone)
		heartbeat(ctx, s, r.ID, o.HeartbeatEvery, sampleEvery, sample, beatStop, logw)
	}()

	// The alert rules are checked for this run while it runs (and once more after its end, below),
	// so alerts are kept with the run though no viewer is open.
	checker := live.NewChecker(s, rules)
	checkCtx, stopChecks := context.WithCancel(ctx)
	checksDone := make(chan struct{})
	go func() {
		defer close(checksDone)
		checker.RunFor(checkCtx, r.ID, func(err error) { fmt.Fprintf(logw, "alert rules: %v\n", err) })
	}()
	defer func() { stopChecks(); <-checksDone }() // on an early return

	waited := make(chan error, 1)
	go func() { waited <- cmd.Wait() }()
	stopped := false
	var waitErr error
	var exited time.Time // when the command exited: the run's end, whatever is recorded after
	grace := o.StopGrace
	if grace <= 0 {
		grace = 10 * time.Second
	}
	var kill <-chan time.Time
	stopCh := o.Stop
loop:
	for {
		select {
		case <-stopCh:
			stopped, stopCh = true, nil
			syscall.Kill(-pid, syscall.SIGTERM)
			kill = time.After(grace)
		case <-kill:
			syscall.Kill(-pid, syscall.SIGKILL)
		case waitErr = <-waited:
			exited = time.Now()
			break loop
		}
	}

	// The command has exited; output still in the pipes is drained. A background process it left
	// holding them gets drainGrace, then its group is told to end and the pipes are closed.
	drained := make(chan struct{})
	go func() { pumps.Wait(); close(drained) }()
	select {
	case <-drained:
	case <-time.After(drainGrace):
		syscall.Kill(-pid, syscall.SIGTERM)
		outR.Close()
		errR.Close()
		<-drained
	}
	closeAPI() // requests in flight are stored before the run ends
	close(beatStop)
	<-beatDone // no sample is added once the writer closes
	gpus.stop()
	gpus = nil
	if logFile != nil {
		if err := logFile.Sync(); err != nil && sink.err == nil {
			noteTrouble(ctx, s, r.ID, logw, fmt.Sprintf("output log incomplete: %v", err))
		}
	}
	if err := writer.Close(); err != nil {
		noteTrouble(ctx, s, r.ID, logw, fmt.Sprintf("some metrics not stored: %v", err))
	}

	code, status := exitStatus(cmd.ProcessState, waitErr)
	if stopped {
		status = store.StatusKilled
	}
	// Artifacts and the evaluation are recorded before the end, so a run seen ended is complete;
	// the end time is still the command's exit, so large files do not stretch the run. (The
	// supervisor is alive meanwhile, so no reaper takes the silence for a lost run.)
	if _, err := recordArtifacts(ctx, s, r); err != nil {
		noteTrouble(ctx, s, r.ID, logw, err.Error())
	}
	if msg, err := EvaluateRun(ctx, s, r, evalSpec, status); err != nil {
		noteTrouble(ctx, s, r.ID, logw, err.Error())
	} else if msg != "" {
		fmt.Fprintln(logw, msg)
	}
	stopChecks()
	<-checksDone
	if err := finishAt(ctx, s, r.ID, status, code, exited); err != nil {
		return r, err
	}
	// The last check sees the end: a failed run raises its alert, and the last values are judged.
	if _, err := checker.CheckRun(ctx, r.ID, time.Now()); err != nil {
		fmt.Fprintf(logw, "alert rules: %v\n", err)
	}
	return s.GetRun(ctx, r.ID)
}

// exitStatus maps how the process ended to an exit code (128+signal when a signal ended it, as a
// shell reports it) and a status.
func exitStatus(ps *os.ProcessState, waitErr error) (int, string) {
	if ps == nil {
		return -1, store.StatusFailed
	}
	code := ps.ExitCode()
	if ws, ok := ps.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
		code = 128 + int(ws.Signal())
	}
	if code == 0 && waitErr == nil {
		return 0, store.StatusFinished
	}
	return code, store.StatusFailed
}

// finish records the end unless some other process (a reaper) already did.
func finish(ctx context.Context, s *store.Store, runID int64, status string, code int, note string) error {
	if note != "" {
		if err := s.AppendNote(ctx, runID, note); err != nil {
			return err
		}
	}
	return finishAt(ctx, s, runID, status, code, time.Time{})
}

// finishAt records the end (at ended; zero is now) unless something recorded one first.
func finishAt(ctx context.Context, s *store.Store, runID int64, status string, code int, ended time.Time) error {
	c := code
	_, err := s.EndRunIfUnfinished(ctx, runID, store.RunEnd{Status: status, ExitCode: &c, Ended: ended})
	return err
}

// noteTrouble records a problem on the run (where the user sees it) and in the supervisor's log.
func noteTrouble(ctx context.Context, s *store.Store, runID int64, logw io.Writer, msg string) {
	fmt.Fprintln(logw, msg)
	if err := s.AppendNote(ctx, runID, msg); err != nil {
		fmt.Fprintf(logw, "record note: %v\n", err)
	}
}

// heartbeat records that the supervisor is alive every period, and on the same timer (one wake-up
// for both) takes a system-metrics sample every sampleEvery.
func heartbeat(ctx context.Context, s *store.Store, runID int64, every, sampleEvery time.Duration,
	sample func(time.Time), stop <-chan struct{}, logw io.Writer) {
	if every <= 0 {
		every = time.Second
	}
	t := time.NewTicker(every)
	defer t.Stop()
	last := time.Now()
	for {
		select {
		case <-stop:
			return
		case now := <-t.C:
			if err := s.Heartbeat(ctx, runID, now); err != nil {
				fmt.Fprintf(logw, "heartbeat: %v\n", err)
			}
			if sample != nil && now.Sub(last) >= sampleEvery-every/2 {
				sample(now)
				last = now
			}
		}
	}
}

// childEnv tells the command which run it is and its params, each as its own variable:
// MLWB_PARAM_LR=0.01 for lr (names upper-cased, anything but letters, digits and _ made _).
func childEnv(r *store.Run, params map[string]string) []string {
	env := []string{"MLWB_RUN_ID=" + r.UUID, "MLWB_RUN_DIR=" + strings.TrimSuffix(r.ArtifactDir, "/artifacts"),
		"MLWB_ARTIFACT_DIR=" + r.ArtifactDir}
	for k, v := range params {
		env = append(env, "MLWB_PARAM_"+envName(k)+"="+v)
	}
	return env
}

func envName(k string) string {
	b := []byte(strings.ToUpper(k))
	for i, c := range b {
		if !(c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_') {
			b[i] = '_'
		}
	}
	return string(b)
}

// SuperviseProcess is `mlwb supervise`: Supervise with this process's signals wired in. SIGTERM
// or SIGINT stops the run; SIGHUP is ignored (the supervisor has no terminal to lose).
func SuperviseProcess(ctx context.Context, s *store.Store, runID int64, log io.Writer) error {
	signal.Ignore(syscall.SIGHUP, syscall.SIGPIPE)
	sigs := make(chan os.Signal, 1)
	signal.Notify(sigs, syscall.SIGTERM, syscall.SIGINT)
	defer signal.Stop(sigs)
	stop := make(chan struct{})
	go func() {
		if _, ok := <-sigs; ok {
			close(stop)
		}
	}()
	_, err := Supervise(ctx, SuperviseOptions{Store: s, RunID: runID, Stop: stop, Log: log})
	return err
}

// resolveSelf lets a command name mlwb itself ("mlwb demo-train …") even where mlwb is not on the
// PATH (go run, a fresh checkout): the recorded argv stays as written.
func resolveSelf(name string) string {
	if name != "mlwb" {
		return name
	}
	if _, err := exec.LookPath(name); err == nil {
		return name
	}
	if exe, err := os.Executable(); err == nil {
		return exe
	}
	return name
}
