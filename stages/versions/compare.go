package versions

import (
	"context"
	"fmt"
	"maps"
	"math"
	"slices"
	"sort"

	"github.com/mlwb/mlwb/stages/project"
	"github.com/mlwb/mlwb/store"
)

// Comparison is N runs side by side, as `dvc exp show`: a params × runs table and a metrics × runs
// table (last values), the best value of each metric marked.
type Comparison struct {
	Runs    []RunRef    `json:"runs"`
	Params  []ParamRow  `json:"params"`
	Metrics []MetricRow `json:"metrics"`
}

// RunRef names a compared run.
type RunRef struct {
	ID     int64  `json:"id"`
	Name   string `json:"name"`
	Commit string `json:"commit"`
	Status string `json:"status"`
}

// ParamRow is one param across the runs; Values[i] is nil where run i lacks it.
type ParamRow struct {
	Key    string    `json:"key"`
	Values []*string `json:"values"`
	Same   bool      `json:"same"`
}

// MetricRow is one metric's last value across the runs; Values[i] is nil where run i lacks it (or
// it is NaN/±Inf). Best is the index of the best run, -1 when none has a value.
type MetricRow struct {
	Key       string     `json:"key"`
	Direction string     `json:"direction"` // min, max, or "" (no best: counters, sys/ metrics)
	Values    []*float64 `json:"values"`
	Best      int        `json:"best"`
}

// CompareOptions say what a comparison keeps and how it orders the runs.
type CompareOptions struct {
	Metrics project.MetricsSpec
	// AllParams keeps params equal in every run (by default only differing ones are shown).
	AllParams bool
	// SortBy orders the runs by this metric, best first; "" keeps the given order.
	SortBy string
}

// CompareRuns builds the comparison of runs.
func CompareRuns(ctx context.Context, st *store.Store, runs []*store.Run, opt CompareOptions) (*Comparison, error) {
	ids := make([]int64, len(runs))
	for i, r := range runs {
		ids[i] = r.ID
	}
	params, err := st.Params(ctx, ids)
	if err != nil {
		return nil, err
	}
	sums, err := st.Summaries(ctx, ids)
	if err != nil {
		return nil, err
	}
	last := make(map[int64]map[string]float64, len(runs))
	for _, id := range ids {
		last[id] = lastValues(sums[id])
	}
	ordered := append([]*store.Run(nil), runs...)
	if opt.SortBy != "" {
		order := project.MetricsSpec{Direction: opt.Metrics.DirectionOf(opt.SortBy)}
		valueOf := func(r *store.Run) float64 {
			if v, ok := last[r.ID][opt.SortBy]; ok {
				return v
			}
			return math.NaN() // a run without the metric sorts last, as NaN does
		}
		sort.SliceStable(ordered, func(i, j int) bool { return order.Better(valueOf(ordered[i]), valueOf(ordered[j])) })
	}
	c := &Comparison{Runs: []RunRef{}, Params: []ParamRow{}, Metrics: []MetricRow{}}
	pkeys, mkeys := map[string]struct{}{}, map[string]struct{}{}
	for _, r := range ordered {
		c.Runs = append(c.Runs, RunRef{ID: r.ID, Name: r.Name, Commit: r.GitCommit, Status: r.Status})
		for k := range params[r.ID] {
			pkeys[k] = struct{}{}
		}
		for k := range last[r.ID] {
			mkeys[k] = struct{}{}
		}
	}
	for _, k := range slices.Sorted(maps.Keys(pkeys)) {
		row := ParamRow{Key: k, Same: true}
		for i, r := range ordered {
			if v, ok := params[r.ID][k]; ok {
				row.Values = append(row.Values, &v)
			} else {
				row.Values = append(row.Values, nil)
			}
			if i > 0 && !sameValue(row.Values[0], row.Values[i]) {
				row.Same = false
			}
		}
		if !row.Same || opt.AllParams {
			c.Params = append(c.Params, row)
		}
	}
	for _, k := range metricOrder(slices.Sorted(maps.Keys(mkeys)), opt.Metrics.Primary) {
		row := MetricRow{Key: k, Direction: directionOf(opt.Metrics, k), Best: -1}
		for i, r := range ordered {
			var v *float64
			if x, ok := last[r.ID][k]; ok {
				v = finite(x)
			}
			row.Values = append(row.Values, v)
			if v != nil && row.Direction != "" &&
				(row.Best < 0 || (project.MetricsSpec{Direction: row.Direction}).Better(*v, *row.Values[row.Best])) {
				row.Best = i
			}
		}
		c.Metrics = append(c.Metrics, row)
	}
	return c, nil
}

func sameValue(a, b *string) bool {
	if a == nil || b == nil {
		return a == b
	}
	return *a == *b
}

// Label is how a compared run is named in tables: "#12 name".
func (r RunRef) Label() string {
	if r.Name == "" {
		return fmt.Sprintf("#%d", r.ID)
	}
	return fmt.Sprintf("#%d %s", r.ID, r.Name)
}

// IsBest reports whether run i holds the row's best value: the one at Best, or a tie with it
// (two runs that both reach 1.0 are both best).
func (m MetricRow) IsBest(i int) bool {
	return m.Best >= 0 && i >= 0 && i < len(m.Values) && m.Values[i] != nil && *m.Values[i] == *m.Values[m.Best]
}

// BestAtCommit is the best primary-metric value among the runs made at one commit (the history's
// "best" column), by the configured direction; NaN when none has a value.
func BestAtCommit(spec project.MetricsSpec, runs []store.CommitRun) float64 {
	best := math.NaN()
	for _, r := range runs {
		if spec.Better(r.Metric, best) {
			best = r.Metric
		}
	}
	return best
}
