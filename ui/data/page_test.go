package data

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	engine "github.com/mlwb/mlwb/stages/data"
	"github.com/mlwb/mlwb/stages/project"
	"github.com/mlwb/mlwb/store"
	"github.com/mlwb/mlwb/themes"
	"github.com/mlwb/mlwb/ui/common"
)

var ansi = regexp.MustCompile("\x1b\\[[0-9;]*m")

// drive runs a command and feeds every message it produces back into the page (batches
// included), as the Bubble Tea runtime would.
func drive(t *testing.T, p *Page, cmd tea.Cmd) {
	t.Helper()
	if cmd == nil {
		return
	}
	msg := cmd()
	if b, ok := msg.(tea.BatchMsg); ok {
		for _, c := range b {
			drive(t, p, c)
		}
		return
	}
	if msg == nil {
		return
	}
	_, next := p.Update(msg)
	drive(t, p, next)
}

// TestProfileFromTheTab presses p on a declared dataset: the profile runs in the background, the
// columns view shows its types and class balance, and the store holds it as a version that a
// fresh page shows again without profiling.
func TestProfileFromTheTab(t *testing.T) {
	dir := t.TempDir()
	csv := "id,score,label,when\n1,0.5,cat,2024-01-01\n2,0.75,dog,2024-01-02\n3,oops,cat,2024-01-03\n4,1.25,cat,\n"
	os.WriteFile(filepath.Join(dir, "d.csv"), []byte(csv), 0o644)
	os.WriteFile(filepath.Join(dir, "mlwb.yaml"), []byte("name: t\ndatasets:\n  - name: pets\n    path: d.csv\n    target: label\n"), 0o644)
	proj, err := project.Discover(dir)
	if err != nil {
		t.Fatal(err)
	}
	s, err := store.Open(filepath.Join(dir, "state.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	c := &common.Context{Store: s, Project: proj, Styles: themes.New(themes.Dark()), Now: time.Now, Marked: map[int64]bool{}}
	page := New(c)
	page.SetSize(100, 24)
	drive(t, page, page.Init())
	if v := ansi.ReplaceAllString(page.View(), ""); !strings.Contains(v, "pets") || !strings.Contains(v, "cat") {
		t.Fatalf("list and rows not shown:\n%s", v)
	}
	_, cmd := page.Update(tea.KeyPressMsg{Code: 'p', Text: "p"})
	drive(t, page, cmd)
	v := ansi.ReplaceAllString(page.View(), "")
	for _, want := range []string{"4 rows × 4 columns", "label: cat 3 (75%), dog 1 (25%)", "score", "string", "datetime"} {
		if !strings.Contains(v, want) {
			t.Errorf("columns view lacks %q:\n%s", want, v)
		}
	}
	sums, err := s.ListDatasets(context.Background())
	if err != nil || len(sums) != 1 || sums[0].Latest == nil || sums[0].Latest.Profile == "" || sums[0].Latest.Rows != 4 {
		t.Fatalf("stored: %+v %v", sums, err)
	}
	var stored engine.Profile
	if err := json.Unmarshal([]byte(sums[0].Latest.Profile), &stored); err != nil || stored.Columns[0].Name != "id" {
		t.Fatalf("stored profile: %v %+v", err, stored.Columns)
	}
	// A new page shows the stored profile at once.
	again := New(c)
	again.SetSize(100, 24)
	drive(t, again, again.Init())
	if v := ansi.ReplaceAllString(again.View(), ""); !strings.Contains(v, "4 rows × 4 columns") {
		t.Errorf("stored profile not shown:\n%s", v)
	}
}

// TestProfileErrorVisible: a dataset that cannot be profiled shows the error, and the page stays
// usable.
func TestProfileErrorVisible(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "d.csv"), []byte("a,b\n1,\"open\n"), 0o644)
	os.WriteFile(filepath.Join(dir, "mlwb.yaml"), []byte("name: t\ndatasets:\n  - name: bad\n    path: d.csv\n"), 0o644)
	proj, _ := project.Discover(dir)
	s, err := store.Open(filepath.Join(dir, "state.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	c := &common.Context{Store: s, Project: proj, Styles: themes.New(themes.Dark()), Now: time.Now, Marked: map[int64]bool{}}
	page := New(c)
	page.SetSize(100, 24)
	drive(t, page, page.Init())
	_, cmd := page.Update(tea.KeyPressMsg{Code: 'p', Text: "p"})
	drive(t, page, cmd)
	v := ansi.ReplaceAllString(page.View(), "")
	if !strings.Contains(v, "never") || !strings.Contains(v, "closed") || !strings.Contains(v, "d.csv: line 2") {
		t.Fatalf("error not shown:\n%s", v)
	}
	_, cmd = page.Update(tea.KeyPressMsg{Code: 'v', Text: "v"})
	drive(t, page, cmd)
}
