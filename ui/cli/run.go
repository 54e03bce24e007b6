package cli

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/spf13/cobra"

	"github.com/mlwb/mlwb/stages/project"
	"github.com/mlwb/mlwb/stages/runs"
	"github.com/mlwb/mlwb/store"
)

func newRunCmd(g *globals) *cobra.Command {
	var name string
	var params, datasets, tags []string
	var detach bool
	cmd := &cobra.Command{
		Use:   "run [--name N] [-p key=value]… [-d DATASET]… [--tag k=v]… [--detach] [-- COMMAND ARGS…]",
		Short: "Launch a training run under a supervisor that outlives the terminal",
		Long: `run records a run (command, params, git commit and uncommitted patch, dataset hashes) and
starts it under a supervisor in its own session: it keeps running if you quit, close the
terminal or lose SSH. The supervisor logs all output to .mlwb/runs/<id>/output.log and
records metric lines (loss=0.41, "acc: 0.9", JSON objects) as they are printed.

With no COMMAND, mlwb.yaml's train.command is run, its {placeholders} filled from its params
and your -p overrides, each value one argument (never shell text). Params also reach the
command as MLWB_PARAM_<KEY> environment variables.

run follows the output until the run ends and exits with its exit code. Ctrl-C stops the run;
a hangup of the terminal only detaches. --detach prints the run id and returns at once.

  mlwb run -p lr=0.3
  mlwb run --name big-batch -- python train.py --batch 512`,
		RunE: func(cmd *cobra.Command, args []string) error {
			p, s, err := openProject(g, "")
			if err != nil {
				return err
			}
			defer s.Close()
			pm, err := project.KeyValues("-p", params)
			if err != nil {
				return err
			}
			tm, err := project.KeyValues("--tag", tags)
			if err != nil {
				return err
			}
			if len(args) > 0 && cmd.ArgsLenAtDash() != 0 {
				return fmt.Errorf("put the command after --: mlwb run [flags] -- %s", strings.Join(args, " "))
			}
			wd, _ := os.Getwd()
			var ds []string
			if cmd.Flags().Changed("dataset") {
				ds = datasets
			}
			ctx := cmd.Context()
			runs.ReapLost(ctx, s, time.Now())
			r, err := runs.Launch(ctx, runs.LaunchOptions{Store: s, Project: p, Name: name,
				Command: args, Params: pm, Datasets: ds, Tags: tm, Workdir: wd})
			if err != nil {
				return err
			}
			if len(args) == 0 { // the template: a -p it does not know is most likely a typo
				for _, k := range p.Config.Train.UnknownParams(pm) {
					fmt.Fprintf(cmd.ErrOrStderr(), "mlwb: -p %s is not one of train.params in %s: it is recorded and passed in the environment only (MLWB_PARAM_*)\n",
						k, p.ConfigPath)
				}
			}
			fmt.Fprintf(cmd.ErrOrStderr(), "run #%d %s: %s\n", r.ID, r.UUID[:8], strings.Join(r.Command, " "))
			if detach {
				fmt.Fprintln(cmd.OutOrStdout(), r.ID)
				return nil
			}
			return followRun(cmd, s, r.ID)
		},
	}
	f := cmd.Flags()
	f.StringVar(&name, "name", "", "name the run")
	f.StringArrayVarP(&params, "param", "p", nil, "param override key=value (repeatable)")
	f.StringArrayVarP(&datasets, "dataset", "d", nil, "declared dataset the run uses (repeatable; default all)")
	f.StringArrayVar(&tags, "tag", nil, "tag key=value (repeatable)")
	f.BoolVar(&detach, "detach", false, "print the run id and return; the run goes on")
	return cmd
}

// followRun prints the run's output until it ends. Ctrl-C (or SIGTERM) stops the run, as it would
// a foreground process; a hangup only detaches.
func followRun(cmd *cobra.Command, s *store.Store, runID int64) error {
	ctx, cancel := context.WithCancel(cmd.Context())
	defer cancel()
	sigs := make(chan os.Signal, 2)
	signal.Notify(sigs, os.Interrupt, syscall.SIGTERM, syscall.SIGHUP)
	defer signal.Stop(sigs)
	stopping := false
	go func() {
		for sig := range sigs {
			if sig == syscall.SIGHUP {
				cancel()
				return
			}
			if !stopping {
				stopping = true
				fmt.Fprintf(cmd.ErrOrStderr(), "\nstopping run #%d…\n", runID)
				if r, err := s.GetRun(context.Background(), runID); err == nil {
					go runs.Stop(context.Background(), s, r, 30*time.Second)
				}
			}
		}
	}()
	r, err := runs.Follow(ctx, s, runID, cmd.OutOrStdout())
	if ctx.Err() != nil {
		return &exitError{code: 129, err: fmt.Errorf("detached from run #%d; it goes on (mlwb runs log %d -f)", runID, runID)}
	}
	if err != nil {
		return err
	}
	return runOutcome(r)
}

// runOutcome turns a run's end into mlwb's exit: the run's own exit code.
func runOutcome(r *store.Run) error {
	switch r.Status {
	case store.StatusFinished:
		return nil
	case store.StatusLost:
		return &exitError{code: 1, err: fmt.Errorf("run #%d lost: its supervisor died", r.ID)}
	}
	code := 1
	if r.ExitCode != nil && *r.ExitCode > 0 {
		code = *r.ExitCode
	}
	return &exitError{code: code, err: fmt.Errorf("run #%d %s (exit %d)", r.ID, r.Status, code)}
}

func newSuperviseCmd(g *globals) *cobra.Command {
	return &cobra.Command{
		Use:    "supervise RUN-ID",
		Short:  "Run and record one queued run (started by mlwb run; not for direct use)",
		Hidden: true,
		Args:   cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			db := g.dbPath()
			if db == "" {
				return fmt.Errorf("supervise needs --db")
			}
			s, err := store.Open(db)
			if err != nil {
				return err
			}
			defer s.Close()
			var id int64
			if _, err := fmt.Sscan(args[0], &id); err != nil {
				return fmt.Errorf("run id %q: %w", args[0], err)
			}
			return runs.SuperviseProcess(cmd.Context(), s, id, cmd.ErrOrStderr())
		},
	}
}
