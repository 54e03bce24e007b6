package runs

import (
	"bytes"
	"flag"
	"fmt"
	"strings"
)

// ParseTrainArgs parses the demo trainer's command line (the arguments after `mlwb demo-train`),
// so that a run recorded with a command is run with exactly that command's settings.
func ParseTrainArgs(args []string) (TrainConfig, error) {
	var c TrainConfig
	fs := flag.NewFlagSet("demo-train", flag.ContinueOnError)
	var out bytes.Buffer
	fs.SetOutput(&out)
	fs.StringVar(&c.DataPath, "data", "", "CSV file to train on (header row, numeric features)")
	fs.StringVar(&c.Target, "target", "", "target column (default: the last column)")
	fs.Float64Var(&c.LR, "lr", 0.1, "learning rate")
	fs.IntVar(&c.Epochs, "epochs", 30, "passes over the training split")
	fs.Float64Var(&c.L2, "l2", 0, "L2 penalty on the weights")
	fs.Float64Var(&c.ValFraction, "val-fraction", 0.3, "fraction of rows held out for validation")
	fs.Int64Var(&c.Seed, "seed", 1, "shuffle seed")
	fs.StringVar(&c.PredictionsPath, "predictions", "", "write the validation predictions (CSV) here")
	fs.DurationVar(&c.EpochDelay, "epoch-delay", 0, "pause after each epoch (to watch a run live)")
	if err := fs.Parse(args); err != nil {
		return c, fmt.Errorf("demo-train: %w: %s", err, strings.TrimSpace(out.String()))
	}
	if fs.NArg() > 0 {
		return c, fmt.Errorf("demo-train: unexpected argument %q", fs.Arg(0))
	}
	if c.DataPath == "" {
		return c, fmt.Errorf("demo-train: --data is required")
	}
	return c, nil
}
