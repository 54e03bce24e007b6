package project

import (
	"reflect"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"
)

// nodeEntry is one value in the parsed YAML tree with where it sits.
type nodeEntry struct {
	path   string     // "train.command", "datasets[1].name"; "" for the document's root value
	parent string     // path of the enclosing mapping or list
	key    *yaml.Node // the mapping key, nil for list items and the root
	value  *yaml.Node
	typ    reflect.Type // the Go type the strict decode puts this value in; nil if none
}

// nodeIndex finds lines for paths in a parsed mlwb.yaml, and paths for lines.
type nodeIndex struct {
	entries []nodeEntry // in document order
	byPath  map[string]int
}

// indexNodes walks doc (a DocumentNode, or nil) without following aliases.
func indexNodes(doc *yaml.Node) *nodeIndex {
	idx := &nodeIndex{byPath: map[string]int{}}
	if doc == nil {
		return idx
	}
	root := doc
	if doc.Kind == yaml.DocumentNode {
		if len(doc.Content) == 0 {
			return idx
		}
		root = doc.Content[0]
	}
	t := reflect.TypeFor[rawConfig]()
	idx.add(nodeEntry{value: root, typ: t})
	idx.walk("", t, root)
	return idx
}

func (idx *nodeIndex) add(e nodeEntry) {
	if _, dup := idx.byPath[e.path]; !dup {
		idx.byPath[e.path] = len(idx.entries)
	}
	idx.entries = append(idx.entries, e)
}

func (idx *nodeIndex) walk(path string, t reflect.Type, n *yaml.Node) {
	switch n.Kind {
	case yaml.MappingNode:
		for i := 0; i+1 < len(n.Content); i += 2 {
			k, v := n.Content[i], n.Content[i+1]
			child := k.Value
			if path != "" {
				child = path + "." + k.Value
			}
			ct := fieldType(t, k.Value)
			idx.add(nodeEntry{path: child, parent: path, key: k, value: v, typ: ct})
			idx.walk(child, ct, v)
		}
	case yaml.SequenceNode:
		var et reflect.Type
		if t != nil && t.Kind() == reflect.Slice {
			et = t.Elem()
		}
		for i, v := range n.Content {
			child := path + "[" + strconv.Itoa(i) + "]"
			idx.add(nodeEntry{path: child, parent: path, value: v, typ: et})
			idx.walk(child, et, v)
		}
	}
}

// fieldType is the type of the field of struct type t that YAML key fills,
// or nil.
func fieldType(t reflect.Type, key string) reflect.Type {
	if t == nil || t.Kind() != reflect.Struct {
		return nil
	}
	for i := range t.NumField() {
		if yamlKey(t.Field(i)) == key {
			return t.Field(i).Type
		}
	}
	return nil
}

// line returns the line of path's key (or of the list item), 0 if absent.
func (idx *nodeIndex) line(path string) int {
	i, ok := idx.byPath[path]
	if !ok {
		return 0
	}
	if e := idx.entries[i]; e.key != nil {
		return e.key.Line
	}
	return idx.entries[i].value.Line
}

// valueLine returns the line of path's value, 0 if absent.
func (idx *nodeIndex) valueLine(path string) int {
	i, ok := idx.byPath[path]
	if !ok {
		return 0
	}
	return idx.entries[i].value.Line
}

// node returns the value node at path, or nil.
func (idx *nodeIndex) node(path string) *yaml.Node {
	i, ok := idx.byPath[path]
	if !ok {
		return nil
	}
	return idx.entries[i].value
}

// parentOfKey finds the mapping key named key on line and returns the path of
// the mapping that holds it.
func (idx *nodeIndex) parentOfKey(line int, key string) (string, bool) {
	for _, e := range idx.entries {
		if e.key != nil && e.key.Line == line && e.key.Value == key {
			return e.parent, true
		}
	}
	return "", false
}

// pathOfValue finds the value on line whose kind matches the YAML tag and
// that the strict decode puts in Go type goType (as yaml.v3 prints it), and
// returns its path; failing that, the first value on line of that kind.
func (idx *nodeIndex) pathOfValue(line int, tag, goType string) (string, bool) {
	want := yaml.ScalarNode
	switch tag {
	case "!!seq":
		want = yaml.SequenceNode
	case "!!map":
		want = yaml.MappingNode
	}
	first, found := "", false
	for _, e := range idx.entries {
		if e.value.Line != line || e.value.Kind != want {
			continue
		}
		if e.typ != nil && e.typ.String() == goType {
			return e.path, true
		}
		if !found {
			first, found = e.path, true
		}
	}
	return first, found
}

// yamlKey is the mapping key that fills struct field f ("" for none).
func yamlKey(f reflect.StructField) string {
	name, _, _ := strings.Cut(f.Tag.Get("yaml"), ",")
	if name == "-" {
		return ""
	}
	return name
}
