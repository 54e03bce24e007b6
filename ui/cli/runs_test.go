package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/mlwb/mlwb/store"
)

// runsProject makes a project with three ended runs: params lr, metrics acc (last value) and a
// tag, in a real store; it returns the project directory with the working directory moved there.
func runsProject(t *testing.T) (string, *store.Store) {
	t.Helper()
	dir := t.TempDir()
	t.Chdir(dir)
	if err := os.MkdirAll(filepath.Join(dir, ".mlwb"), 0o755); err != nil {
		t.Fatal(err)
	}
	s, err := store.Open(filepath.Join(dir, ".mlwb", "state.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	ctx := context.Background()
	for i, spec := range []struct {
		name, lr, stage string
		acc             []float64
	}{
		{"base", "0.1", "explore", []float64{0.5, 0.95, 0.7}}, // last 0.7, best 0.95
		{"tuned", "0.01", "explore", []float64{0.6, 0.92}},
		{"final", "0.01", "ship", []float64{0.93}},
	} {
		runDir := filepath.Join(dir, ".mlwb", "runs", spec.name)
		os.MkdirAll(runDir, 0o755)
		os.WriteFile(filepath.Join(runDir, "output.log"), []byte("log\n"), 0o644)
		code := 0
		r := &store.Run{Name: spec.name, Status: store.StatusFinished, ExitCode: &code, Created: time.UnixMilli(int64(1000 + i)),
			LogPath: filepath.Join(runDir, "output.log")}
		if err := s.CreateRun(ctx, r, map[string]string{"lr": spec.lr}, map[string]string{"stage": spec.stage}); err != nil {
			t.Fatal(err)
		}
		var pts []store.Point
		for step, v := range spec.acc {
			pts = append(pts, store.Point{RunID: r.ID, Key: "acc", Step: int64(step), Value: v})
		}
		if err := s.WriteMetrics(ctx, pts); err != nil {
			t.Fatal(err)
		}
	}
	return dir, s
}

// mlwbCmd runs the mlwb command line in the working directory.
func mlwbCmd(t *testing.T, args ...string) (string, error) {
	t.Helper()
	var out, errb bytes.Buffer
	root := NewRoot(nil)
	root.SetArgs(args)
	root.SetOut(&out)
	root.SetErr(&errb)
	err := root.Execute()
	return out.String() + errb.String(), err
}

func lsNames(t *testing.T, args ...string) []string {
	t.Helper()
	out, err := mlwbCmd(t, append([]string{"runs", "ls", "--json"}, args...)...)
	if err != nil {
		t.Fatalf("runs ls %q: %v\n%s", args, err, out)
	}
	var rs []struct {
		Name string `json:"name"`
	}
	if err := json.Unmarshal([]byte(out), &rs); err != nil {
		t.Fatalf("runs ls %q: %v\n%s", args, err, out)
	}
	names := make([]string, len(rs))
	for i, r := range rs {
		names[i] = r.Name
	}
	return names
}

func TestRunsLsFilterAndSort(t *testing.T) {
	runsProject(t)
	for _, tc := range []struct {
		args []string
		want string
	}{
		{nil, "final tuned base"},                                  // newest first
		{[]string{"--filter", `metrics.acc > 0.9`}, "final tuned"}, // last values: 0.7 is out
		{[]string{"--filter", `metrics.acc > 0.9 and params.lr = "0.01"`}, "final tuned"},
		{[]string{"--filter", `params.lr = '0.1'`}, "base"},
		{[]string{"--filter", `tags.stage LIKE 'exp%'`}, "tuned base"},
		{[]string{"--filter", `attributes.run_name = "final"`}, "final"},
		{[]string{"--filter", `metrics.missing > 0`}, ""},
		{[]string{"--sort", "metrics.acc"}, "final tuned base"},          // descending by default: 0.93, 0.92, 0.7
		{[]string{"--sort", "metrics.acc", "--asc"}, "base tuned final"}, // ascending
		{[]string{"--sort", "metrics.acc ASC"}, "base tuned final"},
		{[]string{"--sort", "name", "--asc"}, "base final tuned"},
		{[]string{"--sort", "params.lr", "--asc", "--filter", "metrics.acc >= 0.7"}, "tuned final base"}, // ties by id
	} {
		if got := strings.Join(lsNames(t, tc.args...), " "); got != tc.want {
			t.Errorf("runs ls %q = %q, want %q", tc.args, got, tc.want)
		}
	}
	for _, bad := range [][]string{{"--filter", "metrics.acc > 'x'"}, {"--filter", "params.lr = 0.1"}, {"--filter", "acc >"},
		{"--sort", "metrics."}} {
		out, err := mlwbCmd(t, append([]string{"runs", "ls"}, bad...)...)
		if err == nil {
			t.Errorf("runs ls %q succeeded:\n%s", bad, out)
		}
	}
}

func TestRunsRmRestorePurge(t *testing.T) {
	dir, s := runsProject(t)
	if out, err := mlwbCmd(t, "runs", "rm", "base", "nosuchrun"); err == nil {
		t.Fatalf("rm with a missing run succeeded: %s", out)
	}
	if got := strings.Join(lsNames(t), " "); got != "final tuned base" {
		t.Fatalf("a failed rm deleted something: %q", got)
	}
	if out, err := mlwbCmd(t, "runs", "rm", "base"); err != nil {
		t.Fatalf("rm: %v %s", err, out)
	}
	if got := strings.Join(lsNames(t), " "); got != "final tuned" {
		t.Fatalf("after rm: %q", got)
	}
	if out, err := mlwbCmd(t, "runs", "restore", "1"); err != nil {
		t.Fatalf("restore: %v %s", err, out)
	}
	if got := strings.Join(lsNames(t), " "); got != "final tuned base" {
		t.Fatalf("after restore: %q", got)
	}
	// By name too, as rm took it; a live run's name is not a deleted run.
	if out, err := mlwbCmd(t, "runs", "rm", "base"); err != nil {
		t.Fatalf("rm: %v %s", err, out)
	}
	if out, err := mlwbCmd(t, "runs", "restore", "final"); err == nil {
		t.Fatalf("restore of a run that is not deleted succeeded: %s", out)
	}
	if out, err := mlwbCmd(t, "runs", "restore", "base"); err != nil || !strings.Contains(out, "restored run 1 base") {
		t.Fatalf("restore by name: %v %s", err, out)
	}
	if out, err := mlwbCmd(t, "runs", "ls", "--status", "bogus"); err == nil || !strings.Contains(err.Error(), "a status is one of") {
		t.Fatalf("runs ls --status bogus: %v %s", err, out)
	}
	if out, err := mlwbCmd(t, "runs", "rm", "--purge", "tuned"); err != nil {
		t.Fatalf("purge: %v %s", err, out)
	}
	if _, err := os.Stat(filepath.Join(dir, ".mlwb", "runs", "tuned")); !os.IsNotExist(err) {
		t.Fatalf("purged run's directory: %v", err)
	}
	if _, err := s.GetRun(context.Background(), 2); err == nil {
		t.Fatal("purged run still recorded")
	}
	if h, _ := s.History(context.Background(), 2, "acc"); len(h) != 0 {
		t.Fatalf("purged run's metrics remain: %v", h)
	}
	// A running run is refused.
	r := &store.Run{Name: "live"}
	if err := s.CreateRun(context.Background(), r, nil, nil); err != nil {
		t.Fatal(err)
	}
	if out, err := mlwbCmd(t, "runs", "rm", "live"); err == nil || !strings.Contains(err.Error(), "stop it first") {
		t.Fatalf("rm of a running run: %v %s", err, out)
	}
}

// TestRunsShowNaN: a metric whose last value is NaN says so in text and CSV (JSON, which has no
// NaN, says null); it printed a blank.
func TestRunsShowNaN(t *testing.T) {
	_, s := runsProject(t)
	ctx := context.Background()
	r := &store.Run{Name: "nanrun", Status: store.StatusFinished}
	if err := s.CreateRun(ctx, r, nil, nil); err != nil {
		t.Fatal(err)
	}
	if err := s.WriteMetrics(ctx, []store.Point{{RunID: r.ID, Key: "loss", Step: 0, Value: 1}, {RunID: r.ID, Key: "loss", Step: 1, Value: math.NaN()}}); err != nil {
		t.Fatal(err)
	}
	out, err := mlwbCmd(t, "runs", "show", "nanrun")
	if err != nil || !strings.Contains(out, "last NaN") {
		t.Fatalf("runs show: %v\n%s", err, out)
	}
	// A param and a tag with an escape sequence and a newline are shown, not sent raw.
	if err := s.SetTags(ctx, r.ID, map[string]string{"note": "a\x1b[31mred\nline"}); err != nil {
		t.Fatal(err)
	}
	if out, err := mlwbCmd(t, "runs", "show", "nanrun"); err != nil || strings.Contains(out, "\x1b") || !strings.Contains(out, "a␛[31mred⏎line") {
		t.Fatalf("runs show with a control character in a tag: %v\n%q", err, out)
	}
	// The spellings diff takes name a run for every verb.
	for _, ref := range []string{fmt.Sprintf("#%d", r.ID), "run:nanrun"} {
		if out, err := mlwbCmd(t, "runs", "show", ref); err != nil || !strings.Contains(out, "nanrun") {
			t.Fatalf("runs show %s: %v\n%s", ref, err, out)
		}
	}
	// An unknown order is a usage error that lists the orders.
	_, err = mlwbCmd(t, "runs", "ls", "--sort", "bogus")
	if ee := (*exitError)(nil); !errors.As(err, &ee) || ee.code != 2 || !strings.Contains(err.Error(), "created, duration, id, name, started, status") {
		t.Fatalf("--sort bogus: %v", err)
	}
	// An unknown theme is refused by any verb, not only the workbench.
	_, err = mlwbCmd(t, "--theme", "purple", "runs", "ls")
	var ee *exitError
	if !errors.As(err, &ee) || ee.code != 2 || !strings.Contains(err.Error(), `unknown theme "purple"`) {
		t.Fatalf("--theme purple runs ls: %v", err)
	}
	if err := s.WriteMetrics(ctx, []store.Point{{RunID: r.ID, Key: "acc", Step: 0, Value: 1234567.891}, {RunID: r.ID, Key: "err", Step: 0, Value: 0.123456789012}}); err != nil {
		t.Fatal(err)
	}
	out, err = mlwbCmd(t, "runs", "ls", "--csv")
	if err != nil || !strings.Contains(out, "NaN") || !strings.Contains(out, "1.234567891e+06") || !strings.Contains(out, "0.123456789012") {
		t.Fatalf("runs ls --csv (NaN, and every digit): %v\n%s", err, out)
	}
	if first := strings.SplitN(out, "\n", 2)[0]; !strings.HasSuffix(first, ",tag.stage") {
		t.Fatalf("runs ls --csv has no tag columns: %q", first)
	}
	r2 := &store.Run{Name: "dirtyrun", Status: store.StatusFinished, GitCommit: "0123456789abcdef", GitDirty: true}
	if err := s.CreateRun(ctx, r2, nil, nil); err != nil {
		t.Fatal(err)
	}
	if out, err := mlwbCmd(t, "runs", "ls"); err != nil || !strings.Contains(out, "0123456*") {
		t.Fatalf("runs ls does not mark a dirty run: %v\n%s", err, out)
	}
	out, err = mlwbCmd(t, "runs", "show", "nanrun", "--json")
	if err != nil || !strings.Contains(out, `"last": null`) {
		t.Fatalf("runs show --json: %v\n%s", err, out)
	}
}
