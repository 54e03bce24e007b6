package versions

import (
	"reflect"
	"testing"
)

func TestWordDiff(t *testing.T) {
	cases := []struct {
		old, new   string
		oldW, newW []string
	}{
		{"lr=0.1", "lr=0.3", []string{"1"}, []string{"3"}},
		{"model = Net(depth=4)", "model = ResNet(depth=4, width=2)", []string{"Net"}, []string{"ResNet", ", width=2"}},
		{"same", "same", nil, nil},
		{"", "new line", nil, []string{"new line"}},
		{"naïve café", "naïve tea", []string{"café"}, []string{"tea"}},
	}
	for _, c := range cases {
		a, b := WordDiff(c.old, c.new)
		if got := texts(c.old, a); !reflect.DeepEqual(got, c.oldW) {
			t.Errorf("%q→%q: removed %q, want %q", c.old, c.new, got, c.oldW)
		}
		if got := texts(c.new, b); !reflect.DeepEqual(got, c.newW) {
			t.Errorf("%q→%q: added %q, want %q", c.old, c.new, got, c.newW)
		}
	}
}

func texts(s string, spans []Span) []string {
	var out []string
	for _, sp := range spans {
		out = append(out, s[sp.Start:sp.End])
	}
	return out
}
