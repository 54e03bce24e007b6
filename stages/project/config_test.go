package project

import (
	"errors"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"

	"github.com/mlwb/mlwb/stages/live"
)

// fullExample is the schema example from DESIGN and the brief.
const fullExample = `# mlwb.yaml
name: wine-cultivars                # project name (shown in the status line)
goal: classify a wine's cultivar from its chemistry
datasets:
  - name: wine                      # unique
    path: data/wine.csv             # relative to the project root
    target: cultivar                # target column (class balance, evaluation)
    features: features/wine.yaml   # its feature spec
train:
  command: mlwb demo-train --data {data} --lr {lr} --epochs {epochs}   # template; {param} placeholders
  params:                           # defaults, overridable with -p key=value
    lr: 0.1
    epochs: 30
  params_files: [params.yaml]       # files whose contents are recorded as params with each run
metrics:
  primary: val_accuracy
  direction: max                    # max or min
  patterns:                         # extra regexes with named groups, for lines mlwb can't parse
    - 'acc=(?P<val_accuracy>[0-9.]+)'
eval:
  predictions: predictions.csv      # file a run writes (relative to its run dir) for evaluation
  label: y_true
  prediction: y_pred
  score: p1                         # positive-class score column
labels:                             # label set for the data stage's labelling mode
  - good
  - bad
`

func TestParseFullExample(t *testing.T) {
	c, err := Parse("proj/mlwb.yaml", []byte(fullExample))
	if err != nil {
		t.Fatal(err)
	}
	want := &Config{
		Name:     "wine-cultivars",
		Goal:     "classify a wine's cultivar from its chemistry",
		Datasets: []DatasetSpec{{Name: "wine", Path: "data/wine.csv", Target: "cultivar", Features: "features/wine.yaml"}},
		Train: TrainSpec{
			Command:     "mlwb demo-train --data {data} --lr {lr} --epochs {epochs}",
			Params:      map[string]any{"lr": 0.1, "epochs": 30},
			ParamOrder:  []string{"lr", "epochs"},
			ParamsFiles: []string{"params.yaml"},
		},
		Metrics: MetricsSpec{Primary: "val_accuracy", Direction: "max", Patterns: []string{"acc=(?P<val_accuracy>[0-9.]+)"}},
		Eval:    EvalSpec{Predictions: "predictions.csv", Label: "y_true", Prediction: "y_pred", Score: "p1"},
		Labels:  []string{"good", "bad"},
		Alerts:  live.DefaultRules(), // no alerts section
	}
	// LabelsLine is the line of "labels:" in fullExample (counted from the text, not by hand).
	for i, l := range strings.Split(fullExample, "\n") {
		if strings.HasPrefix(l, "labels:") {
			want.LabelsLine = i + 1
		}
	}
	if !reflect.DeepEqual(c, want) {
		t.Fatalf("got  %#v\nwant %#v", c, want)
	}
	if got := c.Train.ParamStrings(); !reflect.DeepEqual(got, map[string]string{"lr": "0.1", "epochs": "30"}) {
		t.Errorf("ParamStrings = %v", got)
	}
	if d, ok := c.Dataset("wine"); !ok || d.Path != "data/wine.csv" {
		t.Errorf("Dataset(wine) = %+v, %v", d, ok)
	}
	if _, ok := c.Dataset("nope"); ok {
		t.Error("Dataset(nope) found")
	}
}

func TestParseEmptyGivesDefaults(t *testing.T) {
	for name, text := range map[string]string{
		"empty":    "",
		"blank":    "\n  \n",
		"comments": "# nothing here yet\n# really\n",
		"null":     "~\n",
		"doc-mark": "---\n",
	} {
		t.Run(name, func(t *testing.T) {
			c, err := Parse(filepath.Join("work", "wine-proj", ConfigFile), []byte(text))
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(c, Default(filepath.Join("work", "wine-proj"))) || c.Name != "wine-proj" {
				t.Fatalf("got %#v", c)
			}
		})
	}
}

func TestParseDefaultsFilledIn(t *testing.T) {
	c, err := Parse("/x/proj/mlwb.yaml", []byte("datasets:\n  - path: data/iris.csv\nmetrics:\n  primary: val_loss\n"))
	if err != nil {
		t.Fatal(err)
	}
	if c.Name != "proj" || c.Datasets[0].Name != "iris" || c.Metrics.Direction != DirectionMin {
		t.Fatalf("got name %q, dataset %q, direction %q", c.Name, c.Datasets[0].Name, c.Metrics.Direction)
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct {
		name string
		text string
		line int
		msg  string // substring of Msg
	}{
		{"syntax", "name: a\ntrain:\n  command: [unclosed\n  params: {}\n", 3, "invalid YAML"},
		{"parser error after blank lines", "name: a\n\n\ngoal: [1, 2]]\n", 4, "did not find expected key"},
		{"scanner error on line 1", "name: \"\\xZZ\"\n", 1, "invalid YAML: did not find expected hexdecimal number"},
		{"tab indent", "name: a\n\tgoal: b\n", 2, "invalid YAML"},
		{"unknown top-level key", "name: a\ngoal: b\nmetircs:\n  primary: x\n", 3, `unknown key "metircs" (expected one of: name, goal,`},
		{"unknown nested key", "name: a\n\n# train it\ntrain:\n  params:\n    lr: 1\n  comand: python t.py\n", 7, `unknown key "comand" in train`},
		{"unknown dataset key", "datasets:\n  - name: a\n    path: a.csv\n  - name: b\n    pth: b.csv\n", 5, `unknown key "pth" in datasets[1]`},
		{"wrong type", "name: a\nlabels: good\n", 2, `labels: expected a list of strings, got a string "good"`},
		{"mapping for string", "name: {a: 1}\n", 1, "name: expected a string, got a mapping"},
		{"nested list", "labels: [[a]]\n", 1, "labels[0]: expected a string, got a list"},
		{"top level list", "- a\n- b\n", 1, "the file: expected a mapping, got a list"},
		{"duplicate key", "name: a\ngoal: b\nname: c\n", 3, `duplicate key "name" (first at line 1)`},
		{"bad direction", "metrics:\n  primary: acc\n  direction: maximize\n", 3, `metrics.direction must be "max" or "min", not "maximize"`},
		{"dataset without path", "datasets:\n  - name: a\n    target: y\n", 2, "datasets[0]: a dataset needs a path"},
		{"duplicate dataset", "datasets:\n  - name: wine\n    path: a.csv\n  - name: wine\n    path: b.csv\n", 4, `duplicate dataset name "wine" (first at line 2)`},
		{"duplicate dataset by file name", "datasets:\n  - path: a/wine.csv\n  - path: b/wine.csv\n", 3, `duplicate dataset name "wine"`},
		{"unknown placeholder", "train:\n  params:\n    lr: 0.1\n  command: python t.py --lr {lr} --epochs {epochs}\n", 4, "unknown placeholder {epochs} (params: lr;"},
		{"data without datasets", "train:\n  command: python t.py {data}\n", 2, "{data} needs a dataset"},
		{"param shadows built-in", "train:\n  params:\n    run: 1\n", 3, `param "run" has the name of the built-in`},
		{"param list value", "train:\n  params:\n    lr: [1, 2]\n", 3, "train.params.lr: a param value must be"},
		{"param null value", "train:\n  params:\n    lr:\n    x: 1\n", 3, "train.params.lr: a param value must be"},
		{"duplicate param", "train:\n  params:\n    lr: 1\n    lr: 2\n", 4, `duplicate param "lr" (first at line 3)`},
		{"params not mapping", "train:\n  params: [lr]\n", 2, "train.params: expected a mapping"},
		{"bad pattern", "metrics:\n  patterns:\n    - 'ok=(?P<a>\\d+)'\n    - 'acc=(['\n", 4, "metrics.patterns[1]: error parsing regexp"},
		{"pattern without group", "metrics:\n  patterns:\n    - 'acc=([0-9.]+)'\n", 3, "needs a named group"},
		{"duplicate label", "labels: [good, bad, good]\n", 1, `duplicate label "good"`},
		{"two documents", "name: a\n---\nname: b\n", 2, "only one YAML document"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse("mlwb.yaml", []byte(tt.text))
			if err == nil {
				t.Fatal("no error")
			}
			ce := asConfigError(t, err)
			if ce.Path != "mlwb.yaml" || ce.Line != tt.line || !strings.Contains(ce.Msg, tt.msg) {
				t.Fatalf("got %q (line %d); want line %d and %q", err, ce.Line, tt.line, tt.msg)
			}
			if !strings.HasPrefix(err.Error(), "mlwb.yaml:"+strconv.Itoa(tt.line)+": ") {
				t.Fatalf("Error() = %q; want the path:line: prefix", err)
			}
		})
	}
}

func TestErrorWithoutLine(t *testing.T) {
	_, err := Parse("mlwb.yaml", []byte("name: a\ngoal: *nope\n"))
	if ce := asConfigError(t, err); ce.Line != 0 || err.Error() != "mlwb.yaml: invalid YAML: unknown anchor 'nope' referenced" {
		t.Fatalf("got %q (line %d)", err, ce.Line)
	}
}

func TestUnknownKeyMessageExactly(t *testing.T) {
	text := "name: a\ngoal: b\ndatasets: []\n\n\ntrain:\n  comand: python t.py\n"
	_, err := Parse("mlwb.yaml", []byte(text))
	want := `mlwb.yaml:7: unknown key "comand" in train (expected one of: command, params, params_files)`
	if err == nil || err.Error() != want {
		t.Fatalf("got  %v\nwant %s", err, want)
	}
}

func TestLoad(t *testing.T) {
	dir := t.TempDir()
	path := writeFile(t, dir, ConfigFile, "name: loaded\n")
	c, err := Load(path)
	if err != nil || c.Name != "loaded" {
		t.Fatalf("Load = %+v, %v", c, err)
	}
	if _, err := Load(filepath.Join(dir, "missing.yaml")); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("Load(missing) error = %v; want ErrNotExist", err)
	}
	bad := writeFile(t, dir, "bad.yaml", "name: [\n")
	if _, err := Load(bad); err == nil || !strings.HasPrefix(err.Error(), bad+":") {
		t.Fatalf("Load(bad) error = %v; want it to name %s", err, bad)
	}
}

func TestParamValueTypes(t *testing.T) {
	text := "train:\n  params:\n    b: true\n    s: adam\n    big: 12345678901\n    small: 1e-5\n    q: \"007\"\n    f: 2.50\n"
	c, err := Parse("mlwb.yaml", []byte(text))
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{"b": "true", "s": "adam", "big": "12345678901", "small": "1e-05", "q": "007", "f": "2.5"}
	if got := c.Train.ParamStrings(); !reflect.DeepEqual(got, want) {
		t.Fatalf("ParamStrings = %v, want %v", got, want)
	}
	if !reflect.DeepEqual(c.Train.ParamOrder, []string{"b", "s", "big", "small", "q", "f"}) {
		t.Fatalf("ParamOrder = %v", c.Train.ParamOrder)
	}
}

func TestBetter(t *testing.T) {
	nan := math.NaN()
	maxi, mini := MetricsSpec{Direction: DirectionMax}, MetricsSpec{Direction: DirectionMin}
	cases := []struct {
		m    MetricsSpec
		a, b float64
		want bool
	}{
		{maxi, 2, 1, true}, {maxi, 1, 2, false}, {maxi, 1, 1, false},
		{mini, 1, 2, true}, {mini, 2, 1, false},
		{maxi, nan, 1, false}, {mini, nan, 1, false}, {maxi, 1, nan, true}, {mini, nan, nan, false},
		{MetricsSpec{}, 2, 1, true},
	}
	for _, c := range cases {
		if got := c.m.Better(c.a, c.b); got != c.want {
			t.Errorf("%q.Better(%v, %v) = %v, want %v", c.m.Direction, c.a, c.b, got, c.want)
		}
	}
}

func TestGuessDirection(t *testing.T) {
	for primary, want := range map[string]string{
		"val_loss": "min", "test-RMSE": "min", "error_rate": "min", "val_accuracy": "max", "f1": "max", "": "max",
		"glossary": "max",
	} {
		if got := guessDirection(primary); got != want {
			t.Errorf("guessDirection(%q) = %q, want %q", primary, got, want)
		}
	}
}

func TestDirectionOf(t *testing.T) {
	m := MetricsSpec{Primary: "score", Direction: DirectionMin}
	for key, want := range map[string]string{"score": "min", "val_loss": "min", "test/RMSE": "min",
		"accuracy": "max", "f1": "max", "terror_rate": "max"} {
		if got := m.DirectionOf(key); got != want {
			t.Errorf("DirectionOf(%q) = %q, want %q", key, got, want)
		}
	}
}
