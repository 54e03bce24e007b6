package versions

import (
	"fmt"
	"io"
	"strconv"
	"strings"
	"text/tabwriter"
)

// table writes rows as a Markdown table, or as aligned text columns.
type table struct {
	md   bool
	head []string
	rows [][]string
}

func (t *table) add(cells ...string) { t.rows = append(t.rows, cells) }

func (t *table) write(w io.Writer) error {
	if t.md {
		var b strings.Builder
		b.WriteString("| " + strings.Join(mdCells(t.head), " | ") + " |\n")
		b.WriteString("|" + strings.Repeat(" --- |", len(t.head)) + "\n")
		for _, r := range t.rows {
			b.WriteString("| " + strings.Join(mdCells(r), " | ") + " |\n")
		}
		b.WriteByte('\n')
		_, err := io.WriteString(w, b.String())
		return err
	}
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "  "+strings.Join(t.head, "\t"))
	for _, r := range t.rows {
		fmt.Fprintln(tw, "  "+strings.Join(r, "\t"))
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	_, err := fmt.Fprintln(w)
	return err
}

// mdCells escapes what would break a Markdown table cell.
func mdCells(cells []string) []string {
	out := make([]string, len(cells))
	for i, c := range cells {
		c = strings.ReplaceAll(c, "|", `\|`)
		out[i] = strings.ReplaceAll(c, "\n", " ")
	}
	return out
}

// heading writes a section title: "### T" in Markdown, "T" underlined by nothing in text.
func heading(w io.Writer, md bool, title string) {
	if md {
		fmt.Fprintf(w, "### %s\n\n", title)
	} else {
		fmt.Fprintf(w, "%s\n", title)
	}
}

// Write prints the diff for people: Markdown ready for a pull-request comment with md, else
// aligned text. Params list only differing keys unless the diff was built with all of them.
func (d *VersionDiff) Write(w io.Writer, md bool) error {
	if md {
		fmt.Fprintf(w, "## %s → %s\n\n", d.From, d.To)
	} else {
		fmt.Fprintf(w, "%s → %s\n\n", d.From, d.To)
	}
	writeFiles(w, md, d.Files, d.CodeNote)
	if len(d.Params) > 0 {
		heading(w, md, "Params")
		t := &table{md: md, head: []string{"param", d.From, d.To}}
		for _, p := range d.Params {
			t.add(p.Key, strOrDash(p.A), strOrDash(p.B))
		}
		if err := t.write(w); err != nil {
			return err
		}
	}
	if len(d.Metrics) > 0 {
		heading(w, md, "Metrics")
		t := &table{md: md, head: []string{"metric", d.From, d.To, "change", "%"}}
		for _, m := range d.Metrics {
			change := numOrDash(m.Delta)
			if m.Delta != nil && *m.Delta > 0 {
				change = "+" + change
			}
			switch m.Better {
			case "b":
				change += " better"
			case "a":
				change += " worse"
			}
			pct := "-"
			if m.Pct != nil {
				pct = strconv.FormatFloat(*m.Pct, 'f', 1, 64) + "%"
				if *m.Pct > 0 {
					pct = "+" + pct
				}
			}
			t.add(m.Key, numOrDash(m.A), numOrDash(m.B), change, pct)
		}
		if err := t.write(w); err != nil {
			return err
		}
	}
	if len(d.Datasets) > 0 {
		heading(w, md, "Data")
		t := &table{md: md, head: []string{"dataset", d.From, d.To, "change"}}
		for _, ds := range d.Datasets {
			t.add(ds.Name, shortHash(ds.HashA), shortHash(ds.HashB), ds.Summary())
		}
		if err := t.write(w); err != nil {
			return err
		}
	}
	var env []EnvChange
	for _, e := range d.Env {
		if !e.Same {
			env = append(env, e)
		}
	}
	if len(env) == 0 {
		return nil
	}
	heading(w, md, "Environment (what differs)")
	if md {
		t := &table{md: md, head: []string{"", d.From, d.To}}
		for _, e := range env {
			t.add(e.Field, "`"+e.A+"`", "`"+e.B+"`")
		}
		return t.write(w)
	}
	// Commands and paths are long: one value per line reads better than a table in a terminal.
	for _, e := range env {
		fmt.Fprintf(w, "  %s\n    %-*s %s\n    %-*s %s\n", e.Field, len(d.From)+1, d.From+":", e.A, len(d.From)+1, d.To+":", e.B)
	}
	_, err := fmt.Fprintln(w)
	return err
}

// writeFiles writes the code section: one row per changed file and the totals.
func writeFiles(w io.Writer, md bool, files []FileChange, note string) {
	heading(w, md, "Code")
	if note != "" {
		fmt.Fprintf(w, "%s\n\n", note)
		return
	}
	if len(files) == 0 {
		fmt.Fprintf(w, "no changes\n\n")
		return
	}
	t := &table{md: md, head: []string{"file", "status", "+", "-"}}
	added, deleted := 0, 0
	for _, f := range files {
		path := f.Path
		if f.OldPath != "" {
			path = f.OldPath + " → " + f.Path
		}
		plus, minus := strconv.Itoa(f.Added), strconv.Itoa(f.Deleted)
		status := f.Status
		switch {
		case f.Binary:
			plus, minus = "bin", "bin"
			status += fmt.Sprintf(" (%d → %d bytes)", f.OldSize, f.NewSize)
		case f.Submodule:
			status += " (submodule)"
		}
		if md {
			path = "`" + path + "`"
		}
		t.add(path, status, plus, minus)
		added += f.Added
		deleted += f.Deleted
	}
	t.write(w)
	noun := "files"
	if len(files) == 1 {
		noun = "file"
	}
	fmt.Fprintf(w, "%d %s changed, +%d −%d\n\n", len(files), noun, added, deleted)
}

// Write prints the comparison: a params table (differing ones unless asked for all) and a
// metrics table with the best value of each metric starred.
func (c *Comparison) Write(w io.Writer, md bool) error {
	head := []string{""}
	for _, r := range c.Runs {
		head = append(head, r.Label())
	}
	if len(c.Params) > 0 {
		heading(w, md, "Params")
		t := &table{md: md, head: head}
		for _, p := range c.Params {
			row := []string{p.Key}
			for _, v := range p.Values {
				row = append(row, strOrDash(v))
			}
			t.add(row...)
		}
		if err := t.write(w); err != nil {
			return err
		}
	}
	heading(w, md, "Metrics (last value; * best)")
	t := &table{md: md, head: head}
	for _, m := range c.Metrics {
		row := []string{m.Key}
		if m.Direction != "" {
			row[0] += " (" + m.Direction + ")"
		}
		for i, v := range m.Values {
			cell := numOrDash(v)
			if m.IsBest(i) {
				cell += " *"
				if md {
					cell = "**" + numOrDash(v) + "**"
				}
			}
			row = append(row, cell)
		}
		t.add(row...)
	}
	return t.write(w)
}

func strOrDash(s *string) string {
	if s == nil {
		return "-"
	}
	return *s
}

func numOrDash(v *float64) string {
	if v == nil {
		return "-"
	}
	return strconv.FormatFloat(*v, 'g', 6, 64)
}

func shortHash(h string) string {
	if h == "" {
		return "-"
	}
	return h[:min(8, len(h))]
}
