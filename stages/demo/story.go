package demo

import "fmt"

// storyStep is one commit of the demo's history and the runs made at it.
type storyStep struct {
	message    string
	author     string
	config     string
	paramsYAML string
	runs       []runSpec
}

// runSpec is one demo run: its name and params (all of the train command's placeholders).
type runSpec struct {
	name   string
	params map[string]string
}

const readme = `# Wine cultivars

Classify which of three cultivars a wine comes from, from 13 chemical measurements
(UCI Wine recognition data, 178 wines). The model is a softmax regression trained by
gradient descent: ` + "`mlwb demo-train`" + `, built into mlwb so the demo needs no Python.

Try it: ` + "`mlwb`" + ` opens the workbench on this project.
`

const trainScript = `#!/bin/sh
# What mlwb.yaml's train.command runs, spelled out for people who prefer a script.
exec mlwb demo-train --data data/wine.csv --target cultivar "$@"
`

func config(exe, command string, params string) string {
	return fmt.Sprintf(`# mlwb.yaml: the demo project's settings (see `+"`mlwb init`"+` for every key).
name: wine-cultivars
goal: classify a wine's cultivar from its chemistry
datasets:
  - name: wine
    path: data/wine.csv
    target: cultivar
train:
  command: %s %s
  params:
%s  params_files: [params.yaml]
metrics:
  primary: val_accuracy
  direction: max
eval:
  predictions: predictions.csv
  label: y_true
  prediction: y_pred
labels: [ok, suspicious, mislabelled]
`, exe, command, params)
}

func storySteps(exe string) []storyStep {
	cmd1 := "demo-train --data {data} --target cultivar --lr {lr} --epochs {epochs} --seed {seed} --predictions {run_dir}/predictions.csv"
	cmd3 := "demo-train --data {data} --target cultivar --lr {lr} --epochs {epochs} --l2 {l2} --seed {seed} --predictions {run_dir}/predictions.csv"
	return []storyStep{
		{
			message:    "Start the wine cultivar project: data, config, baseline trainer",
			author:     "Ada Lovelace",
			config:     config(exe, cmd1, "    lr: 0.01\n    epochs: 20\n    seed: 2\n"),
			paramsYAML: "# Hyper-parameters, recorded with each run.\nlr: 0.01\nepochs: 20\nseed: 2\n",
			runs: []runSpec{
				{name: "baseline", params: map[string]string{"lr": "0.01", "epochs": "20", "seed": "2"}},
			},
		},
		{
			message:    "Raise the learning rate: the baseline barely moved",
			author:     "Grace Hopper",
			config:     config(exe, cmd1, "    lr: 0.1\n    epochs: 30\n    seed: 2\n"),
			paramsYAML: "# Hyper-parameters, recorded with each run.\nlr: 0.1\nepochs: 30\nseed: 2\n",
			runs: []runSpec{
				{name: "lr-0.1", params: map[string]string{"lr": "0.1", "epochs": "30", "seed": "2"}},
				{name: "lr-typo", params: map[string]string{"lr": "-0.5", "epochs": "30", "seed": "2"}},
			},
		},
		{
			message:    "Add L2 regularisation and train longer",
			author:     "Ada Lovelace",
			config:     config(exe, cmd3, "    lr: 0.1\n    epochs: 40\n    l2: 0.01\n    seed: 2\n"),
			paramsYAML: "# Hyper-parameters, recorded with each run.\nlr: 0.1\nepochs: 40\nl2: 0.01\nseed: 2\n",
			runs: []runSpec{
				{name: "l2-0.01", params: map[string]string{"lr": "0.1", "epochs": "40", "l2": "0.01", "seed": "2"}},
				{name: "l2-lr-0.3", params: map[string]string{"lr": "0.3", "epochs": "40", "l2": "0.01", "seed": "2"}},
			},
		},
	}
}
