package runs

import (
	"slices"
	"testing"

	"github.com/mlwb/mlwb/stages/project"
)

// TestLaunchFormNames: name:NAME in the launch form names the run and is not a param; without
// it a new run is named after the params it changes from mlwb.yaml's defaults, in their order
// then the extra ones sorted, and stays unnamed when it changes none.
func TestLaunchFormNames(t *testing.T) {
	name, rest := splitName([]string{"lr=0.3", "name:warm-start", "epochs=5"})
	if name != "warm-start" || !slices.Equal(rest, []string{"lr=0.3", "epochs=5"}) {
		t.Fatalf("splitName: %q %v", name, rest)
	}
	cfg, err := project.Parse("mlwb.yaml", []byte("name: t\ntrain:\n  command: echo {lr} {epochs}\n  params:\n    lr: 0.1\n    epochs: 30\n"))
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		params map[string]string
		want   string
	}{
		{map[string]string{"lr": "0.1", "epochs": "30"}, ""},
		{map[string]string{"lr": "0.3", "epochs": "30"}, "lr-0.3"},
		{map[string]string{"lr": "0.3", "epochs": "5", "seed": "2", "beta": "1"}, "lr-0.3_epochs-5_beta-1_seed-2"},
	} {
		if got := changedName(cfg, c.params); got != c.want {
			t.Errorf("changedName(%v) = %q, want %q", c.params, got, c.want)
		}
	}
}
