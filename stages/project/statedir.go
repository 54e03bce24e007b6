package project

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
)

// stateGitignore keeps everything under .mlwb/ out of git.
const stateGitignore = "# written by mlwb: nothing in .mlwb/ is committed\n*\n"

// EnsureStateDir creates Root/.mlwb and its .gitignore (ignoring everything)
// when they are missing. An existing .gitignore is never changed.
func (p *Project) EnsureStateDir() error {
	_, err := ensureStateDir(p.StateDir())
	return err
}

// ensureStateDir does EnsureStateDir's work and returns the files it created.
func ensureStateDir(dir string) (written []string, err error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("creating state directory: %w", err)
	}
	ignore := filepath.Join(dir, ".gitignore")
	f, err := os.OpenFile(ignore, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if errors.Is(err, os.ErrExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("creating %s: %w", ignore, err)
	}
	if _, err := f.WriteString(stateGitignore); err != nil {
		f.Close()
		return nil, fmt.Errorf("writing %s: %w", ignore, err)
	}
	if err := f.Close(); err != nil {
		return nil, fmt.Errorf("writing %s: %w", ignore, err)
	}
	return []string{ignore}, nil
}
