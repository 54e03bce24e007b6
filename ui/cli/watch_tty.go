package cli

import (
	"fmt"
	"io"
	"maps"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/mlwb/mlwb/stages/live"
	"github.com/mlwb/mlwb/ui/widget"
)

// sparkPoints is how many recent values of a key the terminal view keeps for its sparkline.
const sparkPoints = 24

// ttyWatch redraws a table in place: a line per run and key with the last value and a sparkline.
// It only rewrites the screen when something changed.
type ttyWatch struct {
	out   io.Writer
	keys  []string
	state map[int64]*watchedRun
	lines int // lines drawn last time, to move back over
	// height is the terminal's height in lines (0: unknown). The table is cut to fit it: the
	// cursor cannot move back above the top of the screen, so a taller table piled up a copy
	// of itself on every redraw instead of redrawing in place.
	height func() int
}

type watchedRun struct {
	name, status string
	step         int64
	gone         bool
	recent       map[string][]float64
}

func (t *ttyWatch) show(u live.Update) error {
	if t.state == nil {
		t.state = map[int64]*watchedRun{}
	}
	changed := len(u.Points) > 0 || len(u.Gone) > 0 || t.lines == 0
	for id, r := range u.Runs {
		w := t.run(id)
		changed = changed || w.status != r.Status
		w.name, w.status = r.Name, r.Status
	}
	for _, id := range u.Gone {
		t.run(id).gone = true
	}
	for _, p := range u.Points {
		w := t.run(p.RunID)
		w.step = max(w.step, p.Step)
		r := append(w.recent[p.Key], p.Value)
		if len(r) > 4*sparkPoints { // keep the tail without reallocating on every point
			r = slices.Clone(r[len(r)-sparkPoints:])
		}
		w.recent[p.Key] = r
	}
	if !changed {
		return nil
	}
	var sb strings.Builder
	if t.lines > 0 {
		fmt.Fprintf(&sb, "\x1b[%dA\x1b[J", t.lines) // back to the table's first line; clear below
	}
	keyW := 8 // the key column: as wide as the longest key shown, within reason
	for _, w := range t.state {
		for k := range w.recent {
			keyW = max(keyW, min(widget.Width(k), 40))
		}
	}
	// A line per run and one per key of it; on a terminal shorter than that, the first h-2 and a
	// line saying how many more (only those are formatted).
	ids := slices.Sorted(maps.Keys(t.state))
	keysOf := make(map[int64][]string, len(ids))
	total := 0
	for _, id := range ids {
		keys := t.keys
		if len(keys) == 0 {
			keys = slices.Sorted(maps.Keys(t.state[id].recent))
		}
		keysOf[id] = keys
		total += 1 + len(keys)
	}
	room := total
	if h := t.screenLines(); h >= 3 && total > h-1 {
		room = h - 2
	}
	n := 0
	line := func(format string, args ...any) {
		if n < room {
			fmt.Fprintf(&sb, format, args...)
			n++
		}
	}
	for _, id := range ids {
		w := t.state[id]
		status := w.status
		if w.gone {
			status = "deleted"
		}
		line("run %d %s  %s  step %d\n", id, w.name, status, w.step)
		for _, k := range keysOf[id] {
			if n >= room {
				break
			}
			r := w.recent[k]
			last := "-"
			if len(r) > 0 {
				last = fmtNum(r[len(r)-1])
			}
			tail := r[max(0, len(r)-sparkPoints):]
			line("  %s %13s  %s\n", widget.Fit(k, keyW), last, widget.Sparkline(tail, sparkPoints))
		}
	}
	if room < total {
		fmt.Fprintf(&sb, "… %d more lines: a taller terminal, or --keys, shows them\n", total-room)
		n++
	}
	text := sb.String()
	t.lines = n
	_, err := io.WriteString(t.out, text)
	return err
}

func (t *ttyWatch) screenLines() int {
	if t.height == nil {
		return 0
	}
	return t.height()
}

func (t *ttyWatch) run(id int64) *watchedRun {
	w := t.state[id]
	if w == nil {
		w = &watchedRun{recent: map[string][]float64{}}
		t.state[id] = w
	}
	return w
}

// watchValue prints a value exactly (shortest round-trip form), as the plain lines do for
// scripts; NaN and ±Inf by name.
func watchValue(v float64) string {
	switch {
	case math.IsNaN(v):
		return "NaN"
	case math.IsInf(v, 1):
		return "+Inf"
	case math.IsInf(v, -1):
		return "-Inf"
	}
	return strconv.FormatFloat(v, 'g', -1, 64)
}
