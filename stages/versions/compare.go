package versions

import (
	"context"
	"fmt"
	"math"
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
		dir := opt.Metrics.DirectionOf(opt.SortBy)
		sort.SliceStable(ordered, func(i, j int) bool {
			vi, oki := last[ordered[i].ID][opt.SortBy]
			vj, okj := last[ordered[j].ID][opt.SortBy]
			switch {
			case !oki || math.IsNaN(vi):
				return false
			case !okj || math.IsNaN(vj):
				return true
			case dir == project.DirectionMin:
				return vi < vj
			default:
				return vi > vj
			}
		})
	}
	c := &Comparison{Runs: []RunRef{}, Params: []ParamRow{}, Metrics: []MetricRow{}}
	pkeys, mkeys := map[string]bool{}, map[string]bool{}
	for _, r := range ordered {
		c.Runs = append(c.Runs, RunRef{ID: r.ID, Name: r.Name, Commit: r.GitCommit, Status: r.Status})
		for k := range params[r.ID] {
			pkeys[k] = true
		}
		for k := range last[r.ID] {
			mkeys[k] = true
		}
	}
	for _, k := range sortedSet(pkeys) {
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
	for _, k := range metricOrder(sortedSet(mkeys), opt.Metrics.Primary) {
		row := MetricRow{Key: k, Direction: directionOf(opt.Metrics, k), Best: -1}
		for i, r := range ordered {
			var v *float64
			if x, ok := last[r.ID][k]; ok {
				v = finite(x)
			}
			row.Values = append(row.Values, v)
			if v != nil && row.Direction != "" && (row.Best < 0 || better(*v, *row.Values[row.Best], row.Direction)) {
				row.Best = i
			}
		}
		c.Metrics = append(c.Metrics, row)
	}
	return c, nil
}

// better reports whether a beats b in direction dir.
func better(a, b float64, dir string) bool {
	if dir == project.DirectionMin {
		return a < b
	}
	return a > b
}

func sameValue(a, b *string) bool {
	if a == nil || b == nil {
		return a == b
	}
	return *a == *b
}

func sortedSet(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// Label is how a compared run is named in tables: "#12 name".
func (r RunRef) Label() string {
	if r.Name == "" {
		return fmt.Sprintf("#%d", r.ID)
	}
	return fmt.Sprintf("#%d %s", r.ID, r.Name)
}
