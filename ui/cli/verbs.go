package cli

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"runtime/debug"

	"github.com/spf13/cobra"

	"github.com/mlwb/mlwb/stages/demo"
	"github.com/mlwb/mlwb/stages/project"
	"github.com/mlwb/mlwb/stages/runs"
	"github.com/mlwb/mlwb/store"
)

// Version is mlwb's version, set at release with -ldflags "-X github.com/mlwb/mlwb/ui/cli.Version=…".
var Version = "dev"

func newVersionCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "version",
		Short: "Print mlwb's version",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			v := Version
			if bi, ok := debug.ReadBuildInfo(); ok {
				for _, s := range bi.Settings {
					if s.Key == "vcs.revision" && len(s.Value) >= 7 {
						v += " (" + s.Value[:7] + ")"
					}
				}
				v += " " + bi.GoVersion
			}
			fmt.Fprintf(cmd.OutOrStdout(), "mlwb %s, store schema %d\n", v, store.SchemaVersion())
			return nil
		},
	}
}

func newInitCmd(g *globals) *cobra.Command {
	var force bool
	cmd := &cobra.Command{
		Use:   "init",
		Short: "Start using mlwb in this project: write mlwb.yaml and .mlwb/",
		Long: `init writes a commented mlwb.yaml at the project root (the git root, or the working
directory outside git) and creates .mlwb/, where mlwb keeps its state (never committed:
it holds its own .gitignore). Edit mlwb.yaml to declare your datasets, train command and
primary metric, and commit it.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			wd, err := os.Getwd()
			if err != nil {
				return err
			}
			p, err := project.Discover(wd)
			if err != nil {
				return err
			}
			written, err := project.Init(p.Root, force)
			if err != nil {
				return err
			}
			for _, w := range written {
				fmt.Fprintln(cmd.OutOrStdout(), "wrote", w)
			}
			db := g.dbPath()
			if db == "" {
				db = p.DefaultDBPath()
			}
			s, err := store.Open(db)
			if err != nil {
				return err
			}
			defer s.Close()
			fmt.Fprintln(cmd.OutOrStdout(), "state in", db)
			return nil
		},
	}
	cmd.Flags().BoolVar(&force, "force", false, "overwrite an existing mlwb.yaml")
	return cmd
}

func newDemoCmd(g *globals) *cobra.Command {
	var dir string
	var noTUI bool
	cmd := &cobra.Command{
		Use:   "demo",
		Short: "Build the demo project (git history, real data, real runs) and open it",
		Long: `demo builds a small real project in a new directory (a temp dir unless --dir): a git
repository with three commits, the UCI Wine dataset, and five training runs made by running
mlwb's built-in trainer (softmax regression) at different commits and params, one of them
failing. Then it opens the workbench on it, as ` + "`mlwb`" + ` would inside the project.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			exe := "mlwb"
			out := cmd.ErrOrStderr()
			if noTUI {
				out = cmd.OutOrStdout()
			}
			res, err := demo.Build(cmd.Context(), demo.Options{Dir: dir, Data: g.demo, Exe: exe,
				Progress: func(s string) { fmt.Fprintln(out, "  "+s) }})
			if err != nil {
				return err
			}
			fmt.Fprintf(out, "demo project ready: %s (%d runs)\n", res.Root, res.Runs)
			if noTUI {
				return nil
			}
			gd := *g
			if gd.db == "" {
				gd.db = res.DBPath
			}
			return openWorkbench(cmd, &gd, res.Root)
		},
	}
	cmd.Flags().StringVar(&dir, "dir", "", "build the demo here (a new or empty directory) instead of a temp dir")
	cmd.Flags().BoolVar(&noTUI, "no-tui", false, "build the project and print where, without opening the workbench")
	return cmd
}

func newDemoTrainCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "demo-train --data FILE.csv [--target COL] [--lr 0.1] [--epochs 30] [--l2 0] [--predictions OUT.csv]",
		Short: "Train a softmax regression on a CSV (the demo project's trainer)",
		Long: `demo-train is a small real trainer built into mlwb, so the demo needs no Python: a
multinomial logistic regression trained by gradient descent on a CSV of numeric features and
a class column. It prints one metric line per epoch (epoch=3 loss=0.41 … val_accuracy=0.93)
and can write its validation predictions for evaluation.`,
		DisableFlagParsing: true, // the trainer parses its own flags, exactly as recorded in a run
		RunE: func(cmd *cobra.Command, args []string) error {
			for _, a := range args {
				if a == "-h" || a == "--help" {
					return cmd.Help()
				}
			}
			cfg, err := runs.ParseTrainArgs(args)
			if err != nil {
				return &exitError{code: 2, err: err}
			}
			ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
			defer stop()
			if cfg.PredictionsPath != "" {
				if err := os.MkdirAll(filepath.Dir(cfg.PredictionsPath), 0o755); err != nil {
					return err
				}
			}
			if _, err := runs.Train(ctx, cfg, cmd.OutOrStdout()); err != nil {
				return &exitError{code: 2, err: err}
			}
			return nil
		},
	}
}
