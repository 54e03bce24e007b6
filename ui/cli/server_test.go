package cli

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"
)

func TestServerRefusesOpenAddressWithoutToken(t *testing.T) {
	for _, c := range []struct {
		host, token string
		ok          bool
	}{
		{"127.0.0.1", "", true}, {"localhost", "", true}, {"::1", "", true}, {"127.0.0.2", "", true},
		{"0.0.0.0", "", false}, {"", "", false}, {"10.0.0.5", "", false}, {"example.com", "", false}, {"::", "", false},
		{"0.0.0.0", "t", true},
	} {
		err := checkServerAddr(c.host, c.token)
		if (err == nil) != c.ok {
			t.Errorf("host %q token %q: %v", c.host, c.token, err)
		}
	}
	g := &globals{db: filepath.Join(t.TempDir(), "state.db")}
	cmd := newServerCmd(g)
	cmd.SetArgs([]string{"--host", "0.0.0.0", "--port", "0"})
	cmd.SetOut(io.Discard)
	cmd.SetErr(io.Discard)
	if err := cmd.Execute(); err == nil || !strings.Contains(err.Error(), "--token") {
		t.Fatalf("0.0.0.0 without a token: %v", err)
	}
}

// syncBuffer is a bytes.Buffer safe for one writer and one reader.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// TestServerServesAndStops runs `mlwb server` on a free port, calls the API, and stops it as a
// signal would (by ending its context).
func TestServerServesAndStops(t *testing.T) {
	g := &globals{db: filepath.Join(t.TempDir(), "state.db")}
	cmd := newServerCmd(g)
	cmd.SetArgs([]string{"--port", "0", "--token", "tok"})
	var out syncBuffer
	cmd.SetOut(&out)
	cmd.SetErr(io.Discard)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- cmd.ExecuteContext(ctx) }()
	urlRE := regexp.MustCompile(`MLFLOW_TRACKING_URI=(http://\S+)`)
	var url string
	for deadline := time.Now().Add(60 * time.Second); url == "" && time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		if m := urlRE.FindStringSubmatch(out.String()); m != nil {
			url = m[1]
		}
		select {
		case err := <-done:
			t.Fatalf("server ended early: %v\n%s", err, out.String())
		default:
		}
	}
	if url == "" {
		t.Fatalf("no URL printed: %q", out.String())
	}
	req, _ := http.NewRequest("GET", url+"/api/2.0/mlflow/experiments/get?experiment_id=0", nil)
	req.Header.Set("Authorization", "Bearer tok")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || !strings.Contains(string(body), `"name":"Default"`) {
		t.Fatalf("%d %s", resp.StatusCode, body)
	}
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("shutdown: %v", err)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("server did not stop")
	}
	if !strings.Contains(out.String(), "shutting down") {
		t.Fatalf("output: %q", out.String())
	}
}
