package runs

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/mlwb/mlwb/stages/live"
	"github.com/mlwb/mlwb/store"
)

// TestSupervisorRaisesAlerts: with no viewer open, the supervisor itself checks the alert rules for
// its run: a loss that turns NaN while the process runs is raised (once, however many checks
// follow), and the run's failure is raised by the check after the end is recorded.
func TestSupervisorRaisesAlerts(t *testing.T) {
	p, s := newProject(t)
	yaml := "alerts:\n  check_every: 100ms\n"
	if err := os.WriteFile(filepath.Join(p.Root, "mlwb.yaml"), []byte(yaml), 0o644); err != nil {
		t.Fatal(err)
	}
	goFile := filepath.Join(t.TempDir(), "go")
	script := `echo "step=1 loss=0.5"; echo "step=2 loss=nan"; while [ ! -e "$1" ]; do sleep 0.05; done; exit 3`
	r := launch(t, p, s, LaunchOptions{Command: []string{"sh", "-c", script, "x", goFile}})
	waitRunning(t, s, r.ID)
	ctx := context.Background()

	var nan store.Alert
	deadline := time.Now().Add(30 * time.Second)
	for nan.ID == 0 {
		if time.Now().After(deadline) {
			t.Fatal("no NaN-loss alert raised within 30 s while the run was running")
		}
		as, err := s.Alerts(ctx, []int64{r.ID}, true)
		if err != nil {
			t.Fatal(err)
		}
		for _, a := range as {
			if a.Rule == live.RuleNonFinite {
				nan = a
			}
		}
		time.Sleep(20 * time.Millisecond)
	}
	if got, _ := s.GetRun(ctx, r.ID); got.Status != store.StatusRunning {
		t.Fatalf("the alert was seen only after the run ended (%s): it must be raised while it runs", got.Status)
	}
	if nan.Message != "loss is NaN at step 2" || nan.Severity != "error" {
		t.Fatalf("NaN alert %+v", nan)
	}
	time.Sleep(500 * time.Millisecond) // several more checks, none of which may raise it again

	if err := os.WriteFile(goFile, []byte("1"), 0o644); err != nil {
		t.Fatal(err)
	}
	if r = waitEnd(t, s, r.ID, 60*time.Second); r.Status != store.StatusFailed {
		t.Fatalf("run ended %s", r.Status)
	}
	// The supervisor records the end and then checks once more: give that last check a moment.
	var all []store.Alert
	for range 250 {
		var err error
		if all, err = s.Alerts(ctx, []int64{r.ID}, false); err != nil {
			t.Fatal(err)
		}
		if len(all) >= 2 {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	byRule := map[string][]store.Alert{}
	for _, a := range all {
		byRule[a.Rule] = append(byRule[a.Rule], a)
	}
	if n := len(byRule[live.RuleNonFinite]); n != 1 {
		t.Fatalf("%d NaN-loss alerts, want the one: %+v", n, all)
	}
	ended := byRule[live.RuleEnded]
	if len(ended) != 1 || ended[0].Message != "run failed with exit code 3" || ended[0].Cleared != 0 {
		t.Fatalf("ended-badly alerts %+v (all: %+v)", ended, all)
	}
	if len(all) != 2 {
		t.Fatalf("alerts %+v, want the NaN loss and the failure only", all)
	}
}
