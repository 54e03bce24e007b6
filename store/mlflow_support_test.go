package store

import (
	"context"
	"errors"
	"testing"
	"time"
)

func TestExperimentsLifecycle(t *testing.T) {
	s := openTemp(t)
	ctx := context.Background()
	id, err := s.CreateExperiment(ctx, "exp-a", "", map[string]string{"team": "x"})
	if err != nil || id <= 0 {
		t.Fatalf("create: %d %v", id, err)
	}
	if _, err := s.CreateExperiment(ctx, "exp-a", "", nil); !errors.Is(err, ErrExists) {
		t.Fatalf("duplicate name: %v, want ErrExists", err)
	}
	e, err := s.GetExperimentByName(ctx, "exp-a")
	if err != nil || e.ID != id || e.Tags["team"] != "x" || e.LifecycleStage != LifecycleActive {
		t.Fatalf("by name: %+v %v", e, err)
	}
	if _, err := s.GetExperiment(ctx, 999); !errors.Is(err, ErrNotFound) {
		t.Fatalf("missing: %v", err)
	}
	r := &Run{ExperimentID: id}
	if err := s.CreateRun(ctx, r, nil, nil); err != nil {
		t.Fatal(err)
	}
	if err := s.DeleteExperiment(ctx, id); err != nil {
		t.Fatal(err)
	}
	if ref, err := s.LookupRun(ctx, r.UUID); err != nil || !ref.Deleted || ref.ID != r.ID {
		t.Fatalf("run of a deleted experiment: %+v %v", ref, err)
	}
	if err := s.DeleteExperiment(ctx, DefaultExperimentID); !errors.Is(err, ErrDefaultExperiment) {
		t.Fatalf("delete default: %v", err)
	}
	active, err := s.SearchExperiments(ctx, ExperimentQuery{})
	if err != nil || len(active) != 1 || active[0].Name != "Default" {
		t.Fatalf("active: %v %v", active, err)
	}
	if err := s.RestoreExperiment(ctx, id); err != nil {
		t.Fatal(err)
	}
	if ref, _ := s.LookupRun(ctx, r.UUID); ref.Deleted {
		t.Fatal("run not restored with its experiment")
	}
	if err := s.RenameExperiment(ctx, id, "Default"); !errors.Is(err, ErrExists) {
		t.Fatalf("rename onto a used name: %v", err)
	}
	if err := s.RenameExperiment(ctx, id, "exp-b"); err != nil {
		t.Fatal(err)
	}
	if err := s.SetExperimentTag(ctx, id, "k", "v"); err != nil {
		t.Fatal(err)
	}
	if err := s.DeleteExperimentTag(ctx, id, "nope"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("delete missing tag: %v", err)
	}
	got, err := s.SearchExperiments(ctx, ExperimentQuery{
		Filters: []Filter{{Kind: FilterAttr, Key: "name", Op: OpLike, Value: "exp-%"}, {Kind: FilterTag, Key: "k", Op: OpEq, Value: "v"}},
	})
	if err != nil || len(got) != 1 || got[0].Name != "exp-b" || got[0].Tags["team"] != "x" {
		t.Fatalf("search: %v %v", got, err)
	}
	// LIKE is case-sensitive, ILIKE is not.
	if got, _ := s.SearchExperiments(ctx, ExperimentQuery{Filters: []Filter{{Kind: FilterAttr, Key: "name", Op: OpLike, Value: "EXP-%"}}}); len(got) != 0 {
		t.Fatalf("LIKE matched across case: %v", got)
	}
	if got, _ := s.SearchExperiments(ctx, ExperimentQuery{Filters: []Filter{{Kind: FilterAttr, Key: "name", Op: OpILike, Value: "EXP-%"}}}); len(got) != 1 {
		t.Fatalf("ILIKE: %v", got)
	}
	if _, err := s.SearchExperiments(ctx, ExperimentQuery{Filters: []Filter{{Kind: FilterAttr, Key: "name; DROP TABLE runs", Op: OpEq, Value: "x"}}}); !errors.Is(err, ErrBadQuery) {
		t.Fatalf("unknown attribute: %v", err)
	}
	if _, err := s.SearchExperiments(ctx, ExperimentQuery{Filters: []Filter{{Kind: FilterAttr, Key: "name", Op: "= 1 OR", Value: "x"}}}); !errors.Is(err, ErrBadQuery) {
		t.Fatalf("unknown operator: %v", err)
	}
}

func TestParamsNeverChange(t *testing.T) {
	s := openTemp(t)
	ctx := context.Background()
	r := &Run{}
	if err := s.CreateRun(ctx, r, nil, nil); err != nil {
		t.Fatal(err)
	}
	if err := s.LogParams(ctx, r.ID, []KV{{"lr", "0.1"}, {"bs", "32"}}); err != nil {
		t.Fatal(err)
	}
	if err := s.LogParams(ctx, r.ID, []KV{{"lr", "0.1"}}); err != nil {
		t.Fatalf("same value again: %v", err)
	}
	err := s.LogParamsAndTags(ctx, r.ID, []KV{{"new", "1"}, {"lr", "0.2"}}, []KV{{"t", "1"}})
	if !errors.Is(err, ErrParamChanged) {
		t.Fatalf("changed value: %v", err)
	}
	p, _ := s.Params(ctx, []int64{r.ID})
	tg, _ := s.Tags(ctx, []int64{r.ID})
	if p[r.ID]["lr"] != "0.1" || p[r.ID]["new"] != "" || len(tg[r.ID]) != 0 {
		t.Fatalf("a refused call wrote something: %v %v", p, tg)
	}
	if err := s.LogParams(ctx, r.ID, []KV{{"x", "1"}, {"x", "2"}}); !errors.Is(err, ErrParamChanged) {
		t.Fatalf("a key twice in one call with two values: %v", err)
	}
	if err := s.DeleteRunTag(ctx, r.ID, "t"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("delete missing tag: %v", err)
	}
}

func TestSearchRunsFiltersAndOrder(t *testing.T) {
	s := openTemp(t)
	ctx := context.Background()
	base := time.Now().Add(-time.Hour)
	var runs []*Run
	for i, acc := range []float64{0.5, 0.9, 0.95, 0.7} {
		r := &Run{Name: []string{"a", "b", "c", "d"}[i], Started: base.Add(time.Duration(i) * time.Minute)}
		if err := s.CreateRun(ctx, r, map[string]string{"lr": []string{"0.1", "0.01", "0.01", "0.1"}[i]},
			map[string]string{"kind": []string{"Big", "small", "big", "small"}[i]}); err != nil {
			t.Fatal(err)
		}
		if i != 3 { // run d has no accuracy
			if err := s.WriteMetrics(ctx, []Point{{RunID: r.ID, Key: "acc", Step: 1, Time: 1, Value: acc}}); err != nil {
				t.Fatal(err)
			}
		}
		runs = append(runs, r)
	}
	if err := s.UpdateRun(ctx, runs[1].ID, RunUpdate{Status: StatusFinished, Ended: time.Now()}); err != nil {
		t.Fatal(err)
	}
	if err := s.DeleteRun(ctx, runs[2].ID); err != nil {
		t.Fatal(err)
	}
	names := func(q RunSearch) string {
		t.Helper()
		q.ExperimentIDs = []int64{0}
		got, err := s.SearchRuns(ctx, q)
		if err != nil {
			t.Fatal(err)
		}
		out := ""
		for _, e := range got {
			out += e.Name
		}
		return out
	}
	cases := []struct {
		q    RunSearch
		want string
	}{
		{RunSearch{}, "dba"}, // started DESC; c is deleted
		{RunSearch{Lifecycle: ViewDeleted}, "c"},
		{RunSearch{Lifecycle: ViewAll}, "dcba"},
		{RunSearch{Filters: []Filter{{FilterMetric, "acc", OpGt, 0.6}}}, "b"},
		{RunSearch{Filters: []Filter{{FilterParam, "lr", OpEq, "0.1"}}}, "da"},
		{RunSearch{Filters: []Filter{{FilterTag, "kind", OpLike, "b%"}}, Lifecycle: ViewAll}, "c"},
		{RunSearch{Filters: []Filter{{FilterTag, "kind", OpILike, "b%"}}, Lifecycle: ViewAll}, "ca"},
		{RunSearch{Filters: []Filter{{FilterAttr, "status", OpIn, []string{"finished"}}}}, "b"},
		{RunSearch{Filters: []Filter{{FilterAttr, "status", OpNotIn, []string{"finished"}}}}, "da"},
		{RunSearch{Filters: []Filter{{FilterParam, "missing", OpNe, "x"}}}, ""},
		{RunSearch{Order: []Order{{FilterMetric, "acc", false}}}, "abd"}, // d lacks acc: last
		{RunSearch{Order: []Order{{FilterMetric, "acc", true}}}, "bad"},
		{RunSearch{Order: []Order{{FilterAttr, "name", false}}, Limit: 2, Offset: 1}, "bd"},
		{RunSearch{Filters: []Filter{{FilterParam, "lr", OpEq, "0.1' OR '1'='1"}}}, ""},
	}
	for i, c := range cases {
		if got := names(c.q); got != c.want {
			t.Errorf("case %d %+v: got %q, want %q", i, c.q, got, c.want)
		}
	}
	if _, err := s.SearchRuns(ctx, RunSearch{ExperimentIDs: []int64{0}, Filters: []Filter{{FilterAttr, "started", OpGt, "x"}}}); !errors.Is(err, ErrBadQuery) {
		t.Fatalf("string against a number column: %v", err)
	}
	e, err := s.GetRunEntry(ctx, runs[2].UUID)
	if err != nil || e.Deleted.IsZero() || e.Name != "c" {
		t.Fatalf("entry of a deleted run: %+v %v", e, err)
	}
	if err := s.RestoreRun(ctx, runs[2].ID); err != nil {
		t.Fatal(err)
	}
	if got := names(RunSearch{}); got != "dcba" {
		t.Fatalf("after restore: %q", got)
	}
}

func TestArtifactRecords(t *testing.T) {
	s := openTemp(t)
	ctx := context.Background()
	r := &Run{}
	if err := s.CreateRun(ctx, r, nil, nil); err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{"model/a.bin", "model/b.bin", "modelx.txt", "plot.png"} {
		if err := s.RecordArtifact(ctx, Artifact{RunID: r.ID, Path: p, Size: 3}); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.RecordArtifact(ctx, Artifact{RunID: r.ID, Path: "plot.png", Size: 9, Hash: "h"}); err != nil {
		t.Fatal(err)
	}
	all, _ := s.Artifacts(ctx, r.ID, "")
	sub, _ := s.Artifacts(ctx, r.ID, "model")
	if len(all) != 4 || all[3].Size != 9 || all[3].Hash != "h" || len(sub) != 2 {
		t.Fatalf("all %v, under model %v", all, sub)
	}
}
