package features

import (
	"encoding/json"
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/mlwb/mlwb/stages/data"
)

// Output is one column of the transformed file.
type Output struct {
	Name string `json:"name"`
	Type string `json:"type"` // int, float, bool or string (for Parquet: INT64, DOUBLE, BOOLEAN, UTF8)
}

// Plan is a spec fitted to one input's profile: for every input column what it becomes, with the
// statistics (means, deviations, ranges, medians, modes, frequent values, quantile edges) read
// from the profile. It is immutable once built and shared by the transform's workers.
type Plan struct {
	Spec     *Spec
	Inputs   []string // the input's columns, in file order (the profile's)
	Outputs  []Output
	Warnings []string // approximate statistics used, and similar things worth knowing
	cols     []colPlan
}

// what a column becomes
type action uint8

const (
	actKeep   action = iota // copied unchanged
	actDrop                 // not written
	actText                 // a non-numeric column with a null imputed
	actNumber               // impute, clip, log1p, scale: one number out
	actOneHot               // one 0/1 column per frequent value, and __other__
	actBucket               // the index of the value's bucket
	actDate                 // date parts
)

// colPlan is one input column's fitted transform.
type colPlan struct {
	name     string
	typ      string // the profile's type
	act      action
	passType string // output type when copied unchanged

	impute     bool
	imputeNum  float64
	imputeText []byte

	lo, hi float64 // clip bounds (±Inf when open)
	log1p  bool
	scale  bool
	shift  float64 // out = (x − shift) / div
	div    float64
	outInt bool

	cats    []string // one-hot: the frequent values, as the profile spells them
	catInts []int64  // one-hot on an int column: the same, as numbers
	edges   []float64
	parts   []string
}

// Fit builds the plan for spec over a profile of the input. Every refusal is a *SpecError at the
// spec line concerned: a column the input does not have, a transform the column's type does not
// take, values that break the column's type, log1p of values below zero, a statistic the profile
// does not have.
func Fit(spec *Spec, p *data.Profile) (*Plan, error) {
	pl := &Plan{Spec: spec}
	byName := map[string]int{}
	for i, c := range p.Columns {
		pl.Inputs = append(pl.Inputs, c.Name)
		byName[c.Name] = i
	}
	specs := make([]*ColumnSpec, len(p.Columns))
	for i := range spec.Columns {
		cs := &spec.Columns[i]
		j, ok := byName[cs.Name]
		if !ok {
			return nil, specErr(spec.Path, cs.Line, "%s has no column %q (columns: %s)", p.Path, cs.Name, data.ColumnList(pl.Inputs))
		}
		specs[j] = cs
	}
	taken := map[string]int{} // output name → spec line (0: an unlisted column)
	for i, pc := range p.Columns {
		cp, err := fitColumn(spec, specs[i], &p.Columns[i], &pl.Warnings)
		if err != nil {
			return nil, err
		}
		pl.cols = append(pl.cols, cp)
		line := 0
		if specs[i] != nil {
			line = specs[i].Line
		}
		for _, o := range cp.outputs() {
			if first, dup := taken[o.Name]; dup {
				return nil, specErr(spec.Path, max(line, first), "column %q: the output column %q already comes from another column; rename or drop one", pc.Name, o.Name)
			}
			taken[o.Name] = line
			pl.Outputs = append(pl.Outputs, o)
		}
	}
	if len(pl.Outputs) == 0 {
		return nil, specErr(spec.Path, 0, "every column is dropped; the output would be empty")
	}
	return pl, nil
}

// outputs names what the column becomes.
func (c *colPlan) outputs() []Output {
	switch c.act {
	case actDrop:
		return nil
	case actKeep, actText:
		return []Output{{c.name, c.passType}}
	case actNumber:
		if c.outInt {
			return []Output{{c.name, "int"}}
		}
		return []Output{{c.name, "float"}}
	case actOneHot:
		var out []Output
		for _, v := range c.cats {
			out = append(out, Output{c.name + "=" + v, "int"})
		}
		return append(out, Output{c.name + "=" + otherValue, "int"})
	case actBucket:
		return []Output{{c.name, "int"}}
	case actDate:
		var out []Output
		for _, p := range c.parts {
			out = append(out, Output{c.name + "_" + p, "int"})
		}
		return out
	}
	return nil
}

// passType is the output type of a column copied as it is: numbers and booleans keep their type
// unless some values break it; dates stay text (in the file's own spelling).
func passType(pc *data.Column) string {
	if pc.Violations > 0 {
		return "string"
	}
	switch pc.Type {
	case "int", "float", "bool":
		return pc.Type
	}
	return "string"
}

func isNumeric(t string) bool { return t == "int" || t == "float" }

func fitColumn(spec *Spec, cs *ColumnSpec, pc *data.Column, warn *[]string) (colPlan, error) {
	cp := colPlan{name: pc.Name, typ: pc.Type, passType: passType(pc), lo: math.Inf(-1), hi: math.Inf(1), div: 1}
	if cs == nil {
		if spec.Rest == "drop" {
			cp.act = actDrop
		}
		return cp, nil
	}
	fail := func(line int, format string, args ...any) (colPlan, error) {
		return cp, specErr(spec.Path, line, "column %q: "+format, append([]any{pc.Name}, args...)...)
	}
	switch {
	case cs.Drop:
		cp.act = actDrop
		return cp, nil
	case cs.Keep:
		return cp, nil
	}
	numericSteps := cs.Clip != nil || cs.Log1p || cs.Scale != "" || cs.Bucketize != nil ||
		(cs.Impute != nil && (cs.Impute.Method == "mean" || cs.Impute.Method == "median"))
	if numericSteps && !isNumeric(pc.Type) {
		return fail(cs.Line, "the profile types it %s; %s needs an int or float column", pc.Type, numericStepName(cs))
	}
	if cs.DateParts != nil && pc.Type != "datetime" {
		return fail(cs.PartsLine, "the profile types it %s; dateparts needs a datetime column", pc.Type)
	}
	if cs.OneHot != nil && pc.Type != "string" && pc.Type != "bool" && pc.Type != "int" {
		return fail(cs.OneHot.Line, "the profile types it %s; onehot takes string, bool or int columns (bucketize a %s column instead)", pc.Type, pc.Type)
	}
	if pc.Violations > 0 && (numericSteps || cs.DateParts != nil || (cs.OneHot != nil && pc.Type == "int")) {
		first := ""
		if len(pc.ViolationLines) > 0 {
			first = fmt.Sprintf(" (first at line %d: %q)", pc.ViolationLines[0].Line, pc.ViolationLines[0].Value)
		}
		return fail(cs.Line, "%d values are not %s%s; fix or null them first, the transform will not guess what they mean", pc.Violations, pc.Type, first)
	}
	if pc.Count == 0 && (numericSteps || cs.OneHot != nil || cs.Impute != nil) {
		return fail(cs.Line, "the column has no values, so there is nothing to fit")
	}
	if cs.Impute != nil {
		if err := fitImpute(&cp, cs.Impute, pc, warn, fail); err != nil {
			return cp, err
		}
	}
	switch {
	case cs.DateParts != nil:
		cp.act, cp.parts = actDate, cs.DateParts
		return cp, nil
	case cs.OneHot != nil:
		return fitOneHot(cp, cs.OneHot, pc, warn, fail)
	}
	if !isNumeric(pc.Type) { // impute alone on text, bool or dates
		cp.act = actText
		return cp, nil
	}
	cp.act = actNumber
	if cs.Clip != nil {
		if cs.Clip.Min != nil {
			cp.lo = *cs.Clip.Min
		}
		if cs.Clip.Max != nil {
			cp.hi = *cs.Clip.Max
		}
	}
	pmin, okMin := number(pc.Min)
	pmax, okMax := number(pc.Max)
	if !okMin || !okMax {
		return fail(cs.Line, "the profile has no minimum and maximum for it")
	}
	// The range of the values the later steps see: the profile's, with the imputed value, clipped.
	lo, hi := pmin, pmax
	if cp.impute {
		lo, hi = math.Min(lo, cp.imputeNum), math.Max(hi, cp.imputeNum)
	}
	lo, hi = clamp(lo, cp.lo, cp.hi), clamp(hi, cp.lo, cp.hi)
	if cs.Log1p {
		if lo < 0 {
			return fail(cs.Log1pLine, "log1p takes values ≥ 0, and the column goes down to %s; add clip: {min: 0} (or drop log1p)", fmtNum(lo))
		}
		cp.log1p = true
		lo, hi = math.Log1p(lo), math.Log1p(hi)
	}
	if pc.Infinite > 0 && (cs.Scale != "" || cs.Bucketize != nil) && (math.IsInf(lo, 0) || math.IsInf(hi, 0)) {
		return fail(cs.Line, "%d values are infinite; clip them (clip: {min: A, max: B}) before scaling or bucketing", pc.Infinite)
	}
	switch cs.Scale {
	case "standardize":
		mean, ok := number(pc.Mean)
		if !ok {
			return fail(cs.ScaleLine, "the profile has no mean for it")
		}
		cp.scale, cp.shift = true, mean
		if sd, ok := number(pc.Std); ok && sd > 0 {
			cp.div = sd
		} else {
			*warn = append(*warn, fmt.Sprintf("column %q: the standard deviation is zero or undefined, so standardize gives x − mean (as scikit-learn does)", pc.Name))
		}
	case "minmax":
		cp.scale, cp.shift = true, lo
		if hi > lo {
			cp.div = hi - lo
		} else {
			*warn = append(*warn, fmt.Sprintf("column %q: every value is the same, so minmax gives 0 (as scikit-learn does)", pc.Name))
		}
	}
	if cs.Bucketize != nil {
		return fitBucket(cp, cs.Bucketize, pc, warn, fail)
	}
	cp.outInt = pc.Type == "int" && !cp.log1p && !cp.scale && integral(cp.lo) && integral(cp.hi) &&
		(!cp.impute || integral(cp.imputeNum))
	return cp, nil
}

type failFunc func(line int, format string, args ...any) (colPlan, error)

func numericStepName(cs *ColumnSpec) string {
	switch {
	case cs.Scale != "":
		return cs.Scale
	case cs.Log1p:
		return "log1p"
	case cs.Clip != nil:
		return "clip"
	case cs.Bucketize != nil:
		return "bucketize"
	}
	return "impute: " + cs.Impute.Method
}

func fitImpute(cp *colPlan, im *Impute, pc *data.Column, warn *[]string, fail failFunc) error {
	cp.impute = true
	numeric := isNumeric(pc.Type)
	var text string
	switch im.Method {
	case "mean":
		v, ok := number(pc.Mean)
		if !ok {
			_, err := fail(im.Line, "the profile has no mean for it")
			return err
		}
		cp.imputeNum = v
		return nil
	case "median":
		v, ok := number(pc.Quantiles["p50"])
		if !ok {
			_, err := fail(im.Line, "the profile has no median (p50) for it")
			return err
		}
		if pc.QuantilesApprox {
			*warn = append(*warn, fmt.Sprintf("column %q: the median is the profile's sketch estimate (rank error ≤ 1%%)", pc.Name))
		}
		cp.imputeNum = v
		return nil
	case "mode":
		if len(pc.Top) == 0 {
			_, err := fail(im.Line, "the profile has no top values, so no mode")
			return err
		}
		if pc.TopApprox {
			*warn = append(*warn, fmt.Sprintf("column %q: the mode is from the profile's approximate top values (the column has more distinct values than it counts exactly)", pc.Name))
		}
		text = pc.Top[0].Value
	default:
		text = im.Value
	}
	if numeric {
		v, err := strconv.ParseFloat(strings.TrimSpace(text), 64)
		if err != nil || math.IsNaN(v) {
			_, err := fail(im.Line, "the %s %q is not a number, and the column is %s", im.Method, text, pc.Type)
			return err
		}
		cp.imputeNum = v
	}
	cp.imputeText = []byte(text)
	return nil
}

func fitOneHot(cp colPlan, oh *OneHot, pc *data.Column, warn *[]string, fail failFunc) (colPlan, error) {
	cp.act = actOneHot
	if oh.Top > len(pc.Top) && pc.Distinct > int64(len(pc.Top)) {
		return fail(oh.Line, "the profile keeps the %d most frequent values and the column has %d distinct ones; use top: %d or fewer", len(pc.Top), pc.Distinct, len(pc.Top))
	}
	if pc.TopApprox {
		*warn = append(*warn, fmt.Sprintf("column %q: the frequent values come from the profile's approximate top values (the column has more distinct values than it counts exactly)", pc.Name))
	}
	for _, tv := range pc.Top[:min(oh.Top, len(pc.Top))] {
		if len(tv.Value) >= 200 {
			return fail(oh.Line, "a frequent value is 200 bytes or longer, which the profile shortens, so it cannot be matched")
		}
		if pc.Type == "int" {
			n, err := strconv.ParseInt(tv.Value, 10, 64)
			if err != nil {
				return fail(oh.Line, "the frequent value %q is not an integer", tv.Value)
			}
			cp.catInts = append(cp.catInts, n)
		}
		cp.cats = append(cp.cats, tv.Value)
	}
	if cp.impute && pc.Type == "int" {
		if !integral(cp.imputeNum) {
			return fail(oh.Line, "the imputed value %s is not an integer", fmtNum(cp.imputeNum))
		}
	}
	return cp, nil
}

func fitBucket(cp colPlan, bk *Bucketize, pc *data.Column, warn *[]string, fail failFunc) (colPlan, error) {
	cp.act = actBucket
	if bk.Edges != nil {
		cp.edges = bk.Edges
		return cp, nil
	}
	keys := []string{"p50"}
	if bk.Quantiles == 4 {
		keys = []string{"p25", "p50", "p75"}
	}
	for _, k := range keys {
		v, ok := number(pc.Quantiles[k])
		if !ok {
			return fail(bk.Line, "the profile has no %s for it", k)
		}
		if len(cp.edges) > 0 && v <= cp.edges[len(cp.edges)-1] {
			*warn = append(*warn, fmt.Sprintf("column %q: the quantile %s equals the one below it, so there are fewer buckets", pc.Name, k))
			continue
		}
		cp.edges = append(cp.edges, v)
	}
	if pc.QuantilesApprox {
		*warn = append(*warn, fmt.Sprintf("column %q: the bucket edges are the profile's sketch quantiles (rank error ≤ 1%%)", pc.Name))
	}
	return cp, nil
}

// number reads a profile statistic: a Go number from a fresh profile, or a float64 (or the text
// "inf") from one decoded from JSON. ok is false for null and for anything else.
func number(v any) (float64, bool) {
	switch x := v.(type) {
	case float64:
		return x, !math.IsNaN(x)
	case int64:
		return float64(x), true
	case int:
		return float64(x), true
	case json.Number:
		f, err := x.Float64()
		return f, err == nil
	case string:
		switch x {
		case "inf":
			return math.Inf(1), true
		case "-inf":
			return math.Inf(-1), true
		}
	}
	return 0, false
}

func clamp(v, lo, hi float64) float64 { return math.Max(lo, math.Min(hi, v)) }

func integral(v float64) bool {
	return math.IsInf(v, 0) || (v == math.Trunc(v) && math.Abs(v) < 1<<53)
}

func fmtNum(v float64) string { return strconv.FormatFloat(v, 'g', -1, 64) }
