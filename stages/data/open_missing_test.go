package data

import (
	"context"
	"errors"
	"io/fs"
	"path/filepath"
	"strings"
	"testing"
)

// TestMissingFileError: a file that is not there is named once, as the system says it
// ("open PATH: no such file or directory"), by every reader, and is still fs.ErrNotExist.
func TestMissingFileError(t *testing.T) {
	path := filepath.Join(t.TempDir(), "nope.csv")
	ctx := context.Background()
	_, perr := ProfileFile(ctx, path, Options{})
	_, _, herr := Head(path, 5)
	_, ferr := FilterFile(ctx, path, FilterOptions{Expr: "a > 1"})
	_, serr := SortFile(ctx, path, SortOptions{Keys: []SortKey{{Column: "a"}}})
	_, ierr := BuildRowIndex(ctx, path, IndexOptions{})
	for name, err := range map[string]error{"profile": perr, "head": herr, "filter": ferr, "sort": serr, "index": ierr} {
		if err == nil || !errors.Is(err, fs.ErrNotExist) || strings.Count(err.Error(), path) != 1 || strings.Count(err.Error(), "open ") != 1 {
			t.Errorf("%s: %v", name, err)
		}
	}
}
