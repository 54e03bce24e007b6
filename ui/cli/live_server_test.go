package cli

import (
	"context"
	"io"
	"net/http"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/mlwb/mlwb/store"
)

// TestServerServesMetrics runs `mlwb server --token` and scrapes /metrics: refused without the
// token, the run's last value with it, and the MLflow API still answering beside it.
func TestServerServesMetrics(t *testing.T) {
	db := filepath.Join(t.TempDir(), "state.db")
	s, err := store.Open(db)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	r := &store.Run{Name: "m", Status: store.StatusRunning}
	if err := s.CreateRun(context.Background(), r, nil, nil); err != nil {
		t.Fatal(err)
	}
	if err := s.WriteMetrics(context.Background(), []store.Point{{RunID: r.ID, Key: "val-acc", Step: 1, Value: 0.875}}); err != nil {
		t.Fatal(err)
	}
	cmd := newServerCmd(&globals{db: db})
	cmd.SetArgs([]string{"--port", "0", "--token", "tok"})
	var out syncBuffer
	cmd.SetOut(&out)
	cmd.SetErr(io.Discard)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- cmd.ExecuteContext(ctx) }()
	defer func() { cancel(); <-done }()
	re := regexp.MustCompile(`Prometheus metrics on (http://\S+)`)
	var url string
	for deadline := time.Now().Add(60 * time.Second); url == ""; time.Sleep(20 * time.Millisecond) {
		if m := re.FindStringSubmatch(out.String()); m != nil {
			url = m[1]
		} else if time.Now().After(deadline) {
			t.Fatalf("no metrics URL:\n%s", out.String())
		}
	}
	call := func(u, token string) (int, string) {
		req, _ := http.NewRequest(http.MethodGet, u, nil)
		if token != "" {
			req.Header.Set("Authorization", "Bearer "+token)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	if code, _ := call(url, ""); code != http.StatusUnauthorized {
		t.Errorf("no token: %d", code)
	}
	code, body := call(url, "tok")
	if want := `mlwb_run_metric{key="val-acc",name="m",run="1"} 0.875`; code != 200 || !strings.Contains(body, want) {
		t.Errorf("status %d, %q missing", code, want)
	}
	api := strings.TrimSuffix(url, "/metrics") + "/api/2.0/mlflow/experiments/get?experiment_id=0"
	if code, body := call(api, "tok"); code != 200 || !strings.Contains(body, "Default") {
		t.Errorf("MLflow API beside /metrics: %d %s", code, body)
	}
}
