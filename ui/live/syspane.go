package live

import (
	"fmt"
	"sort"
	"strings"

	"github.com/mlwb/mlwb/ui/widget"
)

// sysRow is one line of the system pane: a running run's process and host figures (gpu ""), or
// one of its GPUs.
type sysRow struct {
	slot int // the run's colour slot
	gpu  string
}

// sysRows lists the system pane's lines: for each live run with system samples, one line of
// CPU and memory, then one per GPU.
func (p *Page) sysRows() []sysRow {
	var out []sysRow
	for i, f := range p.runs {
		if !f.live() {
			continue
		}
		has := false
		gpus := map[string]bool{}
		for id := range p.traces {
			if id.run != f.id || !strings.HasPrefix(id.key, sysPrefix) {
				continue
			}
			has = true
			if rest, ok := strings.CutPrefix(id.key, sysPrefix+"gpu"); ok {
				if n, _, ok := strings.Cut(rest, "/"); ok {
					gpus["gpu"+n] = true
				}
			}
		}
		if !has {
			continue
		}
		out = append(out, sysRow{slot: i})
		names := make([]string, 0, len(gpus))
		for g := range gpus {
			names = append(names, g)
		}
		sort.Strings(names)
		for _, g := range names {
			out = append(out, sysRow{slot: i, gpu: g})
		}
	}
	return out
}

// sysItem is one gauge of the pane: a label, the key it reads, and how its value is written.
type sysItem struct {
	label, key string
	format     func(v float64) string
}

func percent(v float64) string { return fmt.Sprintf("%.0f%%", v) }

func megabytes(v float64) string {
	if v >= 1024 {
		return fmt.Sprintf("%.1fG", v/1024)
	}
	return fmt.Sprintf("%.0fM", v)
}

// processItems are the run's process tree and host gauges (stages/runs/sysmetrics.go's keys).
var processItems = []sysItem{
	{"cpu", "sys/cpu_percent", percent},
	{"rss", "sys/rss_mb", megabytes},
	{"host cpu", "sys/host_cpu_percent", percent},
	{"host mem", "sys/host_mem_percent", percent},
}

// gpuItems are one GPU's gauges (stages/runs/gpumetrics.go's keys under sys/gpu<N>/).
var gpuItems = []sysItem{
	{"util", "util_percent", percent},
	{"mem", "mem_used_mb", megabytes},
	{"temp", "temp_c", func(v float64) string { return fmt.Sprintf("%.0f°C", v) }},
	{"power", "power_w", func(v float64) string { return fmt.Sprintf("%.0fW", v) }},
}

// sysPane draws the system pane: each gauge a sparkline of its recent samples and the last value.
func (p *Page) sysPane(w, h int) string {
	st := &p.ctx.Styles
	rows := p.sysRows()
	if len(rows) > h {
		rows = rows[:h]
	}
	const nameW = 18
	spark := min(max((w-nameW)/4-16, 3), 24)
	lines := make([]string, 0, len(rows))
	for _, r := range rows {
		f := p.runs[r.slot]
		name := p.runStyle(r.slot).Render(marker(r.slot)) + " " + fmt.Sprintf("#%d %s", f.id, f.name)
		items, prefix := processItems, ""
		if r.gpu != "" {
			name, items, prefix = "  "+r.gpu, gpuItems, sysPrefix+r.gpu+"/"
		}
		parts := []string{widget.Fit(name, nameW)}
		for _, it := range items {
			t := p.traces[traceID{f.id, prefix + it.key}]
			if t == nil || len(t.vals) == 0 {
				continue
			}
			tail := t.vals[max(0, len(t.vals)-4*spark):]
			val := it.format(t.last())
			if it.key == "mem_used_mb" { // as a share of the card's memory when its size is known
				if tot := p.traces[traceID{f.id, prefix + "mem_total_mb"}]; tot != nil && tot.last() > 0 {
					val = percent(t.last() / tot.last() * 100)
				}
			}
			parts = append(parts, st.Muted.Render(it.label)+" "+p.runStyle(r.slot).Render(widget.Sparkline(tail, spark))+" "+widget.Fit(val, 6))
		}
		lines = append(lines, widget.Fit(strings.Join(parts, " "), w))
	}
	return widget.Lines(strings.Join(lines, "\n"), w, h)
}
