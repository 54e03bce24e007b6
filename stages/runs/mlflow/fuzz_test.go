package mlflow

import (
	"bytes"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mlwb/mlwb/store"
)

// FuzzFilter parses arbitrary filters and order_by entries and runs whatever parses against a
// real store: nothing may panic, and the store may refuse a query only as ErrBadQuery, never with
// an SQL error (which would mean the filter reached the statement's text).
func FuzzFilter(f *testing.F) {
	for _, s := range []string{
		`metrics.acc > 0.9 and params.lr = "0.01" and tags.k = 'v' and attributes.status = "FINISHED"`,
		"metrics.`val loss` <= -1e-3", `tags."a b" LIKE '%x_'`, "params.p ILIKE 'A%'", "run_name = 'x'",
		"attributes.run_id IN ('a', 'b')", "status NOT IN ('RUNNING')", "start_time >= 1700000000000",
		"tags.k = 'it''s'", "params.x = '' AND metrics.y != 3", "metrics.x = NaN", "a.b.c", "= = =",
		"params.p = 'x') OR 1=1 --", "tags.`k'; DROP TABLE runs; --` = 'v'", "metrics.m > 1 or metrics.m < 0",
	} {
		f.Add(s, "metrics.acc DESC")
	}
	f.Add("", "params.`x y` ASC")
	f.Add("", "attributes.start_time")
	s, err := store.Open(filepath.Join(f.TempDir(), "state.db"))
	if err != nil {
		f.Fatal(err)
	}
	defer s.Close()
	r := &store.Run{}
	if err := s.CreateRun(f.Context(), r, map[string]string{"lr": "0.01"}, map[string]string{"k": "v"}); err != nil {
		f.Fatal(err)
	}
	if err := s.WriteMetrics(f.Context(), []store.Point{{RunID: r.ID, Key: "acc", Step: 1, Time: 1, Value: 0.95}}); err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, filter, order string) {
		cs, err := ParseFilter(filter)
		if err != nil {
			if !errors.Is(err, ErrFilter) {
				t.Fatalf("error without ErrFilter: %v", err)
			}
			return
		}
		fs, err := runFilters(cs)
		if err != nil {
			return
		}
		os, err := runOrders([]string{order})
		if err != nil {
			os = nil
		}
		_, err = s.SearchRuns(t.Context(), store.RunSearch{ExperimentIDs: []int64{0}, Filters: fs, Order: os, Lifecycle: store.ViewAll})
		if err != nil && !errors.Is(err, store.ErrBadQuery) {
			t.Fatalf("filter %q order %q: the store failed: %v", filter, order, err)
		}
		if efs, err := experimentFilters(cs); err == nil {
			_, err = s.SearchExperiments(t.Context(), store.ExperimentQuery{Filters: efs})
			if err != nil && !errors.Is(err, store.ErrBadQuery) {
				t.Fatalf("experiment filter %q: the store failed: %v", filter, err)
			}
		}
	})
}

// FuzzRequests sends arbitrary bodies and query strings to every endpoint: the answer is always
// JSON, an error always carries an MLflow error code, and nothing is a 500.
func FuzzRequests(f *testing.F) {
	s, err := store.Open(filepath.Join(f.TempDir(), "state.db"))
	if err != nil {
		f.Fatal(err)
	}
	defer s.Close()
	r := &store.Run{UUID: "0123456789abcdef0123456789abcdef"}
	if err := s.CreateRun(f.Context(), r, nil, nil); err != nil {
		f.Fatal(err)
	}
	art := f.TempDir()
	h := NewHandler(s, Options{ArtifactRoot: func(int64) string { return art }})
	h.(*handler).writer.maxPoints = 1000
	run := `"run_id":"` + r.UUID + `"`
	seeds := []string{
		`{` + run + `,"key":"loss","value":0.5,"timestamp":1,"step":2}`,
		`{` + run + `,"metrics":[{"key":"a","value":"NaN","timestamp":"1","step":"3"}],"params":[{"key":"p","value":"1"}],"tags":[{"key":"t","value":"v"}]}`,
		`{"experiment_ids":["0"],"filter":"metrics.a > 1","order_by":["params.p DESC"],"max_results":3}`,
		`{"name":"e","tags":[{"key":"k","value":"v"}]}`, `{` + run + `,"status":"KILLED","end_time":5}`,
		`{"experiment_id":0}`, `{"value": 1e400}`, `{"step": -0}`, `[]`, `null`, `"str"`, `{"key":{}}`,
	}
	endpoints := []string{}
	for name := range h.(*handler).routes {
		endpoints = append(endpoints, name)
	}
	for i, sd := range seeds {
		f.Add(uint8(i), sd, "run_id="+r.UUID+"&metric_key=loss")
	}
	f.Fuzz(func(t *testing.T, which uint8, body, query string) {
		names := append([]string{}, endpoints...)
		// map order is random: pick by sorted position for reproducible failures
		sortStrings(names)
		ep := names[int(which)%len(names)]
		method := h.(*handler).routes[ep].methods[0]
		// A query that cannot be on a request line (a space, a control byte, #) is left off before
		// the request is made: httptest.NewRequest panics on such a target.
		target := "/api/2.0/mlflow/" + ep + "?" + query
		if strings.IndexFunc(query, func(r rune) bool { return r <= ' ' || r == 0x7f || r == '#' }) >= 0 {
			target = "/api/2.0/mlflow/" + ep
		}
		req := httptest.NewRequest(method, target, strings.NewReader(body))
		w := httptest.NewRecorder()
		h.ServeHTTP(w, req)
		if w.Code >= 500 {
			t.Fatalf("%s %s %q: %d %s", method, ep, body, w.Code, w.Body)
		}
		var m map[string]any
		if err := json.Unmarshal(w.Body.Bytes(), &m); err != nil {
			t.Fatalf("%s %q: answer is not a JSON object: %q", ep, body, w.Body)
		}
		if w.Code != http.StatusOK {
			if c, _ := m["error_code"].(string); c == "" {
				t.Fatalf("%s %q: %d without error_code: %s", ep, body, w.Code, w.Body)
			}
		}
		// The artifact endpoints take paths: none may escape.
		if len(body) > 0 && which%7 == 0 {
			areq := httptest.NewRequest(http.MethodPut, "/api/2.0/mlflow-artifacts/artifacts/0/"+r.UUID+"/artifacts/x", bytes.NewReader([]byte(body)))
			areq.URL.Path += "/" + body
			aw := httptest.NewRecorder()
			h.ServeHTTP(aw, areq)
			if aw.Code >= 500 {
				t.Fatalf("artifact %q: %d %s", body, aw.Code, aw.Body)
			}
		}
	})
}

func sortStrings(s []string) {
	for i := 1; i < len(s); i++ {
		for j := i; j > 0 && s[j] < s[j-1]; j-- {
			s[j], s[j-1] = s[j-1], s[j]
		}
	}
}
