package store

import (
	"context"
	"testing"
)

// TestAlertsLeaveOutDeletedRuns: a deleted run's alerts are not among the alerts any more (the
// status line kept warning of runs removed with `runs rm`); a run-less alert stays.
func TestAlertsLeaveOutDeletedRuns(t *testing.T) {
	s := openTemp(t)
	ctx := context.Background()
	var ids []int64
	for _, name := range []string{"kept", "removed"} {
		r := &Run{Name: name}
		if err := s.CreateRun(ctx, r, nil, nil); err != nil {
			t.Fatal(err)
		}
		if _, err := s.RaiseAlert(ctx, &Alert{RunID: r.ID, Rule: "ended_badly", Message: name}); err != nil {
			t.Fatal(err)
		}
		ids = append(ids, r.ID)
	}
	if _, err := s.RaiseAlert(ctx, &Alert{Rule: "disk", Message: "no run"}); err != nil {
		t.Fatal(err)
	}
	if err := s.DeleteRun(ctx, ids[1]); err != nil {
		t.Fatal(err)
	}
	got, err := s.Alerts(ctx, nil, true)
	if err != nil || len(got) != 2 {
		t.Fatalf("alerts %+v %v, want the kept run's and the run-less one", got, err)
	}
	for _, a := range got {
		if a.RunID == ids[1] {
			t.Fatalf("the deleted run's alert is still listed: %+v", a)
		}
	}
}
