package store

import (
	"context"
	"testing"
)

// TestUpsertDatasetOnePerFile: a dataset named by its own path (an undeclared file) is the
// dataset that already has that path, under whatever name, keeping its target unless a new one
// is given; a declared name is found by name, so two declared names on one file stay two; a new
// file is a new dataset.
func TestUpsertDatasetOnePerFile(t *testing.T) {
	s := openTemp(t)
	ctx := context.Background()
	a, err := s.UpsertDataset(ctx, Dataset{Name: "d", Path: "data/d.csv", Target: "y"})
	if err != nil {
		t.Fatal(err)
	}
	for i, st := range []struct {
		d      Dataset
		target string
	}{
		{Dataset{Name: "data/d.csv", Path: "data/d.csv"}, "y"},
		{Dataset{Name: "data/d.csv", Path: "data/d.csv", Target: "z"}, "z"},
	} {
		id, err := s.UpsertDataset(ctx, st.d)
		if err != nil || id != a {
			t.Fatalf("step %d: id %d, %v; want %d", i, id, err, a)
		}
		all, err := s.ListDatasets(ctx)
		if err != nil || len(all) != 1 || all[0].Name != "d" || all[0].Target != st.target {
			t.Fatalf("step %d: datasets %+v %v", i, all, err)
		}
	}
	other, err := s.UpsertDataset(ctx, Dataset{Name: "second", Path: "data/d.csv"})
	if err != nil || other == a {
		t.Fatalf("a second declared name on the file: id %d (first %d), %v", other, a, err)
	}
	b, err := s.UpsertDataset(ctx, Dataset{Name: "data/e.csv", Path: "data/e.csv"})
	if err != nil || b == a || b == other {
		t.Fatalf("a new file: id %d, %v", b, err)
	}
	// A path stored as typed by an earlier CLI is the same file once cleaned.
	typed, err := s.UpsertDataset(ctx, Dataset{Name: "f", Path: "./data/f.csv"})
	if err != nil {
		t.Fatal(err)
	}
	if id, err := s.UpsertDataset(ctx, Dataset{Name: "data/f.csv", Path: "data/f.csv"}); err != nil || id != typed {
		t.Fatalf("./data/f.csv recorded before: id %d (want %d), %v", id, typed, err)
	}
	// An earlier store with two records for one file, one named by its path (the Data tab's,
	// with its labels): the path-named one is it.
	tab, err := s.UpsertDataset(ctx, Dataset{Name: "g", Path: "data/g.csv"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.db.Exec(`INSERT INTO datasets (name, path, target, created_at) VALUES ('data/g.csv', 'data/g.csv', '', 0)`); err != nil {
		t.Fatal(err)
	}
	if id, err := s.UpsertDataset(ctx, Dataset{Name: "data/g.csv", Path: "data/g.csv"}); err != nil || id == tab {
		t.Fatalf("two records: got the base-named one %d, %v", id, err)
	}
}
