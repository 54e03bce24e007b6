// Package widget holds the TUI's shared components: table, sparkline, and the formatting of
// numbers, times and durations that every page shows the same way.
package widget

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"
)

// Num formats a metric value compactly: up to 4 significant digits, exponent for the very large
// or small, and nan/inf spelled out, so columns stay narrow and values stay honest.
func Num(v float64) string {
	switch {
	case math.IsNaN(v):
		return "nan"
	case math.IsInf(v, 1):
		return "+inf"
	case math.IsInf(v, -1):
		return "-inf"
	case v == 0:
		return "0"
	}
	a := math.Abs(v)
	if a >= 1e6 || a < 1e-3 {
		return strconv.FormatFloat(v, 'e', 2, 64)
	}
	if a == math.Trunc(a) {
		return strconv.FormatFloat(v, 'f', 0, 64)
	}
	s := strconv.FormatFloat(v, 'g', 4, 64)
	if strings.Contains(s, "e") {
		s = strconv.FormatFloat(v, 'f', 4, 64)
	}
	return s
}

// Duration formats a duration for a table cell: 45s, 12m03s, 3h07m, 2d04h.
func Duration(d time.Duration) string {
	if d <= 0 {
		return "-"
	}
	s := int64(d.Round(time.Second) / time.Second)
	switch {
	case s < 60:
		return fmt.Sprintf("%ds", s)
	case s < 3600:
		return fmt.Sprintf("%dm%02ds", s/60, s%60)
	case s < 86400:
		return fmt.Sprintf("%dh%02dm", s/3600, s%3600/60)
	}
	return fmt.Sprintf("%dd%02dh", s/86400, s%86400/3600)
}

// Ago formats t relative to now: "just now", "5m ago", "3h ago", "2d ago", then the date.
func Ago(t, now time.Time) string {
	if t.IsZero() {
		return "-"
	}
	d := now.Sub(t)
	switch {
	case d < 30*time.Second:
		return "just now"
	case d < time.Hour:
		return fmt.Sprintf("%dm ago", int(d.Minutes()+0.5))
	case d < 24*time.Hour:
		return fmt.Sprintf("%dh ago", int(d.Hours()))
	case d < 14*24*time.Hour:
		return fmt.Sprintf("%dd ago", int(d.Hours()/24))
	}
	return t.Format("2006-01-02")
}

// Fit pads or truncates (with …) s to exactly w cells; ANSI styling in s is kept.
func Fit(s string, w int) string {
	if w <= 0 {
		return ""
	}
	n := lipgloss.Width(s)
	if n > w {
		return ansi.Truncate(s, w, "…")
	}
	return s + strings.Repeat(" ", w-n)
}

// FitTail is Fit that keeps the end of s (…/raw/part11.csv): for paths, whose last part says most.
func FitTail(s string, w int) string {
	if w <= 0 {
		return ""
	}
	n := lipgloss.Width(s)
	if n > w {
		return ansi.TruncateLeft(s, n-w+1, "…")
	}
	return s + strings.Repeat(" ", w-n)
}

// FitRight is Fit aligned to the right, for numbers.
func FitRight(s string, w int) string {
	if w <= 0 {
		return ""
	}
	n := lipgloss.Width(s)
	if n > w {
		return ansi.Truncate(s, w, "…")
	}
	return strings.Repeat(" ", w-n) + s
}

// Lines pads or cuts text to exactly h lines of w cells, so a panel never changes the layout.
func Lines(s string, w, h int) string {
	if h <= 0 {
		return ""
	}
	ls := strings.Split(s, "\n")
	if len(ls) > h {
		ls = ls[:h]
	}
	for i := range ls {
		ls[i] = Fit(ls[i], w)
	}
	for len(ls) < h {
		ls = append(ls, strings.Repeat(" ", w))
	}
	return strings.Join(ls, "\n")
}

// Width is the printed width of a (possibly styled) string.
func Width(s string) int { return lipgloss.Width(s) }

// WrapJoin joins styled parts with sep into lines no wider than w (a part wider than w is a line
// of its own), so a row of statistics wraps instead of being cut at the screen's edge.
func WrapJoin(parts []string, sep string, w int) []string {
	var out []string
	cur := ""
	for _, part := range parts {
		if cur == "" {
			cur = part
			continue
		}
		if lipgloss.Width(cur)+lipgloss.Width(sep)+lipgloss.Width(part) > w {
			out = append(out, cur)
			cur = part
			continue
		}
		cur += sep + part
	}
	if cur != "" {
		out = append(out, cur)
	}
	return out
}
