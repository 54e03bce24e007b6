package diff

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/mlwb/mlwb/stages/versions"
)

// rowKind says how a row of the diff view is drawn.
type rowKind int

const (
	rowTitle rowKind = iota // a section title: Params, Metrics, Data
	rowText                 // a summary line, drawn in its role's colour
	rowFile                 // a file's header
	rowHunk                 // a hunk's @@ line
	rowLine                 // one line of a unified diff
	rowPair                 // one line of a side-by-side diff: old on the left, new on the right
)

// row is one line of the diff view. Rows are built once per diff and mode; only the visible ones
// are styled, so a diff of thousands of lines scrolls as fast as a short one.
type row struct {
	kind  rowKind
	file  int    // index into the diff's files; -1 for the summary
	text  string // title, summary, file header or hunk text
	role  string // colour role of a text row: good, bad, warn, muted, ""
	line  *versions.Line
	spans []versions.Span // intra-line changes of line
	// left and right are the sides of a pair (nil where a side has no line).
	left, right   *versions.Line
	lspan, rspans []versions.Span
}

// buildRows lays out a diff: the summary (params, metrics, data, a code note), then each file's
// header and hunks, unified or side by side, with unchanged lines folded when fold is set. It
// returns the rows, the first row of each file and the rows that start hunks.
func buildRows(d *versions.VersionDiff, split, fold bool) (rows []row, fileStart, hunkRows []int) {
	rows = summaryRows(d)
	for fi := range d.Files {
		f := &d.Files[fi]
		fileStart = append(fileStart, len(rows))
		rows = append(rows, row{kind: rowFile, file: fi, text: fileHeader(f)})
		for hi := range f.Hunks {
			h := &f.Hunks[hi]
			hunkRows = append(hunkRows, len(rows))
			text := fmt.Sprintf("@@ -%d,%d +%d,%d @@ %s", h.OldStart, h.OldLines, h.NewStart, h.NewLines, h.Section)
			rows = append(rows, row{kind: rowHunk, file: fi, text: strings.TrimSpace(text)})
			rows = append(rows, hunkRowsOf(h, fi, split, fold)...)
		}
		if f.Truncated {
			rows = append(rows, row{kind: rowText, file: fi, role: "warn", text: "… the rest of this file's diff is not shown (too large)"})
		}
	}
	if len(d.Files) == 0 && d.CodeNote == "" {
		rows = append(rows, row{kind: rowText, file: -1, role: "muted", text: "no code changes"})
	}
	return rows, fileStart, hunkRows
}

// fileHeader is a file's title line: path (with a rename), status and counts.
func fileHeader(f *versions.FileChange) string {
	path := f.Path
	if f.OldPath != "" {
		path = f.OldPath + " → " + f.Path
	}
	switch {
	case f.Binary:
		return fmt.Sprintf("%s  %s, binary: %d → %d bytes", path, f.Status, f.OldSize, f.NewSize)
	case f.Submodule:
		return fmt.Sprintf("%s  submodule %s", path, f.Status)
	case f.OldMode != "" && f.NewMode != "" && f.OldMode != f.NewMode && f.Added+f.Deleted == 0:
		return fmt.Sprintf("%s  mode %s → %s", path, f.OldMode, f.NewMode)
	}
	return fmt.Sprintf("%s  %s  +%d −%d", path, f.Status, f.Added, f.Deleted)
}

// hunkRowsOf lays out one hunk's lines. A block of deleted lines followed by added lines is
// paired line by line for intra-line highlights (and, side by side, drawn on one row). fold
// draws each run of unchanged lines as one "⋯ N unchanged lines" row.
func hunkRowsOf(h *versions.Hunk, fi int, split, fold bool) []row {
	var out []row
	lines := h.Lines
	for i := 0; i < len(lines); {
		if fold && lines[i].Kind == ' ' {
			j := i
			for j < len(lines) && lines[j].Kind == ' ' {
				j++
			}
			out = append(out, row{kind: rowText, file: fi, role: "muted", text: fmt.Sprintf("     ⋯ %d unchanged", j-i)})
			i = j
			continue
		}
		if lines[i].Kind == ' ' {
			l := &lines[i]
			if split {
				out = append(out, row{kind: rowPair, file: fi, left: l, right: l})
			} else {
				out = append(out, row{kind: rowLine, file: fi, line: l})
			}
			i++
			continue
		}
		// A change block: the deletions, then the additions.
		j := i
		for j < len(lines) && lines[j].Kind == '-' {
			j++
		}
		k := j
		for k < len(lines) && lines[k].Kind == '+' {
			k++
		}
		dels, adds := lines[i:j], lines[j:k]
		dspans := make([][]versions.Span, len(dels))
		aspans := make([][]versions.Span, len(adds))
		for p := 0; p < min(len(dels), len(adds)); p++ {
			if len(dels[p].Text)+len(adds[p].Text) < 4096 { // word-diff only lines a person reads
				dspans[p], aspans[p] = versions.WordDiff(dels[p].Text, adds[p].Text)
			}
		}
		if split {
			for p := 0; p < max(len(dels), len(adds)); p++ {
				r := row{kind: rowPair, file: fi}
				if p < len(dels) {
					r.left, r.lspan = &dels[p], dspans[p]
				}
				if p < len(adds) {
					r.right, r.rspans = &adds[p], aspans[p]
				}
				out = append(out, r)
			}
		} else {
			for p := range dels {
				out = append(out, row{kind: rowLine, file: fi, line: &dels[p], spans: dspans[p]})
			}
			for p := range adds {
				out = append(out, row{kind: rowLine, file: fi, line: &adds[p], spans: aspans[p]})
			}
		}
		i = k
	}
	return out
}

// summaryRows are the params, metrics and data of a run diff, and why code is missing.
func summaryRows(d *versions.VersionDiff) []row {
	var rows []row
	text := func(role, s string) { rows = append(rows, row{kind: rowText, file: -1, role: role, text: s}) }
	if len(d.Params) > 0 {
		rows = append(rows, row{kind: rowTitle, file: -1, text: "Params"})
		for _, p := range d.Params {
			text("", fmt.Sprintf("  %-20s %s → %s", p.Key, deref(p.A), deref(p.B)))
		}
	}
	if len(d.Metrics) > 0 {
		rows = append(rows, row{kind: rowTitle, file: -1, text: "Metrics"})
		for _, m := range d.Metrics {
			role, change := "", ""
			if m.Delta != nil {
				change = strconv.FormatFloat(*m.Delta, 'g', 4, 64)
				if *m.Delta > 0 {
					change = "+" + change
				}
			}
			switch m.Better {
			case "b":
				role, change = "good", change+" better"
			case "a":
				role, change = "bad", change+" worse"
			}
			text(role, fmt.Sprintf("  %-20s %s → %s  %s", m.Key, num(m.A), num(m.B), change))
		}
	}
	if len(d.Datasets) > 0 {
		rows = append(rows, row{kind: rowTitle, file: -1, text: "Data"})
		for _, ds := range d.Datasets {
			role := ""
			if !ds.Same {
				role = "warn"
			}
			text(role, fmt.Sprintf("  %-20s %s", ds.Name, ds.Summary()))
		}
	}
	if d.CodeNote != "" {
		rows = append(rows, row{kind: rowTitle, file: -1, text: "Code"})
		text("warn", "  "+d.CodeNote)
	}
	return rows
}

func deref(s *string) string {
	if s == nil {
		return "∅"
	}
	return *s
}

func num(v *float64) string {
	if v == nil {
		return "-"
	}
	return strconv.FormatFloat(*v, 'g', 6, 64)
}
