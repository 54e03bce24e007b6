package runs

import (
	"context"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/mlwb/mlwb/stages/project"
	"github.com/mlwb/mlwb/store"
	"github.com/mlwb/mlwb/themes"
	"github.com/mlwb/mlwb/ui/common"
)

var ansi = regexp.MustCompile("\x1b\\[[0-9;]*m")

// pageFixture is a Runs page over a real store: three ended runs with params and metrics, the
// last with an evaluation and a log.
func pageFixture(t *testing.T) (*Page, *store.Store) {
	t.Helper()
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "mlwb.yaml"), []byte("name: t\nmetrics:\n  primary: acc\n  direction: max\n"), 0o644)
	p, err := project.Discover(dir)
	if err != nil {
		t.Fatal(err)
	}
	s, err := store.Open(filepath.Join(dir, "state.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	ctx := context.Background()
	for i, name := range []string{"base", "tuned", "final"} {
		code := 0
		logPath := filepath.Join(dir, name+".log")
		os.WriteFile(logPath, []byte("start\nepoch=1 acc=0.5\nwarning: \x1b[31mred\x1b[0m text\nepoch=2 acc=0.9\ndone\n"), 0o644)
		r := &store.Run{Name: name, Status: store.StatusFinished, ExitCode: &code, LogPath: logPath,
			Created: time.UnixMilli(int64(1000 + i)), Started: time.UnixMilli(int64(1000 + i))}
		if err := s.CreateRun(ctx, r, map[string]string{"lr": []string{"0.1", "0.01", "0.01"}[i]}, nil); err != nil {
			t.Fatal(err)
		}
		acc := []float64{0.7, 0.92, 0.95}[i]
		if err := s.WriteMetrics(ctx, []store.Point{{RunID: r.ID, Key: "acc", Step: 1, Value: 0.5}, {RunID: r.ID, Key: "acc", Step: 2, Value: acc}}); err != nil {
			t.Fatal(err)
		}
	}
	report := `{"kind":"classification","rows":4,"columns":{},"classification":{"labels":["cat","dog"],"accuracy":0.75,
		"classes":[{"label":"cat","precision":1,"recall":0.5,"f1":0.6667,"support":2},{"label":"dog","precision":0.6667,"recall":1,"f1":0.8,"support":2}],
		"macro":{"precision":0.8333,"recall":0.75,"f1":0.7333},"weighted":{"precision":0.8333,"recall":0.75,"f1":0.7333},
		"confusion":[[1,1],[0,2]],"roc_auc":{},"pr_auc":{},"log_loss":{}}}`
	if err := s.SaveEvaluation(ctx, 3, "classification", []byte(report)); err != nil {
		t.Fatal(err)
	}
	c := &common.Context{Store: s, Project: p, Styles: themes.New(themes.Dark()), Now: func() time.Time { return time.UnixMilli(5000) },
		Marked: map[int64]bool{}}
	pg := New(c)
	pg.SetSize(100, 30)
	run(t, pg, pg.Init())
	return pg, s
}

// run feeds a command's messages back to the page until none is left (loads are synchronous here).
func run(t *testing.T, pg *Page, cmd tea.Cmd) {
	t.Helper()
	for i := 0; cmd != nil && i < 20; i++ {
		msg := cmd()
		if b, ok := msg.(tea.BatchMsg); ok {
			for _, c := range b {
				run(t, pg, c)
			}
			return
		}
		_, cmd = pg.Update(msg)
	}
}

func press(t *testing.T, pg *Page, keys ...string) {
	t.Helper()
	for _, k := range keys {
		var msg tea.KeyPressMsg
		switch k {
		case "enter":
			msg = tea.KeyPressMsg{Code: tea.KeyEnter}
		case "esc":
			msg = tea.KeyPressMsg{Code: tea.KeyEscape}
		case "space":
			msg = tea.KeyPressMsg{Code: tea.KeySpace, Text: " "}
		default:
			for _, r := range k {
				_, cmd := pg.Update(tea.KeyPressMsg{Code: r, Text: string(r)})
				run(t, pg, cmd)
			}
			continue
		}
		_, cmd := pg.Update(msg)
		run(t, pg, cmd)
	}
}

func screen(pg *Page) string { return ansi.ReplaceAllString(pg.View(), "") }

func TestRunsPageFilterDetailLogTag(t *testing.T) {
	pg, s := pageFixture(t)
	if v := screen(pg); !strings.Contains(v, "final") || !strings.Contains(v, "base") {
		t.Fatalf("table:\n%s", v)
	}
	// A filter in MLflow's syntax narrows the table; a bad one says why and keeps the table.
	press(t, pg, "/", `metrics.acc > 0.9 and params.lr = "0.01"`, "enter")
	v := screen(pg)
	if !strings.Contains(v, "(2 runs") || strings.Contains(v, " base ") || !strings.Contains(v, "tuned") {
		t.Fatalf("filtered table:\n%s", v)
	}
	press(t, pg, "/", " and", "enter")
	if v := screen(pg); !strings.Contains(v, "filter: ") || !strings.Contains(v, "invalid search filter") {
		t.Fatalf("bad filter:\n%s", v)
	}
	press(t, pg, "esc", "esc") // close the prompt, clear the filter
	if v := screen(pg); !strings.Contains(v, "base") {
		t.Fatalf("filter not cleared:\n%s", v)
	}
	// The top run (final, newest) in detail: its evaluation's confusion matrix.
	press(t, pg, "enter")
	v = screen(pg)
	for _, want := range []string{"run 3 final", "evaluation", "accuracy 0.75", "true\\pred", "cat", "dog", "metrics", "lr=0.01"} {
		if !strings.Contains(v, want) {
			t.Errorf("detail lacks %q:\n%s", want, v)
		}
	}
	// Its log, with the escape sequence it printed made harmless, and a search.
	press(t, pg, "l")
	v = screen(pg)
	if !strings.Contains(v, "epoch=2 acc=0.9") || pg.logv.lines[2] != "warning: red text" {
		t.Fatalf("log:\n%s", v)
	}
	if pg.logv.run.Status != store.StatusRunning && strings.Contains(v, "following") {
		t.Fatalf("a %s run's log says following:\n%s", pg.logv.run.Status, v)
	}
	press(t, pg, "/", "acc", "enter")
	if v := screen(pg); !strings.Contains(v, `match 2/2 of "acc"`) {
		t.Fatalf("log search:\n%s", v)
	}
	press(t, pg, "esc", "esc")
	// A tag and a note from the table reach the store.
	press(t, pg, "t", "stage=best", "enter", "n", "looks good", "enter")
	tags, err := s.Tags(context.Background(), []int64{3})
	if err != nil || tags[3]["stage"] != "best" {
		t.Fatalf("tags %v %v", tags, err)
	}
	if r, _ := s.GetRun(context.Background(), 3); r.Note != "looks good" {
		t.Fatalf("note %q", r.Note)
	}
	// Stopping an ended run is refused with a reason, not a prompt.
	press(t, pg, "x")
	if v := screen(pg); !strings.Contains(v, "has ended") {
		t.Fatalf("stop of an ended run:\n%s", v)
	}
}

// TestHiddenParamsOnlyTheRunsOwn: the line of params whose columns did not fit names only the
// selected run's params (a run without lr was shown "lr=").
func TestHiddenParamsOnlyTheRunsOwn(t *testing.T) {
	pg, s := pageFixture(t)
	r := &store.Run{Name: "bare", Status: store.StatusFinished, Created: time.UnixMilli(9000)}
	if err := s.CreateRun(context.Background(), r, nil, nil); err != nil {
		t.Fatal(err)
	}
	pg.SetSize(40, 30) // too narrow for the lr column
	run(t, pg, pg.Init())
	if pg.selected() == nil || pg.selected().ID != r.ID {
		t.Fatalf("could not select run %d", r.ID)
	}
	if v := screen(pg); strings.Contains(v, "lr=") || strings.Contains(v, "not in the table") {
		t.Fatalf("a run without params lists hidden ones:\n%s", v)
	}
	press(t, pg, "j") // run 3, lr=0.01
	if v := screen(pg); !strings.Contains(v, "1 param not in the table: lr=0.01") {
		t.Fatalf("a run with lr does not list it:\n%s", v)
	}
}
