package project

import (
	"fmt"
	"strings"

	"go.yaml.in/yaml/v3"
)

// templateHeader opens the mlwb.yaml that Init writes.
const templateHeader = `# mlwb.yaml: this project's settings for mlwb, the terminal ML workbench. Commit it.
# Paths are relative to the project root (the directory holding this file) unless noted.
# The commented sections are examples: remove the leading "# " of their lines to use one.

`

// templateBody follows the name and goal lines; each commented section,
// uncommented, is valid mlwb.yaml (a test holds it to that).
const templateBody = `
# datasets:
#   - name: wine                    # unique
#     path: data/wine.csv           # relative to the project root
#     target: cultivar              # target column (class balance, evaluation)
#     features: features/wine.yaml  # its feature spec (default: wine.features.yaml)

# train:
#   # {param} placeholders are filled from params; built-ins: {run} (the run's id),
#   # {run_dir} (the run's directory) and {data} (the first dataset's path)
#   command: python train.py --data {data} --lr {lr} --epochs {epochs}
#   params:                         # defaults, overridable with -p key=value
#     lr: 0.1
#     epochs: 30
#   params_files: [params.yaml]     # files whose contents are recorded as params with each run

# metrics:
#   primary: val_accuracy           # the metric that ranks runs
#   direction: max                  # max or min
#   patterns:                       # extra regexes with named groups, for lines mlwb can't parse
#     - 'acc=(?P<val_accuracy>[0-9.]+)'

# eval:
#   predictions: predictions.csv    # file a run writes (relative to its run dir) for evaluation
#   label: y_true                   # column of true labels
#   prediction: y_pred              # column of predicted labels
#   score: p1                       # positive-class score (default: a score column, or p_<class> columns)

# labels:                           # label set for the data stage's labelling mode
#   - good
#   - bad

# alerts:                           # alert rules, shown on the Live tab; these are the defaults
#   loss_keys: [loss]               # keys containing one of these are losses: alert on NaN/inf
#   stall_after: 10m                # no metric for this long while the run is alive (0: off)
#   heartbeat_stale: 30s            # a heartbeat older than this: the run is not alive
#   low_gpu_percent: 10             # every GPU utilisation sample under this percentage...
#   low_gpu_for: 10m                # ...for this long (0: off)
#   memory_percent: 95              # host or GPU memory use above this percentage (0: off)
#   ended_badly: true               # a run that failed or was lost
#   check_every: 10s                # how often the rules are checked (by each run's supervisor too)
#   bell: false                     # ring the terminal bell once when the TUI sees a new alert
`

// Template returns the commented mlwb.yaml that Init writes for a project
// called name.
func Template(name string) string {
	var b strings.Builder
	b.WriteString(templateHeader)
	fmt.Fprintf(&b, "%-35s # project name (shown in the status line)\n", "name: "+yamlString(name))
	fmt.Fprintf(&b, "%-35s # one line: what the project tries to do\n", `goal: ""`)
	b.WriteString(templateBody)
	return b.String()
}

// yamlString renders s as a YAML scalar that reads back as the string s.
func yamlString(s string) string {
	out, err := yaml.Marshal(s)
	if err != nil || strings.Count(strings.TrimSpace(string(out)), "\n") > 0 {
		return fmt.Sprintf("%q", s)
	}
	return strings.TrimSpace(string(out))
}
