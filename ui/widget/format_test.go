package widget

import "testing"

func TestFitTail(t *testing.T) {
	for _, c := range []struct {
		s    string
		w    int
		want string
	}{
		{"data/raw/part11.csv", 12, "…/part11.csv"},
		{"short.csv", 12, "short.csv   "},
		{"données/été.csv", 8, "…été.csv"},
		{"x", 0, ""},
	} {
		if got := FitTail(c.s, c.w); got != c.want || (c.w > 0 && Width(got) != c.w) {
			t.Errorf("FitTail(%q, %d) = %q (%d cells), want %q", c.s, c.w, got, Width(got), c.want)
		}
	}
}
