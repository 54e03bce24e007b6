// Package common is what the TUI shell shares with its pages: the context (styles, store, project,
// clock), the page contract, the messages pages exchange with the shell, and the global keys.
package common

import (
	"time"

	"charm.land/bubbles/v2/help"
	tea "charm.land/bubbletea/v2"

	"github.com/mlwb/mlwb/stages/project"
	"github.com/mlwb/mlwb/store"
	"github.com/mlwb/mlwb/themes"
)

// Context is passed by pointer to every page: a theme switch or a mark is seen by all at once.
// It holds handles and shared choices, never a page's own state.
type Context struct {
	Store   *store.Store
	Project *project.Project
	Styles  themes.Styles
	Theme   string
	// Now is the clock pages show times against (fixed in golden tests).
	Now func() time.Time
	// Marked holds the ids of runs marked (space on the Runs page) for Diff and Live.
	Marked map[int64]bool
	// Refresh is how often pages re-read the store for changes made by other processes.
	Refresh time.Duration
}

// Page is one tab of the workbench. Only the shell builds the tea.View; a page renders a string
// of exactly the size it was given.
type Page interface {
	help.KeyMap
	// Title is the tab's name.
	Title() string
	Init() tea.Cmd
	Update(msg tea.Msg) (Page, tea.Cmd)
	View() string
	SetSize(width, height int)
	// Capturing reports whether the page is taking text input (a filter bar), so the shell
	// does not treat typed letters as global keys.
	Capturing() bool
}

// Guarded is a page that can hold work quitting would lose (an editor's unsaved changes). While
// Unsaved, the shell's quit hands the page a ctrl+c instead, so it asks before it quits.
type Guarded interface {
	Unsaved() bool
}

// TickMsg asks the pages to re-read what may have changed in the store.
type TickMsg struct{ At time.Time }

// Tick schedules the next TickMsg.
func Tick(d time.Duration) tea.Cmd {
	return tea.Tick(d, func(t time.Time) tea.Msg { return TickMsg{At: t} })
}

// ErrorMsg reports a failure to the shell, which shows it in the status line.
type ErrorMsg struct{ Err error }

// MarksChangedMsg tells every page that the set of marked runs changed.
type MarksChangedMsg struct{}

// StatusGlyph is a run status as one glyph, the same in the status line and the Live legend:
// ▶ running, ○ queued, ✓ finished, ✗ failed, ⊘ killed, ? lost (■ ● ▲ ◆ are run glyphs on charts).
func StatusGlyph(status string) string {
	switch status {
	case store.StatusRunning:
		return "▶"
	case store.StatusQueued:
		return "○"
	case store.StatusFinished:
		return "✓"
	case store.StatusFailed:
		return "✗"
	case store.StatusKilled:
		return "⊘"
	case store.StatusLost:
		return "?"
	}
	return "·"
}
