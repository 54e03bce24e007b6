package versions

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"math"
	"slices"
	"sort"
	"strings"

	"github.com/mlwb/mlwb/stages/data"
	"github.com/mlwb/mlwb/stages/project"
	"github.com/mlwb/mlwb/store"
)

// VersionDiff is the difference between two versions of an experiment — two runs, two commits,
// or a commit and the worktree: code, params, metrics, datasets and environment. Its JSON shape is
// documented in the README and kept stable.
type VersionDiff struct {
	From string `json:"from"`
	To   string `json:"to"`
	// Files are the code changes (see FileChange).
	Files []FileChange `json:"files"`
	// CodeNote says why the code could not be compared, when it could not.
	CodeNote string `json:"code_note,omitempty"`
	// Params are the params that differ (all of them with AllParams).
	Params []ParamChange `json:"params"`
	// Metrics are every metric of either run, by last value.
	Metrics  []MetricChange  `json:"metrics"`
	Datasets []DatasetChange `json:"datasets"`
	Env      []EnvChange     `json:"env"`
}

// ParamChange is one param of two runs. A or B is nil where a run lacks the param.
type ParamChange struct {
	Key    string  `json:"key"`
	A      *string `json:"a"`
	B      *string `json:"b"`
	Status string  `json:"status"` // added, removed, changed, same
}

// MetricChange is one metric's last value in two runs. Delta and Pct are B − A and its percent
// of |A|; null where either value is missing, NaN or infinite (or A is 0, for Pct).
type MetricChange struct {
	Key       string   `json:"key"`
	A         *float64 `json:"a"`
	B         *float64 `json:"b"`
	Delta     *float64 `json:"delta"`
	Pct       *float64 `json:"pct"`
	Direction string   `json:"direction"` // min or max: which way is better; "" for counters and sys/ metrics
	// Better is "a", "b" or "" (equal, or not comparable).
	Better string `json:"better"`
}

// DatasetChange is one dataset used by either run.
type DatasetChange struct {
	Name  string `json:"name"`
	HashA string `json:"hash_a"`
	HashB string `json:"hash_b"`
	Same  bool   `json:"same"`
	// Profile is the data-profile diff where the versions differ and both were profiled.
	Profile *data.Diff `json:"profile,omitempty"`
}

// Summary says in one line how the two versions differ: same, only on one side, or the profile
// diff's row counts, column changes and shifted columns.
func (ds DatasetChange) Summary() string {
	switch {
	case ds.Same:
		return "same"
	case ds.HashA == "":
		return "only in B"
	case ds.HashB == "":
		return "only in A"
	case ds.Profile == nil:
		return "different version (not profiled)"
	}
	p := ds.Profile
	parts := []string{fmt.Sprintf("rows %d → %d", p.RowsA, p.RowsB)}
	if len(p.Added) > 0 {
		parts = append(parts, "+columns "+strings.Join(p.Added, ", "))
	}
	if len(p.Removed) > 0 {
		parts = append(parts, "−columns "+strings.Join(p.Removed, ", "))
	}
	var shifted []string
	for _, c := range p.Columns {
		if c.Shifted {
			shifted = append(shifted, c.Name)
		}
	}
	if len(shifted) > 0 {
		parts = append(parts, "shifted (PSI > 0.2): "+strings.Join(shifted, ", "))
	}
	return strings.Join(parts, "; ")
}

// EnvChange is one field of the runs' environment.
type EnvChange struct {
	Field string `json:"field"`
	A     string `json:"a"`
	B     string `json:"b"`
	Same  bool   `json:"same"`
}

// RunDiffOptions say what to include in a run diff.
type RunDiffOptions struct {
	DiffOptions
	// Root is the git root; "" (not in a repository) skips the code diff with a note.
	Root string
	// Metrics gives each metric's direction.
	Metrics project.MetricsSpec
	// AllParams keeps the params that are the same in both runs.
	AllParams bool
}

// RunSnapshot is the code a run really executed: its commit plus its uncommitted patch.
func RunSnapshot(r *store.Run) Snapshot {
	return Snapshot{Label: fmt.Sprintf("run #%d", r.ID), Commit: r.GitCommit, Patch: r.GitPatch}
}

// DiffRuns compares two runs: code (commits plus patches), params, metrics, datasets and
// environment. A run whose commit is gone (rewritten history) still gets its params, metrics and
// data compared, with a note saying why the code is not.
func DiffRuns(ctx context.Context, st *store.Store, a, b *store.Run, opt RunDiffOptions) (*VersionDiff, error) {
	d := &VersionDiff{From: fmt.Sprintf("run #%d", a.ID), To: fmt.Sprintf("run #%d", b.ID),
		Files: []FileChange{}, Params: []ParamChange{}, Metrics: []MetricChange{}, Datasets: []DatasetChange{}}
	switch {
	case opt.Root == "":
		d.CodeNote = "not in a git repository: no code to compare"
	case a.GitCommit == "" || b.GitCommit == "":
		d.CodeNote = "a run recorded no git commit: no code to compare"
	default:
		code, err := DiffSnapshots(ctx, opt.Root, RunSnapshot(a), RunSnapshot(b), opt.DiffOptions)
		switch {
		case errors.Is(err, ErrMissingCommit), errors.Is(err, ErrNoGitCLI):
			d.CodeNote = "code not compared: " + err.Error()
		case err != nil:
			return nil, err
		default:
			d.Files = code.Files
		}
	}
	ids := []int64{a.ID, b.ID}
	params, err := st.Params(ctx, ids)
	if err != nil {
		return nil, err
	}
	d.Params = diffParams(params[a.ID], params[b.ID], opt.AllParams)
	sums, err := st.Summaries(ctx, ids)
	if err != nil {
		return nil, err
	}
	d.Metrics = diffMetrics(lastValues(sums[a.ID]), lastValues(sums[b.ID]), opt.Metrics)
	if d.Datasets, err = diffDatasets(ctx, st, a.ID, b.ID); err != nil {
		return nil, err
	}
	d.Env = diffEnv(a, b)
	return d, nil
}

// diffParams lists the params of two runs by key: the differing ones, or all with all.
func diffParams(a, b map[string]string, all bool) []ParamChange {
	keys := unionKeys(a, b)
	out := []ParamChange{}
	for _, k := range keys {
		va, okA := a[k]
		vb, okB := b[k]
		c := ParamChange{Key: k}
		if okA {
			c.A = &va
		}
		if okB {
			c.B = &vb
		}
		switch {
		case !okA:
			c.Status = "added"
		case !okB:
			c.Status = "removed"
		case va != vb:
			c.Status = "changed"
		default:
			c.Status = "same"
		}
		if c.Status != "same" || all {
			out = append(out, c)
		}
	}
	return out
}

// lastValues maps each metric key to its last value.
func lastValues(ss []store.Summary) map[string]float64 {
	out := make(map[string]float64, len(ss))
	for _, s := range ss {
		out[s.Key] = s.Last
	}
	return out
}

// diffMetrics compares last values key by key, with the delta and which run is better.
func diffMetrics(a, b map[string]float64, spec project.MetricsSpec) []MetricChange {
	out := []MetricChange{}
	for _, k := range metricOrder(unionKeys(a, b), spec.Primary) {
		c := MetricChange{Key: k, Direction: directionOf(spec, k)}
		va, okA := a[k]
		vb, okB := b[k]
		if okA {
			c.A = finite(va)
		}
		if okB {
			c.B = finite(vb)
		}
		if c.A != nil && c.B != nil {
			delta := *c.B - *c.A
			c.Delta = finite(delta)
			if *c.A != 0 {
				c.Pct = finite(100 * delta / math.Abs(*c.A))
			}
			switch {
			case *c.A == *c.B || c.Direction == "":
			case (*c.B < *c.A) == (c.Direction == project.DirectionMin):
				c.Better = "b"
			default:
				c.Better = "a"
			}
		}
		out = append(out, c)
	}
	return out
}

// finite is &v, or nil for NaN and ±Inf (which JSON cannot carry and no delta can use).
func finite(v float64) *float64 {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return nil
	}
	return &v
}

// diffDatasets pairs the runs' datasets by name; where versions differ and both were profiled,
// it adds the data stage's profile diff.
func diffDatasets(ctx context.Context, st *store.Store, a, b int64) ([]DatasetChange, error) {
	da, err := st.RunDatasets(ctx, a)
	if err != nil {
		return nil, err
	}
	db, err := st.RunDatasets(ctx, b)
	if err != nil {
		return nil, err
	}
	out := []DatasetChange{}
	for _, name := range unionKeys(da, db) {
		va, vb := da[name], db[name]
		c := DatasetChange{Name: name}
		if va != nil {
			c.HashA = va.ContentHash
		}
		if vb != nil {
			c.HashB = vb.ContentHash
		}
		c.Same = va != nil && vb != nil && va.ContentHash == vb.ContentHash
		if !c.Same && va != nil && vb != nil && va.Profile != "" && vb.Profile != "" {
			var pa, pb data.Profile
			if json.Unmarshal([]byte(va.Profile), &pa) == nil && json.Unmarshal([]byte(vb.Profile), &pb) == nil {
				c.Profile = data.DiffProfiles(&pa, &pb)
			}
		}
		out = append(out, c)
	}
	return out, nil
}

// diffEnv compares where and how the runs ran.
func diffEnv(a, b *store.Run) []EnvChange {
	dirty := func(r *store.Run) string {
		if r.GitDirty {
			return "yes"
		}
		return "no"
	}
	exit := func(r *store.Run) string {
		if r.ExitCode == nil {
			return ""
		}
		return fmt.Sprint(*r.ExitCode)
	}
	fields := [][3]string{
		{"command", strings.Join(a.Command, " "), strings.Join(b.Command, " ")},
		{"commit", a.GitCommit, b.GitCommit},
		{"branch", a.GitBranch, b.GitBranch},
		{"dirty", dirty(a), dirty(b)},
		{"host", a.Host, b.Host},
		{"user", a.User, b.User},
		{"workdir", a.Workdir, b.Workdir},
		{"status", a.Status, b.Status},
		{"exit", exit(a), exit(b)},
	}
	out := make([]EnvChange, 0, len(fields))
	for _, f := range fields {
		out = append(out, EnvChange{Field: f[0], A: f[1], B: f[2], Same: f[1] == f[2]})
	}
	return out
}

// unionKeys is the sorted union of two maps' keys.
func unionKeys[V any](a, b map[string]V) []string {
	all := make(map[string]V, len(a)+len(b))
	maps.Copy(all, a)
	maps.Copy(all, b)
	return slices.Sorted(maps.Keys(all))
}

// stepKeys are metrics that count progress rather than measure quality.
var stepKeys = map[string]bool{"step": true, "epoch": true, "iter": true, "global_step": true}

// directionOf is the metric's direction, or "" for system metrics and step counters, where
// neither way is better.
func directionOf(spec project.MetricsSpec, key string) string {
	if strings.HasPrefix(key, "sys/") || stepKeys[key] {
		return ""
	}
	return spec.DirectionOf(key)
}

// metricOrder puts the primary metric first and system metrics last, the rest by name.
func metricOrder(keys []string, primary string) []string {
	rank := func(k string) int {
		switch {
		case k == primary:
			return 0
		case strings.HasPrefix(k, "sys/"):
			return 2
		}
		return 1
	}
	sort.SliceStable(keys, func(i, j int) bool { return rank(keys[i]) < rank(keys[j]) })
	return keys
}
