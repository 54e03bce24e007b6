package data

import (
	"bytes"
	"cmp"
	"encoding/binary"
	"math"
	"slices"
	"unicode/utf8"
)

// numAcc accumulates the statistics of one kind of numeric value (integers, floats or dates as
// epoch seconds) of a column: moments by Welford's update (merged with Chan's formula, so the
// parallel result is as stable as a serial one), extremes, the exact histogram, and — once the
// column has too many distinct values to count exactly — a KLL sketch for quantiles.
type numAcc struct {
	n          int64
	mean, m2   float64
	min, max   float64
	imin, imax int64 // exact extremes of integers (float64 loses digits past 2^53)
	zeros, neg int64
	infinite   int64
	hist       hist
	sketch     *kll
}

func (a *numAcc) add(v float64, iv int64, isInt bool) {
	if math.IsInf(v, 0) {
		a.infinite++
		if a.n == 0 && a.infinite == 1 {
			a.min, a.max = v, v
		}
		a.min, a.max = math.Min(a.min, v), math.Max(a.max, v)
		return
	}
	if a.n == 0 && a.infinite == 0 {
		a.min, a.max, a.imin, a.imax = v, v, iv, iv
	}
	a.n++
	d := v - a.mean
	a.mean += d / float64(a.n)
	a.m2 += d * (v - a.mean)
	if v < a.min {
		a.min = v
	}
	if v > a.max {
		a.max = v
	}
	if isInt {
		if iv < a.imin {
			a.imin = iv
		}
		if iv > a.imax {
			a.imax = iv
		}
	}
	if v == 0 {
		a.zeros++
	} else if v < 0 {
		a.neg++
	}
	a.hist.add(v)
	if a.sketch != nil {
		a.sketch.add(v)
	}
}

func (a *numAcc) merge(o *numAcc) {
	if o.n == 0 && o.infinite == 0 {
		return
	}
	if a.n == 0 && a.infinite == 0 {
		sk := a.sketch
		*a = *o
		a.sketch = sk
		if o.sketch != nil {
			if a.sketch == nil {
				a.sketch = newKLL()
			}
			a.sketch.merge(o.sketch)
		}
		return
	}
	if o.n > 0 {
		if a.n == 0 {
			a.imin, a.imax = o.imin, o.imax
		} else {
			a.imin, a.imax = min(a.imin, o.imin), max(a.imax, o.imax)
		}
		n := a.n + o.n
		d := o.mean - a.mean
		a.m2 += o.m2 + d*d*float64(a.n)*float64(o.n)/float64(n)
		a.mean += d * float64(o.n) / float64(n)
		a.n = n
	}
	a.min, a.max = math.Min(a.min, o.min), math.Max(a.max, o.max)
	a.zeros += o.zeros
	a.neg += o.neg
	a.infinite += o.infinite
	a.hist.merge(&o.hist)
	if o.sketch != nil {
		if a.sketch == nil {
			a.sketch = newKLL()
		}
		a.sketch.merge(o.sketch)
	}
}

// example is one value of a kind, with the line it was read from, kept to show type violations.
type example struct {
	Line  int64  `json:"line"`
	Value string `json:"value"`
}

const examplesPerKind = 3

// colAcc is everything one worker learns about one column. The column's type is not known while
// reading (it is decided from all values at the end), so a value is counted under its own kind and
// the statistics of every kind are kept; the ones that do not match the final type become the
// violation count.
type colAcc struct {
	kinds    [numKinds]int64
	examples [numKinds][]example
	num      [3]*numAcc // by kind: KindInt, KindFloat, KindDate (see numSlot)
	trues    int64

	lenMin, lenMax int
	lenSum         int64
	minStr, maxStr []byte // over the text of every non-null value, as the file spells it
	minPre, maxPre uint64 // their first 8 bytes, big-endian, zero-padded (prefix8)
	ranked         []bool // by valueCounts index: the text value has been compared with minStr/maxStr
	badUTF8        int64
	badUTF8Line    int64

	values valueCounts
	dp     dateParser
	last   Kind // kind of the last text value: a date column tries the date parser first
}

func newColAcc(limit int, dayFirst bool) *colAcc {
	c := &colAcc{lenMin: math.MaxInt, dp: dateParser{dayFirst: dayFirst}}
	c.values.init(limit)
	return c
}

func numSlot(k Kind) int {
	switch k {
	case KindInt:
		return 0
	case KindFloat:
		return 1
	}
	return 2
}

// addText counts one raw text value (CSV) read at line, and returns its kind and number.
func (c *colAcc) addText(b []byte, line int64) (Kind, float64) {
	b = trimSpace(b)
	if c.last == KindDate {
		// A value the date parser reads is a date for classify too (it has separators no number
		// has, and is longer than any null token), so the other tests can be skipped.
		if t, ok := c.dp.parse(b); ok {
			c.addValue(KindDate, b, t, 0, line)
			c.addLength(len(b))
			return KindDate, t
		}
	}
	k, v, iv := classifyTrimmed(b, &c.dp)
	c.last = k
	if k == KindNull {
		c.kinds[k]++
		return k, v
	}
	c.addValue(k, b, v, iv, line)
	if k == KindString {
		c.addTextLength(b, line)
	} else {
		c.addLength(len(b)) // numbers, dates and booleans are ASCII as classify reads them
	}
	return k, v
}

// addKind counts one value whose kind is already known (typed sources: JSON, Parquet).
func (c *colAcc) addKind(k Kind, b []byte, v float64, iv int64, line int64) {
	if k == KindNull {
		c.kinds[k]++
		return
	}
	c.addValue(k, b, v, iv, line)
	c.addTextLength(b, line)
}

// addValue counts a non-null value of kind k: its kind, example, statistics and distinct count.
func (c *colAcc) addValue(k Kind, b []byte, v float64, iv int64, line int64) {
	c.kinds[k]++
	if len(c.examples[k]) < examplesPerKind {
		c.examples[k] = append(c.examples[k], example{Line: line, Value: clip(b, 80)})
	}
	wasExact := !c.values.overflow
	switch k {
	case KindInt, KindFloat, KindDate:
		s := numSlot(k)
		a := c.num[s]
		if a == nil {
			a = &numAcc{}
			if c.values.overflow {
				a.sketch = newKLL()
			}
			c.num[s] = a
		}
		a.add(v, iv, k == KindInt)
		switch k {
		case KindInt:
			c.values.addInt(iv)
		case KindFloat:
			if !math.IsInf(v, 0) {
				c.values.addFloat(v)
			}
		default:
			c.values.addDate(v)
		}
		c.rankText(b)
	case KindBool:
		if v == 1 {
			c.trues++
		}
		c.rankIndexed(b, c.values.addString(b))
	default:
		c.rankIndexed(b, c.values.addString(b))
	}
	if wasExact && c.values.overflow {
		c.seedSketches()
	}
}

// rankIndexed compares a text or boolean value with the extremes unless its counter index i says
// it was compared before (i is -1 once the column is approximate: then every value is compared).
func (c *colAcc) rankIndexed(b []byte, i int32) {
	if i >= 0 && int(i) < len(c.ranked) && c.ranked[i] {
		return // a value compared before cannot move the extremes
	}
	for i >= 0 && int(i) >= len(c.ranked) {
		c.ranked = append(c.ranked, false)
	}
	if i >= 0 {
		c.ranked[i] = true
	}
	c.rankText(b)
}

// rankText keeps the smallest and largest text of the column's values. Every kind takes part: a
// column is only known to be text at the end, and then its extremes are over all its values (codes
// like 012345 are text, 123456 in the same column an integer). The extremes are kept here rather
// than found from the distinct values at the end, since those stop being kept once the column has
// more than the exact-count bound. A value whose first byte lies strictly between those of the
// extremes cannot move them, which settles most numbers of a numeric column in two comparisons.
func (c *colAcc) rankText(b []byte) {
	// A value whose first 8 bytes (zero-padded) lie strictly between the extremes' cannot move
	// them: a strict difference within the first 8 bytes decides the byte order (a shorter text
	// padded with zeros sorts where it would as a prefix). That settles most values of a numeric
	// or date column in two integer comparisons.
	if c.maxStr != nil {
		if p := prefix8(b); p > c.minPre && p < c.maxPre {
			return
		}
	}
	if c.minStr == nil || bytes.Compare(b, c.minStr) < 0 {
		c.minStr = append(c.minStr[:0], b...)
		if c.minStr == nil {
			c.minStr = []byte{}
		}
		c.minPre = prefix8(c.minStr)
	}
	if c.maxStr == nil || bytes.Compare(b, c.maxStr) > 0 {
		c.maxStr = append(c.maxStr[:0], b...)
		if c.maxStr == nil {
			c.maxStr = []byte{}
		}
		c.maxPre = prefix8(c.maxStr)
	}
}

// prefix8 is b's first 8 bytes as a big-endian number, zero-padded when b is shorter.
func prefix8(b []byte) uint64 {
	if len(b) >= 8 {
		return binary.BigEndian.Uint64(b)
	}
	var p uint64
	for i, x := range b {
		p |= uint64(x) << (56 - 8*i)
	}
	return p
}

// addTextLength counts the length in characters of a value that may not be ASCII, and invalid
// UTF-8.
func (c *colAcc) addTextLength(b []byte, line int64) {
	n := len(b)
	if !isASCII(b) {
		if !utf8.Valid(b) {
			if c.badUTF8 == 0 {
				c.badUTF8Line = line
			}
			c.badUTF8++
		}
		n = utf8.RuneCount(b)
	}
	c.addLength(n)
}

func (c *colAcc) addLength(n int) {
	if n < c.lenMin {
		c.lenMin = n
	}
	if n > c.lenMax {
		c.lenMax = n
	}
	c.lenSum += int64(n)
}

func isASCII(b []byte) bool {
	for _, x := range b {
		if x >= 0x80 {
			return false
		}
	}
	return true
}

func clip(b []byte, n int) string {
	if len(b) > n {
		b = b[:n]
	}
	return string(bytes.ToValidUTF8(b, []byte("\uFFFD")))
}

// seedSketches starts the quantile sketches when the column leaves exact counting: every value
// counted so far goes in with its count, and from now on each value is added as it comes.
func (c *colAcc) seedSketches() {
	for s, a := range c.num {
		if a == nil || a.sketch != nil {
			continue
		}
		a.sketch = newKLL()
		// The values go in sorted, not in map order: the sketch's compactions depend on the order
		// of its input, and map order changes from run to run, so the same file would get
		// different approximate quantiles each time it is profiled.
		type vn struct {
			v float64
			n int64
		}
		var seed []vn
		switch s {
		case 0:
			c.values.eachInt(func(v, n int64) { seed = append(seed, vn{float64(v), n}) })
		case 1:
			for v, n := range c.values.floats {
				seed = append(seed, vn{v, n})
			}
		case 2:
			for v, n := range c.values.dates {
				seed = append(seed, vn{v, n})
			}
		}
		slices.SortFunc(seed, func(x, y vn) int { return cmp.Compare(x.v, y.v) })
		for _, e := range seed {
			for n := e.n; n > 0; n-- {
				a.sketch.add(e.v)
			}
		}
	}
}

// merge folds another worker's view of the same column into c.
func (c *colAcc) merge(o *colAcc) {
	for k := range c.kinds {
		c.kinds[k] += o.kinds[k]
		c.examples[k] = mergeExamples(c.examples[k], o.examples[k])
	}
	if o.values.overflow && !c.values.overflow {
		c.seedSketches()
	}
	if c.values.overflow && !o.values.overflow {
		o.seedSketches()
	}
	for s := range c.num {
		if o.num[s] == nil {
			continue
		}
		if c.num[s] == nil {
			c.num[s] = &numAcc{}
		}
		c.num[s].merge(o.num[s])
	}
	c.values.merge(&o.values)
	c.trues += o.trues
	c.lenMin, c.lenMax = min(c.lenMin, o.lenMin), max(c.lenMax, o.lenMax)
	c.lenSum += o.lenSum
	if o.minStr != nil && (c.minStr == nil || bytes.Compare(o.minStr, c.minStr) < 0) {
		c.minStr, c.minPre = o.minStr, o.minPre
	}
	if o.maxStr != nil && (c.maxStr == nil || bytes.Compare(o.maxStr, c.maxStr) > 0) {
		c.maxStr, c.maxPre = o.maxStr, o.maxPre
	}
	if o.badUTF8 > 0 && (c.badUTF8 == 0 || o.badUTF8Line < c.badUTF8Line) {
		c.badUTF8Line = o.badUTF8Line
	}
	c.badUTF8 += o.badUTF8
	c.dp.hasTime = c.dp.hasTime || o.dp.hasTime
}

func mergeExamples(a, b []example) []example {
	out := append(append([]example(nil), a...), b...)
	for i := 1; i < len(out); i++ {
		for j := i; j > 0 && out[j].Line < out[j-1].Line; j-- {
			out[j], out[j-1] = out[j-1], out[j]
		}
	}
	if len(out) > examplesPerKind {
		out = out[:examplesPerKind]
	}
	return out
}
