package live

import (
	"context"
	"fmt"
	"io"
	"math"
	"net"
	"net/http"
	"strings"
	"syscall"
	"testing"
	"time"

	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"

	"github.com/mlwb/mlwb/store"
)

// serve serves h on a free 127.0.0.1 port for the test's life and returns its base URL.
func serve(t testing.TB, h http.Handler) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second}
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close() })
	return "http://" + ln.Addr().String()
}

func get(t testing.TB, url, token string) (int, string) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, url, nil)
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, string(b)
}

// exporterFixture is a store with a running run (metrics, sys and GPU samples, a NaN key, keys
// that are no valid metric names) and a finished one.
func exporterFixture(t testing.TB) *store.Store {
	s := openStore(t)
	now := time.Now().UnixMilli()
	a := newRun(t, s, "alpha run", store.StatusRunning)
	write(t, s, a.ID, "loss", now, 1.5, 0.75, 0.25)
	write(t, s, a.ID, "val-acc", now, 0.5, 0.93)
	write(t, s, a.ID, "always/nan", now, math.NaN(), math.NaN())
	write(t, s, a.ID, "huge", now, 1e308)
	write(t, s, a.ID, "sys/cpu_percent", now, 150, 187.5)
	write(t, s, a.ID, "sys/gpu0/util_percent", now, 97)
	write(t, s, a.ID, "sys/gpu1/mem_used_mb", now, 2048)
	b := newRun(t, s, "beta", store.StatusFinished)
	write(t, s, b.ID, "loss", now, 2, -1e308)
	write(t, s, b.ID, "sys/cpu_percent", now, 50) // finished: not exported
	newRun(t, s, "gamma", store.StatusFailed)
	return s
}

func TestMetricsExposition(t *testing.T) {
	s := exporterFixture(t)
	url := serve(t, RequireToken(MetricsHandler(s, nil), "tok"))
	if code, _ := get(t, url+"/metrics", ""); code != http.StatusUnauthorized {
		t.Fatalf("no token: status %d", code)
	}
	if code, _ := get(t, url+"/metrics", "nope"); code != http.StatusUnauthorized {
		t.Fatalf("wrong token: status %d", code)
	}
	code, body := get(t, url+"/metrics", "tok")
	if code != http.StatusOK {
		t.Fatalf("status %d: %s", code, body)
	}
	for _, want := range []string{
		`mlwb_run_metric{key="loss",name="alpha run",run="1"} 0.25`,
		`mlwb_run_metric{key="val-acc",name="alpha run",run="1"} 0.93`,
		`mlwb_run_metric{key="always/nan",name="alpha run",run="1"} NaN`,
		`mlwb_run_metric{key="huge",name="alpha run",run="1"} 1e+308`,
		`mlwb_run_metric{key="loss",name="beta",run="2"} -1e+308`,
		`mlwb_run_system{name="alpha run",resource="cpu_percent",run="1"} 187.5`,
		`mlwb_run_gpu{gpu="0",name="alpha run",resource="util_percent",run="1"} 97`,
		`mlwb_run_gpu{gpu="1",name="alpha run",resource="mem_used_mb",run="1"} 2048`,
		`mlwb_runs{status="running"} 1`, `mlwb_runs{status="finished"} 1`, `mlwb_runs{status="failed"} 1`,
		`mlwb_runs{status="lost"} 0`,
		`go_goroutines `, `process_resident_memory_bytes `,
	} {
		if !strings.Contains(body, want+"\n") && !strings.Contains(body, want) {
			t.Errorf("missing %q", want)
		}
	}
	for _, not := range []string{`run="2",resource="cpu_percent"`, `key="sys/`} {
		if strings.Contains(body, not) {
			t.Errorf("unexpected %q in exposition", not)
		}
	}
}

func TestLabelValueKeepsKeysAndFixesBadUTF8(t *testing.T) {
	for in, want := range map[string]string{
		"sys/gpu0/util": "sys/gpu0/util", "val-acc": "val-acc", "a b": "a b", "损失": "损失",
		"bad\xffkey": "bad\uFFFDkey", `quote"back\slash`: `quote"back\slash`,
	} {
		if got := LabelValue(in); got != want {
			t.Errorf("LabelValue(%q) = %q, want %q", in, got, want)
		}
	}
	s := openStore(t)
	r := newRun(t, s, "bad\xffname", store.StatusRunning)
	write(t, s, r.ID, "k\xfe\n\"", 0, 4)
	_, body := get(t, serve(t, MetricsHandler(s, nil))+"/metrics", "")
	if want := `mlwb_run_metric{key="k` + "\uFFFD" + `\n\"",name="bad` + "\uFFFD" + `name",run="1"} 4`; !strings.Contains(body, want) {
		t.Errorf("missing %q in\n%s", want, body[:min(len(body), 2000)])
	}
}

func TestSplitGPU(t *testing.T) {
	for in, want := range map[string][2]string{"gpu0/util": {"0", "util"}, "gpu12/temp_c": {"12", "temp_c"},
		"gpu/x": {}, "gpux/y": {}, "gpu0/": {}, "cpu_percent": {}, "gpu0": {}} {
		g, r, ok := splitGPU(in)
		if ok != (want[0] != "") || g != want[0] || r != want[1] {
			t.Errorf("splitGPU(%q) = %q %q %v", in, g, r, ok)
		}
	}
}

// bigStore is 1,000 runs × 20 keys (a few points each).
func bigStore(b testing.TB) *store.Store {
	s := openStore(b)
	ctx := context.Background()
	var pts []store.Point
	for i := 0; i < 1000; i++ {
		r := newRun(b, s, fmt.Sprintf("run-%d", i), store.Statuses[i%len(store.Statuses)])
		for k := 0; k < 20; k++ {
			key := fmt.Sprintf("metric_%02d", k)
			if k >= 16 {
				key = fmt.Sprintf("sys/gpu%d/util_percent", k-16)
			}
			for step := int64(1); step <= 3; step++ {
				pts = append(pts, store.Point{RunID: r.ID, Key: key, Step: step, Time: step, Value: float64(i*k) / 7})
			}
		}
	}
	if err := s.WriteMetrics(ctx, pts); err != nil {
		b.Fatal(err)
	}
	return s
}

// BenchmarkMetricsScrape is one whole /metrics answer over loopback HTTP with 1,000 runs × 20 keys.
func BenchmarkMetricsScrape(b *testing.B) {
	s := bigStore(b)
	url := serve(b, MetricsHandler(s, nil)) + "/metrics"
	code, body := get(b, url, "")
	if code != http.StatusOK || strings.Count(body, "\nmlwb_run_metric{") != 16000 {
		b.Fatalf("status %d, %d run metrics", code, strings.Count(body, "\nmlwb_run_metric{"))
	}
	// The mean is at the mercy of a busy machine; the fastest scrape is reported too, and the
	// process's CPU time per scrape (server and client, both in this process), which a machine
	// that is lending its CPUs to others does not inflate as much.
	best := time.Duration(math.MaxInt64)
	cpu0 := processCPU()
	for b.Loop() {
		t0 := time.Now()
		get(b, url, "")
		best = min(best, time.Since(t0))
	}
	b.ReportMetric(float64(best.Microseconds())/1000, "best-ms/scrape")
	b.ReportMetric(float64((processCPU()-cpu0).Microseconds())/1000/float64(b.N), "cpu-ms/scrape")
}

func BenchmarkLatestMetricsQuery(b *testing.B) {
	s := bigStore(b)
	b.ResetTimer()
	for b.Loop() {
		if _, err := s.LatestMetrics(context.Background()); err != nil {
			b.Fatal(err)
		}
	}
}

// TestExpositionParses: the hand-written exposition reads back through Prometheus's own text
// parser (each family once, every sample well formed) with the values the fixture wrote, and two
// keys that only differ in invalid UTF-8 (the same label value once fixed) are one series.
func TestExpositionParses(t *testing.T) {
	s := exporterFixture(t)
	r := newRun(t, s, "odd", store.StatusRunning)
	write(t, s, r.ID, "k\xfe", 0, 1)
	write(t, s, r.ID, "k\xff", 0, 2)
	_, body := get(t, serve(t, MetricsHandler(s, nil))+"/metrics", "")
	p := expfmt.NewTextParser(model.UTF8Validation)
	fams, err := p.TextToMetricFamilies(strings.NewReader(body))
	if err != nil {
		t.Fatalf("Prometheus's parser refuses the exposition: %v\n%s", err, body[:min(len(body), 3000)])
	}
	got := map[string]float64{}
	for _, name := range []string{MetricRun, MetricRuns, MetricSystem, MetricGPU} {
		f := fams[name]
		if f == nil || f.GetType() != dto.MetricType_GAUGE {
			t.Fatalf("family %s missing or not a gauge: %v", name, f)
		}
		for _, m := range f.Metric {
			var ls []string
			for _, l := range m.Label {
				ls = append(ls, l.GetName()+"="+l.GetValue())
			}
			got[name+"{"+strings.Join(ls, ",")+"}"] = m.GetGauge().GetValue()
		}
	}
	want := map[string]float64{
		"mlwb_run_metric{key=loss,name=alpha run,run=1}":                 0.25,
		"mlwb_run_metric{key=val-acc,name=alpha run,run=1}":              0.93,
		"mlwb_run_metric{key=huge,name=alpha run,run=1}":                 1e308,
		"mlwb_run_metric{key=loss,name=beta,run=2}":                      -1e308,
		"mlwb_run_system{name=alpha run,resource=cpu_percent,run=1}":     187.5,
		"mlwb_run_gpu{gpu=0,name=alpha run,resource=util_percent,run=1}": 97,
		"mlwb_run_gpu{gpu=1,name=alpha run,resource=mem_used_mb,run=1}":  2048,
		"mlwb_runs{status=running}":                                      2,
		"mlwb_runs{status=finished}":                                     1,
		"mlwb_runs{status=failed}":                                       1,
		"mlwb_runs{status=lost}":                                         0,
		"mlwb_runs{status=queued}":                                       0,
		"mlwb_runs{status=killed}":                                       0,
		"mlwb_run_metric{key=k\uFFFD,name=odd,run=4}":                    1,
	}
	if v := got["mlwb_run_metric{key=always/nan,name=alpha run,run=1}"]; !math.IsNaN(v) {
		t.Errorf("always/nan = %v, want NaN", v)
	}
	delete(got, "mlwb_run_metric{key=always/nan,name=alpha run,run=1}")
	for k, v := range want {
		if g, ok := got[k]; !ok || g != v {
			t.Errorf("%s = %v (present %v), want %v", k, g, ok, v)
		}
	}
	if len(got) != len(want) {
		t.Errorf("%d series, want %d: %v", len(got), len(want), got)
	}
	if fams["go_goroutines"] == nil || fams["process_resident_memory_bytes"] == nil || fams[MetricScrape] == nil {
		t.Error("the process's own metrics or the scrape time are missing")
	}
}

// processCPU is the user and system CPU time this process has used.
func processCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// TestExpositionNoDuplicateSeries: a key that is not valid UTF-8 is exported with U+FFFD, and so
// can meet a key logged with U+FFFD in it or another fixed key of the same run. Every series is
// written once (Prometheus refuses a scrape with one twice): the key logged as it is exported
// keeps its series whichever sorts first, of two fixed keys the first in key order does, and the
// same key in another run is its own series.
func TestExpositionNoDuplicateSeries(t *testing.T) {
	s := openStore(t)
	now := time.Now().UnixMilli()
	r := newRun(t, s, "odd", store.StatusRunning)
	write(t, s, r.ID, "a\uFFFD", now, 1)
	write(t, s, r.ID, "a\xff", now, 2) // sorts after "a\uFFFD" (0xff > 0xef)
	write(t, s, r.ID, "b\x80", now, 3) // sorts before "b\uFFFD"
	write(t, s, r.ID, "b\uFFFD", now, 4)
	write(t, s, r.ID, "c\xfe", now, 5)
	write(t, s, r.ID, "c\xff", now, 6)
	write(t, s, r.ID, "sys/cpu\x80", now, 7)
	write(t, s, r.ID, "sys/cpu\uFFFD", now, 8)
	write(t, s, r.ID, "sys/gpu0/u\xff", now, 9)
	other := newRun(t, s, "other", store.StatusRunning)
	write(t, s, other.ID, "a\xff", now, 10)
	_, body := get(t, serve(t, MetricsHandler(s, nil))+"/metrics", "")
	p := expfmt.NewTextParser(model.UTF8Validation)
	fams, err := p.TextToMetricFamilies(strings.NewReader(body))
	if err != nil {
		t.Fatalf("Prometheus's parser refuses the exposition: %v\n%s", err, body)
	}
	got := map[string]float64{}
	for _, name := range []string{MetricRun, MetricSystem, MetricGPU} {
		for _, m := range fams[name].GetMetric() {
			var ls []string
			for _, l := range m.Label {
				ls = append(ls, l.GetName()+"="+l.GetValue())
			}
			series := name + "{" + strings.Join(ls, ",") + "}"
			if _, dup := got[series]; dup {
				t.Errorf("%s written twice", series)
			}
			got[series] = m.GetGauge().GetValue()
		}
	}
	want := map[string]float64{
		"mlwb_run_metric{key=a\uFFFD,name=odd,run=1}":         1,
		"mlwb_run_metric{key=b\uFFFD,name=odd,run=1}":         4,
		"mlwb_run_metric{key=c\uFFFD,name=odd,run=1}":         5,
		"mlwb_run_system{name=odd,resource=cpu\uFFFD,run=1}":  8,
		"mlwb_run_gpu{gpu=0,name=odd,resource=u\uFFFD,run=1}": 9,
		"mlwb_run_metric{key=a\uFFFD,name=other,run=2}":       10,
	}
	for k, v := range want {
		if g, ok := got[k]; !ok || g != v {
			t.Errorf("%s = %v (present %v), want %v", k, g, ok, v)
		}
	}
	if len(got) != len(want) {
		t.Errorf("%d series, want %d: %v", len(got), len(want), got)
	}
}
