package demo

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/mlwb/mlwb/stages/runs"
	"github.com/mlwb/mlwb/store"
)

// TestMain lets this test binary stand in for mlwb where the demo's runs need it: the
// supervisor Launch starts (`supervise --db DB ID`) and the train command (`demo-train …`, which
// the supervisor resolves to its own executable when no mlwb is on the PATH).
func TestMain(m *testing.M) {
	if len(os.Args) > 1 {
		switch os.Args[1] {
		case "supervise":
			os.Exit(supervise(os.Args[2:]))
		case "demo-train":
			os.Exit(train(os.Args[2:]))
		}
	}
	os.Exit(m.Run())
}

func supervise(args []string) int {
	if len(args) != 3 || args[0] != "--db" {
		fmt.Fprintln(os.Stderr, "usage: supervise --db DB ID")
		return 2
	}
	s, err := store.Open(args[1])
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer s.Close()
	id, _ := strconv.ParseInt(args[2], 10, 64)
	if err := runs.SuperviseProcess(context.Background(), s, id, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	return 0
}

// train is what `mlwb demo-train` does (ui/cli/verbs.go), which this package cannot import.
func train(args []string) int {
	cfg, err := runs.ParseTrainArgs(args)
	if err != nil {
		fmt.Fprintln(os.Stderr, "mlwb:", err)
		return 2
	}
	if cfg.PredictionsPath != "" {
		os.MkdirAll(filepath.Dir(cfg.PredictionsPath), 0o755)
	}
	if _, err := runs.Train(context.Background(), cfg, os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "mlwb:", err)
		return 2
	}
	return 0
}
