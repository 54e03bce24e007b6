package data

import (
	"strings"
	"testing"
	"unicode/utf8"
)

// TestShownCellCuts: a long value is cut before it is measured or drawn, at a character
// boundary, and marked; a short one is only put on one line.
func TestShownCellCuts(t *testing.T) {
	long := strings.Repeat("é", 10_000_000) // 20 MB, two bytes a character
	got := shownCell(long)
	if len(got) > maxShownBytes+len("…") || !utf8.ValidString(got) || !strings.HasSuffix(got, "…") {
		t.Fatalf("cut to %d bytes, valid %v, %q…", len(got), utf8.ValidString(got), got[:min(len(got), 20)])
	}
	if got := shownCell("a\nb"); got != "a⏎b" {
		t.Fatalf("short value shown %q", got)
	}
}
