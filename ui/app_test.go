package ui

import (
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/golden"
	"github.com/charmbracelet/x/exp/teatest/v2"

	"github.com/mlwb/mlwb/store"
	"github.com/mlwb/mlwb/ui/widget"
)

func newFixtureModel(t *testing.T, theme string, w, h int) (*Model, *store.Store) {
	t.Helper()
	p, s, _ := fixture(t)
	m := New(Options{Store: s, Project: p, Theme: theme, Now: func() time.Time { return fixedNow }, Refresh: -1})
	m.Update(tea.WindowSizeMsg{Width: w, Height: h})
	settle(t, m, m.Init())
	return m, s
}

// press types keys into m, settling the commands each key leads to.
func press(t *testing.T, m tea.Model, keys ...string) {
	t.Helper()
	for _, k := range keys {
		var msg tea.KeyPressMsg
		switch k {
		case "tab":
			msg = tea.KeyPressMsg{Code: tea.KeyTab}
		case "space":
			msg = tea.KeyPressMsg{Code: tea.KeySpace, Text: " "}
		default:
			msg = tea.KeyPressMsg{Code: rune(k[0]), Text: k}
		}
		_, cmd := m.Update(msg)
		settle(t, m, cmd)
	}
}

// TestGoldenViews renders every tab, and the help overlay, at 80×24 and 120×40 in the dark,
// light and mono themes, and at 200×60 in dark. Run `go test ./ui -update` to rewrite them, and review the diff like code.
func TestGoldenViews(t *testing.T) {
	for _, size := range [][2]int{{80, 24}, {120, 40}, {200, 60}} {
		themes := []string{"dark", "light", "mono"}
		if size[0] == 200 {
			themes = themes[:1]
		}
		for _, theme := range themes {
			m, _ := newFixtureModel(t, theme, size[0], size[1])
			for i, e := range registry {
				press(t, m, fmt.Sprint(i+1))
				settle(t, m, nil)
				t.Run(fmt.Sprintf("%s_%dx%d_%s", e.id, size[0], size[1], theme), func(t *testing.T) {
					checkFrame(t, m.Render(), size[0], size[1])
					golden.RequireEqual(t, m.Render())
				})
			}
			press(t, m, "?")
			t.Run(fmt.Sprintf("help_%dx%d_%s", size[0], size[1], theme), func(t *testing.T) {
				checkFrame(t, m.Render(), size[0], size[1])
				golden.RequireEqual(t, m.Render())
			})
		}
	}
}

// checkFrame asserts the screen is exactly w×h cells, so nothing wraps or scrolls in a terminal.
func checkFrame(t *testing.T, s string, w, h int) {
	t.Helper()
	lines := strings.Split(s, "\n")
	if len(lines) != h {
		t.Fatalf("%d lines, want %d", len(lines), h)
	}
	for i, l := range lines {
		if got := widget.Width(l); got != w {
			t.Fatalf("line %d is %d cells wide, want %d: %q", i, got, w, l)
		}
	}
}

func TestShowsWhatTheStoreKnows(t *testing.T) {
	m, _ := newFixtureModel(t, "mono", 120, 40)
	press(t, m, "2")
	screen := ansi.Strip(m.Render())
	for _, want := range []string{"baseline", "lr-0.1", "failed 2", "running", "0.96", "wine-cultivars",
		"main@", "1 running", "2 finished", "1 failed"} {
		if !strings.Contains(screen, want) {
			t.Errorf("runs tab lacks %q:\n%s", want, screen)
		}
	}
	press(t, m, "3")
	if s := ansi.Strip(m.Render()); !strings.Contains(s, "Raise the learning rate") || !strings.Contains(s, "Ada Lovelace") {
		t.Errorf("diff tab lacks the history:\n%s", s)
	}
	press(t, m, "1")
	settle(t, m, nil)
	if s := ansi.Strip(m.Render()); !strings.Contains(s, "9f2c4e1a") || !strings.Contains(s, "14.23") {
		t.Errorf("data tab lacks the dataset and its rows:\n%s", s)
	}
}

func TestResizeAndTooSmall(t *testing.T) {
	m, _ := newFixtureModel(t, "dark", 80, 24)
	for _, size := range [][2]int{{200, 60}, {80, 24}, {100, 30}} {
		m.Update(tea.WindowSizeMsg{Width: size[0], Height: size[1]})
		for i := range registry {
			press(t, m, fmt.Sprint(i+1))
			checkFrame(t, m.Render(), size[0], size[1])
		}
	}
	m.Update(tea.WindowSizeMsg{Width: 30, Height: 6})
	if s := m.Render(); !strings.Contains(s, "too small") {
		t.Fatalf("no too-small message: %q", s)
	}
	checkFrame(t, m.Render(), 30, 6)
}

// TestMarksAndCompare marks two runs on the Runs tab and finds them compared on the Diff tab.
func TestMarksAndCompare(t *testing.T) {
	m, _ := newFixtureModel(t, "mono", 120, 40)
	press(t, m, "2", "space", "space")
	settle(t, m, nil)
	press(t, m, "3")
	settle(t, m, nil)
	s := ansi.Strip(m.Render())
	if !strings.Contains(s, "marked runs (2)") || !strings.Contains(s, "param lr") {
		t.Fatalf("diff tab does not compare the marked runs:\n%s", s)
	}
}

func TestThemeAndTabPersist(t *testing.T) {
	p, s, _ := fixture(t)
	m := New(Options{Store: s, Project: p, Now: func() time.Time { return fixedNow }, Refresh: -1})
	m.Update(tea.WindowSizeMsg{Width: 80, Height: 24})
	_, cmd := m.Update(tea.KeyPressMsg{Code: '3', Text: "3"})
	settle(t, m, cmd)
	_, cmd = m.Update(tea.KeyPressMsg{Code: 'T', Text: "T"})
	settle(t, m, cmd)
	if m.ctx.Theme != "light" {
		t.Fatalf("theme after T = %s, want light", m.ctx.Theme)
	}
	again := New(Options{Store: s, Project: p, Now: func() time.Time { return fixedNow }})
	if again.active != 2 || again.ctx.Theme != "light" {
		t.Fatalf("reopened on tab %d theme %s, want tab 2 and light", again.active, again.ctx.Theme)
	}
}

// TestFlowSwitchTabsAndHelp drives the real program: tabs by number and tab key, help, quit.
func TestFlowSwitchTabsAndHelp(t *testing.T) {
	p, s, _ := fixture(t)
	m := New(Options{Store: s, Project: p, Theme: "mono", Now: func() time.Time { return fixedNow }})
	tm := teatest.NewTestModel(t, m, teatest.WithInitialTermSize(100, 30))
	wait := func(want string) {
		t.Helper()
		teatest.WaitFor(t, tm.Output(), func(b []byte) bool { return strings.Contains(string(b), want) },
			teatest.WithDuration(10*time.Second))
	}
	wait("wine.csv")
	tm.Send(tea.KeyPressMsg{Code: '2', Text: "2"})
	wait("lr-typo")
	tm.Send(tea.KeyPressMsg{Code: tea.KeyTab})
	wait("Raise the learning rate")
	tm.Send(tea.KeyPressMsg{Code: '?', Text: "?"})
	wait("Keys · Diff")
	tm.Send(tea.KeyPressMsg{Code: tea.KeyEscape})
	tm.Send(tea.KeyPressMsg{Code: 'q', Text: "q"})
	tm.WaitFinished(t, teatest.WithFinalTimeout(10*time.Second))
	final := tm.FinalModel(t).(*Model)
	if final.active != 2 || final.showHelp {
		t.Fatalf("final tab %d, help %v; want tab 2 (Diff) with help closed", final.active, final.showHelp)
	}
}

// TestHelpBarWhileCapturing: while a page takes every key (the Runs tab's filter prompt), the help
// bar does not offer the tab and quit keys, which would be typed into the prompt; esc brings them
// back.
func TestHelpBarWhileCapturing(t *testing.T) {
	m, _ := newFixtureModel(t, "mono", 120, 40)
	press(t, m, "2")
	last := func() string {
		lines := strings.Split(ansi.Strip(m.Render()), "\n")
		return lines[len(lines)-1]
	}
	if !strings.Contains(last(), "go to tab") {
		t.Fatalf("help bar lacks the tab keys: %q", last())
	}
	press(t, m, "/")
	if !m.pages[m.active].Capturing() {
		t.Fatal("the filter prompt does not capture keys")
	}
	if s := last(); strings.Contains(s, "go to tab") || strings.Contains(s, "quit") {
		t.Fatalf("help bar offers global keys while the prompt takes them: %q", s)
	}
	m.Update(tea.KeyPressMsg{Code: tea.KeyEscape})
	if s := last(); !strings.Contains(s, "go to tab") {
		t.Fatalf("help bar after esc: %q", s)
	}
}

// TestQuitAsksWithUnsavedSpec: with the feature-spec editor holding unsaved changes, q and
// ctrl+c do not quit at once: the first asks (on screen), the second quits; with nothing unsaved
// q quits at once.
func TestQuitAsksWithUnsavedSpec(t *testing.T) {
	m, _ := newFixtureModel(t, "mono", 120, 40)
	var quits func(cmd tea.Cmd) bool
	quits = func(cmd tea.Cmd) bool {
		if cmd == nil {
			return false
		}
		switch msg := cmd().(type) {
		case tea.QuitMsg:
			return true
		case tea.BatchMsg:
			for _, c := range msg {
				if quits(c) {
					return true
				}
			}
		}
		return false
	}
	key := func(msg tea.KeyPressMsg) tea.Cmd {
		_, cmd := m.Update(msg)
		return cmd
	}
	press(t, m, "1", "p", "F")
	if !strings.Contains(ansi.Strip(m.Render()), "Feature spec") {
		t.Fatalf("spec editor not open:\n%s", ansi.Strip(m.Render()))
	}
	press(t, m, "l") // a change: unsaved
	for _, msg := range []tea.KeyPressMsg{{Code: 'q', Text: "q"}, {Code: 'c', Mod: tea.ModCtrl}} {
		if quits(key(msg)) {
			t.Fatalf("%s quit with unsaved changes", msg.String())
		}
		if v := ansi.Strip(m.Render()); !strings.Contains(v, "unsaved changes") {
			t.Fatalf("no question after %s:\n%s", msg.String(), v)
		}
		if !quits(key(msg)) {
			t.Fatalf("a second %s did not quit", msg.String())
		}
	}
	// From another tab, or from the help overlay: the Data tab comes back and asks.
	press(t, m, "l")
	for _, away := range []string{"2", "?"} {
		for _, msg := range []tea.KeyPressMsg{{Code: 'q', Text: "q"}, {Code: 'c', Mod: tea.ModCtrl}} {
			if away == "?" && msg.Text == "q" {
				continue // q closes the overlay
			}
			press(t, m, away)
			if quits(key(msg)) {
				t.Fatalf("%s after %s quit with unsaved changes", msg.String(), away)
			}
			if v := ansi.Strip(m.Render()); m.active != 0 || !strings.Contains(v, "unsaved changes") {
				t.Fatalf("%s after %s: tab %d, no question:\n%s", msg.String(), away, m.active, v)
			}
			press(t, m, "j") // any other key: the question is dropped, the edits stay
		}
	}
	press(t, m, "w") // written: nothing unsaved, q quits at once
	if !quits(key(tea.KeyPressMsg{Code: 'q', Text: "q"})) {
		t.Fatal("q did not quit with the spec written")
	}
}

// TestHelpHasEveryKeyAt80x24: the help overlay of every tab shows every key the tab lists, at
// 80×24 too (in one row of groups it was cut off at the screen's edge, with half the keys).
func TestHelpHasEveryKeyAt80x24(t *testing.T) {
	m, _ := newFixtureModel(t, "mono", 80, 24)
	for i := range registry {
		press(t, m, fmt.Sprint(i+1), "?")
		v := regexp.MustCompile("\x1b\\[[0-9;]*m").ReplaceAllString(m.Render(), "")
		checkFrame(t, m.Render(), 80, 24)
		for _, g := range m.pages[m.active].FullHelp() {
			for _, b := range g {
				if d := b.Help().Desc; d != "" && !strings.Contains(v, d) {
					t.Errorf("%s help lacks %q:\n%s", m.pages[m.active].Title(), d, v)
				}
			}
		}
		press(t, m, "?")
	}
}
