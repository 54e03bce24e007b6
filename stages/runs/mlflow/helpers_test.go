package mlflow

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/mlwb/mlwb/store"
)

// server is the API on a real listener on 127.0.0.1 over a real store in a temp dir.
type server struct {
	t     *testing.T
	s     *store.Store
	srv   *httptest.Server
	token string
	dir   string
}

func newServer(t testing.TB, opt Options) *server {
	t.Helper()
	dir := t.TempDir()
	s, err := store.Open(filepath.Join(dir, "state.db"))
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(NewHandler(s, opt))
	t.Cleanup(func() {
		srv.Close()
		s.Close()
	})
	tt, _ := t.(*testing.T)
	return &server{t: tt, s: s, srv: srv, token: opt.Token, dir: dir}
}

// do sends a request and returns the status and the body.
func (sv *server) do(method, path string, body io.Reader, hdr ...string) (int, []byte) {
	sv.t.Helper()
	req, err := http.NewRequest(method, sv.srv.URL+path, body)
	if err != nil {
		sv.t.Fatal(err)
	}
	if sv.token != "" {
		req.Header.Set("Authorization", "Bearer "+sv.token)
	}
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := sv.srv.Client().Do(req)
	if err != nil {
		sv.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		sv.t.Fatal(err)
	}
	return resp.StatusCode, b
}

// post sends body (a string, or a value encoded as JSON) and decodes the answer.
func (sv *server) post(path string, body any) (int, map[string]any) {
	sv.t.Helper()
	var b []byte
	switch x := body.(type) {
	case string:
		b = []byte(x)
	default:
		var err error
		if b, err = json.Marshal(body); err != nil {
			sv.t.Fatal(err)
		}
	}
	st, out := sv.do(http.MethodPost, "/api/2.0/mlflow/"+path, bytes.NewReader(b))
	return st, sv.decode(out)
}

func (sv *server) get(pathAndQuery string) (int, map[string]any) {
	sv.t.Helper()
	st, out := sv.do(http.MethodGet, "/api/2.0/mlflow/"+pathAndQuery, nil)
	return st, sv.decode(out)
}

func (sv *server) decode(b []byte) map[string]any {
	sv.t.Helper()
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		sv.t.Fatalf("answer is not a JSON object: %v: %q", err, truncate(string(b), 300))
	}
	return m
}

// mustOK fails the test unless the call answered 200.
func (sv *server) mustOK(st int, m map[string]any) map[string]any {
	sv.t.Helper()
	if st != http.StatusOK {
		sv.t.Fatalf("status %d: %v", st, m)
	}
	return m
}

// wantErr checks an error answer's status and MLflow error code.
func (sv *server) wantErr(st int, m map[string]any, status int, code string) {
	sv.t.Helper()
	if st != status || m["error_code"] != code {
		sv.t.Fatalf("got %d %v, want %d %s", st, m, status, code)
	}
	if msg, _ := m["message"].(string); msg == "" {
		sv.t.Fatalf("error without a message: %v", m)
	}
}

// createRun creates a run in the Default experiment and returns its run_id.
func (sv *server) createRun() string {
	sv.t.Helper()
	m := sv.mustOK(sv.post("runs/create", map[string]any{"experiment_id": "0"}))
	return m["run"].(map[string]any)["info"].(map[string]any)["run_id"].(string)
}

var varRE = regexp.MustCompile(`\$\{(\w+)\}`)

func subst(s string, vars map[string]string) string {
	return varRE.ReplaceAllStringFunc(s, func(m string) string {
		if v, ok := vars[m[2:len(m)-1]]; ok {
			return v
		}
		return m
	})
}

// matchJSON compares got with a want pattern (see testdata/session.json) and returns the
// differences. With capture set it only records "<string>=name" captures.
func matchJSON(where string, want, got any, vars map[string]string, capture bool) []string {
	switch w := want.(type) {
	case map[string]any:
		g, ok := got.(map[string]any)
		if !ok {
			return []string{fmt.Sprintf("%s: got %T %v, want an object", where, got, got)}
		}
		var out []string
		keys := make([]string, 0, len(w))
		for k := range w {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			gv, ok := g[k]
			if !ok {
				out = append(out, fmt.Sprintf("%s.%s: missing", where, k))
				continue
			}
			out = append(out, matchJSON(where+"."+k, w[k], gv, vars, capture)...)
		}
		for k := range g {
			if _, ok := w[k]; !ok {
				out = append(out, fmt.Sprintf("%s.%s: not expected (%v)", where, k, g[k]))
			}
		}
		return out
	case []any:
		g, ok := got.([]any)
		if !ok || len(g) != len(w) {
			return []string{fmt.Sprintf("%s: got %v, want %d elements", where, got, len(w))}
		}
		var out []string
		for i := range w {
			out = append(out, matchJSON(fmt.Sprintf("%s[%d]", where, i), w[i], g[i], vars, capture)...)
		}
		return out
	case string:
		switch {
		case w == "<any>":
			return nil
		case strings.HasPrefix(w, "<string>"):
			gs, ok := got.(string)
			if !ok {
				return []string{fmt.Sprintf("%s: got %v, want a string", where, got)}
			}
			if name, ok := strings.CutPrefix(w, "<string>="); ok && capture {
				vars[name] = gs
			}
			return nil
		case w == "<int>":
			n, ok := got.(json.Number)
			if _, err := n.Int64(); !ok || err != nil {
				return []string{fmt.Sprintf("%s: got %v, want an integer", where, got)}
			}
			return nil
		}
		if capture {
			return nil
		}
		if gs, ok := got.(string); !ok || gs != subst(w, vars) {
			return []string{fmt.Sprintf("%s: got %v, want %q", where, got, subst(w, vars))}
		}
		return nil
	case json.Number:
		g, ok := got.(json.Number)
		if !ok || g.String() != w.String() {
			wf, _ := w.Float64()
			gf, err := g.Float64()
			if !ok || err != nil || wf != gf {
				return []string{fmt.Sprintf("%s: got %v, want %v", where, got, w)}
			}
		}
		return nil
	default:
		if capture {
			return nil
		}
		if fmt.Sprint(want) != fmt.Sprint(got) {
			return []string{fmt.Sprintf("%s: got %v, want %v", where, got, want)}
		}
		return nil
	}
}

func decodeNumbers(b []byte) (any, error) {
	d := json.NewDecoder(bytes.NewReader(b))
	d.UseNumber()
	var v any
	err := d.Decode(&v)
	return v, err
}
