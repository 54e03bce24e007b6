package ui

import (
	"context"
	"fmt"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/mlwb/mlwb/stages/runs"
	"github.com/mlwb/mlwb/store"
	"github.com/mlwb/mlwb/ui/common"
)

// TestMain lets this test binary be the supervisor that runs.Launch starts
// (`supervise --db DB ID`), as the mlwb binary is in use.
func TestMain(m *testing.M) {
	if len(os.Args) == 5 && os.Args[1] == "supervise" && os.Args[2] == "--db" {
		s, err := store.Open(os.Args[3])
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		id, _ := strconv.ParseInt(os.Args[4], 10, 64)
		err = runs.SuperviseProcess(context.Background(), s, id, os.Stderr)
		s.Close()
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// TestEightRunsWithTheWorkbenchOpen: eight runs start at once while the workbench re-reads the
// store on every tick, as it does open in a terminal: no "database is locked", every point of
// every run stored, and the Runs tab ends showing them finished.
func TestEightRunsWithTheWorkbenchOpen(t *testing.T) {
	p, s, _ := fixture(t)
	m := New(Options{Store: s, Project: p, Theme: "dark", Refresh: -1})
	m.Update(tea.WindowSizeMsg{Width: 120, Height: 40})
	settle(t, m, m.Init())
	press(t, m, "2")
	const lines = 500
	var ids []int64
	for i := 0; i < 8; i++ {
		r, err := runs.Launch(context.Background(), runs.LaunchOptions{Store: s, Project: p,
			Exe: os.Args[0], Name: fmt.Sprint("load-", i), Command: []string{"sh", "-c",
				fmt.Sprintf("i=0; while [ $i -lt %d ]; do i=$((i+1)); echo step=$i loss=$i acc=0.$i; done", lines)}})
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, r.ID)
	}
	deadline := time.Now().Add(3 * time.Minute)
	for {
		_, cmd := m.Update(common.TickMsg{At: time.Now()})
		settle(t, m, cmd)
		v := m.View().Content
		if strings.Contains(v, "cannot read") || strings.Contains(v, "locked") {
			t.Fatalf("the workbench showed an error while runs wrote:\n%s", v)
		}
		going := 0 // of ours: the fixture has a running run of its own
		for _, id := range ids {
			r, err := s.GetRun(context.Background(), id)
			if err != nil {
				t.Fatal(err)
			}
			if r.Status == store.StatusQueued || r.Status == store.StatusRunning {
				going++
			}
		}
		if going == 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d runs still going after 3 minutes", going)
		}
	}
	for _, id := range ids {
		r, err := s.GetRun(context.Background(), id)
		if err != nil || r.Status != store.StatusFinished {
			t.Fatalf("run %d: %v %v %q", id, r.Status, err, r.Note)
		}
		sums, _ := s.Summaries(context.Background(), []int64{id})
		n := map[string]int64{}
		for _, sm := range sums[id] {
			n[sm.Key] = sm.Count
		}
		if n["loss"] != lines || n["acc"] != lines || n["step"] != lines {
			t.Fatalf("run %d stored %v, want %d of each", id, n, lines)
		}
	}
	_, cmd := m.Update(common.TickMsg{At: time.Now()})
	settle(t, m, cmd)
	if v := m.View().Content; strings.Count(v, "load-") < 8 {
		t.Fatalf("the Runs tab does not show the eight runs:\n%s", v)
	}
}
