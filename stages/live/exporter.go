package live

import (
	"context"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/mlwb/mlwb/store"
)

// Metric names of the exporter. They are fixed: a run's metric key is a label value, never part of
// a metric name, so any key (`sys/gpu0/util`, `val-acc`, `损失`) is exported as it is logged.
const (
	MetricRun    = "mlwb_run_metric" // {run, name, key}: the last logged value of every non-sys key
	MetricRuns   = "mlwb_runs"       // {status}: runs (not deleted) in each status
	MetricSystem = "mlwb_run_system" // {run, name, resource}: sys/ metrics of running runs
	MetricGPU    = "mlwb_run_gpu"    // {run, name, gpu, resource}: sys/gpuN/ metrics of running runs
	MetricScrape = "mlwb_exporter_scrape_seconds"
)

// sysPrefix is the prefix of the system metrics the supervisor samples (stages/runs/sysmetrics.go).
const sysPrefix = "sys/"

// Collector is a prometheus.Collector that reads the store on every scrape: one query over the
// kept-current metric summaries, so a scrape costs the same however many points were logged.
type Collector struct {
	s       *store.Store
	timeout time.Duration

	run, runs, system, gpu, scrape *prometheus.Desc
}

// NewCollector returns a Collector over s.
func NewCollector(s *store.Store) *Collector {
	runLabels := []string{"run", "name", "key"}
	return &Collector{
		s:       s,
		timeout: 10 * time.Second,
		run:     prometheus.NewDesc(MetricRun, "Last logged value of a run's metric (sys/ metrics are in mlwb_run_system and mlwb_run_gpu).", runLabels, nil),
		runs:    prometheus.NewDesc(MetricRuns, "Runs (not deleted) by status.", []string{"status"}, nil),
		system:  prometheus.NewDesc(MetricSystem, "Last sampled system metric of a running run (sys/<resource>).", []string{"run", "name", "resource"}, nil),
		gpu:     prometheus.NewDesc(MetricGPU, "Last sampled GPU metric of a running run (sys/gpu<N>/<resource>).", []string{"run", "name", "gpu", "resource"}, nil),
		scrape:  prometheus.NewDesc(MetricScrape, "Time this scrape spent reading the store.", nil, nil),
	}
}

// Describe implements prometheus.Collector.
func (c *Collector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{c.run, c.runs, c.system, c.gpu, c.scrape} {
		ch <- d
	}
}

// Collect implements prometheus.Collector. A store error becomes an invalid metric: the handler
// reports it and still serves the rest (the process collectors).
func (c *Collector) Collect(ch chan<- prometheus.Metric) {
	start := time.Now()
	ctx, cancel := context.WithTimeout(context.Background(), c.timeout)
	defer cancel()
	counts, err := c.s.CountRuns(ctx)
	if err != nil {
		ch <- prometheus.NewInvalidMetric(c.runs, err)
		return
	}
	for _, st := range store.Statuses {
		ch <- prometheus.MustNewConstMetric(c.runs, prometheus.GaugeValue, float64(counts[st]), st)
	}
	latest, err := c.s.LatestMetrics(ctx)
	if err != nil {
		ch <- prometheus.NewInvalidMetric(c.run, err)
		return
	}
	var id string
	var last int64 = -1
	for i := range latest {
		m := &latest[i]
		if m.RunID != last { // rows come grouped by run: format its id once
			last, id = m.RunID, strconv.FormatInt(m.RunID, 10)
		}
		name, key := LabelValue(m.RunName), LabelValue(m.Key)
		if res, ok := strings.CutPrefix(key, sysPrefix); ok {
			if m.Status != store.StatusRunning {
				continue // a finished run's last CPU reading is not its CPU use now
			}
			if gpu, gres, ok := splitGPU(res); ok {
				ch <- prometheus.MustNewConstMetric(c.gpu, prometheus.GaugeValue, m.Value, id, name, gpu, gres)
			} else {
				ch <- prometheus.MustNewConstMetric(c.system, prometheus.GaugeValue, m.Value, id, name, res)
			}
			continue
		}
		ch <- prometheus.MustNewConstMetric(c.run, prometheus.GaugeValue, m.Value, id, name, key)
	}
	ch <- prometheus.MustNewConstMetric(c.scrape, prometheus.GaugeValue, time.Since(start).Seconds())
}

// splitGPU splits "gpu0/util_percent" into "0" and "util_percent".
func splitGPU(res string) (gpu, resource string, ok bool) {
	rest, ok := strings.CutPrefix(res, "gpu")
	if !ok {
		return "", "", false
	}
	n, resource, ok := strings.Cut(rest, "/")
	if !ok || n == "" || resource == "" {
		return "", "", false
	}
	for _, r := range n {
		if r < '0' || r > '9' {
			return "", "", false
		}
	}
	return n, resource, true
}

// LabelValue makes s a valid Prometheus label value. Any UTF-8 text is one (slashes, dashes and
// spaces included), so only invalid UTF-8 is replaced (with U+FFFD): client_golang refuses the
// whole metric otherwise, and one badly named key would hide a run.
func LabelValue(s string) string {
	return strings.ToValidUTF8(s, "\uFFFD")
}

// NewRegistry returns a registry with the store's collector and the process's own Go and process
// collectors.
func NewRegistry(s *store.Store) *prometheus.Registry {
	reg := prometheus.NewRegistry()
	reg.MustRegister(NewCollector(s), collectors.NewGoCollector(),
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return reg
}

// MetricsHandler serves the registry of s in Prometheus's exposition formats. A store error is
// logged and the rest still served, so the process's own metrics stay visible while the store is
// locked or broken.
func MetricsHandler(s *store.Store, log *slog.Logger) http.Handler {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	reg := NewRegistry(s)
	return promhttp.HandlerFor(reg, promhttp.HandlerOpts{
		ErrorLog:      slogPrinter{log},
		ErrorHandling: promhttp.ContinueOnError,
		Registry:      reg,
		// gzip would be a third of a big scrape's time; the exporter is scraped over loopback or a
		// LAN (or an SSH tunnel, which compresses itself).
		DisableCompression: true,
		EnableOpenMetrics:  true,
	})
}

// slogPrinter adapts slog to promhttp's Println logger.
type slogPrinter struct{ log *slog.Logger }

func (p slogPrinter) Println(v ...any) {
	p.log.Error("metrics", "err", strings.TrimSpace(strings.Repeat("%v ", len(v))), "detail", v)
}
