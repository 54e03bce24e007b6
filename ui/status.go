package ui

import (
	"context"
	"fmt"
	"strings"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/mlwb/mlwb/stages/versions"
	"github.com/mlwb/mlwb/store"
	"github.com/mlwb/mlwb/themes"
	"github.com/mlwb/mlwb/ui/common"
	"github.com/mlwb/mlwb/ui/widget"
)

// statusInfo is what the status line shows about the project.
type statusInfo struct {
	head    versions.Head
	headErr error
	dirty   *bool // nil until known (computed in the background, with a timeout)
	// dirtyAt is when the worktree status was last asked for, dirtyBusy whether it is being
	// computed: it is asked again when HEAD moves and at most every dirtyEvery otherwise.
	dirtyAt   time.Time
	dirtyBusy bool
	counts    map[string]int
	// alerts are the active alerts of every run, newest first (the Live tab shows them in full).
	alerts []store.Alert
	// newestAlert is the highest alert id seen; a higher one is a new alert (the bell's cue).
	newestAlert int64
	alertsRead  bool // the first read only sets newestAlert: alerts raised before the TUI opened do not ring
}

type headMsg struct {
	head versions.Head
	err  error
}

type dirtyMsg struct{ dirty *bool }

type countsMsg struct {
	counts map[string]int
	alerts []store.Alert
}

// dirtyTimeout bounds the worktree status: the status line never waits on a huge tree.
const dirtyTimeout = 3 * time.Second

// dirtyEvery is the least time between two worktree statuses while HEAD stays put (an edit makes
// the tree dirty without moving HEAD; a status walks the whole tree, so not every tick).
const dirtyEvery = 15 * time.Second

// askDirty starts a worktree status unless one is running, or (unless forced) one ran lately.
func (s *statusInfo) askDirty(root string, now time.Time, force bool) tea.Cmd {
	if s.dirtyBusy || !force && now.Sub(s.dirtyAt) < dirtyEvery {
		return nil
	}
	s.dirtyBusy, s.dirtyAt = true, now
	return loadDirty(root)
}

func loadHead(root string) tea.Cmd {
	return func() tea.Msg {
		h, err := versions.ReadHead(root)
		return headMsg{head: h, err: err}
	}
}

func loadDirty(root string) tea.Cmd {
	return func() tea.Msg {
		ctx, cancel := context.WithTimeout(context.Background(), dirtyTimeout)
		defer cancel()
		d, err := versions.Dirty(ctx, root)
		if err != nil {
			return dirtyMsg{}
		}
		return dirtyMsg{dirty: &d}
	}
}

func loadCounts(st *store.Store) tea.Cmd {
	return func() tea.Msg {
		c, err := st.CountRuns(context.Background())
		if err != nil {
			return common.ErrorMsg{Err: err}
		}
		as, err := st.Alerts(context.Background(), nil, true)
		if err != nil {
			return common.ErrorMsg{Err: err}
		}
		return countsMsg{counts: c, alerts: as}
	}
}

// setCounts takes a counts read. With bell on, an alert newer than any seen before rings the
// terminal bell: once, from Update, so a redrawn frame never rings it again.
func (s *statusInfo) setCounts(msg countsMsg, bell bool) tea.Cmd {
	s.counts, s.alerts = msg.counts, msg.alerts
	newest := s.newestAlert
	for _, a := range msg.alerts {
		newest = max(newest, a.ID)
	}
	ring := bell && s.alertsRead && newest > s.newestAlert
	s.newestAlert, s.alertsRead = newest, true
	if ring {
		return tea.Raw("\a")
	}
	return nil
}

// bellOn reports whether mlwb.yaml's alerts section asks for the terminal bell.
func bellOn(ctx *common.Context) bool {
	return ctx.Project != nil && ctx.Project.Config != nil && ctx.Project.Config.Alerts.Bell
}

// alertSummary is "⚠ 2 alerts: loss is NaN at step 40 in #12" (how many are active, and the
// newest) or "⚠ run failed with exit code 2 in #3" for one, in the severity's colour; "" for none.
func alertSummary(st *themes.Styles, as []store.Alert) string {
	if len(as) == 0 {
		return ""
	}
	a := as[0]
	text := "⚠ " + a.Message
	if len(as) > 1 {
		text = fmt.Sprintf("⚠ %d alerts: %s", len(as), a.Message)
	}
	if a.RunID != 0 {
		text += fmt.Sprintf(" in #%d", a.RunID)
	}
	if a.Severity == "error" {
		return st.Error.Render(text)
	}
	return st.Warn.Render(text)
}

// statusLine renders: project, branch@sha with a dirty mark, run counts; and the right side.
func statusLine(ctx *common.Context, s statusInfo, right string, w int) string {
	st := &ctx.Styles
	name := "mlwb"
	if ctx.Project.Config != nil && ctx.Project.Config.Name != "" {
		name = ctx.Project.Config.Name
	}
	parts := []string{st.Bold.Render(name)}
	switch {
	case !ctx.Project.InGit:
		parts = append(parts, st.Muted.Render("no git"))
	case s.headErr != nil:
		parts = append(parts, st.Warn.Render("git: unreadable"))
	case s.head.Commit == "":
		parts = append(parts, st.Muted.Render(s.head.Branch+"@(no commits)"))
	default:
		ref := s.head.Branch
		if s.head.Detached {
			ref = "(detached)"
		}
		h := st.Accent.Render(ref) + st.Muted.Render("@") + st.Text.Render(s.head.Short())
		if s.dirty != nil && *s.dirty {
			h += st.Warn.Render("*")
		}
		parts = append(parts, h)
	}
	full, short := []string{}, []string{}
	for _, status := range []string{store.StatusRunning, store.StatusFinished, store.StatusFailed, store.StatusLost, store.StatusKilled} {
		if n := s.counts[status]; n > 0 || status != store.StatusLost && status != store.StatusKilled {
			style, sym := ctx.Styles.Status(status), common.StatusGlyph(status)
			full = append(full, style.Render(fmt.Sprintf("%s%d %s", sym, n, status)))
			short = append(short, style.Render(fmt.Sprintf("%s%d", sym, n)))
		}
	}
	sep := st.Muted.Render(" │ ")
	alerts := alertSummary(st, s.alerts)
	if right != "" {
		right += " "
	}
	// Narrow terminals give up, in turn, the words after the counts, then the right side (the
	// theme's name), then the end of the alert's message: the alert is what must be seen.
	for _, try := range []struct {
		counts []string
		right  string
	}{{full, right}, {short, right}, {short, ""}} {
		ps := append(parts[:len(parts):len(parts)], strings.Join(try.counts, " "))
		if alerts != "" {
			ps = append(ps, alerts)
		}
		left := " " + strings.Join(ps, sep)
		if gap := w - widget.Width(left) - widget.Width(try.right); gap >= 1 || try.right == "" && gap >= 0 {
			return left + strings.Repeat(" ", gap) + try.right
		}
		if alerts == "" {
			return widget.Fit(left, w) // no alert: the counts keep their words, the theme goes
		}
	}
	return widget.Fit(" "+strings.Join(append(parts, strings.Join(short, " "), alerts), sep), w)
}
