package data

import (
	"unicode/utf8"

	engine "github.com/mlwb/mlwb/stages/data"
)

// maxShownBytes is as much of a value as a table cell ever needs: far more than the widest
// column shows, in the widest characters.
const maxShownBytes = 4 * 64

// shownCell is a value as a table cell shows it: on one line (engine.OneLine), and cut to
// maxShownBytes first, at a character boundary. Measuring and drawing are per frame, and a value
// can be a 50 MB field: each key took seconds while such a row was on screen.
func shownCell(s string) string {
	if len(s) > maxShownBytes {
		cut := maxShownBytes
		for cut > 0 && !utf8.RuneStart(s[cut]) {
			cut--
		}
		return engine.OneLine(s[:cut]) + "…"
	}
	return engine.OneLine(s)
}
