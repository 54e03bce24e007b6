package widget

import "testing"

// TestCountBarsFromZero: counts are drawn from zero, not from the smallest: near-equal counts
// are near-equal bars, the demo's classes 71/59/48 are █▇▆, an empty bin is a space and a tiny
// one still ▁.
func TestCountBarsFromZero(t *testing.T) {
	for _, tc := range []struct {
		in   []float64
		want string
	}{
		{[]float64{218, 211, 198, 198, 210, 206, 177, 185, 198, 199}, "██████▇▇██"},
		{[]float64{71, 59, 48}, "█▇▆"},
		{[]float64{1000, 0, 1}, "█ ▁"},
		{[]float64{0, 0}, "  "},
	} {
		if got := CountBars(tc.in); got != tc.want {
			t.Errorf("CountBars(%v) = %q, want %q", tc.in, got, tc.want)
		}
	}
}
