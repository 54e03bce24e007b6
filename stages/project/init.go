package project

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
)

// ErrConfigExists is returned (wrapped) by Init when mlwb.yaml is already there.
var ErrConfigExists = errors.New("project config already exists")

// Init writes a commented mlwb.yaml at root, named after the directory, and
// creates the .mlwb/ state directory with its .gitignore. An existing
// mlwb.yaml is an error wrapping ErrConfigExists unless force is set, in
// which case it is replaced. written lists the files created or replaced.
func Init(root string, force bool) (written []string, err error) {
	abs, err := filepath.Abs(root)
	if err != nil {
		return nil, fmt.Errorf("initialising project at %s: %w", root, err)
	}
	path := filepath.Join(abs, ConfigFile)
	flags := os.O_WRONLY | os.O_CREATE | os.O_EXCL
	if force {
		flags = os.O_WRONLY | os.O_CREATE | os.O_TRUNC
	}
	f, err := os.OpenFile(path, flags, 0o644)
	if errors.Is(err, os.ErrExist) {
		return nil, fmt.Errorf("%s: %w (use --force to replace it)", path, ErrConfigExists)
	}
	if err != nil {
		return nil, fmt.Errorf("creating %s: %w", path, err)
	}
	if _, err := f.WriteString(Template(defaultName(abs))); err != nil {
		f.Close()
		return nil, fmt.Errorf("writing %s: %w", path, err)
	}
	if err := f.Close(); err != nil {
		return nil, fmt.Errorf("writing %s: %w", path, err)
	}
	written = append(written, path)
	more, err := ensureStateDir(filepath.Join(abs, StateDirName))
	return append(written, more...), err
}
