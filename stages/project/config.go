package project

import (
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strconv"

	"github.com/mlwb/mlwb/stages/live"
)

// ConfigFile is the name of the project settings file at the project root.
const ConfigFile = "mlwb.yaml"

// Metric directions accepted in metrics.direction.
const (
	DirectionMax = "max"
	DirectionMin = "min"
)

// Config is a parsed mlwb.yaml. Every field is optional in the file; Parse
// fills Name and Metrics.Direction with defaults when they are missing.
type Config struct {
	// Name is the project name shown in the status line; it defaults to the
	// base name of the project root.
	Name string
	// Goal is one line saying what the project tries to do.
	Goal string
	// Datasets are the declared datasets, in file order, with unique names.
	Datasets []DatasetSpec
	// Train describes how a run is launched.
	Train TrainSpec
	// Metrics names the metric that ranks runs and how to read extra metrics.
	Metrics MetricsSpec
	// Eval names the predictions file a run writes for evaluation.
	Eval EvalSpec
	// Labels is the label set for the data stage's labelling mode.
	Labels []string
	// LabelsLine is the line of the labels: key in mlwb.yaml (0 when there is none), so a label
	// outside the set can be refused with the place to add it.
	LabelsLine int
	// Alerts are the alert rules (live.DefaultRules, with what the file's alerts section sets
	// written over them; a zero threshold turns a rule off).
	Alerts live.Rules
}

// DatasetSpec declares one dataset of the project.
type DatasetSpec struct {
	// Name is unique within the project; it defaults to the file name of
	// Path without its extension.
	Name string `yaml:"name"`
	// Path is relative to the project root (or absolute).
	Path string `yaml:"path"`
	// Target is the target column, used for class balance and evaluation.
	Target string `yaml:"target"`
	// Features is the dataset's feature-transform spec, relative to the project root: the
	// Data tab's spec editor writes it, and `mlwb data features` uses it when no --spec is
	// given. Empty: <name>.features.yaml at the project root.
	Features string `yaml:"features"`
}

// TrainSpec describes how a training run is launched.
type TrainSpec struct {
	// Command is a shell command template with {name} placeholders; see
	// Placeholders and ExpandCommand.
	Command string
	// Params holds the default parameter values: int, float64, bool or string.
	Params map[string]any
	// ParamOrder lists the keys of Params in the order of the file.
	ParamOrder []string
	// ParamsFiles are files (relative to the project root) whose contents are
	// recorded as params with each run.
	ParamsFiles []string
}

// MetricsSpec names the metric that ranks runs and extra metric patterns.
type MetricsSpec struct {
	// Primary is the metric that ranks runs, such as "val_accuracy".
	Primary string `yaml:"primary"`
	// Direction is DirectionMax or DirectionMin.
	Direction string `yaml:"direction"`
	// Patterns are regular expressions (Go RE2 syntax) whose named groups
	// capture metric values from output lines mlwb cannot parse itself.
	Patterns []string `yaml:"patterns"`
}

// EvalSpec names the predictions file a run writes for evaluation.
type EvalSpec struct {
	// Predictions is a CSV file, relative to the run directory.
	Predictions string `yaml:"predictions"`
	// Label is the column holding the true label.
	Label string `yaml:"label"`
	// Prediction is the column holding the predicted label.
	Prediction string `yaml:"prediction"`
	// Score is a positive-class score column (for ROC AUC, PR AUC and log loss); empty: a
	// column named score, if any.
	Score string `yaml:"score"`
	// ProbabilityPrefix starts the per-class probability columns; empty: p_ (p_0, p_1…).
	ProbabilityPrefix string `yaml:"probability_prefix"`
	// Positive is the positive class of a two-class problem; empty: the greater label.
	Positive string `yaml:"positive"`
}

// Default returns the configuration used when a project has no mlwb.yaml:
// named after the root directory, maximising its (unnamed) primary metric.
func Default(root string) *Config {
	return &Config{
		Name:    defaultName(root),
		Train:   TrainSpec{Params: map[string]any{}},
		Metrics: MetricsSpec{Direction: DirectionMax},
		Alerts:  live.DefaultRules(),
	}
}

// defaultName is the base name of root, or "project" where root has none.
func defaultName(root string) string {
	if abs, err := filepath.Abs(root); err == nil {
		root = abs
	}
	name := filepath.Base(root)
	if name == "." || name == string(filepath.Separator) || name == "" {
		return "project"
	}
	return name
}

// Load reads and parses the mlwb.yaml at path. A missing file is an error
// that matches os.ErrNotExist; Discover turns that case into Default.
func Load(path string) (*Config, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("reading project config: %w", err)
	}
	return Parse(path, data)
}

// Dataset returns the declared dataset called name.
func (c *Config) Dataset(name string) (DatasetSpec, bool) {
	for _, d := range c.Datasets {
		if d.Name == name {
			return d, true
		}
	}
	return DatasetSpec{}, false
}

// ParamStrings returns the default params formatted the way they are passed
// on a command line and recorded with a run: integers in decimal, floats in
// the shortest form that reads back exactly (0.1 → "0.1", 1e-05 → "1e-05"),
// bools as "true"/"false", strings as they are.
func (t TrainSpec) ParamStrings() map[string]string {
	out := make(map[string]string, len(t.Params))
	for k, v := range t.Params {
		out[k] = FormatParam(v)
	}
	return out
}

// UnknownParams are the keys of params that train.params does not have, sorted: no {placeholder}
// of the template takes them (a typo in -p runs with the default).
func (t TrainSpec) UnknownParams(params map[string]string) []string {
	var out []string
	for k := range params {
		if _, ok := t.Params[k]; !ok {
			out = append(out, k)
		}
	}
	slices.Sort(out)
	return out
}

// FormatParam formats one param value canonically; see TrainSpec.ParamStrings.
func FormatParam(v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case string:
		return x
	case bool:
		return strconv.FormatBool(x)
	case int:
		return strconv.Itoa(x)
	case int64:
		return strconv.FormatInt(x, 10)
	case uint64:
		return strconv.FormatUint(x, 10)
	case float64:
		return strconv.FormatFloat(x, 'g', -1, 64)
	default:
		return fmt.Sprint(x)
	}
}

// Better reports whether metric value a is better than b in the configured
// direction (an empty direction counts as max). NaN is never better, and any
// number is better than NaN.
func (m MetricsSpec) Better(a, b float64) bool {
	switch {
	case math.IsNaN(a):
		return false
	case math.IsNaN(b):
		return true
	case m.Direction == DirectionMin:
		return a < b
	default:
		return a > b
	}
}

// isNotExist reports whether err says a file is missing.
func isNotExist(err error) bool { return errors.Is(err, os.ErrNotExist) }
