package project

import (
	"bytes"
	"errors"
	"io"
	"path/filepath"

	"go.yaml.in/yaml/v3"

	"github.com/mlwb/mlwb/stages/live"
)

// rawConfig is the shape of mlwb.yaml as decoded strictly by yaml.v3.
type rawConfig struct {
	Name     string        `yaml:"name"`
	Goal     string        `yaml:"goal"`
	Datasets []DatasetSpec `yaml:"datasets"`
	Train    rawTrain      `yaml:"train"`
	Metrics  MetricsSpec   `yaml:"metrics"`
	Eval     EvalSpec      `yaml:"eval"`
	Labels   []string      `yaml:"labels"`
	Alerts   live.Rules    `yaml:"alerts"`
}

// rawTrain keeps params as a node so their order and lines survive.
type rawTrain struct {
	Command     string    `yaml:"command"`
	Params      yaml.Node `yaml:"params"`
	ParamsFiles []string  `yaml:"params_files"`
}

// Parse parses the contents of an mlwb.yaml; path names the file in errors
// and its directory gives the default project name. An empty file (or one of
// only comments) yields the defaults. Unknown keys are errors. Every error is
// a *ConfigError with the line where the problem is, where there is one.
func Parse(path string, data []byte) (*Config, error) {
	root := filepath.Dir(path)
	doc, err := parseNode(path, data)
	if err != nil {
		return nil, err
	}
	if doc == nil {
		return Default(root), nil
	}
	idx := indexNodes(doc)

	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	raw := rawConfig{Alerts: live.DefaultRules()} // the file's alerts keys are written over the defaults
	if err := dec.Decode(&raw); err != nil && !errors.Is(err, io.EOF) {
		return nil, decodeError(path, idx, err)
	}
	return build(path, root, idx, &raw)
}

// parseNode reads the single YAML document in data; nil when there is none.
func parseNode(path string, data []byte) (*yaml.Node, error) {
	dec := yaml.NewDecoder(bytes.NewReader(data))
	var doc yaml.Node
	if err := dec.Decode(&doc); err != nil {
		if errors.Is(err, io.EOF) {
			return nil, nil
		}
		return nil, syntaxError(path, err)
	}
	var extra yaml.Node
	switch err := dec.Decode(&extra); {
	case err == nil:
		return nil, errorf(path, extra.Line, "only one YAML document is allowed")
	case !errors.Is(err, io.EOF):
		return nil, syntaxError(path, err)
	}
	if len(doc.Content) == 0 || isNull(doc.Content[0]) {
		return nil, nil
	}
	return &doc, nil
}

// isNull reports whether n is an explicit or implicit YAML null.
func isNull(n *yaml.Node) bool {
	return n.Kind == yaml.ScalarNode && n.ShortTag() == "!!null"
}
