package project

import (
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

func TestInitTemplateRoundTrip(t *testing.T) {
	root := filepath.Join(realDir(t, t.TempDir()), "wine-cultivars")
	if err := os.Mkdir(root, 0o755); err != nil {
		t.Fatal(err)
	}
	written, err := Init(root, false)
	if err != nil {
		t.Fatal(err)
	}
	cfgPath := filepath.Join(root, ConfigFile)
	ignore := filepath.Join(root, ".mlwb", ".gitignore")
	if !reflect.DeepEqual(written, []string{cfgPath, ignore}) {
		t.Fatalf("written = %q", written)
	}
	c, err := Load(cfgPath)
	if err != nil {
		t.Fatalf("template does not load: %v", err)
	}
	if !reflect.DeepEqual(c, Default(root)) || c.Name != "wine-cultivars" {
		t.Fatalf("template parses to %#v", c)
	}

	_, err = Init(root, false)
	if !errors.Is(err, ErrConfigExists) || !strings.Contains(err.Error(), cfgPath) {
		t.Fatalf("second Init error = %v; want ErrConfigExists naming %s", err, cfgPath)
	}
	if err := os.WriteFile(cfgPath, []byte("name: changed\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	written, err = Init(root, true)
	if err != nil || !reflect.DeepEqual(written, []string{cfgPath}) {
		t.Fatalf("forced Init = %q, %v", written, err)
	}
	if c, err := Load(cfgPath); err != nil || c.Name != "wine-cultivars" {
		t.Fatalf("after force: %+v, %v", c, err)
	}
}

// TestTemplateExamplesAreValid uncomments every example section of the
// template and parses the result, so the examples cannot rot.
func TestTemplateExamplesAreValid(t *testing.T) {
	var lines []string
	started := false
	for _, l := range strings.Split(Template("demo"), "\n") {
		started = started || strings.HasPrefix(l, "name:")
		if started {
			l = strings.TrimPrefix(strings.TrimPrefix(l, "#"), " ")
		}
		lines = append(lines, l)
	}
	c, err := Parse("mlwb.yaml", []byte(strings.Join(lines, "\n")))
	if err != nil {
		t.Fatalf("uncommented template: %v", err)
	}
	if c.Name != "demo" || len(c.Datasets) != 1 || c.Train.Params["epochs"] != 30 ||
		c.Metrics.Primary != "val_accuracy" || c.Eval.Label != "y_true" || len(c.Labels) != 2 {
		t.Fatalf("uncommented template parses to %#v", c)
	}
}

func TestTemplateQuotesOddNames(t *testing.T) {
	for _, name := range []string{"my: project", "#1", "yes", "123", `a"b`, "- x"} {
		c, err := Parse("mlwb.yaml", []byte(Template(name)))
		if err != nil || c.Name != name {
			t.Errorf("Template(%q) parses to name %q, err %v", name, c.Name, err)
		}
	}
}
