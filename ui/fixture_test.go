package ui

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/object"

	"github.com/mlwb/mlwb/stages/project"
	"github.com/mlwb/mlwb/store"
)

// fixedNow is the clock of every view test, so times and durations render the same forever.
var fixedNow = time.Date(2026, 1, 15, 12, 0, 0, 0, time.UTC)

const fixtureConfig = `name: wine-cultivars
datasets:
  - name: wine
    path: data/wine.csv
    target: cultivar
train:
  command: mlwb demo-train --data {data} --lr {lr} --epochs {epochs}
  params:
    lr: 0.1
    epochs: 30
metrics:
  primary: val_accuracy
  direction: max
`

const fixtureCSV = "alcohol,ash,cultivar\n14.23,2.43,class_0\n13.2,2.14,class_0\n12.37,1.36,class_1\n"

// fixture builds a real project: a git repository with two commits at fixed times (so the hashes
// are fixed too), a real store in .mlwb/, and runs with params and metrics at fixed times.
func fixture(t *testing.T) (*project.Project, *store.Store, []string) {
	t.Helper()
	dir := t.TempDir()
	repo, err := git.PlainInitWithOptions(dir, &git.PlainInitOptions{
		InitOptions: git.InitOptions{DefaultBranch: plumbing.NewBranchReferenceName("main")}})
	if err != nil {
		t.Fatal(err)
	}
	wt, _ := repo.Worktree()
	var commits []string
	for i, msg := range []string{"Add wine data and config", "Raise the learning rate"} {
		files := map[string]string{"mlwb.yaml": fixtureConfig, "data/wine.csv": fixtureCSV,
			"params.yaml": []string{"lr: 0.01\n", "lr: 0.1\n"}[i]}
		for p, c := range files {
			full := filepath.Join(dir, p)
			os.MkdirAll(filepath.Dir(full), 0o755)
			if err := os.WriteFile(full, []byte(c), 0o644); err != nil {
				t.Fatal(err)
			}
			if _, err := wt.Add(p); err != nil {
				t.Fatal(err)
			}
		}
		sig := &object.Signature{Name: "Ada Lovelace", Email: "ada@example.com", When: fixedNow.Add(-time.Duration(3-i) * 24 * time.Hour)}
		h, err := wt.Commit(msg, &git.CommitOptions{Author: sig, Committer: sig})
		if err != nil {
			t.Fatal(err)
		}
		commits = append(commits, h.String())
	}
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
	ctx := context.Background()
	type spec struct {
		name, status string
		commit       int
		lr           string
		startAgo     time.Duration
		took         time.Duration
		acc          []float64
	}
	specs := []spec{
		{"baseline", store.StatusFinished, 0, "0.01", 50 * time.Hour, 95 * time.Second, []float64{0.41, 0.52, 0.6}},
		{"lr-0.1", store.StatusFinished, 1, "0.1", 26 * time.Hour, 130 * time.Second, []float64{0.7, 0.88, 0.93, 0.96}},
		{"lr-typo", store.StatusFailed, 1, "-0.5", 25 * time.Hour, 2 * time.Second, nil},
		{"lr-0.3", store.StatusRunning, 1, "0.3", 3 * time.Minute, 0, []float64{0.8, 0.9}},
	}
	for i, sp := range specs {
		r := &store.Run{UUID: fmt.Sprintf("0123456789abcdef0123456789abcd%02d", i), Name: sp.name, Status: sp.status,
			Command: []string{"mlwb", "demo-train", "--lr", sp.lr}, GitCommit: commits[sp.commit], GitBranch: "main",
			Created: fixedNow.Add(-sp.startAgo), Started: fixedNow.Add(-sp.startAgo)}
		if sp.took > 0 {
			r.Ended = r.Started.Add(sp.took)
		}
		if sp.status == store.StatusFailed {
			code := 2
			r.ExitCode = &code
		}
		if err := s.CreateRun(ctx, r, map[string]string{"lr": sp.lr, "epochs": "30"}, nil); err != nil {
			t.Fatal(err)
		}
		var pts []store.Point
		for i, a := range sp.acc {
			ts := r.Started.Add(time.Duration(i+1) * time.Second).UnixMilli()
			pts = append(pts, store.Point{RunID: r.ID, Key: "val_accuracy", Step: int64(i), Time: ts, Value: a},
				store.Point{RunID: r.ID, Key: "loss", Step: int64(i), Time: ts, Value: 1.1 - a})
		}
		if err := s.WriteMetrics(ctx, pts); err != nil {
			t.Fatal(err)
		}
		if sp.status == store.StatusFailed {
			// The alert the supervisor's last check raises (stages/live's ended-badly rule, word for
			// word): stored before the TUI opens, so the status line shows it whichever read comes first.
			a := store.Alert{RunID: r.ID, Rule: "ended_badly", Severity: "error", Message: "run failed with exit code 2",
				Raised: r.Ended.UnixMilli()}
			if _, err := s.RaiseAlert(ctx, &a); err != nil {
				t.Fatal(err)
			}
		}
	}
	ds, err := s.UpsertDataset(ctx, store.Dataset{Name: "wine", Path: "data/wine.csv", Target: "cultivar"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.AddDatasetVersion(ctx, store.DatasetVersion{DatasetID: ds, ContentHash: "9f2c4e1a77b03d55",
		Size: int64(len(fixtureCSV)), Rows: 3, Columns: 3, GitCommit: commits[0], Seen: fixedNow.Add(-72 * time.Hour)}); err != nil {
		t.Fatal(err)
	}
	return p, s, commits
}

// settle runs cmd and the commands its messages lead to, feeding each message to m, until
// every command has answered. The fixtures turn the refresh tick off, so every command ends.
func settle(t *testing.T, m tea.Model, cmd tea.Cmd) {
	t.Helper()
	msgs := make(chan tea.Msg, 64)
	pending := 0
	var run func(c tea.Cmd)
	run = func(c tea.Cmd) {
		if c == nil {
			return
		}
		pending++
		go func() { msgs <- c() }()
	}
	run(cmd)
	for pending > 0 {
		select {
		case msg := <-msgs:
			pending--
			switch msg := msg.(type) {
			case nil:
			case tea.BatchMsg:
				for _, c := range msg {
					run(c)
				}
			default:
				var next tea.Cmd
				m, next = m.Update(msg)
				run(next)
			}
		case <-time.After(2 * time.Minute):
			// The fixtures turn the refresh tick off (Refresh: -1), so every command ends: one that
			// has not is a hang, not a tick. (A fixed wait here once let a slow load on a busy
			// machine be cut off and recorded in a golden.)
			t.Fatalf("%d commands still running after 2 minutes", pending)
		}
	}
}
