package ui

import (
	"context"
	"fmt"
	"strings"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/mlwb/mlwb/stages/versions"
	"github.com/mlwb/mlwb/store"
	"github.com/mlwb/mlwb/ui/common"
	"github.com/mlwb/mlwb/ui/widget"
)

// statusInfo is what the status line shows about the project.
type statusInfo struct {
	head    versions.Head
	headErr error
	dirty   *bool // nil until known (computed in the background, with a timeout)
	counts  map[string]int
}

type headMsg struct {
	head versions.Head
	err  error
}

type dirtyMsg struct{ dirty *bool }

type countsMsg struct{ counts map[string]int }

// dirtyTimeout bounds the worktree status: the status line never waits on a huge tree.
const dirtyTimeout = 3 * time.Second

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
		return countsMsg{counts: c}
	}
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
	counts := []string{}
	for _, c := range []struct {
		status, sym string
	}{{store.StatusRunning, "▶"}, {store.StatusFinished, "✓"}, {store.StatusFailed, "✗"}, {store.StatusLost, "?"}, {store.StatusKilled, "■"}} {
		if n := s.counts[c.status]; n > 0 || c.status != store.StatusLost && c.status != store.StatusKilled {
			counts = append(counts, ctx.Styles.Status(c.status).Render(fmt.Sprintf("%s%d %s", c.sym, n, c.status)))
		}
	}
	parts = append(parts, strings.Join(counts, " "))
	left := " " + strings.Join(parts, st.Muted.Render(" │ "))
	if right != "" {
		right += " "
	}
	gap := w - widget.Width(left) - widget.Width(right)
	if gap < 1 {
		return widget.Fit(left, w)
	}
	return left + strings.Repeat(" ", gap) + right
}
