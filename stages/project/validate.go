package project

import (
	"fmt"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"
)

// build turns the strictly decoded file into a Config, filling defaults and
// checking what the types alone cannot.
func build(path, root string, idx *nodeIndex, raw *rawConfig) (*Config, error) {
	c := &Config{
		Name:     strings.TrimSpace(raw.Name),
		Goal:     raw.Goal,
		Datasets: raw.Datasets,
		Train:    TrainSpec{Command: raw.Train.Command, ParamsFiles: raw.Train.ParamsFiles},
		Metrics:  raw.Metrics,
		Eval:     raw.Eval,
		Labels:   raw.Labels,
		Alerts:   raw.Alerts,
	}
	if c.Name == "" {
		c.Name = defaultName(root)
	}
	steps := []func(string, *nodeIndex, *Config) error{
		checkDatasets, checkParams, checkCommand, checkMetrics, checkLabels, checkAlerts,
	}
	for _, step := range steps {
		if err := step(path, idx, c); err != nil {
			return nil, err
		}
	}
	return c, nil
}

// checkDatasets requires a path for each dataset, names unnamed ones after
// their file, and refuses duplicate names.
func checkDatasets(path string, idx *nodeIndex, c *Config) error {
	first := map[string]int{}
	for i := range c.Datasets {
		d := &c.Datasets[i]
		at := fmt.Sprintf("datasets[%d]", i)
		if strings.TrimSpace(d.Path) == "" {
			return errorf(path, idx.line(at), "%s: a dataset needs a path", at)
		}
		if d.Name == "" {
			base := filepath.Base(d.Path)
			d.Name = strings.TrimSuffix(base, filepath.Ext(base))
		}
		line := idx.line(at + ".name")
		if line == 0 {
			line = idx.line(at)
		}
		if prev, dup := first[d.Name]; dup {
			return errorf(path, line, "%s: duplicate dataset name %q (first at line %d)", at, d.Name, prev)
		}
		first[d.Name] = line
	}
	return nil
}

// paramNameRe is what a param name (and so a placeholder) may look like.
var paramNameRe = regexp.MustCompile(`^` + placeholderName + `$`)

// checkParams reads train.params in file order: a mapping from names to
// numbers, strings or bools.
func checkParams(path string, idx *nodeIndex, c *Config) error {
	c.Train.Params = map[string]any{}
	n := idx.node("train.params")
	if n == nil || isNull(n) {
		return nil
	}
	if n.Kind != yaml.MappingNode {
		return errorf(path, n.Line, "train.params: expected a mapping of name: value")
	}
	lines := map[string]int{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		if v.Kind == yaml.AliasNode && v.Alias != nil {
			v = v.Alias
		}
		name := k.Value
		if k.Kind != yaml.ScalarNode || !paramNameRe.MatchString(name) {
			return errorf(path, k.Line, "train.params: %q is not a valid param name (letters, digits, _ . -; not starting with a digit)", name)
		}
		if prev, dup := lines[name]; dup {
			return errorf(path, k.Line, "train.params: duplicate param %q (first at line %d)", name, prev)
		}
		if _, builtin := builtins[name]; builtin {
			return errorf(path, k.Line, "train.params: param %q has the name of the built-in placeholder {%s}", name, name)
		}
		lines[name] = k.Line
		if v.Kind != yaml.ScalarNode || isNull(v) {
			return errorf(path, v.Line, "train.params.%s: a param value must be a number, string or bool", name)
		}
		var val any
		if err := v.Decode(&val); err != nil {
			return errorf(path, v.Line, "train.params.%s: %s", name, strings.TrimPrefix(err.Error(), "yaml: "))
		}
		switch val.(type) {
		case int, int64, uint64, float64, bool, string:
		default:
			// Tags such as !!binary or custom ones: keep the text.
			val = v.Value
		}
		c.Train.Params[name] = val
		c.Train.ParamOrder = append(c.Train.ParamOrder, name)
	}
	return nil
}

// checkCommand makes every placeholder in train.command name a param or a
// built-in, and {data} have a dataset to point at.
func checkCommand(path string, idx *nodeIndex, c *Config) error {
	line := idx.valueLine("train.command")
	for _, name := range Placeholders(c.Train.Command) {
		if _, ok := c.Train.Params[name]; ok {
			continue
		}
		if _, ok := builtins[name]; !ok {
			return errorf(path, line, "train.command: unknown placeholder {%s} (params: %s; built-ins: {run}, {run_dir}, {data})",
				name, paramList(c.Train.ParamOrder))
		}
		if name == PlaceholderData && len(c.Datasets) == 0 {
			return errorf(path, line, "train.command: {data} needs a dataset, and none is declared")
		}
	}
	return nil
}

// paramList formats param names for a message.
func paramList(names []string) string {
	if len(names) == 0 {
		return "none"
	}
	sorted := append([]string(nil), names...)
	sort.Strings(sorted)
	return strings.Join(sorted, ", ")
}

// checkMetrics checks the direction (guessing one from the primary metric's
// name when missing) and compiles the patterns.
func checkMetrics(path string, idx *nodeIndex, c *Config) error {
	m := &c.Metrics
	switch m.Direction {
	case DirectionMax, DirectionMin:
	case "":
		m.Direction = guessDirection(m.Primary)
	default:
		return errorf(path, idx.valueLine("metrics.direction"),
			"metrics.direction must be %q or %q, not %q", DirectionMax, DirectionMin, m.Direction)
	}
	for i, p := range m.Patterns {
		at := fmt.Sprintf("metrics.patterns[%d]", i)
		re, err := regexp.Compile(p)
		if err != nil {
			return errorf(path, idx.valueLine(at), "%s: %v", at, err)
		}
		named := false
		for _, n := range re.SubexpNames() {
			named = named || n != ""
		}
		if !named {
			return errorf(path, idx.valueLine(at), "%s: a pattern needs a named group such as (?P<val_accuracy>[0-9.]+)", at)
		}
	}
	return nil
}

// lowerIsBetter holds words that mark a metric to minimise.
var lowerIsBetter = map[string]bool{
	"loss": true, "error": true, "err": true, "mse": true, "rmse": true, "mae": true,
	"mape": true, "nll": true, "perplexity": true, "ppl": true, "wer": true, "cer": true,
}

// guessDirection is "min" for a metric whose name has a word such as loss or
// error in it ("val_loss", "test-rmse"), else "max".
func guessDirection(primary string) string {
	words := strings.FieldsFunc(strings.ToLower(primary), func(r rune) bool {
		return (r < 'a' || r > 'z') && (r < '0' || r > '9')
	})
	for _, w := range words {
		if lowerIsBetter[w] {
			return DirectionMin
		}
	}
	return DirectionMax
}

// checkLabels refuses empty and repeated labels.
func checkLabels(path string, idx *nodeIndex, c *Config) error {
	c.LabelsLine = idx.line("labels")
	seen := map[string]int{}
	for i, l := range c.Labels {
		at := fmt.Sprintf("labels[%d]", i)
		line := idx.valueLine(at)
		if strings.TrimSpace(l) == "" {
			return errorf(path, line, "%s: a label cannot be empty", at)
		}
		if prev, dup := seen[l]; dup {
			return errorf(path, line, "%s: duplicate label %q (first at line %d)", at, l, prev)
		}
		seen[l] = line
	}
	return nil
}

// checkAlerts refuses thresholds the rules cannot mean: negative durations, and percentages
// outside 0…100.
func checkAlerts(path string, idx *nodeIndex, c *Config) error {
	a := c.Alerts
	for _, d := range []struct {
		key string
		v   time.Duration
	}{{"stall_after", a.StallAfter}, {"low_gpu_for", a.LowGPUFor}, {"heartbeat_stale", a.HeartbeatStale}, {"check_every", a.CheckEvery}} {
		if d.v < 0 {
			return errorf(path, idx.valueLine("alerts."+d.key), "alerts.%s must not be negative, not %s", d.key, d.v)
		}
	}
	for _, p := range []struct {
		key string
		v   float64
	}{{"low_gpu_percent", a.LowGPUPercent}, {"memory_percent", a.MemoryPercent}} {
		if !(p.v >= 0 && p.v <= 100) {
			return errorf(path, idx.valueLine("alerts."+p.key), "alerts.%s must be a percentage from 0 to 100, not %v", p.key, p.v)
		}
	}
	for i, k := range a.LossKeys {
		if strings.TrimSpace(k) == "" {
			return errorf(path, idx.valueLine(fmt.Sprintf("alerts.loss_keys[%d]", i)), "alerts.loss_keys[%d] is empty: it would match every key", i)
		}
	}
	return nil
}
