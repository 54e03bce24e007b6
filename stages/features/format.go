package features

import (
	"bytes"
	"math"
	"strconv"

	"go.yaml.in/yaml/v3"
)

// FormatSpec writes a spec as the YAML ParseSpec reads: rest, then one line per column in the
// spec's order, a shorthand (keep, drop, standardize, minmax, log1p) where one says it all and a
// flow mapping of the steps otherwise. It is how an editor saves a spec; the result parses back
// to the same columns. Steps a column's main transform excludes are left out (clip under onehot,
// everything beside drop, keep or dateparts), so a spec edited in steps always writes one that
// can parse.
func FormatSpec(s *Spec) []byte {
	return encodeSpec(&yaml.Node{Kind: yaml.DocumentNode, Content: []*yaml.Node{specNode(s)}})
}

// specNode is the spec's mapping: rest, then columns.
func specNode(s *Spec) *yaml.Node {
	root := &yaml.Node{Kind: yaml.MappingNode}
	rest := s.Rest
	if rest == "" {
		rest = "keep"
	}
	cols := &yaml.Node{Kind: yaml.MappingNode}
	root.Content = append(root.Content, str("rest"), str(rest), str("columns"), cols)
	for i := range s.Columns {
		cols.Content = append(cols.Content, str(s.Columns[i].Name), columnNode(&s.Columns[i]))
	}
	return root
}

// encodeSpec writes a document built by specNode (with comments carried over, maybe).
func encodeSpec(doc *yaml.Node) []byte {
	var b bytes.Buffer
	enc := yaml.NewEncoder(&b)
	enc.SetIndent(2)
	if err := enc.Encode(doc); err != nil {
		// Only nodes built here are encoded, all scalars and mappings: there is nothing to fail.
		panic("features: encoding a spec: " + err.Error())
	}
	enc.Close()
	return b.Bytes()
}

func str(s string) *yaml.Node { return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: s} }

func num(v float64) *yaml.Node {
	t := strconv.FormatFloat(v, 'f', -1, 64)
	if math.Abs(v) >= 1e15 || (v != 0 && math.Abs(v) < 1e-6) {
		t = strconv.FormatFloat(v, 'g', -1, 64)
	}
	if v == math.Trunc(v) && math.Abs(v) < 1e15 {
		return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!int", Value: t}
	}
	return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!float", Value: t}
}

func flow(kv ...*yaml.Node) *yaml.Node {
	return &yaml.Node{Kind: yaml.MappingNode, Style: yaml.FlowStyle, Content: kv}
}

// columnNode is one column's value: a shorthand or a flow mapping of its steps.
func columnNode(c *ColumnSpec) *yaml.Node {
	switch {
	case c.Drop:
		return str("drop")
	case c.DateParts != nil:
		seq := &yaml.Node{Kind: yaml.SequenceNode, Style: yaml.FlowStyle}
		for _, p := range c.DateParts {
			seq.Content = append(seq.Content, str(p))
		}
		return flow(str("dateparts"), seq)
	}
	var kv []*yaml.Node
	if im := c.Impute; im != nil {
		if im.Method == "constant" {
			kv = append(kv, str("impute"), flow(str("constant"), str(im.Value)))
		} else {
			kv = append(kv, str("impute"), str(im.Method))
		}
	}
	if cl := c.Clip; cl != nil && c.OneHot == nil && (cl.Min != nil || cl.Max != nil) {
		m := flow()
		if cl.Min != nil {
			m.Content = append(m.Content, str("min"), num(*cl.Min))
		}
		if cl.Max != nil {
			m.Content = append(m.Content, str("max"), num(*cl.Max))
		}
		kv = append(kv, str("clip"), m)
	}
	if c.Log1p && c.OneHot == nil && c.Bucketize == nil {
		kv = append(kv, str("log1p"), &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!bool", Value: "true"})
	}
	switch {
	case c.OneHot != nil:
		kv = append(kv, str("onehot"), flow(str("top"), num(float64(c.OneHot.Top))))
	case c.Bucketize != nil && c.Bucketize.Edges != nil:
		seq := &yaml.Node{Kind: yaml.SequenceNode, Style: yaml.FlowStyle}
		for _, e := range c.Bucketize.Edges {
			seq.Content = append(seq.Content, num(e))
		}
		kv = append(kv, str("bucketize"), flow(str("edges"), seq))
	case c.Bucketize != nil:
		kv = append(kv, str("bucketize"), flow(str("quantiles"), num(float64(c.Bucketize.Quantiles))))
	case c.Scale != "":
		kv = append(kv, str("scale"), str(c.Scale))
	}
	switch {
	case len(kv) == 0:
		return str("keep")
	case len(kv) == 2 && (kv[0].Value == "scale" || kv[0].Value == "log1p"):
		if kv[0].Value == "scale" {
			return str(c.Scale) // standardize, minmax
		}
		return str("log1p")
	}
	return flow(kv...)
}
