package store

import (
	"context"
	"reflect"
	"testing"
)

// TestLabelsSetUndoReopen: labels are set, overwritten and removed; undo walks the history back one
// step (one batch) at a time; everything is read back from a reopened file; versions that carry
// labels are listed with their counts.
func TestLabelsSetUndoReopen(t *testing.T) {
	s := openTemp(t)
	ctx := context.Background()
	ds, err := s.UpsertDataset(ctx, Dataset{Name: "d", Path: "d.csv"})
	if err != nil {
		t.Fatal(err)
	}
	v1, _ := s.AddDatasetVersion(ctx, DatasetVersion{DatasetID: ds, ContentHash: "h1", Size: 1, Rows: -1, Columns: -1})
	v2, _ := s.AddDatasetVersion(ctx, DatasetVersion{DatasetID: ds, ContentHash: "h2", Size: 1, Rows: -1, Columns: -1})
	steps := [][]LabelEdit{
		{{Row: 0, Hash: "a", Label: "good"}},
		{{Row: 10, Hash: "b", Label: "bad"}, {Row: 2, Hash: "c", Label: "good"}},
		{{Row: 0, Hash: "a", Label: "bad"}},  // overwrite
		{{Row: 10, Label: ""}},               // remove
		{{Row: 2, Hash: "c", Label: "good"}}, // no change: no undo step
	}
	for _, e := range steps {
		if err := s.SetLabels(ctx, v1, e); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.SetLabels(ctx, v2, []LabelEdit{{Row: 5, Hash: "z", Label: "bad"}}); err != nil {
		t.Fatal(err)
	}
	path := s.Path()
	s.Close()
	s, err = Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	got := func() map[int64]string {
		ls, err := s.Labels(ctx, v1)
		if err != nil {
			t.Fatal(err)
		}
		m := map[int64]string{}
		for _, l := range ls {
			m[l.Row] = l.Label + "/" + l.Hash
		}
		return m
	}
	want := map[int64]string{0: "bad/a", 2: "good/c"}
	if g := got(); !reflect.DeepEqual(g, want) {
		t.Fatalf("after reopening: %v, want %v", g, want)
	}
	if c, _ := s.LabelCounts(ctx, v1); !reflect.DeepEqual(c, map[string]int64{"bad": 1, "good": 1}) {
		t.Fatalf("counts %v", c)
	}
	vs, err := s.LabelledVersions(ctx, ds)
	if err != nil || len(vs) != 2 || vs[0].Version.ContentHash != "h2" || vs[0].Count != 1 || vs[1].Count != 2 {
		t.Fatalf("labelled versions %+v %v", vs, err)
	}
	undo := []struct {
		restored []LabelEdit
		want     map[int64]string
	}{
		{[]LabelEdit{{Row: 10, Hash: "b", Label: "bad"}}, map[int64]string{0: "bad/a", 2: "good/c", 10: "bad/b"}},
		{[]LabelEdit{{Row: 0, Hash: "a", Label: "good"}}, map[int64]string{0: "good/a", 2: "good/c", 10: "bad/b"}},
		{[]LabelEdit{{Row: 2}, {Row: 10}}, map[int64]string{0: "good/a"}},
		{[]LabelEdit{{Row: 0}}, map[int64]string{}},
	}
	for i, u := range undo {
		r, ok, err := s.UndoLabels(ctx, v1)
		if err != nil || !ok || !reflect.DeepEqual(r, u.restored) {
			t.Fatalf("undo %d: %+v %v %v, want %+v", i, r, ok, err, u.restored)
		}
		if g := got(); !reflect.DeepEqual(g, u.want) {
			t.Fatalf("after undo %d: %v, want %v", i, g, u.want)
		}
	}
	if _, ok, err := s.UndoLabels(ctx, v1); ok || err != nil {
		t.Fatalf("undo past the start: %v %v", ok, err)
	}
	if ls, _ := s.Labels(ctx, v2); len(ls) != 1 {
		t.Fatalf("the other version's labels were touched: %+v", ls)
	}
}
