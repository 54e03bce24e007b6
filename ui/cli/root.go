// Package cli is mlwb's command line (cobra): the TUI with no verb, and the headless verbs that
// scripts and CI use over the same engines.
package cli

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"

	"github.com/spf13/cobra"

	"github.com/mlwb/mlwb/themes"
)

// Env names the environment variables mlwb reads.
const (
	envDB      = "MLWB_DB"
	envNoColor = "NO_COLOR"
)

// globals are the flags every verb has.
type globals struct {
	db      string
	theme   string
	noColor bool
	demo    fs.FS // the demo's data, embedded by main
}

// exitError carries a process exit code through cobra (a run's own exit code, say).
type exitError struct {
	code int
	err  error
}

func (e *exitError) Error() string { return e.err.Error() }
func (e *exitError) Unwrap() error { return e.err }

// NewRoot builds the mlwb command tree. demoData holds the demo project's files.
func NewRoot(demoData fs.FS) *cobra.Command {
	g := &globals{demo: demoData}
	root := &cobra.Command{
		Use:   "mlwb",
		Short: "A terminal workbench for machine-learning work",
		Long: `mlwb is a terminal workbench for ML work on a remote box: explore data, launch and watch
training runs, and diff any two versions (code, params, data, metrics), all over SSH.

Run it with no verb inside a project (a git repository, or any directory) to open the
workbench; its state lives in .mlwb/state.db next to your code. New here? Try:

  mlwb demo        build a small real project with a few runs, and open it
  mlwb init        start using mlwb in the current project`,
		SilenceUsage:  true,
		SilenceErrors: true,
		Args:          cobra.NoArgs,
		PersistentPreRunE: func(*cobra.Command, []string) error {
			if g.theme != "" { // checked for every verb, not only the workbench (`--theme purple runs ls` passed)
				if _, err := themes.ByName(g.theme); err != nil {
					return &exitError{code: 2, err: err}
				}
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, _ []string) error {
			return openWorkbench(cmd, g, "")
		},
	}
	pf := root.PersistentFlags()
	pf.StringVar(&g.db, "db", "", "state database (default: $MLWB_DB, else .mlwb/state.db in the project)")
	pf.StringVar(&g.theme, "theme", "", "colour theme: dark, light, high-contrast or mono (default: the last one chosen)")
	pf.BoolVar(&g.noColor, "no-color", false, "draw without colour (also when NO_COLOR is set)")
	root.AddCommand(newInitCmd(g), newDemoCmd(g), newVersionCmd(), newDemoTrainCmd(),
		newRunCmd(g), newSuperviseCmd(g), newRunsCmd(g), newServerCmd(g), newEvalCmd(g), newImportCmd(g), newDataCmd(g))
	root.AddCommand(newDiffCmd(g), newCompareCmd(g), newLogCmd(g), newCheckoutCmd(g), newRerunCmd(g))
	root.AddCommand(newGrafanaCmd(), newWatchCmd(g))
	return root
}

// Execute runs the command line and returns the process exit code.
func Execute(demoData fs.FS, args []string, stdout, stderr io.Writer) int {
	root := NewRoot(demoData)
	root.SetArgs(args)
	root.SetOut(stdout)
	root.SetErr(stderr)
	err := root.Execute()
	if err == nil {
		return 0
	}
	fmt.Fprintln(stderr, "mlwb:", err)
	var ee *exitError
	if errors.As(err, &ee) {
		return ee.code
	}
	return 1
}

// dbPath is the database to use: --db, then $MLWB_DB, then the project's default ("").
func (g *globals) dbPath() string {
	if g.db != "" {
		return g.db
	}
	return os.Getenv(envDB)
}

// themeName is the forced theme: --theme, or mono for --no-color / NO_COLOR, else "" (saved or detected).
func (g *globals) themeName() string {
	if g.noColor || os.Getenv(envNoColor) != "" {
		return "mono"
	}
	return g.theme
}
