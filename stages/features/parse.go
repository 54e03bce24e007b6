package features

import (
	"bytes"
	"errors"
	"io"
	"math"
	"regexp"
	"strconv"
	"unicode/utf8"

	"go.yaml.in/yaml/v3"
)

// ParseSpec parses a spec's bytes; path names the file in errors. The walk is over the YAML node
// tree rather than a struct decode so that every refusal (an unknown key, a duplicate, a value of
// the wrong kind, two steps that cannot go together) carries the line of the value at fault.
//
// The format:
//
//	rest: keep                 # columns not listed: keep (default) or drop
//	columns:
//	  delay:
//	    impute: median         # mean | median | mode | {constant: V}
//	    clip: {min: -60, max: 240}
//	    scale: minmax          # standardize | minmax
//	  distance: {log1p: true, scale: minmax}
//	  origin: {impute: mode, onehot: {top: 5}}
//	  dep: {bucketize: {edges: [0, 15, 60]}}    # or {quantiles: 4}
//	  ts: {dateparts: [year, month, weekday, hour]}
//	  carrier: drop            # shorthand: keep, drop, standardize, minmax, log1p
func ParseSpec(path string, b []byte) (*Spec, error) {
	if len(b) > maxSpecSize {
		return nil, specErr(path, 0, "the file is larger than %d bytes; a feature spec is a page of YAML", maxSpecSize)
	}
	if !utf8.Valid(b) || bytes.IndexByte(b, 0) >= 0 {
		return nil, specErr(path, 0, "the file is not UTF-8 text")
	}
	sp := &Spec{Path: path, Hash: SpecHash(b), Rest: "keep"}
	dec := yaml.NewDecoder(bytes.NewReader(b))
	var doc yaml.Node
	if err := dec.Decode(&doc); err != nil {
		if errors.Is(err, io.EOF) {
			return nil, specErr(path, 0, "the file is empty; a spec needs a columns: mapping")
		}
		return nil, yamlErr(path, err)
	}
	var extra yaml.Node
	if err := dec.Decode(&extra); err == nil {
		return nil, specErr(path, extra.Line, "only one YAML document is allowed")
	} else if !errors.Is(err, io.EOF) {
		return nil, yamlErr(path, err)
	}
	p := parser{path: path}
	if len(doc.Content) == 0 {
		return nil, specErr(path, 0, "the file is empty; a spec needs a columns: mapping")
	}
	root := doc.Content[0]
	if err := p.mapping(root, "the file"); err != nil {
		return nil, err
	}
	var cols *yaml.Node
	err := p.eachKey(root, func(k, v *yaml.Node) error {
		switch k.Value {
		case "rest":
			s, err := p.choice(v, "rest", []string{"keep", "drop"})
			sp.Rest = s
			return err
		case "columns":
			cols = v
			return p.mapping(v, "columns")
		}
		return specErr(path, k.Line, "unknown key %q (expected one of: columns, rest)", k.Value)
	})
	if err != nil {
		return nil, err
	}
	if cols == nil {
		return nil, specErr(path, root.Line, "no columns: mapping (the column names and their transforms)")
	}
	err = p.eachKey(cols, func(k, v *yaml.Node) error {
		if k.Value == "" {
			return specErr(path, k.Line, "a column name is empty")
		}
		c, err := p.column(k, v)
		if err != nil {
			return err
		}
		sp.Columns = append(sp.Columns, c)
		return nil
	})
	if err != nil {
		return nil, err
	}
	if len(sp.Columns) == 0 {
		return nil, specErr(path, cols.Line, "columns: is empty; name at least one column")
	}
	return sp, nil
}

// parser walks one spec's nodes; every error it makes is a *SpecError.
type parser struct{ path string }

var yamlLineRe = regexp.MustCompile(`^yaml: line (\d+): (.*)$`)

// yamlErr turns a YAML syntax error into a SpecError with its line.
func yamlErr(path string, err error) error {
	if m := yamlLineRe.FindStringSubmatch(err.Error()); m != nil {
		line, _ := strconv.Atoi(m[1])
		return specErr(path, line, "invalid YAML: %s", m[2])
	}
	msg := err.Error()
	if len(msg) > 6 && msg[:6] == "yaml: " {
		msg = msg[6:]
	}
	return specErr(path, 0, "invalid YAML: %s", msg)
}

func kindName(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "a mapping"
	case yaml.SequenceNode:
		return "a list"
	case yaml.AliasNode:
		return "an alias"
	}
	switch n.ShortTag() {
	case "!!null":
		return "nothing"
	case "!!bool":
		return "the boolean " + n.Value
	case "!!int", "!!float":
		return "the number " + n.Value
	}
	return strconv.Quote(clipText(n.Value, 40))
}

func clipText(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}

func (p parser) refuseAlias(n *yaml.Node) error {
	if n.Kind == yaml.AliasNode || n.Anchor != "" {
		return specErr(p.path, n.Line, "anchors and aliases are not supported in a feature spec; write the value out")
	}
	return nil
}

func (p parser) mapping(n *yaml.Node, what string) error {
	if err := p.refuseAlias(n); err != nil {
		return err
	}
	if n.Kind != yaml.MappingNode {
		return specErr(p.path, n.Line, "%s: expected a mapping, got %s", what, kindName(n))
	}
	return nil
}

// eachKey calls fn for each key and value of a mapping, refusing duplicate, non-string and
// merge keys.
func (p parser) eachKey(m *yaml.Node, fn func(k, v *yaml.Node) error) error {
	seen := map[string]int{}
	for i := 0; i+1 < len(m.Content); i += 2 {
		k, v := m.Content[i], m.Content[i+1]
		if err := p.refuseAlias(k); err != nil {
			return err
		}
		if err := p.refuseAlias(v); err != nil {
			return err
		}
		if k.Kind != yaml.ScalarNode || k.ShortTag() == "!!merge" {
			return specErr(p.path, k.Line, "a key must be a plain name, got %s", kindName(k))
		}
		if first, dup := seen[k.Value]; dup {
			return specErr(p.path, k.Line, "duplicate key %q (first at line %d)", k.Value, first)
		}
		seen[k.Value] = k.Line
		if err := fn(k, v); err != nil {
			return err
		}
	}
	return nil
}

func (p parser) scalar(n *yaml.Node, what string) error {
	if n.Kind != yaml.ScalarNode || n.ShortTag() == "!!null" {
		return specErr(p.path, n.Line, "%s: expected a value, got %s", what, kindName(n))
	}
	return nil
}

func (p parser) choice(n *yaml.Node, what string, c []string) (string, error) {
	if err := p.scalar(n, what); err != nil {
		return "", err
	}
	if !oneOf(n.Value, c) {
		return "", specErr(p.path, n.Line, "%s: %s is not one of: %s", what, kindName(n), choices(c))
	}
	return n.Value, nil
}

// number reads a finite number (YAML int or float).
func (p parser) number(n *yaml.Node, what string) (float64, error) {
	if n.Kind != yaml.ScalarNode || (n.ShortTag() != "!!int" && n.ShortTag() != "!!float") {
		return 0, specErr(p.path, n.Line, "%s: expected a number, got %s", what, kindName(n))
	}
	v, err := strconv.ParseFloat(n.Value, 64)
	if err != nil {
		if i, ierr := strconv.ParseInt(n.Value, 0, 64); ierr == nil { // 0x10, 0o17
			v, err = float64(i), nil
		}
	}
	if err != nil || math.IsNaN(v) || math.IsInf(v, 0) {
		return 0, specErr(p.path, n.Line, "%s: %s is not a finite number", what, kindName(n))
	}
	return v, nil
}

func (p parser) integer(n *yaml.Node, what string, lo, hi int) (int, error) {
	if n.Kind != yaml.ScalarNode || n.ShortTag() != "!!int" {
		return 0, specErr(p.path, n.Line, "%s: expected a whole number, got %s", what, kindName(n))
	}
	v, err := strconv.ParseInt(n.Value, 0, 64)
	if err != nil || v < int64(lo) || v > int64(hi) {
		return 0, specErr(p.path, n.Line, "%s: %s is not a whole number from %d to %d", what, kindName(n), lo, hi)
	}
	return int(v), nil
}

func (p parser) boolean(n *yaml.Node, what string) (bool, error) {
	if n.Kind != yaml.ScalarNode || n.ShortTag() != "!!bool" {
		return false, specErr(p.path, n.Line, "%s: expected true or false, got %s", what, kindName(n))
	}
	return n.Value == "true" || n.Value == "True" || n.Value == "TRUE", nil
}

// stepKeys are the keys of a column's mapping.
var stepKeys = []string{"impute", "clip", "log1p", "scale", "onehot", "bucketize", "dateparts", "drop", "keep"}

// column parses one column's transforms: a shorthand name or a mapping of steps.
func (p parser) column(k, v *yaml.Node) (ColumnSpec, error) {
	c := ColumnSpec{Name: k.Value, Line: k.Line}
	what := "column " + strconv.Quote(c.Name)
	if v.Kind == yaml.ScalarNode && v.ShortTag() == "!!str" {
		s, err := p.choice(v, what, shorthands)
		if err != nil {
			return c, err
		}
		switch s {
		case "keep":
			c.Keep = true
		case "drop":
			c.Drop = true
		case "log1p":
			c.Log1p, c.Log1pLine = true, v.Line
		default:
			c.Scale, c.ScaleLine = s, v.Line
		}
		return c, nil
	}
	if v.Kind != yaml.MappingNode {
		return c, specErr(p.path, v.Line, "%s: expected a mapping of transforms or one of: %s; got %s", what, choices(shorthands), kindName(v))
	}
	if len(v.Content) == 0 {
		return c, specErr(p.path, v.Line, "%s: no transforms (write keep to keep it unchanged)", what)
	}
	err := p.eachKey(v, func(sk, sv *yaml.Node) error {
		w := what + ": " + sk.Value
		var err error
		switch sk.Value {
		case "impute":
			c.Impute, err = p.impute(sv, w)
		case "clip":
			c.Clip, err = p.clip(sv, w)
		case "log1p":
			c.Log1p, err = p.boolean(sv, w)
			c.Log1pLine = sv.Line
		case "scale":
			c.Scale, err = p.choice(sv, w, scaleMethods)
			c.ScaleLine = sv.Line
		case "onehot":
			c.OneHot, err = p.onehot(sv, w)
		case "bucketize":
			c.Bucketize, err = p.bucketize(sv, w)
		case "dateparts":
			c.DateParts, err = p.dateparts(sv, w)
			c.PartsLine = sv.Line
		case "drop", "keep":
			var on bool
			on, err = p.boolean(sv, w)
			if err == nil && !on {
				err = specErr(p.path, sv.Line, "%s: only true means something here; remove the key", w)
			}
			if sk.Value == "drop" {
				c.Drop = on
			} else {
				c.Keep = on
			}
		default:
			err = specErr(p.path, sk.Line, "%s: unknown transform %q (expected one of: %s)", what, sk.Value, choices(stepKeys))
		}
		return err
	})
	if err != nil {
		return c, err
	}
	return c, p.compatible(&c, v)
}

func (p parser) impute(n *yaml.Node, what string) (*Impute, error) {
	if n.Kind == yaml.MappingNode {
		im := &Impute{Method: "constant", Line: n.Line}
		found := false
		err := p.eachKey(n, func(k, v *yaml.Node) error {
			if k.Value != "constant" {
				return specErr(p.path, k.Line, "%s: unknown key %q (expected constant: VALUE, or one of: %s)", what, k.Value, choices(imputeMethods))
			}
			if err := p.scalar(v, what+": constant"); err != nil {
				return err
			}
			im.Value, found = v.Value, true
			return nil
		})
		if err == nil && !found {
			err = specErr(p.path, n.Line, "%s: expected {constant: VALUE}", what)
		}
		return im, err
	}
	m, err := p.choice(n, what, imputeMethods)
	if err != nil {
		return nil, specErr(p.path, n.Line, "%s: expected one of: %s, or {constant: VALUE}; got %s", what, choices(imputeMethods), kindName(n))
	}
	return &Impute{Method: m, Line: n.Line}, nil
}

func (p parser) clip(n *yaml.Node, what string) (*Clip, error) {
	if err := p.mapping(n, what); err != nil {
		return nil, specErr(p.path, n.Line, "%s: expected {min: A, max: B} (either may be left out), got %s", what, kindName(n))
	}
	cl := &Clip{Line: n.Line}
	err := p.eachKey(n, func(k, v *yaml.Node) error {
		x, err := p.number(v, what+": "+k.Value)
		if err != nil {
			return err
		}
		switch k.Value {
		case "min":
			cl.Min = &x
		case "max":
			cl.Max = &x
		default:
			return specErr(p.path, k.Line, "%s: unknown key %q (expected min, max)", what, k.Value)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	if cl.Min == nil && cl.Max == nil {
		return nil, specErr(p.path, n.Line, "%s: give min, max or both", what)
	}
	if cl.Min != nil && cl.Max != nil && *cl.Min > *cl.Max {
		return nil, specErr(p.path, n.Line, "%s: min %g is above max %g", what, *cl.Min, *cl.Max)
	}
	return cl, nil
}

// maxOneHot bounds one-hot's k in the parser; the profile bounds it further when fitting.
const maxOneHot = 1000

func (p parser) onehot(n *yaml.Node, what string) (*OneHot, error) {
	if err := p.mapping(n, what); err != nil {
		return nil, specErr(p.path, n.Line, "%s: expected {top: K}, got %s", what, kindName(n))
	}
	oh := &OneHot{Line: n.Line}
	err := p.eachKey(n, func(k, v *yaml.Node) error {
		if k.Value != "top" {
			return specErr(p.path, k.Line, "%s: unknown key %q (expected top)", what, k.Value)
		}
		var err error
		oh.Top, err = p.integer(v, what+": top", 1, maxOneHot)
		return err
	})
	if err == nil && oh.Top == 0 {
		err = specErr(p.path, n.Line, "%s: expected {top: K}: how many of the most frequent values get a column", what)
	}
	return oh, err
}

// maxEdges bounds an explicit bucket list.
const maxEdges = 1000

func (p parser) bucketize(n *yaml.Node, what string) (*Bucketize, error) {
	if err := p.mapping(n, what); err != nil {
		return nil, specErr(p.path, n.Line, "%s: expected {edges: [A, B, …]} or {quantiles: 4}, got %s", what, kindName(n))
	}
	bk := &Bucketize{Line: n.Line}
	hasEdges := false
	err := p.eachKey(n, func(k, v *yaml.Node) error {
		switch k.Value {
		case "edges":
			hasEdges = true
			if v.Kind != yaml.SequenceNode || len(v.Content) == 0 {
				return specErr(p.path, v.Line, "%s: edges: expected a list of increasing numbers, got %s", what, kindName(v))
			}
			if len(v.Content) > maxEdges {
				return specErr(p.path, v.Line, "%s: edges: more than %d edges", what, maxEdges)
			}
			for i, e := range v.Content {
				if err := p.refuseAlias(e); err != nil {
					return err
				}
				x, err := p.number(e, what+": edges")
				if err != nil {
					return err
				}
				if i > 0 && x <= bk.Edges[i-1] {
					return specErr(p.path, e.Line, "%s: edges must increase: %g follows %g", what, x, bk.Edges[i-1])
				}
				bk.Edges = append(bk.Edges, x)
			}
		case "quantiles":
			q, err := p.integer(v, what+": quantiles", 2, 4)
			if err == nil && q == 3 {
				err = specErr(p.path, v.Line, "%s: quantiles: 3 needs terciles, which the profile does not keep (it has p1, p5, p25, p50, p75, p95, p99): use 2, 4 or explicit edges", what)
			}
			if err != nil {
				return specErr(p.path, v.Line, "%s: quantiles: expected 2 (median) or 4 (quartiles), the cuts the profile keeps; got %s (give edges for other cuts)", what, kindName(v))
			}
			bk.Quantiles = q
		default:
			return specErr(p.path, k.Line, "%s: unknown key %q (expected edges or quantiles)", what, k.Value)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	if hasEdges == (bk.Quantiles != 0) {
		return nil, specErr(p.path, n.Line, "%s: give exactly one of edges or quantiles", what)
	}
	return bk, nil
}

func (p parser) dateparts(n *yaml.Node, what string) ([]string, error) {
	if n.Kind != yaml.SequenceNode || len(n.Content) == 0 {
		return nil, specErr(p.path, n.Line, "%s: expected a list of: %s; got %s", what, choices(datePartNames), kindName(n))
	}
	var out []string
	for _, e := range n.Content {
		if err := p.refuseAlias(e); err != nil {
			return nil, err
		}
		s, err := p.choice(e, what, datePartNames)
		if err != nil {
			return nil, err
		}
		if oneOf(s, out) {
			return nil, specErr(p.path, e.Line, "%s: %s is listed twice", what, s)
		}
		out = append(out, s)
	}
	return out, nil
}

// compatible refuses steps that cannot go together on one column, at the line of the later one.
// Standardize is refused after clip or log1p because its mean and standard deviation come from the
// profile, which describes the raw column: after a nonlinear step they would be the wrong numbers.
// Min-max has no such problem (clip and log1p keep order, so the new minimum is the old one
// clipped and logged).
func (p parser) compatible(c *ColumnSpec, v *yaml.Node) error {
	what := "column " + strconv.Quote(c.Name)
	steps := 0
	for _, on := range []bool{c.Impute != nil, c.Clip != nil, c.Log1p, c.Scale != "", c.OneHot != nil, c.Bucketize != nil, c.DateParts != nil} {
		if on {
			steps++
		}
	}
	encoders := 0
	for _, on := range []bool{c.Scale != "", c.OneHot != nil, c.Bucketize != nil, c.DateParts != nil} {
		if on {
			encoders++
		}
	}
	switch {
	case c.Drop && (steps > 0 || c.Keep):
		return specErr(p.path, v.Line, "%s: drop goes alone; remove the other transforms or the drop", what)
	case c.Keep && steps > 0:
		return specErr(p.path, v.Line, "%s: keep goes alone (it keeps the column unchanged); remove it to transform the column", what)
	case encoders > 1:
		return specErr(p.path, v.Line, "%s: use one of scale, onehot, bucketize and dateparts per column", what)
	case c.DateParts != nil && steps > 1:
		return specErr(p.path, c.PartsLine, "%s: dateparts goes alone (a null date gives empty parts)", what)
	case c.OneHot != nil && (c.Clip != nil || c.Log1p):
		return specErr(p.path, c.OneHot.Line, "%s: onehot encodes the column's own values; clip and log1p do not apply", what)
	case c.Bucketize != nil && c.Log1p:
		return specErr(p.path, c.Bucketize.Line, "%s: bucketize cuts the raw values (impute and clip apply first); drop log1p and give edges on the raw scale", what)
	case c.Scale == "standardize" && (c.Clip != nil || c.Log1p):
		return specErr(p.path, c.ScaleLine, "%s: standardize uses the profile's mean and std, which describe the raw column, not its clipped or logged values; use scale: minmax, or standardize alone", what)
	}
	return nil
}

// readFull reads r until b is full or the input ends.
func readFull(r io.Reader, b []byte) (int, error) {
	n, err := io.ReadFull(r, b)
	if errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF) {
		err = nil
	}
	return n, err
}
