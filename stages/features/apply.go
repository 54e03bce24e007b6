package features

import (
	"bytes"
	"fmt"
	"math"
	"sort"
	"strconv"
	"time"

	"github.com/mlwb/mlwb/stages/data"
)

// cellKind says what an output cell holds.
type cellKind uint8

const (
	cellNull cellKind = iota
	cellInt
	cellFloat
	cellText // the input's text, unchanged (valid only while its record is)
)

// cell is one output value.
type cell struct {
	kind cellKind
	i    int64
	f    float64
	text []byte
}

// RowError is a value the transform cannot turn into what the spec asks (it names the line and
// column). The profile catches almost every such value before streaming starts (fitting refuses
// a column with type violations); this is what a value that slipped past it gets.
type RowError struct {
	Line   int64
	Column string
	Msg    string
}

func (e *RowError) Error() string {
	return fmt.Sprintf("line %d: column %q: %s", e.Line, e.Column, e.Msg)
}

// rowState is one worker's parsers (they remember date layouts) and output cells.
type rowState struct {
	parsers []*data.ValueParser
	cells   []cell
}

func (pl *Plan) newRowState(dayFirst func(col int) bool) *rowState {
	st := &rowState{cells: make([]cell, len(pl.Outputs))}
	for i := range pl.cols {
		st.parsers = append(st.parsers, data.NewValueParser(dayFirst(i)))
	}
	return st
}

// transform turns one input record (a field per input column, nil when missing) into the output
// cells.
func (pl *Plan) transform(st *rowState, line int64, fields [][]byte) ([]cell, error) {
	out := st.cells[:0]
	for i := range pl.cols {
		c := &pl.cols[i]
		var raw []byte
		if i < len(fields) {
			raw = fields[i]
		}
		var err error
		switch c.act {
		case actDrop:
		case actKeep:
			out = append(out, textCell(raw))
		case actText:
			if raw == nil || data.IsNull(raw) {
				raw = c.imputeText
			}
			out = append(out, textCell(raw))
		case actNumber, actBucket:
			var x float64
			var null bool
			x, null, err = c.number(st.parsers[i], line, raw)
			switch {
			case err != nil:
			case null:
				out = append(out, cell{})
			case c.act == actBucket:
				// The count of edges ≤ x: numpy.digitize(x, edges), right=False.
				out = append(out, cell{kind: cellInt, i: int64(sort.Search(len(c.edges), func(j int) bool { return c.edges[j] > x }))})
			case c.outInt:
				out = append(out, cell{kind: cellInt, i: int64(x)})
			default:
				out = append(out, cell{kind: cellFloat, f: x})
			}
		case actOneHot:
			out, err = c.oneHot(out, line, raw)
		case actDate:
			out, err = c.dateParts(st.parsers[i], out, line, raw)
		}
		if err != nil {
			return nil, err
		}
	}
	return out, nil
}

func textCell(raw []byte) cell {
	if raw == nil {
		return cell{}
	}
	return cell{kind: cellText, text: raw}
}

func (c *colPlan) fail(line int64, format string, args ...any) error {
	return &RowError{Line: line, Column: c.name, Msg: fmt.Sprintf(format, args...)}
}

// number runs impute, clip, log1p and scale on one value; null is true for a null with no impute.
func (c *colPlan) number(p *data.ValueParser, line int64, raw []byte) (x float64, null bool, err error) {
	if raw == nil || data.IsNull(raw) {
		if !c.impute {
			return 0, true, nil
		}
		x = c.imputeNum
	} else {
		k, v := p.Parse(raw)
		if k != data.KindInt && k != data.KindFloat {
			return 0, false, c.fail(line, "%q is not a number (the column is %s)", clipText(string(raw), 40), c.typ)
		}
		x = v
		if c.outInt && k == data.KindInt { // exact beyond 2^53, where the float is not
			if n, err := strconv.ParseInt(string(data.TrimValue(raw)), 10, 64); err == nil {
				return float64(c.clipInt(n)), false, nil
			}
		}
	}
	x = clamp(x, c.lo, c.hi)
	if c.log1p {
		if x < 0 {
			return 0, false, c.fail(line, "log1p of %s: log1p takes values ≥ 0 (clip the column first)", fmtNum(x))
		}
		x = math.Log1p(x)
	}
	if c.scale {
		x = (x - c.shift) / c.div
	}
	return x, false, nil
}

func (c *colPlan) clipInt(n int64) int64 {
	if !math.IsInf(c.lo, 0) && float64(n) < c.lo {
		return int64(c.lo)
	}
	if !math.IsInf(c.hi, 0) && float64(n) > c.hi {
		return int64(c.hi)
	}
	return n
}

// oneHot appends one 0/1 cell per frequent value and one for the rest; a null with no impute
// leaves them all empty.
func (c *colPlan) oneHot(out []cell, line int64, raw []byte) ([]cell, error) {
	n := len(c.cats) + 1
	if raw == nil || data.IsNull(raw) {
		if !c.impute {
			for range n {
				out = append(out, cell{})
			}
			return out, nil
		}
		raw = c.imputeText
	}
	v := data.TrimValue(raw)
	hit := len(c.cats) // __other__
	if c.catInts != nil {
		iv, err := strconv.ParseInt(string(bytes.TrimPrefix(v, []byte{'+'})), 10, 64)
		if err != nil {
			return nil, c.fail(line, "%q is not an integer (the column is int)", clipText(string(raw), 40))
		}
		for j, ci := range c.catInts {
			if ci == iv {
				hit = j
				break
			}
		}
	} else {
		for j, s := range c.cats {
			if string(v) == s {
				hit = j
				break
			}
		}
	}
	for j := range n {
		var b int64
		if j == hit {
			b = 1
		}
		out = append(out, cell{kind: cellInt, i: b})
	}
	return out, nil
}

// dateParts appends the asked parts of a date, in UTC (a value's own offset is applied first).
// weekday counts from Monday = 0, as pandas' dayofweek does.
func (c *colPlan) dateParts(p *data.ValueParser, out []cell, line int64, raw []byte) ([]cell, error) {
	if raw == nil || data.IsNull(raw) {
		for range c.parts {
			out = append(out, cell{})
		}
		return out, nil
	}
	k, secs := p.Parse(raw)
	if k != data.KindDate {
		return nil, c.fail(line, "%q is not a date", clipText(string(raw), 40))
	}
	t := time.Unix(int64(math.Floor(secs)), 0).UTC()
	for _, part := range c.parts {
		var v int
		switch part {
		case "year":
			v = t.Year()
		case "month":
			v = int(t.Month())
		case "day":
			v = t.Day()
		case "weekday":
			v = (int(t.Weekday()) + 6) % 7
		case "hour":
			v = t.Hour()
		}
		out = append(out, cell{kind: cellInt, i: int64(v)})
	}
	return out, nil
}
