package features

import (
	"bytes"

	"go.yaml.in/yaml/v3"
)

// FormatSpecKeeping writes s as FormatSpec does, keeping the comments of orig (the spec file it
// was read from): the file's head and foot comments, and those above, beside or below rest,
// columns and each column still in s, matched by name. A column's comment stays with the column
// when it moves, and goes when it is dropped from s. When orig does not parse, s is written
// without comments: the editor's spec is what matters, not a broken file's remarks.
func FormatSpecKeeping(orig []byte, s *Spec) []byte {
	var old yaml.Node
	if err := yaml.NewDecoder(bytes.NewReader(orig)).Decode(&old); err != nil || old.Kind != yaml.DocumentNode ||
		len(old.Content) != 1 || old.Content[0].Kind != yaml.MappingNode {
		return FormatSpec(s)
	}
	root := specNode(s)
	doc := &yaml.Node{Kind: yaml.DocumentNode, Content: []*yaml.Node{root}}
	keepComments(doc, &old)
	keepComments(root, old.Content[0])
	top := pairsByName(old.Content[0])
	eachPair(root, func(k, v *yaml.Node) {
		o, ok := top[k.Value]
		if !ok {
			return
		}
		keepComments(k, o.k)
		keepComments(v, o.v)
		if k.Value != "columns" || v.Kind != yaml.MappingNode || o.v.Kind != yaml.MappingNode {
			return
		}
		cols := pairsByName(o.v)
		eachPair(v, func(ck, cv *yaml.Node) {
			if c, ok := cols[ck.Value]; ok {
				keepComments(ck, c.k)
				keepComments(cv, c.v)
			}
		})
	})
	return encodeSpec(doc)
}

// pair is a mapping's key node and value node.
type pair struct{ k, v *yaml.Node }

// eachPair calls f with each key and value of a mapping, in order.
func eachPair(m *yaml.Node, f func(k, v *yaml.Node)) {
	for i := 0; i+1 < len(m.Content); i += 2 {
		f(m.Content[i], m.Content[i+1])
	}
}

// pairsByName indexes a mapping's pairs by the key's text (a repeated key: the last).
func pairsByName(m *yaml.Node) map[string]pair {
	out := map[string]pair{}
	eachPair(m, func(k, v *yaml.Node) { out[k.Value] = pair{k, v} })
	return out
}

// keepComments copies the comments of old onto n.
func keepComments(n, old *yaml.Node) {
	n.HeadComment, n.LineComment, n.FootComment = old.HeadComment, old.LineComment, old.FootComment
}
