package data

import "testing"

// FuzzDateParserReuse checks that a column's parser, which remembers the last date it read,
// reads a value exactly as a fresh parser does, whatever value came before.
func FuzzDateParserReuse(f *testing.F) {
	for _, p := range [][2]string{
		{"2024-03-01 10:00:00", "2024-03-01 11:30:05"}, {"2024-03-01", "2024-03-011"}, {"2024-03-01", "2024-03-01"},
		{"2024-03-01T10:00:00Z", "2024-03-01x"}, {"01/03/2024", "01/03/2024 10:00"}, {"2024-02-29", "2024-02-29T23:59:60+14:00"},
		{"2024-03-01", "2024-03-01 25:00:00"}, {"1.3.2024", "1.3.20245"}, {"2024/03/01", "2024/03/01.5"},
	} {
		f.Add(p[0], p[1], false)
		f.Add(p[0], p[1], true)
	}
	f.Fuzz(func(t *testing.T, first, second string, dayFirst bool) {
		used := dateParser{dayFirst: dayFirst}
		used.parse([]byte(first))
		got, gotOK := used.parse([]byte(second))
		fresh := dateParser{dayFirst: dayFirst}
		want, wantOK := fresh.parse([]byte(second))
		if got != want || gotOK != wantOK {
			t.Fatalf("%q after %q: %v %v, a fresh parser reads %v %v", second, first, got, gotOK, want, wantOK)
		}
	})
}
