package cli

import (
	"fmt"
	"os"

	tea "charm.land/bubbletea/v2"
	"github.com/spf13/cobra"

	"github.com/mlwb/mlwb/stages/project"
	"github.com/mlwb/mlwb/store"
	"github.com/mlwb/mlwb/themes"
	"github.com/mlwb/mlwb/ui"
)

// openProject finds the project from dir ("" = the working directory) and opens its store.
func openProject(g *globals, dir string) (*project.Project, *store.Store, error) {
	if dir == "" {
		wd, err := os.Getwd()
		if err != nil {
			return nil, nil, fmt.Errorf("working directory: %w", err)
		}
		dir = wd
	}
	p, err := project.Discover(dir)
	if err != nil {
		return nil, nil, err
	}
	db := g.dbPath()
	if db == "" {
		if err := p.EnsureStateDir(); err != nil {
			return nil, nil, err
		}
		db = p.DefaultDBPath()
	}
	s, err := store.Open(db)
	if err != nil {
		return nil, nil, err
	}
	return p, s, nil
}

// openWorkbench runs the TUI on the project found from dir.
func openWorkbench(cmd *cobra.Command, g *globals, dir string) error {
	if t := g.themeName(); t != "" {
		if _, err := themes.ByName(t); err != nil {
			return err
		}
	}
	p, s, err := openProject(g, dir)
	if err != nil {
		return err
	}
	defer s.Close()
	m := ui.New(ui.Options{Store: s, Project: p, Theme: g.themeName()})
	prog := tea.NewProgram(m, tea.WithContext(cmd.Context()))
	if _, err := prog.Run(); err != nil {
		return fmt.Errorf("workbench: %w", err)
	}
	return nil
}
