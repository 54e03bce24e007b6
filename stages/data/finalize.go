package data

import (
	"cmp"
	"fmt"
	"math"
	"slices"
	"sort"
)

// quantileKeys are the quantiles every numeric and datetime column reports.
var quantileKeys = []string{"p1", "p5", "p25", "p50", "p75", "p95", "p99"}
var quantileFracs = []float64{0.01, 0.05, 0.25, 0.5, 0.75, 0.95, 0.99}

const (
	topN      = 10
	histMax   = 30
	typeShare = 0.95 // a type must fit this share of non-null values, else the column is text
)

// finish turns the merged accumulators into the profile.
func (w *worker) finish(rows int64, opts Options) *Profile {
	order := make([]int, len(w.cols))
	for i := range order {
		order[i] = i
	}
	sort.SliceStable(order, func(a, b int) bool { return w.firstSeen[order[a]] < w.firstSeen[order[b]] })
	p := &Profile{Rows: rows, Warnings: w.warnings, WarningCount: w.warnCount}
	slices.SortStableFunc(p.Warnings, func(a, b Warning) int { return cmp.Compare(a.Line, b.Line) })
	if len(p.Warnings) > maxWarnings {
		p.Warnings = p.Warnings[:maxWarnings]
	}
	if p.Warnings == nil {
		p.Warnings = []Warning{}
	}
	byName := map[string]*Column{}
	p.Columns = make([]Column, 0, len(order))
	for _, i := range order {
		col := w.cols[i].finish(w.names[i], rows)
		if col.InvalidUTF8 > 0 {
			p.WarningCount++
			if len(p.Warnings) < maxWarnings {
				p.Warnings = append(p.Warnings, Warning{Line: w.cols[i].badUTF8Line, Column: col.Name,
					Message: fmt.Sprintf("%d values are not valid UTF-8 (first on this line); shown with \uFFFD", col.InvalidUTF8)})
			}
		}
		p.Columns = append(p.Columns, col)
	}
	for i := range p.Columns {
		byName[p.Columns[i].Name] = &p.Columns[i]
	}
	if w.corr != nil {
		var names []string
		var pos []int
		for k, c := range w.corr.cols {
			if t := byName[w.names[c]].Type; t == "int" || t == "float" {
				names = append(names, w.names[c])
				pos = append(pos, k)
			}
		}
		if len(names) > 1 {
			pc := len(w.corr.cols)
			m := make([][]*float64, len(names))
			for a := range names {
				m[a] = make([]*float64, len(names))
				for b := range names {
					if a == b {
						one := 1.0
						m[a][b] = &one
						continue
					}
					i, j := min(pos[a], pos[b]), max(pos[a], pos[b])
					k := i*pc - i*(i+1)/2 + (j - i - 1)
					m[a][b] = w.corr.pairs[k].r()
				}
			}
			p.Correlations = &Correlations{Columns: names, Matrix: m}
		}
	}
	if opts.Target != "" {
		if c, ok := byName[opts.Target]; ok {
			t := &Target{Column: c.Name}
			acc := w.cols[w.byName[opts.Target]]
			for _, tv := range acc.topValues(101) {
				if len(t.Classes) >= 100 {
					break
				}
				t.Classes = append(t.Classes, tv)
			}
			p.Target = t
		} else {
			p.WarningCount++
			p.Warnings = append(p.Warnings, Warning{Column: opts.Target, Message: fmt.Sprintf("the target column %q is not in the file", opts.Target)})
		}
	}
	return p
}

// decideType picks the column's type from the kinds of its values: the type that the most values
// fit (ties go to the narrower: bool, int, float, datetime), if it fits at least 95% of them;
// otherwise the column is text. Values that do not fit are the column's violations.
func (c *colAcc) decideType() (string, int64) {
	nonNull := c.nonNull()
	if nonNull == 0 {
		return "string", 0
	}
	cands := []struct {
		name string
		fit  int64
	}{
		{"bool", c.kinds[KindBool]},
		{"int", c.kinds[KindInt]},
		{"float", c.kinds[KindInt] + c.kinds[KindFloat]},
		{"datetime", c.kinds[KindDate]},
	}
	best := cands[0]
	for _, cd := range cands[1:] {
		if cd.fit > best.fit {
			best = cd
		}
	}
	if best.fit > 0 && float64(best.fit) >= typeShare*float64(nonNull) {
		return best.name, best.fit
	}
	return "string", nonNull
}

func (c *colAcc) fits(typ string, k Kind) bool {
	switch typ {
	case "bool":
		return k == KindBool
	case "int":
		return k == KindInt
	case "float":
		return k == KindInt || k == KindFloat
	case "datetime":
		return k == KindDate
	}
	return k != KindNull
}

// finish computes the column's statistics for its decided type.
func (c *colAcc) finish(name string, rows int64) Column {
	typ, fit := c.decideType()
	nonNull := c.nonNull()
	col := Column{Name: name, Type: typ, Count: fit, Nulls: rows - nonNull, InvalidUTF8: c.badUTF8,
		Quantiles: map[string]any{}, Top: []TopValue{}, Histogram: []Bin{}, ViolationLines: []example{}}
	if col.Nulls < 0 {
		col.Nulls = 0
	}
	col.Violations = nonNull - fit
	for k := KindInt; k < numKinds; k++ {
		if !c.fits(typ, k) {
			col.ViolationLines = mergeExamples(col.ViolationLines, c.examples[k])
		}
	}
	col.Distinct, col.DistinctApprox = c.values.count()
	if col.DistinctApprox && col.Distinct > nonNull {
		col.Distinct = nonNull // an estimate over a column of unique values can come out above its count
	}
	col.Top = c.topValues(topN)
	col.TopApprox = c.values.overflow
	switch typ {
	case "int", "float", "datetime":
		c.finishNumeric(&col, typ)
	case "bool":
		if fit > 0 {
			col.Min = c.trues == fit // false unless every value is true
			col.Max = c.trues > 0
			col.Mean = float64(c.trues) / float64(fit)
		}
	default:
		if nonNull > 0 {
			// Over every value's text, tracked while reading: exact whatever the distinct count
			// and the number of workers.
			lo, hi := c.minStr, c.maxStr
			col.Min, col.Max = clip(lo, 200), clip(hi, 200)
			col.Length = &Length{Min: c.lenMin, Max: c.lenMax, Mean: float64(c.lenSum) / float64(nonNull)}
		}
	}
	return col
}

// nonNull is how many values of the column were not null.
func (c *colAcc) nonNull() int64 {
	var n int64
	for k := KindInt; k < numKinds; k++ {
		n += c.kinds[k]
	}
	return n
}

// topValues returns the n most frequent values (ties by value), with their share of the column.
// The n best are kept in order while the values stream past, rather than sorting every distinct
// value (tens of thousands of them, on the serial tail of a profile).
func (c *colAcc) topValues(n int) []TopValue {
	type kv struct {
		v string
		c int64
	}
	before := func(a, b kv) bool { // a ranks before b
		if a.c != b.c {
			return a.c > b.c
		}
		return a.v < b.v
	}
	if n <= 0 {
		return []TopValue{}
	}
	best := make([]kv, 0, n)
	c.values.each(c.dp.hasTime, func(s string, _ Kind, _ float64, cnt int64) {
		x := kv{s, cnt}
		if len(best) == n && !before(x, best[n-1]) {
			return
		}
		i := len(best)
		for i > 0 && before(x, best[i-1]) {
			i--
		}
		if len(best) < n {
			best = append(best, kv{})
		}
		copy(best[i+1:], best[i:])
		best[i] = x
	})
	nonNull := c.nonNull()
	out := []TopValue{}
	for _, x := range best {
		out = append(out, TopValue{Value: clip([]byte(x.v), 200), Count: x.c, Share: float64(x.c) / float64(max(nonNull, 1))})
	}
	return out
}

// finishNumeric fills the numeric statistics from the accumulators of the kinds the type admits.
// Quantiles and outliers are exact when every distinct value was counted (linear interpolation
// between order statistics, as numpy and pandas do) and from the KLL sketch otherwise.
func (c *colAcc) finishNumeric(col *Column, typ string) {
	var a numAcc
	isInt := typ == "int"
	switch typ {
	case "int":
		if c.num[0] != nil {
			a.merge(c.num[0])
		}
	case "float":
		if c.num[0] != nil {
			a.merge(c.num[0])
		}
		if c.num[1] != nil {
			a.merge(c.num[1])
		}
	case "datetime":
		if c.num[2] != nil {
			a.merge(c.num[2])
		}
	}
	if a.n == 0 && a.infinite == 0 {
		return
	}
	col.Zeros, col.Negatives, col.Infinite = a.zeros, a.neg, a.infinite
	val := func(v float64) any {
		if typ == "datetime" {
			return formatTime(v, c.dp.hasTime)
		}
		return num(v)
	}
	if isInt && a.n > 0 {
		col.Min, col.Max = a.imin, a.imax
		if a.infinite > 0 {
			col.Min, col.Max = val(a.min), val(a.max)
		}
	} else {
		col.Min, col.Max = val(a.min), val(a.max)
	}
	if a.n > 0 {
		col.Mean = val(a.mean)
	}
	if a.n > 1 {
		col.Std = num(math.Sqrt(a.m2 / float64(a.n-1)))
	}
	var qs []float64
	var outliers func(lo, hi float64) int64
	if !c.values.overflow {
		vals := c.exactValues(typ)
		qs = exactQuantiles(vals, quantileFracs)
		outliers = func(lo, hi float64) int64 {
			var n int64
			for _, v := range vals {
				if v.v < lo || v.v > hi {
					n += v.w
				}
			}
			return n
		}
	} else if a.sketch != nil {
		col.QuantilesApprox = true
		qs = a.sketch.quantiles(quantileFracs)
		outliers = func(lo, hi float64) int64 {
			below := a.sketch.rankBelow(lo, false)
			above := 1 - a.sketch.rankBelow(hi, true)
			return int64(math.Round((below + above) * float64(a.n)))
		}
	}
	if qs != nil && a.n > 0 {
		for i, k := range quantileKeys {
			col.Quantiles[k] = val(qs[i])
		}
		iqr := qs[4] - qs[2]
		col.Outliers = outliers(qs[2]-1.5*iqr, qs[4]+1.5*iqr)
	}
	minExp := -1074
	if isInt || typ == "datetime" {
		minExp = 0
	}
	col.Histogram = a.hist.result(histMax, minExp)
	if col.Histogram == nil {
		col.Histogram = []Bin{}
	}
}

// exactValues returns the distinct finite values of the kinds the type admits, with counts, sorted.
func (c *colAcc) exactValues(typ string) []weighted {
	var out []weighted
	c.values.eachNumber(func(k Kind, v float64, n int64) { // text values never fit a numeric type
		if c.fits(typ, k) && !math.IsInf(v, 0) && !math.IsNaN(v) {
			out = append(out, weighted{v, n})
		}
	})
	slices.SortFunc(out, func(a, b weighted) int { return cmp.Compare(a.v, b.v) })
	// An integer and a float of the same value are one value here.
	merged := out[:0]
	for _, w := range out {
		if len(merged) > 0 && merged[len(merged)-1].v == w.v {
			merged[len(merged)-1].w += w.w
			continue
		}
		merged = append(merged, w)
	}
	return merged
}

// exactQuantiles interpolates linearly between the order statistics at (n−1)·q, the definition of
// numpy's and pandas' default and of Python's statistics.quantiles(method="inclusive").
func exactQuantiles(vals []weighted, qs []float64) []float64 {
	var n int64
	for _, v := range vals {
		n += v.w
	}
	out := make([]float64, len(qs))
	if n == 0 {
		return nil
	}
	at := func(r int64) float64 { // value of the r-th order statistic (0-based)
		var cum int64
		for _, v := range vals {
			cum += v.w
			if r < cum {
				return v.v
			}
		}
		return vals[len(vals)-1].v
	}
	for i, q := range qs {
		h := q * float64(n-1)
		lo := int64(math.Floor(h))
		frac := h - float64(lo)
		x := at(lo)
		if frac > 0 && lo+1 < n {
			x += frac * (at(lo+1) - x)
		}
		out[i] = x
	}
	return out
}

// num makes a float safe for JSON: infinities become the strings "inf" / "-inf", NaN null.
func num(v float64) any {
	switch {
	case math.IsNaN(v):
		return nil
	case math.IsInf(v, 1):
		return "inf"
	case math.IsInf(v, -1):
		return "-inf"
	}
	return v
}
