package runs

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/mlwb/mlwb/store"
)

// mlflowClientRole logs to the tracking API named by its environment as the MLflow client does
// (log-batch, log-parameter, then end_run's update to FINISHED), and exits with args[0].
func mlflowClientRole(args []string) int {
	uri, run, exp := os.Getenv("MLFLOW_TRACKING_URI"), os.Getenv("MLFLOW_RUN_ID"), os.Getenv("MLFLOW_EXPERIMENT_ID")
	if uri == "" || run == "" || exp == "" {
		fmt.Fprintln(os.Stderr, "no MLflow environment")
		return 2
	}
	post := func(path, body string) error {
		resp, err := http.Post(uri+"/api/2.0/mlflow/"+path, "application/json", strings.NewReader(body))
		if err != nil {
			return err
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		if resp.StatusCode != http.StatusOK {
			return fmt.Errorf("%s: %d %s", path, resp.StatusCode, b)
		}
		return nil
	}
	var ms []string
	for i := range 100 {
		ms = append(ms, fmt.Sprintf(`{"key":"val_loss","value":%g,"timestamp":%d,"step":%d}`, 1/float64(i+1), 1700000000000+i, i))
	}
	for _, c := range [][2]string{
		{"runs/log-batch", `{"run_id":"` + run + `","metrics":[` + strings.Join(ms, ",") + `]}`},
		{"runs/log-parameter", `{"run_id":"` + run + `","key":"optimizer","value":"adam"}`},
		{"runs/update", `{"run_id":"` + run + `","status":"FINISHED","end_time":1700000000999}`},
	} {
		if err := post(c[0], c[1]); err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 2
		}
	}
	code, _ := strconv.Atoi(args[0])
	return code
}

// TestChildLogsThroughTrackingAPI: a child using the MLflow API records into its own run; its
// end_run does not end the run early, and its exit status decides the end.
func TestChildLogsThroughTrackingAPI(t *testing.T) {
	p, s := newProject(t)
	for _, code := range []int{0, 3} {
		r := launch(t, p, s, LaunchOptions{Command: []string{"env", roleEnv + "=mlflowclient", os.Args[0], strconv.Itoa(code)}})
		r = waitEnd(t, s, r.ID, 60*time.Second)
		want := store.StatusFinished
		if code != 0 {
			want = store.StatusFailed
		}
		if r.Status != want || r.ExitCode == nil || *r.ExitCode != code {
			log, _ := os.ReadFile(r.LogPath)
			t.Fatalf("exit %d recorded as %s %v; log:\n%s", code, r.Status, r.ExitCode, log)
		}
		if r.Ended.UnixMilli() == 1700000000999 {
			t.Fatalf("the client's end_time ended the supervised run")
		}
		h, err := s.History(context.Background(), r.ID, "val_loss")
		if err != nil || len(h) != 100 || h[99].Step != 99 || h[99].Value != 0.01 {
			t.Fatalf("val_loss history: %d points, err %v", len(h), err)
		}
		params, err := s.Params(context.Background(), []int64{r.ID})
		if err != nil || params[r.ID]["optimizer"] != "adam" {
			t.Fatalf("params %v, err %v", params, err)
		}
	}
}
