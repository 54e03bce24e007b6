package live

import (
	"context"
	"math"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/mlwb/mlwb/store"
)

// alive creates a running run started long ago with a fresh heartbeat.
func alive(t *testing.T, s *store.Store, name string, now time.Time) *store.Run {
	t.Helper()
	r := &store.Run{Name: name, Status: store.StatusRunning, Started: now.Add(-time.Hour), Heartbeat: now}
	if err := s.CreateRun(context.Background(), r, nil, nil); err != nil {
		t.Fatal(err)
	}
	return r
}

// at writes one point of key at time ts (step = its minute, so steps grow with time).
func at(t *testing.T, s *store.Store, run int64, key string, ts time.Time, v float64) {
	t.Helper()
	if err := s.WriteMetrics(context.Background(), []store.Point{{RunID: run, Key: key, Step: ts.Unix(), Time: ts.UnixMilli(), Value: v}}); err != nil {
		t.Fatal(err)
	}
}

// active returns the active alerts of a run as "rule: message".
func active(t *testing.T, s *store.Store, run int64) []string {
	t.Helper()
	as, err := s.Alerts(context.Background(), []int64{run}, true)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, a := range as {
		out = append(out, a.Rule+": "+a.Message)
	}
	return out
}

func check(t *testing.T, c *Checker, now time.Time) []store.Alert {
	t.Helper()
	raised, err := c.Check(context.Background(), now)
	if err != nil {
		t.Fatal(err)
	}
	return raised
}

func TestAlertNonFiniteLossRaisedOnceAndCleared(t *testing.T) {
	s := openStore(t)
	now := time.Now()
	r := alive(t, s, "nan", now)
	at(t, s, r.ID, "train/loss", now.Add(-time.Minute), 0.5)
	at(t, s, r.ID, "val_acc", now.Add(-time.Minute), math.NaN()) // not a loss key: no alert
	c := NewChecker(s, DefaultRules())
	if got := check(t, c, now); len(got) != 0 {
		t.Fatalf("finite loss raised %v", got)
	}
	at(t, s, r.ID, "train/loss", now, math.NaN())
	if got := check(t, c, now); len(got) != 1 || got[0].Rule != RuleNonFinite || got[0].Severity != "error" ||
		!strings.Contains(got[0].Message, "train/loss is NaN") {
		t.Fatalf("NaN loss: %+v", got)
	}
	if got := check(t, c, now); len(got) != 0 { // still NaN: the same alert, not a new one
		t.Fatalf("raised again: %v", got)
	}
	at(t, s, r.ID, "train/loss", now.Add(time.Second), math.Inf(1))
	check(t, c, now)
	if a := active(t, s, r.ID); len(a) != 1 {
		t.Fatalf("active %v", a)
	}
	at(t, s, r.ID, "train/loss", now.Add(2*time.Second), 0.4)
	check(t, c, now)
	if a := active(t, s, r.ID); len(a) != 0 {
		t.Fatalf("finite again, still active: %v", a)
	}
	all, _ := s.Alerts(context.Background(), []int64{r.ID}, false)
	if len(all) != 1 || all[0].Cleared == 0 {
		t.Fatalf("history %+v", all)
	}
	// Capitalised, as Keras and PyTorch's examples print it: a loss all the same.
	caps := alive(t, s, "caps", now)
	at(t, s, caps.ID, "Train_Loss", now, math.NaN())
	if got := check(t, c, now); len(got) != 1 || got[0].RunID != caps.ID || got[0].Rule != RuleNonFinite {
		t.Fatalf("NaN Train_Loss: %+v", got)
	}
}

func TestAlertStalledOnlyWhileAlive(t *testing.T) {
	s := openStore(t)
	now := time.Now()
	r := alive(t, s, "stall", now)
	at(t, s, r.ID, "loss", now.Add(-11*time.Minute), 1)
	at(t, s, r.ID, "sys/cpu_percent", now, 100) // system samples do not count as progress
	fresh := alive(t, s, "fresh", now)
	at(t, s, fresh.ID, "loss", now.Add(-time.Minute), 1)
	dead := &store.Run{Name: "dead", Status: store.StatusRunning, Started: now.Add(-time.Hour), Heartbeat: now.Add(-5 * time.Minute)}
	if err := s.CreateRun(context.Background(), dead, nil, nil); err != nil {
		t.Fatal(err)
	}
	c := NewChecker(s, DefaultRules())
	got := check(t, c, now)
	if len(got) != 1 || got[0].RunID != r.ID || got[0].Rule != RuleStalled || !strings.Contains(got[0].Message, "11m0s") {
		t.Fatalf("stalled: %+v", got)
	}
	at(t, s, r.ID, "loss", now, 0.9)
	check(t, c, now)
	if a := active(t, s, r.ID); len(a) != 0 {
		t.Fatalf("metric arrived, still %v", a)
	}
}

func TestAlertLowGPU(t *testing.T) {
	s := openStore(t)
	now := time.Now().Truncate(time.Second)
	idle := alive(t, s, "idle", now)
	busy := alive(t, s, "busy", now)
	young := alive(t, s, "young", now)
	for m := 12; m >= 0; m-- {
		ts := now.Add(-time.Duration(m) * time.Minute)
		at(t, s, idle.ID, "sys/gpu0/util_percent", ts, 3)
		v := 5.0
		if m == 4 {
			v = 60 // one busy sample in the window: not idle
		}
		at(t, s, busy.ID, "sys/gpu0/util_percent", ts, v)
		if m <= 5 {
			at(t, s, young.ID, "sys/gpu0/util_percent", ts, 0) // low, but only 5 minutes seen
		}
	}
	var got []store.Alert
	for _, a := range check(t, NewChecker(s, DefaultRules()), now) {
		if a.Rule != RuleStalled { // they never logged a metric: stalled too, rightly
			got = append(got, a)
		}
	}
	if len(got) != 1 || got[0].RunID != idle.ID || got[0].Rule != RuleLowGPU ||
		got[0].Message != "gpu0 utilisation under 10% (at most 3%) for 10m0s" {
		t.Fatalf("low GPU: %+v", got)
	}
}

func TestAlertMemoryNearLimit(t *testing.T) {
	s := openStore(t)
	now := time.Now()
	host, gpu, fine := alive(t, s, "host", now), alive(t, s, "gpu", now), alive(t, s, "fine", now)
	at(t, s, host.ID, "sys/host_mem_percent", now, 97.5)
	at(t, s, gpu.ID, "sys/host_mem_percent", now, 40)
	at(t, s, gpu.ID, "sys/gpu1/mem_used_mb", now, 79000)
	at(t, s, gpu.ID, "sys/gpu1/mem_total_mb", now, 80000)
	at(t, s, fine.ID, "sys/gpu0/mem_used_mb", now, 1000)
	at(t, s, fine.ID, "sys/gpu0/mem_total_mb", now, 80000)
	for _, r := range []*store.Run{host, gpu, fine} {
		at(t, s, r.ID, "loss", now, 1)
	}
	check(t, NewChecker(s, DefaultRules()), now)
	if a := active(t, s, host.ID); len(a) != 1 || a[0] != "memory_high: host memory 97.5% used" {
		t.Errorf("host: %v", a)
	}
	if a := active(t, s, gpu.ID); len(a) != 1 || a[0] != "memory_high: gpu1 memory 98.8% used (79000 of 80000 MB)" {
		t.Errorf("gpu: %v", a)
	}
	if a := active(t, s, fine.ID); len(a) != 0 {
		t.Errorf("fine: %v", a)
	}
}

func TestAlertEndedBadly(t *testing.T) {
	s := openStore(t)
	ctx := context.Background()
	code := 2
	runs := map[string]*store.Run{}
	for _, st := range []string{store.StatusFailed, store.StatusLost, store.StatusFinished, store.StatusKilled} {
		r := &store.Run{Name: st, Status: st}
		if st == store.StatusFailed {
			r.ExitCode = &code
		}
		if err := s.CreateRun(ctx, r, nil, nil); err != nil {
			t.Fatal(err)
		}
		runs[st] = r
	}
	c := NewChecker(s, DefaultRules())
	got := check(t, c, time.Now())
	msgs := map[int64]string{}
	for _, a := range got {
		msgs[a.RunID] = a.Rule + ": " + a.Message
	}
	if len(got) != 2 || msgs[runs[store.StatusFailed].ID] != "ended_badly: run failed with exit code 2" ||
		!strings.HasPrefix(msgs[runs[store.StatusLost].ID], "ended_badly: run was lost") {
		t.Fatalf("ended: %v", msgs)
	}
	if again := check(t, c, time.Now()); len(again) != 0 {
		t.Fatalf("raised twice: %+v", again)
	}
	off := DefaultRules()
	off.EndedBadly = false
	s2 := openStore(t)
	r := &store.Run{Name: "f", Status: store.StatusFailed}
	if err := s2.CreateRun(ctx, r, nil, nil); err != nil {
		t.Fatal(err)
	}
	if got := check(t, NewChecker(s2, off), time.Now()); len(got) != 0 {
		t.Fatalf("rule off, raised %+v", got)
	}
}

// TestCheckRunOnlyThatRun: CheckRun (the supervisor's check) judges its own run and leaves every
// other run alone; a failed run gets its ended-badly alert, a finished one nothing.
func TestCheckRunOnlyThatRun(t *testing.T) {
	s := openStore(t)
	now := time.Now()
	mine, other := alive(t, s, "mine", now), alive(t, s, "other", now)
	at(t, s, mine.ID, "loss", now, math.NaN())
	at(t, s, other.ID, "loss", now, math.Inf(-1))
	c := NewChecker(s, DefaultRules())
	got, err := c.CheckRun(context.Background(), mine.ID, now)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 || got[0].RunID != mine.ID || got[0].Rule != RuleNonFinite {
		t.Fatalf("raised %+v, want mine's NaN loss only", got)
	}
	if a := active(t, s, other.ID); len(a) != 0 {
		t.Fatalf("the other run was judged: %v", a)
	}
	code := 2
	if _, err := s.EndRunIfUnfinished(context.Background(), mine.ID, store.RunEnd{Status: store.StatusFailed, ExitCode: &code}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.CheckRun(context.Background(), mine.ID, now); err != nil {
		t.Fatal(err)
	}
	a := active(t, s, mine.ID)
	slices.Sort(a)
	if want := "ended_badly: run failed with exit code 2; nonfinite_loss: loss is NaN at step " + strconv.FormatInt(now.Unix(), 10); strings.Join(a, "; ") != want {
		t.Fatalf("after failing: %q, want %q", a, want)
	}
	fin := alive(t, s, "fin", now)
	if _, err := s.EndRunIfUnfinished(context.Background(), fin.ID, store.RunEnd{Status: store.StatusFinished, ExitCode: new(int)}); err != nil {
		t.Fatal(err)
	}
	if got, err := c.CheckRun(context.Background(), fin.ID, now); err != nil || len(got) != 0 {
		t.Fatalf("a finished run: %+v %v", got, err)
	}
	// A run that logged a NaN loss and exited 0 before any periodic check: the last check
	// (after the end) raises the loss alert, and it stays with the run.
	nan := alive(t, s, "nan", now)
	at(t, s, nan.ID, "loss", now, math.NaN())
	if _, err := s.EndRunIfUnfinished(context.Background(), nan.ID, store.RunEnd{Status: store.StatusFinished, ExitCode: new(int)}); err != nil {
		t.Fatal(err)
	}
	if got, err := c.CheckRun(context.Background(), nan.ID, now); err != nil || len(got) != 1 || got[0].Rule != RuleNonFinite {
		t.Fatalf("a finished run with a NaN loss: %+v %v", got, err)
	}
	if _, err := c.Check(context.Background(), now); err != nil || len(active(t, s, nan.ID)) != 1 {
		t.Fatalf("the global check cleared the finished run's alert: %v %v", active(t, s, nan.ID), err)
	}
	if c.Every() != CheckEvery || NewChecker(s, Rules{CheckEvery: time.Second}).Every() != time.Second {
		t.Fatal("check period not the configured one")
	}
}
