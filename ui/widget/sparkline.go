package widget

import (
	"math"
	"strings"
)

var sparkBlocks = []rune("▁▂▃▄▅▆▇█")

// Sparkline draws values as one line of w block characters. Values are bucketed to the width
// keeping each bucket's extreme (the one farthest from the series mean), so spikes survive
// downsampling; NaN and infinite values are skipped and an empty bucket is a space.
func Sparkline(values []float64, w int) string {
	if w <= 0 || len(values) == 0 {
		return strings.Repeat(" ", max(w, 0))
	}
	lo, hi, sum, n := math.Inf(1), math.Inf(-1), 0.0, 0
	for _, v := range values {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			continue
		}
		lo, hi, sum, n = min(lo, v), max(hi, v), sum+v, n+1
	}
	if n == 0 {
		return strings.Repeat(" ", w)
	}
	mean := sum / float64(n)
	cells := min(w, len(values))
	out := make([]rune, 0, w)
	for c := 0; c < cells; c++ {
		a, b := c*len(values)/cells, (c+1)*len(values)/cells
		pick, found := 0.0, false
		for _, v := range values[a:b] {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				continue
			}
			if !found || math.Abs(v-mean) > math.Abs(pick-mean) {
				pick, found = v, true
			}
		}
		if !found {
			out = append(out, ' ')
			continue
		}
		i := len(sparkBlocks) / 2
		if hi > lo {
			i = int((pick - lo) / (hi - lo) * float64(len(sparkBlocks)-1))
		}
		out = append(out, sparkBlocks[i])
	}
	return string(out) + strings.Repeat(" ", w-cells)
}

// CountBars draws counts (a histogram's bins, a frequency table) as one block character each,
// scaled from zero to the largest, where Sparkline scales from the smallest: a uniform column's
// bins 218, 211 … 177 are all near-full bars, not a jagged line from ▁ to █. A count of zero is
// a space, and any count above zero at least ▁, so an occupied bin never looks empty.
func CountBars(counts []float64) string {
	hi := 0.0
	for _, v := range counts {
		if v > hi && !math.IsInf(v, 0) {
			hi = v
		}
	}
	out := make([]rune, len(counts))
	for i, v := range counts {
		if !(v > 0) || hi == 0 || math.IsInf(v, 0) {
			out[i] = ' '
			continue
		}
		k := int(math.Ceil(v/hi*float64(len(sparkBlocks)))) - 1
		out[i] = sparkBlocks[max(0, min(k, len(sparkBlocks)-1))]
	}
	return string(out)
}
