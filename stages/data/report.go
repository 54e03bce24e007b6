package data

import (
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
	"unicode/utf8"
)

// summaryHeader is the per-column table of the text and Markdown reports.
var summaryHeader = []string{"column", "type", "count", "nulls", "distinct", "min", "mean", "max", "std", "p50", "top"}

// DistinctText is a distinct count as tables show it: ≈ before an estimate.
func DistinctText(n int64, approx bool) string {
	if approx {
		return "≈" + strconv.FormatInt(n, 10)
	}
	return strconv.FormatInt(n, 10)
}

func (p *Profile) summaryRows() [][]string {
	rows := make([][]string, 0, len(p.Columns))
	for _, c := range p.Columns {
		distinct := DistinctText(c.Distinct, c.DistinctApprox)
		p50 := fmtAny(c.Quantiles["p50"])
		if c.QuantilesApprox && p50 != "" {
			p50 = "≈" + p50
		}
		top := ""
		if len(c.Top) > 0 && c.Top[0].Count > 1 {
			approx := ""
			if c.TopApprox {
				approx = "≈"
			}
			top = fmt.Sprintf("%s (%s%d)", clipString(c.Top[0].Value, 16), approx, c.Top[0].Count)
		}
		typ := c.Type
		if c.Violations > 0 {
			typ += fmt.Sprintf(" !%d", c.Violations)
		}
		rows = append(rows, []string{clipString(c.Name, 24), typ, strconv.FormatInt(c.Count, 10), strconv.FormatInt(c.Nulls, 10),
			distinct, clipString(fmtAny(c.Min), 20), clipString(fmtAny(c.Mean), 20), clipString(fmtAny(c.Max), 20), StdText(c.Type, c.Std), p50, top})
	}
	return rows
}

// WriteText prints the profile as aligned plain text for a terminal.
func (p *Profile) WriteText(w io.Writer) error {
	var b strings.Builder
	fmt.Fprintf(&b, "%s: %d rows × %d columns (%s%s, %s) in %.0f ms\n\n", p.Path, p.Rows, len(p.Columns), p.Format,
		compressionNote(p.Compression), humanBytes(p.Size), p.ElapsedMS)
	writeAligned(&b, summaryHeader, p.summaryRows())
	p.writeNotes(&b, false)
	_, err := io.WriteString(w, b.String())
	return err
}

// WriteMarkdown prints the profile as GitHub-flavoured Markdown, for a pull request or a notebook.
func (p *Profile) WriteMarkdown(w io.Writer) error {
	var b strings.Builder
	fmt.Fprintf(&b, "### `%s`\n\n%d rows × %d columns (%s%s, %s)\n\n", p.Path, p.Rows, len(p.Columns), p.Format,
		compressionNote(p.Compression), humanBytes(p.Size))
	writeMarkdownTable(&b, summaryHeader, p.summaryRows())
	p.writeNotes(&b, true)
	_, err := io.WriteString(w, b.String())
	return err
}

func (p *Profile) writeNotes(b *strings.Builder, md bool) {
	if p.Target != nil {
		fmt.Fprintf(b, "\nClass balance of %s:\n\n", p.Target.Column)
		var rows [][]string
		for _, c := range p.Target.Classes {
			rows = append(rows, []string{c.Value, strconv.FormatInt(c.Count, 10), fmt.Sprintf("%.1f%%", 100*c.Share)})
		}
		table(b, md, []string{"class", "rows", "share"}, rows)
	}
	if p.Correlations != nil {
		fmt.Fprintf(b, "\nCorrelation (Pearson):\n\n")
		head := append([]string{""}, p.Correlations.Columns...)
		var rows [][]string
		for i, name := range p.Correlations.Columns {
			r := []string{name}
			for _, v := range p.Correlations.Matrix[i] {
				if v == nil {
					r = append(r, "–")
				} else {
					r = append(r, fmt.Sprintf("%.3f", *v))
				}
			}
			rows = append(rows, r)
		}
		table(b, md, head, rows)
	}
	var viol []string
	for _, c := range p.Columns {
		if c.Violations > 0 {
			ex := ""
			if len(c.ViolationLines) > 0 {
				ex = fmt.Sprintf(", e.g. %q on line %d", c.ViolationLines[0].Value, c.ViolationLines[0].Line)
			}
			viol = append(viol, fmt.Sprintf("%s: %d values are not %s%s", c.Name, c.Violations, c.Type, ex))
		}
	}
	if len(viol) > 0 {
		fmt.Fprintf(b, "\nType violations (counted, not converted):\n")
		for _, v := range viol {
			fmt.Fprintf(b, "- %s\n", v)
		}
	}
	if p.WarningCount > 0 {
		fmt.Fprintf(b, "\nWarnings (%d):\n", p.WarningCount)
		for _, wn := range p.Warnings {
			fmt.Fprintf(b, "- %s\n", wn.String())
		}
		if int64(len(p.Warnings)) < p.WarningCount {
			fmt.Fprintf(b, "- … %d more\n", p.WarningCount-int64(len(p.Warnings)))
		}
	}
}

// String is the warning as one line: where, then what.
func (w Warning) String() string {
	var where []string
	if w.Line > 0 {
		where = append(where, "line "+strconv.FormatInt(w.Line, 10))
	}
	if w.RowGroup > 0 {
		where = append(where, "row group "+strconv.Itoa(w.RowGroup))
	}
	if w.Column != "" && !strings.Contains(w.Message, w.Column) {
		where = append(where, "column "+w.Column)
	}
	if len(where) == 0 {
		return w.Message
	}
	return strings.Join(where, ", ") + ": " + w.Message
}

func table(b *strings.Builder, md bool, head []string, rows [][]string) {
	if md {
		writeMarkdownTable(b, head, rows)
	} else {
		writeAligned(b, head, rows)
	}
}

func writeAligned(b *strings.Builder, head []string, rows [][]string) {
	head, rows = oneLineCells(head, rows)
	widths := make([]int, len(head))
	for i, h := range head {
		widths[i] = utf8.RuneCountInString(h)
	}
	for _, r := range rows {
		for i, c := range r {
			widths[i] = max(widths[i], utf8.RuneCountInString(c))
		}
	}
	line := func(cells []string) {
		var parts []string
		for i, c := range cells {
			pad := widths[i] - utf8.RuneCountInString(c)
			parts = append(parts, c+strings.Repeat(" ", pad))
		}
		b.WriteString(strings.TrimRight(strings.Join(parts, "  "), " ") + "\n")
	}
	line(head)
	for _, r := range rows {
		line(r)
	}
}

func writeMarkdownTable(b *strings.Builder, head []string, rows [][]string) {
	head, rows = oneLineCells(head, rows)
	esc := func(s string) string { return strings.ReplaceAll(s, "|", `\|`) }
	b.WriteString("|")
	for _, h := range head {
		b.WriteString(" " + esc(h) + " |")
	}
	b.WriteString("\n|")
	for range head {
		b.WriteString(" --- |")
	}
	b.WriteString("\n")
	for _, r := range rows {
		b.WriteString("|")
		for _, c := range r {
			b.WriteString(" " + esc(c) + " |")
		}
		b.WriteString("\n")
	}
}

func fmtAny(v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case float64:
		return strconv.FormatFloat(x, 'g', 6, 64)
	case int64:
		return strconv.FormatInt(x, 10)
	case bool:
		return strconv.FormatBool(x)
	case string:
		return x
	}
	return fmt.Sprint(v)
}

func clipString(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return string(r[:n-1]) + "…"
}

func compressionNote(c string) string {
	if c == "" {
		return ""
	}
	return ", " + c
}

func humanBytes(n int64) string {
	switch {
	case n >= 1<<30:
		return fmt.Sprintf("%.1f GB", float64(n)/(1<<30))
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.1f KB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d B", n)
}

// WriteTable prints rows under a header as aligned text, with values on one line (see OneLine) and
// cut at 40 characters.
func WriteTable(w io.Writer, head []string, rows [][]string) error {
	cut := func(r []string) []string {
		out := make([]string, len(r))
		for i, v := range r {
			out[i] = clipString(v, 40) // writeAligned puts it on one line
		}
		return out
	}
	var b strings.Builder
	body := make([][]string, len(rows))
	for i, r := range rows {
		body[i] = cut(r)
	}
	writeAligned(&b, cut(head), body)
	_, err := io.WriteString(w, b.String())
	return err
}

// OneLine shows a value on one line of a table, as the Data tab's grid does: a line break (\n,
// \r\n or \r) is ⏎, a tab →, and any other control character its Unicode control picture (ESC is
// ␛, DEL ␡), so a value cannot break the table's rows or columns or move the terminal's cursor.
func OneLine(s string) string {
	plain := true
	for i := 0; i < len(s); i++ {
		if s[i] < 0x20 || s[i] == 0x7f {
			plain = false
			break
		}
	}
	if plain {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c == '\r' && i+1 < len(s) && s[i+1] == '\n':
			b.WriteString("⏎")
			i++
		case c == '\n' || c == '\r':
			b.WriteString("⏎")
		case c == '\t':
			b.WriteString("→")
		case c < 0x20:
			b.WriteRune(rune(0x2400 + int(c)))
		case c == 0x7f:
			b.WriteRune('\u2421')
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}

// oneLineCells applies OneLine to every cell of a table.
func oneLineCells(head []string, rows [][]string) ([]string, [][]string) {
	clean := func(r []string) []string {
		out := make([]string, len(r))
		for i, v := range r {
			out[i] = OneLine(v)
		}
		return out
	}
	body := make([][]string, len(rows))
	for i, r := range rows {
		body[i] = clean(r)
	}
	return clean(head), body
}

// ColumnList names a file's columns for an error about one that is not there: the first 20,
// then how many there are in all, each on one line.
func ColumnList(names []string) string {
	s := strings.Join(names[:min(len(names), 20)], ", ")
	if len(names) > 20 {
		s += fmt.Sprintf(", … (%d in all)", len(names))
	}
	return OneLine(s)
}

// StdText formats a column's standard deviation; a datetime column's, in seconds in the profile,
// as a duration (2406h is easier to read as 100d 6h than as 8.66e+06).
func StdText(typ string, v any) string {
	if sec, ok := v.(float64); ok && typ == "datetime" {
		return fmtDuration(sec)
	}
	return fmtAny(v)
}

// fmtDuration writes seconds as their two largest units (days and hours, hours and minutes,
// minutes and seconds), rounded to the smaller; under a minute as seconds with three digits.
func fmtDuration(sec float64) string {
	if math.IsNaN(sec) || math.IsInf(sec, 0) {
		return fmtAny(sec)
	}
	sign := ""
	if sec < 0 {
		sign, sec = "-", -sec
	}
	if sec < 60 {
		if sec < 1 && sec > 0 {
			return sign + strconv.FormatFloat(sec*1000, 'g', 3, 64) + "ms"
		}
		return sign + strconv.FormatFloat(sec, 'g', 3, 64) + "s"
	}
	units := []struct {
		name string
		size float64
	}{{"d", 86400}, {"h", 3600}, {"m", 60}, {"s", 1}}
	for i := 0; i < len(units)-1; i++ {
		big, small := units[i], units[i+1]
		n := math.Round(sec / small.size) // in the smaller unit, so 3599.7 s is 1h, not 60m
		if n*small.size < big.size {
			continue
		}
		per := big.size / small.size
		hi, lo := math.Floor(n/per), math.Mod(n, per)
		if lo == 0 {
			return fmt.Sprintf("%s%.0f%s", sign, hi, big.name)
		}
		return fmt.Sprintf("%s%.0f%s %.0f%s", sign, hi, big.name, lo, small.name)
	}
	return sign + strconv.FormatFloat(sec, 'g', 3, 64) + "s"
}
