package data

// fkind is the type a filter expression sees a value as: the profile's kinds, with dates and text
// both strings (ISO dates compare in order as text).
type fkind uint8

const (
	fNull fkind = iota
	fInt
	fFloat
	fBool
	fStr
)

// fval is one typed value for the filter's compiled evaluator. Strings point into the chunk being
// read, so typing a value allocates nothing; the expression machine's boxed values (any) are built
// from it only when a row has to go to the machine.
type fval struct {
	k fkind
	b bool
	i int64
	f float64
	s []byte
}

// textValue types one CSV value for an expression, as the profile types it. This is the one
// definition of a CSV value's filter type: the compiled evaluator uses it directly and the
// expression machine through any().
func textValue(b []byte, dp *dateParser) fval {
	b = trimSpace(b)
	k, v := classify(b, dp)
	switch k {
	case KindNull:
		return fval{}
	case KindInt:
		n, _ := parseInt(b) // exact: v went through float64
		return fval{k: fInt, i: n}
	case KindFloat:
		return fval{k: fFloat, f: v}
	case KindBool:
		return fval{k: fBool, b: v == 1}
	}
	return fval{k: fStr, s: b}
}

// jsonFval types one JSON member for an expression.
func jsonFval(f jsonField) fval {
	switch f.kind {
	case KindNull:
		return fval{}
	case KindInt:
		return fval{k: fInt, i: f.inum}
	case KindFloat:
		return fval{k: fFloat, f: f.num}
	case KindBool:
		return fval{k: fBool, b: f.num == 1}
	}
	return fval{k: fStr, s: f.raw}
}

// any is the value as the expression machine sees it (int, float64, bool, string or nil).
func (v fval) any() any {
	switch v.k {
	case fInt:
		return int(v.i)
	case fFloat:
		return v.f
	case fBool:
		return v.b
	case fStr:
		return string(v.s)
	}
	return nil
}

func (v fval) num() bool { return v.k == fInt || v.k == fFloat }

func (v fval) float() float64 {
	if v.k == fInt {
		return float64(v.i)
	}
	return v.f
}

// equal is expr-lang's runtime.Equal on our kinds: numbers compare by value across int and float,
// strings and booleans with their own kind, nil equals only nil, and different kinds are unequal.
func (v fval) equal(w fval) bool {
	switch {
	case v.k == fInt && w.k == fInt:
		return v.i == w.i
	case v.num() && w.num():
		return v.float() == w.float()
	case v.k != w.k:
		return false
	case v.k == fStr:
		return string(v.s) == string(w.s)
	case v.k == fBool:
		return v.b == w.b
	}
	return true // both null
}

// compare orders two numbers or two strings (-1, 0, 1); ok is false for any other pair, which the
// expression machine refuses (or, for NaN, answers in its own way), so the row goes to it.
func (v fval) compare(w fval) (c int, ok bool) {
	switch {
	case v.k == fInt && w.k == fInt:
		return cmp3(v.i, w.i), true
	case v.num() && w.num():
		a, b := v.float(), w.float()
		if a != a || b != b {
			return 0, false
		}
		return cmp3(a, b), true
	case v.k == fStr && w.k == fStr:
		return cmp3(string(v.s), string(w.s)), true
	}
	return 0, false
}

func cmp3[T int64 | float64 | string](a, b T) int {
	if a < b {
		return -1
	}
	if a > b {
		return 1
	}
	return 0
}
