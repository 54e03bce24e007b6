package project

import (
	"errors"
	"testing"
)

func FuzzParseConfig(f *testing.F) {
	for _, seed := range []string{
		"", fullExample, Template("seed"), "name: [\n", "train:\n  comand: x\n", "- a\n",
		"a: &x [*x]\n", "train:\n  params:\n    lr: !!binary aGk=\n", "metrics:\n  patterns: ['(?P<a>']\n",
		"labels: [a, a]\n", "name: a\n---\nb: c\n", "datasets: [{path: x}, {path: x}]\n",
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		c, err := Parse("mlwb.yaml", data)
		if err != nil {
			var ce *ConfigError
			if !errors.As(err, &ce) {
				t.Fatalf("error %v (%T) is not a ConfigError", err, err)
			}
			if c != nil {
				t.Fatal("config returned with an error")
			}
			return
		}
		if c == nil || c.Name == "" || c.Train.Params == nil {
			t.Fatalf("bad config %#v", c)
		}
		if c.Metrics.Direction != DirectionMax && c.Metrics.Direction != DirectionMin {
			t.Fatalf("direction %q", c.Metrics.Direction)
		}
		if len(c.Train.ParamOrder) != len(c.Train.Params) {
			t.Fatalf("ParamOrder %v vs Params %v", c.Train.ParamOrder, c.Train.Params)
		}
	})
}
