package diff

import (
	"path/filepath"
	"testing"
	"time"

	"github.com/mlwb/mlwb/stages/project"
	"github.com/mlwb/mlwb/store"
	"github.com/mlwb/mlwb/themes"
	"github.com/mlwb/mlwb/ui/common"
)

// projectContext is the context a Diff page gets for the project in dir: a new store in a temp
// dir (closed when the test ends) and the palette given.
func projectContext(t *testing.T, dir string, pal themes.Palette) *common.Context {
	t.Helper()
	proj, err := project.Discover(dir)
	if err != nil {
		t.Fatal(err)
	}
	s, err := store.Open(filepath.Join(t.TempDir(), "state.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return &common.Context{Store: s, Project: proj, Styles: themes.New(pal), Now: time.Now, Marked: map[int64]bool{}}
}
