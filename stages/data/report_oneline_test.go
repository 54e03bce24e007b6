package data

import (
	"bytes"
	"strings"
	"testing"
)

// TestReportOneLine: a top value, a column name and a min holding a newline, a tab or another
// control character keep the text and Markdown tables one row per column, spelled as the grid
// spells them.
func TestReportOneLine(t *testing.T) {
	var sb strings.Builder
	sb.WriteString("\"na\tme\",b\n")
	for range 3 {
		sb.WriteString("\"multi\nline\",x\n")
	}
	sb.WriteString("\"a\r\nb\",\"esc\x1b[31m\"\n")
	p := profileOf(t, "nl.csv", sb.String())
	var txt, md bytes.Buffer
	if err := p.WriteText(&txt); err != nil {
		t.Fatal(err)
	}
	if err := p.WriteMarkdown(&md); err != nil {
		t.Fatal(err)
	}
	for name, out := range map[string]string{"text": txt.String(), "markdown": md.String()} {
		lines := strings.Split(out, "\n")
		var rows []string
		for _, l := range lines {
			if strings.Contains(l, "string") {
				rows = append(rows, l)
			}
		}
		if len(rows) != 2 || !strings.Contains(rows[0], "na→me") || !strings.Contains(rows[0], "multi⏎line (3)") ||
			!strings.Contains(rows[0], "a⏎b") || !strings.Contains(rows[1], "esc␛[31m") {
			t.Errorf("%s: column rows %q in\n%s", name, rows, out)
		}
		if strings.ContainsAny(out, "\t\r\x1b") {
			t.Errorf("%s: a control character reached the output:\n%q", name, out)
		}
	}
}

// TestReportDatetimeStd: a datetime column's std is printed as a duration in the tables, and
// stays seconds in the profile (and so in its JSON). Dates 2020-01-01 and 2020-01-03 are 0 and
// 172800 s apart: sample std 172800/√2 = 122188 s = 33.94 h, shown as 1d 10h.
func TestReportDatetimeStd(t *testing.T) {
	p := profileOf(t, "d.csv", "d\n2020-01-01\n2020-01-03\n")
	c := p.Columns[0]
	if c.Type != "datetime" {
		t.Fatalf("type %s", c.Type)
	}
	if s, ok := c.Std.(float64); !ok || s < 122187.9 || s > 122188.1 {
		t.Fatalf("std %v, want 122188 seconds", c.Std)
	}
	var txt, md bytes.Buffer
	if err := p.WriteText(&txt); err != nil {
		t.Fatal(err)
	}
	if err := p.WriteMarkdown(&md); err != nil {
		t.Fatal(err)
	}
	for _, out := range []string{txt.String(), md.String()} {
		if !strings.Contains(out, "1d 10h") || strings.Contains(out, "e+05") {
			t.Errorf("std not shown as 1d 10h:\n%s", out)
		}
	}
}

// TestFmtDuration checks the duration spelling against values worked out by hand.
func TestFmtDuration(t *testing.T) {
	for _, c := range []struct {
		sec  float64
		want string
	}{
		{8.66e6, "100d 6h"}, // 100.23 days = 100 d 5.56 h
		{86400, "1d"},
		{3599.7, "1h"},
		{5400, "1h 30m"},
		{125, "2m 5s"},
		{42.5, "42.5s"},
		{0.25, "250ms"},
		{0, "0s"},
		{-7200, "-2h"},
	} {
		if got := fmtDuration(c.sec); got != c.want {
			t.Errorf("fmtDuration(%v) = %q, want %q", c.sec, got, c.want)
		}
	}
}
