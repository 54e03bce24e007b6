package store

import "strings"

// printableName is a run name as stored: each control character (a newline, ESC, DEL) replaced
// by its Unicode control picture (␊, ␛, ␡). A name reaches terminals in tables, legends and
// status lines, and arrives from the command line and over the MLflow API; stored raw, an ESC
// sequence in it recoloured or cleared the screen and a newline split a table row.
func printableName(s string) string {
	if !strings.ContainsFunc(s, isControl) {
		return s
	}
	return strings.Map(func(r rune) rune {
		switch {
		case r == 0x7f:
			return '\u2421'
		case r < 0x20:
			return 0x2400 + r
		}
		return r
	}, s)
}

func isControl(r rune) bool { return r < 0x20 || r == 0x7f }
