package live

import (
	"context"
	"fmt"
	"slices"
	"time"

	tea "charm.land/bubbletea/v2"

	engine "github.com/mlwb/mlwb/stages/live"
	"github.com/mlwb/mlwb/store"
)

// maxRuns bounds how many runs the page follows at once (one colour each).
const maxRuns = 8

// followed is one run the page follows. Its stream is used only by the poll in flight (there is
// never more than one), so the command goroutine and Update never touch it at the same time.
type followed struct {
	id      int64
	name    string
	status  string
	started float64 // Unix ms; the zero of relative time
	stream  *engine.Stream
}

// live reports whether the run may still log.
func (f *followed) live() bool {
	return f.status == store.StatusRunning || f.status == store.StatusQueued
}

// pollMsg is what one poll read: new points per run, the runs' states and active alerts, and,
// when the poll also chose the runs to follow, the new list.
type pollMsg struct {
	runs     []*followed // the runs to follow now; nil unless resolved
	resolved bool
	why      string
	points   []store.Point
	states   map[int64]store.RunState
	alerts   []store.Alert
	err      error
	checked  bool  // the alert rules were checked first
	checkErr error // and failed so
	leftOut  int   // marked runs not followed: maxRuns at most
}

// liveTickMsg is the page's own fast tick while a followed run is live; gen drops stale ticks.
type liveTickMsg struct{ gen int }

// poll reads what changed since the last poll. With resolve it first chooses the runs to follow
// (running and queued runs, the marked ones and the kept ones, else the newest run), keeping the
// streams of runs it already follows, so only new runs read their history. With a checker it
// first brings the alerts table up to date.
func poll(st *store.Store, cur []*followed, marked, kept []int64, resolve bool, check *engine.Checker, now func() time.Time) tea.Cmd {
	return func() tea.Msg {
		ctx := context.Background()
		msg := pollMsg{resolved: resolve}
		if check != nil {
			_, msg.checkErr = check.Check(ctx, now())
			msg.checked = true
		}
		runs := cur
		if resolve {
			var err error
			if runs, msg.why, msg.leftOut, err = choose(ctx, st, cur, marked, kept); err != nil {
				return pollMsg{err: err}
			}
			msg.runs = runs
		}
		ids := make([]int64, len(runs))
		for i, f := range runs {
			ids[i] = f.id
			pts, err := f.stream.Next(ctx)
			if err != nil {
				msg.err = err
			}
			msg.points = append(msg.points, pts...)
		}
		var err error
		if msg.states, err = st.RunStates(ctx, ids); err != nil {
			msg.err = err
		}
		if len(ids) > 0 {
			if msg.alerts, err = st.Alerts(ctx, ids, true); err != nil {
				msg.err = err
			}
		}
		return msg
	}
}

// choose picks the runs to follow, sorted by id so that a run keeps its colour when others come:
// the running and queued runs, then the marked ones, then the kept ones (runs that ended while
// the page watched them; both lists newest first), up to maxRuns; the newest run when that picks
// none. It also says how many marked runs did not fit.
func choose(ctx context.Context, st *store.Store, cur []*followed, marked, kept []int64) ([]*followed, string, int, error) {
	running, err := st.ListRuns(ctx, store.RunQuery{Statuses: []string{store.StatusRunning, store.StatusQueued}, Limit: maxRuns})
	if err != nil {
		return nil, "", 0, fmt.Errorf("live runs: %w", err)
	}
	why := "running runs"
	picked := running
	left := 0 // marked runs past maxRuns
	var states map[int64]store.RunState
	if len(marked)+len(kept) > 0 {
		// One read for both lists: deleted runs are absent from it.
		if states, err = st.RunStates(ctx, append(slices.Clone(marked), kept...)); err != nil {
			return nil, "", 0, fmt.Errorf("live runs: %w", err)
		}
	}
	for _, extra := range []struct {
		ids    []int64
		why    string
		marked bool
	}{{marked, "running and marked runs", true}, {kept, "running, marked and ended runs", false}} {
		for _, id := range extra.ids {
			if _, ok := states[id]; !ok || slices.ContainsFunc(picked, func(r *store.Run) bool { return r.ID == id }) {
				continue
			}
			if len(picked) >= maxRuns {
				if extra.marked {
					left++
				}
				continue
			}
			r, err := st.GetRun(ctx, id)
			if err != nil {
				return nil, "", 0, fmt.Errorf("live runs: %w", err)
			}
			picked, why = append(picked, r), extra.why
		}
	}
	if len(picked) == 0 {
		if picked, err = st.ListRuns(ctx, store.RunQuery{Limit: 1}); err != nil {
			return nil, "", 0, fmt.Errorf("live runs: %w", err)
		}
		why = "the newest run (mark runs with space on the Runs tab to follow them)"
	}
	slices.SortFunc(picked, func(a, b *store.Run) int { return int(a.ID - b.ID) })
	out := make([]*followed, len(picked))
	for i, r := range picked {
		f := &followed{id: r.ID, name: r.Name, status: r.Status}
		if !r.Started.IsZero() {
			f.started = float64(r.Started.UnixMilli())
		} else {
			f.started = float64(r.Created.UnixMilli())
		}
		if j := slices.IndexFunc(cur, func(c *followed) bool { return c.id == r.ID }); j >= 0 {
			f.stream = cur[j].stream
		} else {
			f.stream = engine.NewStream(st, []int64{r.ID}, nil)
		}
		out[i] = f
	}
	return out, why, left, nil
}

// tickEvery is the fast refresh while runs are live: five times per shell refresh (200 ms at the
// default one second), so a point is on screen well within the half second the issue allows.
func tickEvery(refresh time.Duration) time.Duration { return max(refresh/5, 50*time.Millisecond) }

func liveTick(d time.Duration, gen int) tea.Cmd {
	return tea.Tick(d, func(time.Time) tea.Msg { return liveTickMsg{gen: gen} })
}
