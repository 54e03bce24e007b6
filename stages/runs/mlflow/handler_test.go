package mlflow

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mlwb/mlwb/store"
)

// TestSession replays testdata/session.json: a whole tracking session as the MLflow client makes
// it, each answer checked against MLflow's exact response shape.
func TestSession(t *testing.T) {
	raw, err := os.ReadFile("testdata/session.json")
	if err != nil {
		t.Fatal(err)
	}
	var script struct {
		Steps []struct {
			Name    string          `json:"name"`
			Method  string          `json:"method"`
			Path    string          `json:"path"`
			Body    json.RawMessage `json:"body"`
			RawBody *string         `json:"raw_body"`
			Status  int             `json:"status"`
			Want    json.RawMessage `json:"want"`
			RawWant *string         `json:"raw_want"`
		} `json:"steps"`
	}
	if err := json.Unmarshal(raw, &script); err != nil {
		t.Fatal(err)
	}
	sv := newServer(t, Options{})
	vars := map[string]string{}
	for i, st := range script.Steps {
		var body *bytes.Reader
		switch {
		case st.RawBody != nil:
			body = bytes.NewReader([]byte(*st.RawBody))
		case st.Body != nil:
			body = bytes.NewReader([]byte(subst(string(st.Body), vars)))
		}
		var status int
		var got []byte
		if body != nil {
			status, got = sv.do(st.Method, subst(st.Path, vars), body)
		} else {
			status, got = sv.do(st.Method, subst(st.Path, vars), nil)
		}
		if status != st.Status {
			t.Fatalf("step %d %q: status %d, want %d: %s", i, st.Name, status, st.Status, got)
		}
		if st.RawWant != nil {
			if string(got) != *st.RawWant {
				t.Fatalf("step %d %q: body %q, want %q", i, st.Name, got, *st.RawWant)
			}
			continue
		}
		want, err := decodeNumbers(st.Want)
		if err != nil {
			t.Fatalf("step %d: want: %v", i, err)
		}
		gotV, err := decodeNumbers(got)
		if err != nil {
			t.Fatalf("step %d %q: answer is not JSON: %q", i, st.Name, got)
		}
		matchJSON("", want, gotV, vars, true)
		if diffs := matchJSON("", want, gotV, vars, false); len(diffs) > 0 {
			t.Fatalf("step %d %q:\n%s\nanswer: %s", i, st.Name, strings.Join(diffs, "\n"), got)
		}
	}
}

func TestLogBatchLimits(t *testing.T) {
	sv := newServer(t, Options{})
	run := sv.createRun()
	metrics := func(n int) []map[string]any {
		out := make([]map[string]any, n)
		for i := range out {
			out[i] = map[string]any{"key": "m", "value": i, "timestamp": 1, "step": i}
		}
		return out
	}
	kvs := func(n int, prefix string) []map[string]any {
		out := make([]map[string]any, n)
		for i := range out {
			out[i] = map[string]any{"key": fmt.Sprintf("%s%d", prefix, i), "value": "v"}
		}
		return out
	}
	sv.mustOK(sv.post("runs/log-batch", map[string]any{"run_id": run, "metrics": metrics(1000)}))
	for _, body := range []map[string]any{
		{"run_id": run, "metrics": metrics(1001)},
		{"run_id": run, "params": kvs(101, "p")},
		{"run_id": run, "tags": kvs(101, "t")},
		{"run_id": run, "metrics": metrics(900), "params": kvs(60, "p"), "tags": kvs(60, "t")},
		{"run_id": run, "params": []map[string]any{{"key": "a", "value": "1"}, {"key": "a", "value": "1"}}},
		{"run_id": run, "params": []map[string]any{{"key": strings.Repeat("k", 251), "value": "1"}}},
		{"run_id": run, "params": []map[string]any{{"key": "long", "value": strings.Repeat("v", 6001)}}},
		{"run_id": run, "tags": []map[string]any{{"key": "long", "value": strings.Repeat("v", 8001)}}},
		{"run_id": run, "metrics": []map[string]any{{"key": "../escape", "value": 1, "timestamp": 1}}},
		{"run_id": run, "metrics": []map[string]any{{"key": "bad\nname", "value": 1, "timestamp": 1}}},
		{"run_id": run, "metrics": []map[string]any{{"key": "novalue", "timestamp": 1}}},
		{"run_id": run, "metrics": []map[string]any{{"key": "neg", "value": 1, "timestamp": -1}}},
	} {
		st, m := sv.post("runs/log-batch", body)
		sv.wantErr(st, m, http.StatusBadRequest, CodeInvalidParameterValue)
	}
	// At the limits, all is well.
	sv.mustOK(sv.post("runs/log-batch", map[string]any{"run_id": run,
		"params":  []map[string]any{{"key": strings.Repeat("k", 250), "value": strings.Repeat("v", 6000)}},
		"tags":    []map[string]any{{"key": "t", "value": strings.Repeat("v", 8000)}},
		"metrics": metrics(898)}))
	// A body over 1 MB is refused, whatever it holds.
	big := `{"run_id":"` + run + `","tags":[{"key":"x","value":"` + strings.Repeat("a", 1_000_001) + `"}]}`
	st, m := sv.post("runs/log-batch", big)
	sv.wantErr(st, m, http.StatusBadRequest, CodeInvalidParameterValue)
	// Nothing of the refused batches was stored: the first batch's 1000 points and the last's 898.
	ref, _ := sv.s.LookupRun(t.Context(), run)
	pts, err := sv.s.History(t.Context(), ref.ID, "m")
	if err != nil || len(pts) != 1898 {
		t.Fatalf("stored %d points (%v), want 1898", len(pts), err)
	}
}

func TestParamImmutability(t *testing.T) {
	sv := newServer(t, Options{})
	run := sv.createRun()
	sv.mustOK(sv.post("runs/log-batch", map[string]any{"run_id": run, "params": []map[string]any{{"key": "lr", "value": "0.1"}}}))
	sv.mustOK(sv.post("runs/log-parameter", map[string]any{"run_id": run, "key": "lr", "value": "0.1"}))
	st, m := sv.post("runs/log-batch", map[string]any{"run_id": run,
		"params":  []map[string]any{{"key": "lr", "value": "0.2"}},
		"metrics": []map[string]any{{"key": "loss", "value": 1, "timestamp": 1}}})
	sv.wantErr(st, m, http.StatusBadRequest, CodeInvalidParameterValue)
	m = sv.mustOK(sv.get("runs/get?run_id=" + run))
	data := m["run"].(map[string]any)["data"].(map[string]any)
	if fmt.Sprint(data["params"]) != "[map[key:lr value:0.1]]" || data["metrics"] != nil {
		t.Fatalf("after a refused change: %v", data)
	}
}

func TestErrorsAreJSONAndNever500(t *testing.T) {
	sv := newServer(t, Options{})
	run := sv.createRun()
	cases := []struct {
		method, path, body string
		status             int
		code               string
	}{
		{"POST", "runs/log-metric", `{"run_id": "` + run + `", "key": "x", "value": 1`, 400, CodeBadRequest},
		{"POST", "runs/log-metric", `not json`, 400, CodeBadRequest},
		{"POST", "runs/log-metric", `[1,2,3]`, 400, CodeBadRequest},
		{"POST", "runs/log-metric", `{"run_id": 12, "key": "x", "value": 1}`, 400, CodeBadRequest},
		{"POST", "runs/log-metric", `{"run_id": "` + run + `", "key": 5, "value": 1}`, 400, CodeBadRequest},
		{"POST", "runs/log-metric", `{"run_id": "` + run + `", "key": "x", "value": "high"}`, 400, CodeBadRequest},
		{"POST", "runs/log-metric", `{"run_id": "` + run + `", "key": "x", "value": {}}`, 400, CodeBadRequest},
		{"POST", "runs/log-metric", `{"run_id": "` + run + `", "key": "x", "value": 1, "step": 1.5}`, 400, CodeBadRequest},
		{"POST", "runs/log-metric", `{"run_id": "` + run + `", "key": "x", "value": 1, "step": "99999999999999999999999"}`, 400, CodeBadRequest},
		{"POST", "runs/log-metric", `{"run_id": ["` + run + `"], "key": "x", "value": 1}`, 400, CodeBadRequest},
		{"POST", "runs/log-metric", `{"key": "x", "value": 1}`, 400, CodeInvalidParameterValue},
		{"POST", "runs/log-metric", `{"run_id": "nope", "key": "x", "value": 1}`, 404, CodeResourceDoesNotExist},
		{"POST", "runs/log-metric", ``, 400, CodeInvalidParameterValue},
		{"POST", "runs/log-batch", `{"run_id": "` + run + `", "metrics": {"key": "x"}}`, 400, CodeBadRequest},
		{"POST", "runs/log-batch", `{"run_id": "` + run + `", "metrics": [null, 3]}`, 400, CodeBadRequest},
		{"POST", "runs/log-batch", "\xff\xfe", 400, CodeBadRequest},
		{"POST", "runs/update", `{"run_id": "` + run + `", "status": "DONE"}`, 400, CodeInvalidParameterValue},
		{"POST", "runs/update", `{"run_id": "` + run + `", "status": 42}`, 400, CodeInvalidParameterValue},
		{"POST", "runs/search", `{"experiment_ids": ["0"], "filter": "metrics.x > 'a'"}`, 400, CodeInvalidParameterValue},
		{"POST", "runs/search", `{"experiment_ids": ["0"], "filter": "params.x > 1"}`, 400, CodeInvalidParameterValue},
		{"POST", "runs/search", `{"experiment_ids": ["0"], "filter": "foo.x = 'a'"}`, 400, CodeInvalidParameterValue},
		{"POST", "runs/search", `{"experiment_ids": ["0"], "filter": "attributes.nope = 'a'"}`, 400, CodeInvalidParameterValue},
		{"POST", "runs/search", `{"experiment_ids": ["0"], "filter": "params.x = 'unterminated"}`, 400, CodeInvalidParameterValue},
		{"POST", "runs/search", `{"experiment_ids": ["0"], "order_by": ["metrics.x SIDEWAYS"]}`, 400, CodeInvalidParameterValue},
		{"POST", "runs/search", `{"experiment_ids": ["0"], "max_results": 50001}`, 400, CodeInvalidParameterValue},
		{"POST", "runs/search", `{"experiment_ids": ["0"], "page_token": "%%%"}`, 400, CodeInvalidParameterValue},
		{"POST", "runs/search", `{"experiment_ids": ["0"], "run_view_type": "SOME"}`, 400, CodeInvalidParameterValue},
		{"POST", "runs/search", `{"experiment_ids": {"a": 1}}`, 400, CodeBadRequest},
		{"POST", "experiments/create", `{}`, 400, CodeInvalidParameterValue},
		{"POST", "experiments/create", `{"name": "` + strings.Repeat("n", 501) + `"}`, 400, CodeInvalidParameterValue},
		{"POST", "experiments/create", `{"name": "Default"}`, 400, CodeResourceAlreadyExists},
		{"POST", "experiments/create", `{"name": "x", "artifact_location": "runs:/abc"}`, 400, CodeInvalidParameterValue},
		{"POST", "experiments/delete", `{"experiment_id": "0"}`, 400, CodeInvalidParameterValue},
		{"POST", "experiments/delete", `{"experiment_id": "12345"}`, 404, CodeResourceDoesNotExist},
		{"POST", "experiments/delete", `{"experiment_id": "abc"}`, 404, CodeResourceDoesNotExist},
		{"GET", "experiments/get", ``, 400, CodeInvalidParameterValue},
		{"GET", "experiments/get?experiment_id=-1", ``, 404, CodeResourceDoesNotExist},
		{"GET", "metrics/get-history?run_id=" + run, ``, 400, CodeInvalidParameterValue},
		{"GET", "runs/log-metric", ``, 405, CodeBadRequest},
		{"POST", "runs/get", `{}`, 405, CodeBadRequest},
		{"POST", "runs/set-tag", `{"run_id": "` + run + `", "key": "k"}`, 400, CodeInvalidParameterValue},
	}
	for _, c := range cases {
		var body *strings.Reader
		if c.method == "POST" {
			body = strings.NewReader(c.body)
		}
		var st int
		var out []byte
		if body != nil {
			st, out = sv.do(c.method, "/api/2.0/mlflow/"+c.path, body)
		} else {
			st, out = sv.do(c.method, "/api/2.0/mlflow/"+c.path, nil)
		}
		var m map[string]any
		if err := json.Unmarshal(out, &m); err != nil || st != c.status || m["error_code"] != c.code || m["message"] == "" {
			t.Errorf("%s %s %q: got %d %s, want %d %s", c.method, c.path, truncate(c.body, 60), st, out, c.status, c.code)
		}
	}
}

func TestAuth(t *testing.T) {
	sv := newServer(t, Options{Token: "s3cret"})
	sv.mustOK(sv.get("experiments/get?experiment_id=0"))
	for _, hdr := range []string{"", "Bearer wrong", "Basic czNjcmV0", "Bearer", "bearer s3cret2"} {
		sv.token = ""
		var st int
		var out []byte
		if hdr == "" {
			st, out = sv.do("GET", "/api/2.0/mlflow/experiments/get?experiment_id=0", nil)
		} else {
			st, out = sv.do("GET", "/api/2.0/mlflow/experiments/get?experiment_id=0", nil, "Authorization", hdr)
		}
		if st != http.StatusUnauthorized || !strings.Contains(string(out), CodeUnauthenticated) {
			t.Errorf("Authorization %q: %d %s", hdr, st, out)
		}
	}
	// Artifacts are guarded too, and so are unknown paths.
	st, _ := sv.do("PUT", "/api/2.0/mlflow-artifacts/artifacts/0/"+strings.Repeat("a", 32)+"/artifacts/x", strings.NewReader("x"))
	st2, _ := sv.do("GET", "/nothing/here", nil)
	if st != http.StatusUnauthorized || st2 != http.StatusUnauthorized {
		t.Fatalf("unauthenticated artifact upload %d, unknown path %d", st, st2)
	}
	sv.token = "s3cret"
	st, _ = sv.do("GET", "/api/2.0/mlflow/experiments/get?experiment_id=0", nil, "Authorization", "bearer s3cret")
	if st != http.StatusOK {
		t.Fatalf("lower-case scheme: %d", st)
	}
}

func TestArtifactPathEscapes(t *testing.T) {
	outside := t.TempDir()
	if err := os.WriteFile(filepath.Join(outside, "secret.txt"), []byte("secret"), 0o644); err != nil {
		t.Fatal(err)
	}
	sv := newServer(t, Options{})
	run := sv.createRun()
	base := "/api/2.0/mlflow-artifacts/artifacts/0/" + run + "/artifacts/"
	if st, out := sv.do("PUT", base+"ok/file.txt", strings.NewReader("fine")); st != 200 {
		t.Fatalf("plain upload: %d %s", st, out)
	}
	ref, _ := sv.s.LookupRun(t.Context(), run)
	dir := filepath.Join(sv.dir, "runs", fmt.Sprint(ref.ID), "artifacts")
	if b, err := os.ReadFile(filepath.Join(dir, "ok", "file.txt")); err != nil || string(b) != "fine" {
		t.Fatalf("stored where? %v %q", err, b)
	}
	// Symbolic links out of the run's directory: one to a directory, one to a file.
	if err := os.Symlink(outside, filepath.Join(dir, "linkdir")); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(filepath.Join(outside, "secret.txt"), filepath.Join(dir, "linkfile")); err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{
		"../../../../../../etc/passwd", "ok/../../x", "%2e%2e/%2e%2e/x", "%252e%252e/x", "ok/..%2fx",
		"ok\\..\\x", "linkdir/secret.txt", "linkdir/new.txt", "a%23b",
	} {
		for _, method := range []string{"GET", "PUT"} {
			st, out := sv.do(method, base+p, strings.NewReader("evil"))
			if st == 200 {
				t.Errorf("%s %s: 200 %s", method, p, out)
			}
			if strings.Contains(string(out), "secret") && !strings.Contains(string(out), "error_code") {
				t.Errorf("%s %s leaked: %s", method, p, out)
			}
		}
	}
	if st, _ := sv.do("GET", base+"linkfile", nil); st == 200 {
		t.Fatal("a download followed a symbolic link out of the run's directory")
	}
	// An upload onto a link replaces the link, never the file it points to.
	if st, out := sv.do("PUT", base+"linkfile", strings.NewReader("evil")); st != 200 {
		t.Fatalf("upload onto a link: %d %s", st, out)
	}
	if b, _ := os.ReadFile(filepath.Join(outside, "secret.txt")); string(b) != "secret" {
		t.Fatal("an upload wrote through a symbolic link out of the run's directory")
	}
	if _, err := os.Stat(filepath.Join(outside, "new.txt")); err == nil {
		t.Fatal("an upload went through a symbolic link out of the run's directory")
	}
	// A doubled slash or a drive-letter-like name inside the run's path stays inside it.
	for _, p := range []string{"/abs", "%2Fabs2", "C:/x"} {
		if st, out := sv.do("PUT", base+p, strings.NewReader("in")); st != 200 {
			t.Errorf("PUT %s: %d %s", p, st, out)
		}
	}
	for _, name := range []string{"abs", "abs2", "C:/x"} {
		if b, err := os.ReadFile(filepath.Join(dir, name)); err != nil || string(b) != "in" {
			t.Errorf("%s not inside the run's directory: %v", name, err)
		}
	}
	for _, p := range []string{"/etc", "C:/Windows", "..", "0/" + run + "/artifacts/%2e%2e/%2e%2e"} {
		st, m := sv.get("artifacts/list?run_id=" + run + "&path=" + p)
		sv.wantErr(st, m, 400, CodeInvalidParameterValue)
	}
	for _, q := range []string{"0/" + run + "/artifacts/../../..", "/etc", "0/" + run + "/artifacts/linkdir"} {
		st, out := sv.do("GET", "/api/2.0/mlflow-artifacts/artifacts?path="+q, nil)
		if strings.Contains(string(out), "secret") {
			t.Errorf("list %s: %d %s", q, st, out)
		}
	}
	st, m := sv.get("artifacts/list?run_id=" + run + "&path=../..")
	sv.wantErr(st, m, 400, CodeInvalidParameterValue)
	// The listing of the root shows the links that stay inside only.
	m = sv.mustOK(sv.get("artifacts/list?run_id=" + run))
	if fmt.Sprint(m["files"]) != "[map[is_dir:true path:C:] map[file_size:2 is_dir:false path:abs] map[file_size:2 is_dir:false path:abs2] "+
		"map[file_size:4 is_dir:false path:linkfile] map[is_dir:true path:ok]]" {
		t.Fatalf("root listing: %v", m["files"])
	}
}

func TestArtifactsRecordedAndOverwritten(t *testing.T) {
	custom := filepath.Join(t.TempDir(), "custom")
	sv := newServer(t, Options{ArtifactRoot: func(id int64) string { return filepath.Join(custom, fmt.Sprint(id)) }})
	run := sv.createRun()
	base := "/api/2.0/mlflow-artifacts/artifacts/0/" + run + "/artifacts/"
	for _, body := range []string{"one", "second version"} {
		if st, out := sv.do("PUT", base+"notes.md", strings.NewReader(body)); st != 200 {
			t.Fatalf("%d %s", st, out)
		}
	}
	ref, _ := sv.s.LookupRun(t.Context(), run)
	recs, err := sv.s.Artifacts(t.Context(), ref.ID, "")
	if err != nil || len(recs) != 1 || recs[0].Size != int64(len("second version")) || len(recs[0].Hash) != 64 {
		t.Fatalf("records: %+v %v", recs, err)
	}
	if b, err := os.ReadFile(filepath.Join(custom, fmt.Sprint(ref.ID), "notes.md")); err != nil || string(b) != "second version" {
		t.Fatalf("not under the custom root: %v", err)
	}
	if st, out := sv.do("GET", base+"notes.md", nil); st != 200 || string(out) != "second version" {
		t.Fatalf("download: %d %q", st, out)
	}
	if st, _ := sv.do("GET", base+"missing.md", nil); st != 404 {
		t.Fatalf("missing artifact: %d", st)
	}
	if st, _ := sv.do("DELETE", base+"notes.md", nil); st != 405 {
		t.Fatalf("DELETE: %d", st)
	}
}

func TestNaNAndInfinityRoundTrip(t *testing.T) {
	sv := newServer(t, Options{})
	run := sv.createRun()
	for i, v := range []any{"NaN", "Infinity", "-Infinity", 1.5e300, -0.0, "2.5"} {
		sv.mustOK(sv.post("runs/log-metric", map[string]any{"run_id": run, "key": "v", "value": v, "timestamp": 10, "step": i}))
	}
	_, raw := sv.do("GET", "/api/2.0/mlflow/metrics/get-history?run_id="+run+"&metric_key=v", nil)
	var resp struct {
		Metrics []struct {
			Value optFloat `json:"value"`
		} `json:"metrics"`
	}
	if err := json.Unmarshal(raw, &resp); err != nil || len(resp.Metrics) != 6 {
		t.Fatalf("%v %s", err, raw)
	}
	got := resp.Metrics
	if !math.IsNaN(got[0].Value.V) || !math.IsInf(got[1].Value.V, 1) || !math.IsInf(got[2].Value.V, -1) ||
		got[3].Value.V != 1.5e300 || got[5].Value.V != 2.5 {
		t.Fatalf("values: %s", raw)
	}
	if !strings.Contains(string(raw), `"value":"NaN"`) || !strings.Contains(string(raw), `"value":"-Infinity"`) {
		t.Fatalf("NaN/Infinity not written as MLflow writes them: %s", raw)
	}
}

func TestRunNameFollowsTag(t *testing.T) {
	sv := newServer(t, Options{})
	m := sv.mustOK(sv.post("runs/create", map[string]any{"tags": []map[string]any{{"key": "mlflow.runName", "value": "from-tag"}}}))
	info := m["run"].(map[string]any)["info"].(map[string]any)
	run := info["run_id"].(string)
	if info["run_name"] != "from-tag" || info["experiment_id"] != "0" {
		t.Fatalf("info: %v", info)
	}
	sv.mustOK(sv.post("runs/set-tag", map[string]any{"run_id": run, "key": "mlflow.runName", "value": "renamed"}))
	m = sv.mustOK(sv.post("runs/update", map[string]any{"run_id": run, "status": 4, "end_time": "1700000000000"}))
	ri := m["run_info"].(map[string]any)
	if ri["run_name"] != "renamed" || ri["status"] != "FAILED" {
		t.Fatalf("run_info: %v", ri)
	}
	m = sv.mustOK(sv.post("runs/update", map[string]any{"run_id": run, "run_name": "third"}))
	if m["run_info"].(map[string]any)["run_name"] != "third" || m["run_info"].(map[string]any)["status"] != "FAILED" {
		t.Fatalf("rename kept status? %v", m)
	}
	m = sv.mustOK(sv.get("runs/get?run_id=" + run))
	if !strings.Contains(fmt.Sprint(m), "map[key:mlflow.runName value:third]") {
		t.Fatalf("tag not renamed: %v", m)
	}
	// A generated name when none is given.
	m = sv.mustOK(sv.post("runs/create", map[string]any{}))
	if n, _ := m["run"].(map[string]any)["info"].(map[string]any)["run_name"].(string); strings.Count(n, "-") != 2 {
		t.Fatalf("generated name %q", n)
	}
}

func TestLostRunIsFailed(t *testing.T) {
	sv := newServer(t, Options{})
	r := &store.Run{Status: store.StatusLost}
	if err := sv.s.CreateRun(t.Context(), r, nil, nil); err != nil {
		t.Fatal(err)
	}
	m := sv.mustOK(sv.get("runs/get?run_id=" + r.UUID))
	if m["run"].(map[string]any)["info"].(map[string]any)["status"] != "FAILED" {
		t.Fatalf("lost: %v", m)
	}
	m = sv.mustOK(sv.post("runs/search", map[string]any{"experiment_ids": []string{"0"}, "filter": "attributes.status = 'FAILED'"}))
	if len(m["runs"].([]any)) != 1 {
		t.Fatalf("search FAILED: %v", m)
	}
	m = sv.mustOK(sv.post("runs/search", map[string]any{"experiment_ids": []int{0}, "filter": "status != 'FAILED'"}))
	if m["runs"] != nil {
		t.Fatalf("search != FAILED: %v", m)
	}
}

// TestConcurrentLogMetricGroups checks that concurrent single-point requests are all stored,
// each acknowledged only once stored, and that the writer groups them.
func TestConcurrentLogMetricGroups(t *testing.T) {
	sv := newServer(t, Options{})
	run := sv.createRun()
	const clients, each = 16, 40
	var wg sync.WaitGroup
	errs := make(chan string, clients*each)
	for c := 0; c < clients; c++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < each; i++ {
				body := fmt.Sprintf(`{"run_id":%q,"key":"c%d","value":%d,"timestamp":1,"step":%d}`, run, c, i, i)
				req, _ := http.NewRequest("POST", sv.srv.URL+"/api/2.0/mlflow/runs/log-metric", strings.NewReader(body))
				resp, err := sv.srv.Client().Do(req)
				if err != nil {
					errs <- err.Error()
					return
				}
				resp.Body.Close()
				if resp.StatusCode != 200 {
					errs <- fmt.Sprint(resp.StatusCode)
					return
				}
				// Acknowledged means stored: the point is readable now.
				ref, _ := sv.s.LookupRun(t.Context(), run)
				pts, err := sv.s.History(t.Context(), ref.ID, fmt.Sprintf("c%d", c))
				if err != nil || len(pts) != i+1 || pts[i].Step != int64(i) {
					errs <- fmt.Sprintf("client %d after %d: %d points %v", c, i, len(pts), err)
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for e := range errs {
		t.Fatal(e)
	}
}

func TestGroupWriterDeliversErrorsToEachWaiter(t *testing.T) {
	release := make(chan struct{})
	var mu sync.Mutex
	var sizes []int
	w := newGroupWriter(func(_ context.Context, pts []store.Point) error {
		if pts[0].Key == "first" {
			<-release // hold the writer so that the others queue up as one group
		}
		mu.Lock()
		sizes = append(sizes, len(pts))
		mu.Unlock()
		for _, p := range pts {
			if p.Key == "bad" {
				return errors.New("bad point")
			}
		}
		return nil
	}, 100)
	first := make(chan error)
	go func() { first <- w.Write([]store.Point{{Key: "first"}}) }()
	for {
		if g, _ := w.stats(); g == 1 {
			break
		}
		time.Sleep(time.Millisecond)
	}
	keys := []string{"a", "bad", "c", "d"}
	results := make([]chan error, len(keys))
	for i, k := range keys {
		results[i] = make(chan error, 1)
		go func() { results[i] <- w.Write([]store.Point{{Key: k}, {Key: k}}) }()
	}
	for {
		w.mu.Lock()
		n := len(w.queue)
		w.mu.Unlock()
		if n == len(keys) {
			break
		}
		time.Sleep(time.Millisecond)
	}
	close(release)
	if err := <-first; err != nil {
		t.Fatal(err)
	}
	for i, k := range keys {
		err := <-results[i]
		if (k == "bad") != (err != nil) {
			t.Errorf("%s: %v", k, err)
		}
	}
	groups, reqs := w.stats()
	mu.Lock()
	defer mu.Unlock()
	// One write alone, one group of four (8 points) that failed, then each of the four alone.
	if groups != 2 || reqs != 5 || fmt.Sprint(sizes) != "[1 8 2 2 2 2]" {
		t.Fatalf("groups %d, requests %d, write sizes %v", groups, reqs, sizes)
	}
}
