package ui

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/mlwb/mlwb/store"
	"github.com/mlwb/mlwb/ui/widget"
)

// statusText is the status line of m's screen without colour.
func statusText(m *Model) string {
	lines := strings.Split(m.Render(), "\n")
	return ansi.Strip(lines[len(lines)-2])
}

// readCounts runs the status line's store read, as the refresh tick does, and hands it to m.
func readCounts(t *testing.T, m *Model, s *store.Store) tea.Cmd {
	t.Helper()
	msg := loadCounts(s)()
	if _, ok := msg.(countsMsg); !ok {
		t.Fatalf("status read: %v", msg)
	}
	_, cmd := m.Update(msg)
	return cmd
}

// rings reports whether cmd writes the terminal bell.
func rings(cmd tea.Cmd) bool {
	if cmd == nil {
		return false
	}
	raw, ok := cmd().(tea.RawMsg)
	return ok && raw.Msg == "\a"
}

// TestStatusLineAlertsAndBell: the status line counts the active alerts and names the newest
// (the fixture's failed run has one); with alerts.bell on, a newly raised alert rings the bell
// once — not for the alerts there when the TUI opened, not again on the next read or frame,
// and never with the bell off.
func TestStatusLineAlertsAndBell(t *testing.T) {
	for _, bell := range []bool{true, false} {
		p, s, _ := fixture(t)
		p.Config.Alerts.Bell = bell
		m := New(Options{Store: s, Project: p, Theme: "mono", Now: func() time.Time { return fixedNow }, Refresh: -1})
		m.Update(tea.WindowSizeMsg{Width: 120, Height: 40})
		if rings(readCounts(t, m, s)) {
			t.Fatal("the bell rang for an alert raised before the TUI opened")
		}
		if got := statusText(m); !strings.Contains(got, "│ ⚠ run failed with exit code 2 in #3") {
			t.Fatalf("one alert: status line %q", got)
		}

		ctx := context.Background()
		runs, err := s.ListRuns(ctx, store.RunQuery{Statuses: []string{store.StatusRunning}})
		if err != nil || len(runs) != 1 {
			t.Fatalf("running runs %v %v", runs, err)
		}
		a := store.Alert{RunID: runs[0].ID, Rule: "nonfinite_loss", Severity: "error", Message: "loss is NaN at step 40",
			Raised: fixedNow.UnixMilli()}
		if _, err := s.RaiseAlert(ctx, &a); err != nil {
			t.Fatal(err)
		}
		if got := rings(readCounts(t, m, s)); got != bell {
			t.Fatalf("bell %v: a new alert rang %v", bell, got)
		}
		want := "⚠ 2 alerts: loss is NaN at step 40 in #4"
		if got := statusText(m); !strings.Contains(got, want) {
			t.Fatalf("status line %q lacks %q", got, want)
		}
		if rings(readCounts(t, m, s)) || strings.Contains(m.Render(), "\a") {
			t.Fatal("the bell rang again for the same alert")
		}

		// Narrow: the counts lose their words, then the theme goes, and the alert is cut last.
		for _, w := range []int{80, 60} {
			m.Update(tea.WindowSizeMsg{Width: w, Height: 24})
			got := statusText(m)
			if widget.Width(got) != w || !strings.Contains(got, "▶1 ✓2 ✗1 │ ⚠ 2 alerts") {
				t.Fatalf("at %d columns: %q", w, got)
			}
		}

		if err := s.ClearAlert(ctx, runs[0].ID, "nonfinite_loss"); err != nil {
			t.Fatal(err)
		}
		readCounts(t, m, s)
		m.Update(tea.WindowSizeMsg{Width: 120, Height: 40})
		if got := statusText(m); !strings.Contains(got, "⚠ run failed with exit code 2 in #3") {
			t.Fatalf("after clearing: %q", got)
		}
	}
}

// TestStatusDirtyFollowsTheTree: the dirty mark is asked again when HEAD moves (a commit made
// while the TUI is open cleans it at once) and at most every dirtyEvery otherwise (an edit shows
// up); it was read only when the TUI opened, so a commit left a stale *.
func TestStatusDirtyFollowsTheTree(t *testing.T) {
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("needs the git command to commit")
	}
	p, s, _ := fixture(t)
	m := New(Options{Store: s, Project: p, Theme: "mono", Now: func() time.Time { return fixedNow }, Refresh: -1})
	m.Update(tea.WindowSizeMsg{Width: 120, Height: 40})
	settle(t, m, m.Init())
	mark := func() string {
		t.Helper()
		f := strings.Fields(statusText(m))
		for _, w := range f {
			if strings.HasPrefix(w, "main@") {
				return w
			}
		}
		t.Fatalf("no branch in %q", statusText(m))
		return ""
	}
	if w := mark(); strings.HasSuffix(w, "*") {
		t.Fatalf("clean fixture shows %s", w)
	}
	os.WriteFile(filepath.Join(p.Root, "params.yaml"), []byte("lr: 0.5\n"), 0o644)
	m.status.dirtyAt = time.Now().Add(-2 * dirtyEvery) // as if the last status were long ago
	settle(t, m, loadHead(p.Root))
	if w := mark(); !strings.HasSuffix(w, "*") {
		t.Fatalf("an edit not shown: %s", w)
	}
	git := func(args ...string) {
		cmd := exec.Command("git", append([]string{"-C", p.Root, "-c", "user.name=T", "-c", "user.email=t@example.com"}, args...)...)
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("git %v: %v\n%s", args, err, out)
		}
	}
	git("commit", "-qam", "edit")
	settle(t, m, loadHead(p.Root)) // HEAD moved: asked at once, whatever the time
	if w := mark(); strings.HasSuffix(w, "*") {
		t.Fatalf("after the commit the status still says %s", w)
	}
}
