package data

import (
	"fmt"
	"os"
	"path/filepath"
)

// Output is a file written for the user (-o OUT): into a temporary file beside the target,
// renamed over it by Commit, so a failed or cancelled write never leaves half a file under the
// name and an output that names the input does not truncate it before it is read. A device or a
// pipe (/dev/null, a fifo) is written in place instead — renaming over it would replace the
// device with a regular file, for the whole machine when run as root. The file gets the mode of
// the one it replaces (0644 when new; os.CreateTemp makes 0600), and a symlink is followed, so
// the link stays and its target is replaced.
type Output struct {
	*os.File
	path    string // the target, symlinks resolved
	mode    os.FileMode
	inPlace bool
	done    bool
}

// CreateOutput opens path for writing as described on Output.
func CreateOutput(path string) (*Output, error) {
	target := path
	if t, err := filepath.EvalSymlinks(path); err == nil {
		target = t
	}
	mode := os.FileMode(0o644)
	if st, err := os.Stat(target); err == nil {
		if !st.Mode().IsRegular() {
			f, err := os.OpenFile(target, os.O_WRONLY, 0)
			if err != nil {
				return nil, fmt.Errorf("output: %w", err)
			}
			return &Output{File: f, path: target, inPlace: true}, nil
		}
		mode = st.Mode().Perm()
	}
	f, err := os.CreateTemp(filepath.Dir(target), "."+filepath.Base(target)+".tmp-*")
	if err != nil {
		return nil, fmt.Errorf("output: %w", err)
	}
	return &Output{File: f, path: target, mode: mode}, nil
}

// Commit closes the output and puts it in place.
func (o *Output) Commit() error {
	if o.done {
		return nil
	}
	o.done = true
	if err := o.File.Close(); err != nil {
		if !o.inPlace {
			os.Remove(o.File.Name())
		}
		return fmt.Errorf("output %s: %w", o.path, err)
	}
	if o.inPlace {
		return nil
	}
	if err := os.Chmod(o.File.Name(), o.mode); err != nil {
		os.Remove(o.File.Name())
		return fmt.Errorf("output %s: %w", o.path, err)
	}
	if err := os.Rename(o.File.Name(), o.path); err != nil {
		os.Remove(o.File.Name())
		return fmt.Errorf("output %s: %w", o.path, err)
	}
	return nil
}

// Abort closes the output and removes what was written; the target is never touched. It does
// nothing after Commit, so it can be deferred.
func (o *Output) Abort() {
	if o.done {
		return
	}
	o.done = true
	o.File.Close()
	if !o.inPlace {
		os.Remove(o.File.Name())
	}
}
