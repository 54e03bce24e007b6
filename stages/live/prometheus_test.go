package live

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// freePort returns a loopback port nothing listens on (it may be taken before use, rarely).
func freePort(t *testing.T) int {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port
}

// startPrometheus runs a real Prometheus on loopback that scrapes target (host:port) every second
// with the bearer token, and returns its base URL. It is stopped when the test ends.
func startPrometheus(t *testing.T, target, token string) string {
	bin, err := exec.LookPath("prometheus")
	if err != nil {
		t.Skip("prometheus not installed (Debian/Ubuntu: apt-get install prometheus; .ci/run installs it)")
	}
	dir := t.TempDir()
	cfg := fmt.Sprintf(`global:
  scrape_interval: 1s
  evaluation_interval: 1s
scrape_configs:
  - job_name: mlwb
    scrape_interval: 1s
    scrape_timeout: 1s
    authorization:
      credentials: %q
    static_configs:
      - targets: [%q]
`, token, target)
	if err := os.WriteFile(filepath.Join(dir, "prometheus.yml"), []byte(cfg), 0o600); err != nil {
		t.Fatal(err)
	}
	addr := net.JoinHostPort("127.0.0.1", strconv.Itoa(freePort(t)))
	var logs bytes.Buffer
	cmd := exec.Command(bin, "--config.file="+filepath.Join(dir, "prometheus.yml"),
		"--storage.tsdb.path="+filepath.Join(dir, "data"), "--web.listen-address="+addr, "--log.level=warn")
	cmd.Stdout, cmd.Stderr = &logs, &logs
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		cmd.Process.Signal(syscall.SIGTERM)
		done := make(chan struct{})
		go func() { cmd.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			cmd.Process.Kill()
			<-done
		}
		if t.Failed() {
			t.Logf("prometheus output:\n%s", logs.String())
		}
	})
	return "http://" + addr
}

// promSample is one element of an instant query's vector.
type promSample struct {
	Metric map[string]string `json:"metric"`
	Value  [2]any            `json:"value"` // [unix seconds, "value"]
}

// promQuery runs an instant query through Prometheus's HTTP API.
func promQuery(base, q string) ([]promSample, error) {
	resp, err := http.Get(base + "/api/v1/query?query=" + url.QueryEscape(q))
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	var r struct {
		Status string `json:"status"`
		Error  string `json:"error"`
		Data   struct {
			Result []promSample `json:"result"`
		} `json:"data"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&r); err != nil {
		return nil, err
	}
	if r.Status != "success" {
		return nil, fmt.Errorf("query %s: %s", q, r.Error)
	}
	return r.Data.Result, nil
}

// TestPrometheusScrapesAndAnswers lets a real Prometheus scrape the exporter (with a token) and
// checks the values it answers against what was logged.
func TestPrometheusScrapesAndAnswers(t *testing.T) {
	s := exporterFixture(t)
	target := strings.TrimPrefix(serve(t, RequireToken(MetricsHandler(s, nil), "s3cret")), "http://")
	prom := startPrometheus(t, target, "s3cret")

	want := map[string]float64{ // query -> value, each one series
		`mlwb_run_metric{run="1",key="loss"}`:                                 0.25,
		`mlwb_run_metric{name="alpha run",key="val-acc"}`:                     0.93,
		`mlwb_run_metric{run="1",key="huge"}`:                                 1e308,
		`mlwb_run_metric{run="2",key="loss"}`:                                 -1e308,
		`mlwb_run_system{run="1",resource="cpu_percent"}`:                     187.5,
		`mlwb_run_gpu{run="1",gpu="0",resource="util_percent"}`:               97,
		`mlwb_run_gpu{run="1",gpu="1",resource="mem_used_mb"}`:                2048,
		`mlwb_runs{status="running"}`:                                         1,
		`mlwb_runs{status="failed"}`:                                          1,
		`count(mlwb_run_metric)`:                                              5,
		`count(mlwb_run_system{run="2"}) or vector(0)`:                        0,
		`up{job="mlwb"}`:                                                      1,
		`count(go_goroutines{job="mlwb"})`:                                    1,
		`count(process_resident_memory_bytes{job="mlwb"})`:                    1,
		`mlwb_run_metric{run="1",key="always/nan"} * 0 + 1 > 0 or vector(-1)`: -1, // NaN compares false
	}
	deadline := time.Now().Add(90 * time.Second)
	var missing []string
	for {
		missing = missing[:0]
		for q, v := range want {
			res, err := promQuery(prom, q)
			if err != nil || len(res) != 1 {
				missing = append(missing, fmt.Sprintf("%s: %v %v", q, res, err))
				continue
			}
			got, err := strconv.ParseFloat(res[0].Value[1].(string), 64)
			if err != nil || got != v {
				missing = append(missing, fmt.Sprintf("%s = %v, want %v", q, res[0].Value[1], v))
			}
		}
		if len(missing) == 0 || time.Now().After(deadline) {
			break
		}
		time.Sleep(500 * time.Millisecond)
	}
	if len(missing) > 0 {
		t.Fatalf("after 90 s Prometheus still answers wrongly:\n%s", strings.Join(missing, "\n"))
	}
	res, err := promQuery(prom, `mlwb_run_metric{run="1",key="always/nan"}`)
	if err != nil || len(res) != 1 || res[0].Value[1] != "NaN" {
		t.Errorf("always-NaN metric: %v %v", res, err)
	}

	// A new value reaches Prometheus on a later scrape.
	write(t, s, 1, "loss", time.Now().UnixMilli(), 0.125)
	for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(300 * time.Millisecond) {
		res, err := promQuery(prom, `mlwb_run_metric{run="1",key="loss"}`)
		if err == nil && len(res) == 1 && res[0].Value[1] == "0.125" {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("new loss never seen: %v %v", res, err)
		}
	}
}
