package eval

import (
	"cmp"
	"math"
	"slices"
	"strconv"
)

// classSet is the sorted set of classes of a classification, as scikit-learn orders them:
// numerically when every label is a number (then "1" and "1.0" are one class, written "1"),
// else by their text.
type classSet struct {
	numeric bool
	names   []string       // sorted
	index   map[string]int // name → position in names
}

// newClassSet sorts the distinct canonical forms of labels; numeric says whether every label
// of the file is a number (labels that are not keep their text either way).
func newClassSet(labels []string, numeric bool) *classSet {
	cs := &classSet{numeric: numeric, index: map[string]int{}}
	type key struct {
		name string
		num  float64
	}
	var keys []key
	for _, l := range labels {
		c := cs.canonical(l)
		if _, ok := cs.index[c]; ok {
			continue
		}
		cs.index[c] = -1
		v, _ := labelNumber(c)
		keys = append(keys, key{c, v})
	}
	slices.SortFunc(keys, func(a, b key) int {
		if numeric {
			if c := cmp.Compare(a.num, b.num); c != 0 {
				return c
			}
		}
		return cmp.Compare(a.name, b.name)
	})
	for i, k := range keys {
		cs.names = append(cs.names, k.name)
		cs.index[k.name] = i
	}
	return cs
}

// allNumbers says whether every label is a finite number.
func allNumbers(labels []string) bool {
	for _, l := range labels {
		if _, ok := labelNumber(l); !ok {
			return false
		}
	}
	return len(labels) > 0
}

// canonical is the class a label names: its shortest exact decimal form when the classes are
// numeric and it is a number, else the label itself.
func (cs *classSet) canonical(label string) string {
	if !cs.numeric {
		return label
	}
	v, ok := labelNumber(label)
	if !ok {
		return label
	}
	return formatNumber(v)
}

// formatNumber writes v exactly in the fewest digits, without exponent for whole numbers that
// a float64 holds exactly.
func formatNumber(v float64) string {
	if v == 0 {
		return "0" // also -0
	}
	if v == math.Trunc(v) && math.Abs(v) < 1<<53 {
		return strconv.FormatFloat(v, 'f', -1, 64)
	}
	return strconv.FormatFloat(v, 'g', -1, 64)
}

// union returns a class set holding cs's classes and the extra names (canonicalized).
func (cs *classSet) union(extra []string) *classSet {
	all := slices.Clone(cs.names)
	for _, e := range extra {
		all = append(all, cs.canonical(e))
	}
	return newClassSet(all, cs.numeric)
}
