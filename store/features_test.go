package store

import (
	"context"
	"strings"
	"testing"
)

// TestFeatureBuilds: a build is stored against real dataset versions and read back, newest first,
// with both versions' hashes; an input version that does not exist is refused by the foreign key.
func TestFeatureBuilds(t *testing.T) {
	s := openTemp(t)
	ctx := context.Background()
	ds, err := s.UpsertDataset(ctx, Dataset{Name: "raw", Path: "raw.csv"})
	if err != nil {
		t.Fatal(err)
	}
	feat, err := s.UpsertDataset(ctx, Dataset{Name: "feat", Path: "feat.csv"})
	if err != nil {
		t.Fatal(err)
	}
	in, err := s.AddDatasetVersion(ctx, DatasetVersion{DatasetID: ds, ContentHash: "aaaa", Size: 10, Rows: 2, Columns: 3})
	if err != nil {
		t.Fatal(err)
	}
	out, err := s.AddDatasetVersion(ctx, DatasetVersion{DatasetID: feat, ContentHash: "bbbb", Size: 12, Rows: 2, Columns: 5})
	if err != nil {
		t.Fatal(err)
	}
	first, err := s.AddFeatureBuild(ctx, FeatureBuild{SpecPath: "f.yaml", SpecHash: "s1", InputVersionID: in, OutputVersionID: out, OutputPath: "feat.csv"})
	if err != nil {
		t.Fatal(err)
	}
	second, err := s.AddFeatureBuild(ctx, FeatureBuild{SpecPath: "f.yaml", SpecHash: "s2", InputVersionID: in, OutputPath: "other.csv"})
	if err != nil {
		t.Fatal(err)
	}
	got, err := s.FeatureBuilds(ctx, 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || got[0].ID != second || got[1].ID != first {
		t.Fatalf("builds = %+v, want ids %d then %d", got, second, first)
	}
	b := got[1]
	if b.SpecHash != "s1" || b.InputHash != "aaaa" || b.OutputHash != "bbbb" || b.OutputVersionID != out || b.OutputPath != "feat.csv" || b.Created.IsZero() {
		t.Fatalf("first build read back as %+v", b)
	}
	if got[0].OutputVersionID != 0 || got[0].OutputHash != "" {
		t.Fatalf("a build with no output version read back as %+v", got[0])
	}
	if one, err := s.FeatureBuilds(ctx, 1); err != nil || len(one) != 1 || one[0].ID != second {
		t.Fatalf("limit 1: %+v %v", one, err)
	}
	_, err = s.AddFeatureBuild(ctx, FeatureBuild{SpecPath: "f.yaml", SpecHash: "s3", InputVersionID: 999, OutputPath: "x.csv"})
	if err == nil || !strings.Contains(err.Error(), "FOREIGN KEY") {
		t.Fatalf("a build of a missing version: err = %v, want a foreign key failure", err)
	}
}
