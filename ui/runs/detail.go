package runs

import (
	"context"
	"encoding/json"
	"fmt"
	"sort"
	"strings"

	tea "charm.land/bubbletea/v2"

	"github.com/mlwb/mlwb/stages/runs/eval"
	"github.com/mlwb/mlwb/store"
	"github.com/mlwb/mlwb/ui/common"
	"github.com/mlwb/mlwb/ui/widget"
)

// maxDetailSeries bounds the metric histories one detail view reads: a run logging thousands of
// keys still opens at once (the rest are listed by their summary only).
const maxDetailSeries = 40

// maxArtifacts bounds the artifact listing.
const maxArtifacts = 200

// detailView is one run in full: params, metrics with sparklines, its evaluation with the
// confusion matrix drawn, git facts, a system summary and its artifacts. It reads everything in
// the background and scrolls.
type detailView struct {
	runID int64
	run   *store.Run
	msg   detailMsg
	ready bool
	top   int // first line shown
}

// detailMsg carries what a detail view shows.
type detailMsg struct {
	runID     int64
	run       *store.Run
	params    map[string]string
	tags      map[string]string
	sums      []store.Summary
	series    map[string][]float64
	report    *eval.Report
	artifacts []string
	err       error
}

func newDetailView(r *store.Run) *detailView {
	return &detailView{runID: r.ID, run: r}
}

// reload reads the run again (it may be running).
func (d *detailView) reload(st *store.Store) tea.Cmd {
	id, prev := d.runID, d.msg
	return func() tea.Msg { return readDetail(st, id, prev) }
}

// readDetail reads the run; a metric whose summary is as in prev keeps prev's history, so a
// detail left open re-reads only the series that grew.
func readDetail(st *store.Store, id int64, prev detailMsg) detailMsg {
	ctx := context.Background()
	m := detailMsg{runID: id}
	fail := func(err error) detailMsg { return detailMsg{runID: id, err: err} }
	var err error
	if m.run, err = st.GetRun(ctx, id); err != nil {
		return fail(err)
	}
	ps, err := st.Params(ctx, []int64{id})
	if err != nil {
		return fail(err)
	}
	ts, err := st.Tags(ctx, []int64{id})
	if err != nil {
		return fail(err)
	}
	m.params, m.tags = ps[id], ts[id]
	sums, err := st.Summaries(ctx, []int64{id})
	if err != nil {
		return fail(err)
	}
	m.sums = sums[id]
	m.series = map[string][]float64{}
	before := map[string]store.Summary{}
	for _, s := range prev.sums {
		before[s.Key] = s
	}
	n := 0
	for _, s := range m.sums {
		if strings.HasPrefix(s.Key, "sys/") || strings.HasPrefix(s.Key, "eval/") || n >= maxDetailSeries {
			continue
		}
		n++
		if b, ok := before[s.Key]; ok && b.Count == s.Count && b.LastStep == s.LastStep && prev.series[s.Key] != nil {
			m.series[s.Key] = prev.series[s.Key]
			continue
		}
		h, err := st.History(ctx, id, s.Key)
		if err != nil {
			return fail(err)
		}
		vs := make([]float64, len(h))
		for i, p := range h {
			vs[i] = p.Value
		}
		m.series[s.Key] = vs
	}
	evs, err := st.Evaluations(ctx, id)
	if err != nil {
		return fail(err)
	}
	for _, kind := range []string{eval.KindClassification, eval.KindRegression} {
		if b := evs[kind]; len(b) > 0 {
			var rep eval.Report
			if err := json.Unmarshal(b, &rep); err == nil {
				m.report = &rep
				break
			}
		}
	}
	// The artifacts the store recorded (the supervisor at the run's end, the MLflow API on upload).
	as, err := st.Artifacts(ctx, id, "")
	if err != nil {
		return fail(err)
	}
	for i, a := range as {
		if i == maxArtifacts {
			m.artifacts = append(m.artifacts, fmt.Sprintf("… and %d more", len(as)-maxArtifacts))
			break
		}
		m.artifacts = append(m.artifacts, a.Path+"  "+widget.Num(float64(a.Size))+" B")
	}
	return m
}

func (d *detailView) set(m detailMsg) {
	d.msg, d.ready = m, true
	if m.run != nil {
		d.run = m.run
	}
}

// key scrolls the view.
func (d *detailView) key(msg tea.KeyPressMsg) {
	switch msg.String() {
	case "down", "j":
		d.top++
	case "up", "k":
		d.top--
	case "pgdown", "ctrl+d", "space":
		d.top += 10
	case "pgup", "ctrl+u":
		d.top -= 10
	case "home", "g":
		d.top = 0
	}
	d.top = max(0, d.top)
}

// view renders the run in w×h.
func (d *detailView) view(c *common.Context, w, h int) string {
	st := &c.Styles
	r := d.run
	var lines []string
	add := func(s ...string) { lines = append(lines, s...) }
	section := func(title string) { add("", st.Title.Render(title)) }
	status := st.Status(r.Status)
	head := st.Title.Render(fmt.Sprintf("run %d %s", r.ID, r.Name)) + "  " + status.Render(r.Status)
	if r.ExitCode != nil {
		head += st.Muted.Render(fmt.Sprintf(" (exit %d)", *r.ExitCode))
	}
	add(head+st.Muted.Render("  "+r.UUID), st.Muted.Render("$ ")+strings.Join(r.Command, " "))
	now := c.Now()
	facts := fmt.Sprintf("started %s · took %s · %s@%s", widget.Ago(r.Started, now), widget.Duration(r.Duration(now)), r.User, r.Host)
	add(st.Muted.Render(facts))
	if r.GitCommit != "" {
		g := "commit " + r.GitCommit[:min(12, len(r.GitCommit))] + " on " + r.GitBranch
		if r.GitDirty {
			g += st.Warn.Render(fmt.Sprintf("  dirty (%d-line patch recorded)", strings.Count(r.GitPatch, "\n")))
		}
		add(g)
	}
	if r.Note != "" {
		add(st.Muted.Render("note: ") + r.Note)
	}
	if !d.ready {
		add("", st.Muted.Render("reading…"))
	} else if d.msg.err != nil {
		add("", st.Error.Render(d.msg.err.Error()))
	} else {
		d.body(c, w, add, section)
	}
	if d.top > len(lines)-h {
		d.top = max(0, len(lines)-h)
	}
	lines = lines[d.top:]
	for i := range lines {
		lines[i] = widget.Fit(lines[i], w)
	}
	return widget.Lines(strings.Join(lines, "\n"), w, h)
}

func (d *detailView) body(c *common.Context, w int, add func(...string), section func(string)) {
	st := &c.Styles
	m := d.msg
	if len(m.params) > 0 {
		section("params")
		add(widget.WrapJoin(kvParts(st.Muted.Render, m.params), "  ", w)...)
	}
	if len(m.tags) > 0 {
		section("tags")
		add(widget.WrapJoin(kvParts(st.Muted.Render, m.tags), "  ", w)...)
	}
	var user, sys, ev []store.Summary
	for _, s := range m.sums {
		switch {
		case strings.HasPrefix(s.Key, "sys/"):
			sys = append(sys, s)
		case strings.HasPrefix(s.Key, "eval/"):
			ev = append(ev, s)
		default:
			user = append(user, s)
		}
	}
	if len(user) > 0 {
		section("metrics")
		kw := 6
		for _, s := range user {
			kw = max(kw, min(len(s.Key), 24))
		}
		for _, s := range user {
			spark := ""
			if vs, ok := m.series[s.Key]; ok {
				spark = st.Accent.Render(widget.Sparkline(vs, max(8, min(40, w-kw-48)))) // the rest of the line is kw+48 wide
			}
			add(fmt.Sprintf("%s %10s %s %s", widget.Fit(s.Key, kw), widget.Num(s.Last),
				st.Muted.Render(fmt.Sprintf("min %-9s max %-9s ×%-6d", widget.Num(s.Min), widget.Num(s.Max), s.Count)), spark))
		}
	}
	if m.report != nil {
		section("evaluation")
		add(evalLines(c, m.report, w)...)
	} else if len(ev) > 0 {
		section("evaluation")
		add(widget.WrapJoin(sumParts(st.Muted.Render, ev, "last"), "  ", w)...)
	}
	if len(sys) > 0 {
		section("system (max over the run)")
		add(widget.WrapJoin(sumParts(st.Muted.Render, sys, "max"), "  ", w)...)
	}
	section(fmt.Sprintf("artifacts (%d)", len(m.artifacts)))
	if len(m.artifacts) == 0 {
		add(st.Muted.Render("none recorded (a run's files in " + d.run.ArtifactDir + " are recorded when it ends)"))
	}
	add(m.artifacts...)
}

func kvParts(muted func(...string) string, kv map[string]string) []string {
	keys := make([]string, 0, len(kv))
	for k := range kv {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = muted(k+"=") + kv[k]
	}
	return parts
}

func sumParts(muted func(...string) string, sums []store.Summary, which string) []string {
	parts := make([]string, len(sums))
	for i, s := range sums {
		v := s.Last
		if which == "max" {
			v = s.Max
		}
		parts[i] = muted(strings.TrimPrefix(strings.TrimPrefix(s.Key, "sys/"), "eval/")+" ") + widget.Num(v)
	}
	return parts
}

// evalLines draws an evaluation: the headline numbers, per-class scores and the confusion matrix
// (the diagonal in the good colour, errors in the bad one), or a regression's errors.
func evalLines(c *common.Context, rep *eval.Report, w int) []string {
	st := &c.Styles
	var out []string
	maybe := func(name string, m eval.Maybe) string {
		if v, ok := m.Get(); ok {
			return st.Muted.Render(name+" ") + widget.Num(v)
		}
		return st.Muted.Render(name + " n/a")
	}
	if g := rep.Regression; g != nil {
		out = append(out, fmt.Sprintf("%s%s  %s%s  %s%s  %s%s  %s",
			st.Muted.Render("MAE "), widget.Num(g.MAE), st.Muted.Render("RMSE "), widget.Num(g.RMSE),
			st.Muted.Render("R² "), widget.Num(g.R2), st.Muted.Render("max error "), widget.Num(g.MaxError),
			st.Muted.Render(fmt.Sprintf("(%d rows)", rep.Rows))))
		counts := make([]float64, len(g.Residuals.Counts))
		for i, n := range g.Residuals.Counts {
			counts[i] = float64(n)
		}
		out = append(out, st.Muted.Render("residuals ")+st.Accent.Render(widget.CountBars(counts)))
		return out
	}
	cl := rep.Classification
	if cl == nil {
		return nil
	}
	out = append(out, widget.WrapJoin([]string{st.Muted.Render("accuracy ") + widget.Num(cl.Accuracy),
		st.Muted.Render("macro F1 ") + widget.Num(cl.Macro.F1), st.Muted.Render("weighted F1 ") + widget.Num(cl.Weighted.F1),
		maybe("ROC AUC", cl.ROCAUC), maybe("PR AUC", cl.PRAUC), maybe("log loss", cl.LogLoss),
		st.Muted.Render(fmt.Sprintf("(%d rows)", rep.Rows))}, "  ", w)...)
	if len(cl.Labels) > 12 {
		out = append(out, st.Muted.Render(fmt.Sprintf("%d classes: too many to draw here", len(cl.Labels))))
		return out
	}
	lw := len("true\\pred") - 1 // the corner label fits in lw+2
	for _, l := range cl.Labels {
		lw = max(lw, min(len(l), 12))
	}
	cw := 7 // a column: the widest label or count, and a gap
	for _, l := range cl.Labels {
		cw = max(cw, min(len(l), 12)+2)
	}
	hdr := st.Muted.Render(widget.Fit("true\\pred", lw+2))
	for _, l := range cl.Labels {
		hdr += st.Muted.Render(widget.FitRight(l, cw))
	}
	out = append(out, hdr+st.Muted.Render("   precision recall   F1"))
	for i, l := range cl.Labels {
		row := widget.Fit(l, lw+2)
		for j := range cl.Labels {
			n := cl.Confusion[i][j]
			cell := widget.FitRight(fmt.Sprint(n), cw)
			switch {
			case i == j:
				cell = st.Good.Render(cell)
			case n > 0:
				cell = st.Bad.Render(cell)
			default:
				cell = st.Muted.Render(cell)
			}
			row += cell
		}
		if i < len(cl.Classes) {
			k := cl.Classes[i]
			row += fmt.Sprintf("   %9s %6s %6s", widget.Num(k.Precision), widget.Num(k.Recall), widget.Num(k.F1))
		}
		out = append(out, row)
	}
	return out
}
