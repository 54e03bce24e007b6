package store

import (
	"context"
	"testing"
)

// TestRunNamesPrintable: a run name with control characters (an ESC sequence, a newline), from
// the command line or renamed over the MLflow API, is stored with their control pictures, so no
// table or legend sends it to the terminal raw.
func TestRunNamesPrintable(t *testing.T) {
	s := openTemp(t)
	ctx := context.Background()
	r := &Run{Name: "esc\x1b[31mRED\x1b[0m\nnext\x7f"}
	if err := s.CreateRun(ctx, r, nil, nil); err != nil {
		t.Fatal(err)
	}
	got, err := s.GetRun(ctx, r.ID)
	if want := "esc␛[31mRED␛[0m␊next␡"; err != nil || got.Name != want || r.Name != want {
		t.Fatalf("stored %q (run %q), %v; want %q", got.Name, r.Name, err, want)
	}
	name := "tab\there"
	if err := s.UpdateRun(ctx, r.ID, RunUpdate{Name: &name}); err != nil {
		t.Fatal(err)
	}
	if got, _ := s.GetRun(ctx, r.ID); got.Name != "tab␉here" {
		t.Fatalf("renamed to %q", got.Name)
	}
}
