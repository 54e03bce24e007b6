package mlflow

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"sync/atomic"
	"testing"
)

// The throughput benchmarks go through real HTTP on 127.0.0.1 to a handler over a real SQLite
// file, with keep-alive clients on the same machine (their CPU counts against the server's).
//
//	go test ./stages/runs/mlflow -run '^$' -bench . -benchtime 5s

// benchClient is an HTTP client that keeps one connection per concurrent caller.
func benchClient(conns int) *http.Client {
	return &http.Client{Transport: &http.Transport{MaxIdleConns: conns, MaxIdleConnsPerHost: conns, DisableCompression: true}}
}

func postRaw(c *http.Client, url string, body []byte) error {
	resp, err := c.Post(url, "application/json", bytes.NewReader(body))
	if err != nil {
		return err
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("status %d", resp.StatusCode)
	}
	return nil
}

// batchBodies encodes log-batch bodies of 1,000 metrics each (4 keys, 250 steps), steps moving on.
func batchBodies(run string, n int) [][]byte {
	keys := []string{"loss", "val_loss", "accuracy", "lr"}
	out := make([][]byte, n)
	for i := range out {
		ms := make([]map[string]any, 0, 1000)
		for j := 0; j < 1000; j++ {
			ms = append(ms, map[string]any{"key": keys[j%4], "value": float64(j) / 7, "timestamp": 1700000000000 + int64(i*1000+j),
				"step": i*250 + j/4})
		}
		out[i], _ = json.Marshal(map[string]any{"run_id": run, "metrics": ms})
	}
	return out
}

// BenchmarkLogBatch: log-batch requests of 1,000 metrics, from 1 and from 4 concurrent clients.
// Target: ≥ 300,000 points/s.
func BenchmarkLogBatch(b *testing.B) {
	for _, clients := range []int{1, 4} {
		b.Run(fmt.Sprintf("clients=%d", clients), func(b *testing.B) {
			sv := newServer(b, Options{})
			run := benchRun(b, sv)
			bodies := batchBodies(run, 64)
			c := benchClient(clients)
			url := sv.srv.URL + "/api/2.0/mlflow/runs/log-batch"
			var next atomic.Int64
			b.SetParallelism(max(1, clients/2)) // GOMAXPROCS is 2 here; RunParallel multiplies
			b.ResetTimer()
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					if err := postRaw(c, url, bodies[next.Add(1)%int64(len(bodies))]); err != nil {
						b.Error(err)
						return
					}
				}
			})
			b.ReportMetric(float64(b.N)*1000/b.Elapsed().Seconds(), "points/s")
		})
	}
}

func benchRun(b *testing.B, sv *server) string {
	b.Helper()
	body, _ := json.Marshal(map[string]any{"experiment_id": "0"})
	resp, err := http.Post(sv.srv.URL+"/api/2.0/mlflow/runs/create", "application/json", bytes.NewReader(body))
	if err != nil {
		b.Fatal(err)
	}
	defer resp.Body.Close()
	var m struct {
		Run struct {
			Info struct {
				RunID string `json:"run_id"`
			} `json:"info"`
		} `json:"run"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&m); err != nil || m.Run.Info.RunID == "" {
		b.Fatalf("create run: %v", err)
	}
	return m.Run.Info.RunID
}

// BenchmarkLogMetric: single-point log-metric requests from 64 concurrent clients, each answered
// only once its point is stored; group commit against a transaction per request, same machine,
// same run. Target: ≥ 10,000 requests/s.
func BenchmarkLogMetric(b *testing.B) {
	for _, mode := range []struct {
		name       string
		perRequest bool
	}{{"group-commit", false}, {"tx-per-request", true}} {
		b.Run(mode.name, func(b *testing.B) {
			const clients = 64
			sv := newServer(b, Options{perRequestWrites: mode.perRequest})
			run := benchRun(b, sv)
			c := benchClient(clients)
			url := sv.srv.URL + "/api/2.0/mlflow/runs/log-metric"
			var step atomic.Int64
			b.SetParallelism(clients / 2)
			b.ResetTimer()
			b.RunParallel(func(pb *testing.PB) {
				var buf []byte
				for pb.Next() {
					s := step.Add(1)
					buf = fmt.Appendf(buf[:0], `{"run_id":%q,"key":"loss","value":%g,"timestamp":%d,"step":%d}`, run, float64(s)/3, 1700000000000+s, s)
					if err := postRaw(c, url, buf); err != nil {
						b.Error(err)
						return
					}
				}
			})
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "req/s")
			if h, ok := sv.srv.Config.Handler.(*handler); ok && !mode.perRequest {
				groups, reqs := h.writer.stats()
				if groups > 0 {
					b.ReportMetric(float64(reqs)/float64(groups), "req/commit")
				}
			}
		})
	}
}
