package store

import (
	"context"
	"errors"
	"testing"
	"time"
)

func TestEvaluationsSaveReplaceRead(t *testing.T) {
	s := openTemp(t)
	ctx := context.Background()
	r := &Run{Name: "eval", Command: []string{"train"}, Started: time.UnixMilli(1_700_000_000_000)}
	if err := s.CreateRun(ctx, r, nil, nil); err != nil {
		t.Fatal(err)
	}
	got, err := s.Evaluations(ctx, r.ID)
	if err != nil || len(got) != 0 {
		t.Fatalf("Evaluations of a new run = %v, %v; want none", got, err)
	}
	if err := s.SaveEvaluation(ctx, r.ID, "classification", []byte(`{"accuracy":0.5}`)); err != nil {
		t.Fatal(err)
	}
	if err := s.SaveEvaluation(ctx, r.ID, "regression", []byte(`{"mae":1}`)); err != nil {
		t.Fatal(err)
	}
	// Saving a kind again replaces it (and its time).
	var before int64
	s.db.QueryRow("SELECT created_at FROM evaluations WHERE run_id = ? AND kind = 'classification'", r.ID).Scan(&before)
	time.Sleep(2 * time.Millisecond)
	if err := s.SaveEvaluation(ctx, r.ID, "classification", []byte(`{"accuracy":0.75}`)); err != nil {
		t.Fatal(err)
	}
	got, err = s.Evaluations(ctx, r.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || string(got["classification"]) != `{"accuracy":0.75}` || string(got["regression"]) != `{"mae":1}` {
		t.Fatalf("Evaluations = %q", got)
	}
	var after, n int64
	s.db.QueryRow("SELECT created_at, (SELECT count(*) FROM evaluations) FROM evaluations WHERE run_id = ? AND kind = 'classification'",
		r.ID).Scan(&after, &n)
	if after <= before || n != 2 {
		t.Fatalf("created_at %d -> %d, %d rows; want a later time and 2 rows", before, after, n)
	}

	// Another run's reports stay apart.
	r2 := &Run{Name: "other", Command: []string{"train"}}
	if err := s.CreateRun(ctx, r2, nil, nil); err != nil {
		t.Fatal(err)
	}
	if got, err := s.Evaluations(ctx, r2.ID); err != nil || len(got) != 0 {
		t.Fatalf("Evaluations of another run = %q, %v", got, err)
	}
}

func TestSaveEvaluationRefusals(t *testing.T) {
	s := openTemp(t)
	ctx := context.Background()
	if err := s.SaveEvaluation(ctx, 12345, "classification", []byte(`{}`)); !errors.Is(err, ErrNotFound) {
		t.Fatalf("saving for a missing run: %v, want ErrNotFound", err)
	}
	r := &Run{Name: "x", Command: []string{"train"}}
	if err := s.CreateRun(ctx, r, nil, nil); err != nil {
		t.Fatal(err)
	}
	if err := s.SaveEvaluation(ctx, r.ID, "classification", []byte(`{"broken`)); err == nil {
		t.Fatal("saved a report that is not JSON")
	}
	if err := s.SaveEvaluation(ctx, r.ID, "", []byte(`{}`)); err == nil {
		t.Fatal("saved a report without a kind")
	}
	if got, _ := s.Evaluations(ctx, r.ID); len(got) != 0 {
		t.Fatalf("refused saves left %q", got)
	}
}
