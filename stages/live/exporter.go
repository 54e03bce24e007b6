package live

import (
	"bytes"
	"context"
	"log/slog"
	"math"
	"net/http"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/common/expfmt"

	"github.com/mlwb/mlwb/store"
)

// Metric names of the exporter. They are fixed: a run's metric key is a label value, never part of
// a metric name, so any key (`sys/gpu0/util`, `val-acc`, `损失`) is exported as it is logged.
const (
	MetricRun    = "mlwb_run_metric" // {key, name, run}: the last logged value of every non-sys key
	MetricRuns   = "mlwb_runs"       // {status}: runs (not deleted) in each status
	MetricSystem = "mlwb_run_system" // {name, resource, run}: sys/ metrics of running runs
	MetricGPU    = "mlwb_run_gpu"    // {gpu, name, resource, run}: sys/gpuN/ metrics of running runs
	MetricScrape = "mlwb_exporter_scrape_seconds"
)

// sysPrefix is the prefix of the system metrics the supervisor samples (stages/runs/sysmetrics.go).
const sysPrefix = "sys/"

// scrapeTimeout bounds one scrape's store reads.
const scrapeTimeout = 10 * time.Second

// The store's families are written straight into Prometheus's text format: one pass over the
// kept-current summaries (one query), a line per series. Going through client_golang's registry
// instead built a const metric per series (16,000 at 1,000 runs × 20 keys), sorted and hashed them
// for consistency checks and encoded them again: most of a scrape's time, for checks that the one
// query's unique (run, key) rows make needless. The process's own Go and process collectors
// still go through a registry (a few dozen series).

// family is one metric family's lines. The families are written in order, each whole: the big
// one (a line per run and key) straight into the answer, the small ones into their own buffers,
// copied after it.
type family struct {
	name, help string
	b          *bytes.Buffer
}

// header writes the family's HELP and TYPE lines to out.
func (f *family) header(out *bytes.Buffer) {
	out.WriteString("# HELP " + f.name + " " + f.help + "\n# TYPE " + f.name + " gauge\n")
}

// flush writes the family, header and lines, to out (for a family with its own buffer).
func (f *family) flush(out *bytes.Buffer) {
	f.header(out)
	out.Write(f.b.Bytes())
}

// sample appends `name{l1="v1",…} value` with label names in sorted order (as client_golang
// writes them; callers pass them so).
func (f *family) sample(v float64, labels ...string) {
	b := f.b
	b.WriteString(f.name)
	for i := 0; i+1 < len(labels); i += 2 {
		if i == 0 {
			b.WriteByte('{')
		} else {
			b.WriteByte(',')
		}
		b.WriteString(labels[i])
		b.WriteString(`="`)
		writeLabelValue(b, labels[i+1])
		b.WriteByte('"')
	}
	if len(labels) > 0 {
		b.WriteByte('}')
	}
	b.WriteByte(' ')
	writeFloat(b, v)
	b.WriteByte('\n')
}

// writeLabelValue escapes a label value for the text format (backslash, quote, newline) after
// making it valid UTF-8 (LabelValue).
func writeLabelValue(b *bytes.Buffer, s string) {
	s = LabelValue(s)
	if !strings.ContainsAny(s, "\\\"\n") {
		b.WriteString(s)
		return
	}
	for _, r := range s {
		switch r {
		case '\\':
			b.WriteString(`\\`)
		case '"':
			b.WriteString(`\"`)
		case '\n':
			b.WriteString(`\n`)
		default:
			b.WriteRune(r)
		}
	}
}

// writeFloat writes v as the text format spells it: NaN, +Inf, -Inf, else Go's shortest form.
func writeFloat(b *bytes.Buffer, v float64) {
	switch {
	case math.IsNaN(v):
		b.WriteString("NaN")
	case math.IsInf(v, 1):
		b.WriteString("+Inf")
	case math.IsInf(v, -1):
		b.WriteString("-Inf")
	default:
		var a [32]byte
		b.Write(strconv.AppendFloat(a[:0], v, 'g', -1, 64))
	}
}

// writeStore writes the store's families: runs by status, every run's last values, the running
// runs' system and GPU samples, and the time the reads took.
func writeStore(ctx context.Context, s *store.Store, out *bytes.Buffer) error {
	start := time.Now()
	counts, err := s.CountRuns(ctx)
	if err != nil {
		return err
	}
	latest, err := s.LatestMetrics(ctx)
	if err != nil {
		return err
	}
	runs := family{name: MetricRuns, help: "Runs (not deleted) by status.", b: out}
	run := family{name: MetricRun, help: "Last logged value of a run's metric (sys/ metrics are in mlwb_run_system and mlwb_run_gpu).", b: out}
	system := family{name: MetricSystem, help: "Last sampled system metric of a running run (sys/<resource>).", b: &bytes.Buffer{}}
	gpu := family{name: MetricGPU, help: "Last sampled GPU metric of a running run (sys/gpu<N>/<resource>).", b: &bytes.Buffer{}}
	out.Grow(len(latest) * 72) // a run metric's line is about 60 bytes
	runs.header(out)
	for _, st := range store.Statuses {
		runs.sample(float64(counts[st]), "status", st)
	}
	run.header(out)
	// A key that is not valid UTF-8 is exported with U+FFFD in place of its bad bytes (LabelValue),
	// so it can meet another such key of its run ("k\xfe", "k\xff") or a key logged with U+FFFD in
	// it ("k\uFFFD"): the same series, which Prometheus refuses to take twice. Those keys are
	// written after the run's valid ones, each unless its series has been written (then dropped:
	// a key logged as it is exported keeps its series; of two fixed ones, the first in key order).
	// Only keys with U+FFFD can meet, so only they are remembered.
	var seen map[string]bool // the run's written keys that contain U+FFFD
	var bad []int            // the run's keys that are not valid UTF-8, by index in latest
	emit := func(m *store.LatestMetric, id, key string) {
		if strings.ContainsRune(key, utf8.RuneError) {
			if seen[key] {
				return
			}
			if seen == nil {
				seen = map[string]bool{}
			}
			seen[key] = true
		}
		if res, ok := strings.CutPrefix(key, sysPrefix); ok {
			if m.Status != store.StatusRunning {
				return // a finished run's last CPU reading is not its CPU use now
			}
			if g, gres, ok := splitGPU(res); ok {
				gpu.sample(m.Value, "gpu", g, "name", m.RunName, "resource", gres, "run", id)
			} else {
				system.sample(m.Value, "name", m.RunName, "resource", res, "run", id)
			}
			return
		}
		run.sample(m.Value, "key", key, "name", m.RunName, "run", id)
	}
	var id string
	endRun := func() {
		for _, i := range bad {
			emit(&latest[i], id, LabelValue(latest[i].Key))
		}
		bad = bad[:0]
		clear(seen)
	}
	var last int64 = -1
	for i := range latest {
		m := &latest[i]
		if m.RunID != last { // rows come grouped by run: format its id once
			endRun()
			last, id = m.RunID, strconv.FormatInt(m.RunID, 10)
		}
		if !utf8.ValidString(m.Key) {
			bad = append(bad, i)
			continue
		}
		emit(m, id, m.Key)
	}
	endRun()
	system.flush(out)
	gpu.flush(out)
	scrape := family{name: MetricScrape, help: "Time this scrape spent reading the store.", b: out}
	scrape.header(out)
	scrape.sample(time.Since(start).Seconds())
	return nil
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
// spaces included), so only invalid UTF-8 is replaced (with U+FFFD): Prometheus refuses the
// whole scrape otherwise, and one badly named key would hide every run.
func LabelValue(s string) string {
	return strings.ToValidUTF8(s, "\uFFFD")
}

// MetricsHandler serves the store's families and the process's own Go and process metrics in
// Prometheus's text format. A store error is logged and the rest still served, so the process's
// own metrics stay visible while the store is locked or broken.
func MetricsHandler(s *store.Store, log *slog.Logger) http.Handler {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	self := prometheus.NewRegistry()
	self.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	format := expfmt.NewFormat(expfmt.TypeTextPlain)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx, cancel := context.WithTimeout(r.Context(), scrapeTimeout)
		defer cancel()
		var out bytes.Buffer
		if err := writeStore(ctx, s, &out); err != nil { // nothing half-written is served
			log.Error("metrics", "err", err)
			out.Reset()
		}
		mfs, err := self.Gather()
		if err != nil {
			log.Error("metrics", "err", err) // what was gathered is still written
		}
		enc := expfmt.NewEncoder(&out, format)
		for _, mf := range mfs {
			if err := enc.Encode(mf); err != nil {
				log.Error("metrics", "err", err)
			}
		}
		w.Header().Set("Content-Type", string(format))
		w.Write(out.Bytes())
	})
}
