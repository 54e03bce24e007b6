package live

import (
	"context"
	"fmt"
	"math"
	"strings"
	"time"

	"github.com/mlwb/mlwb/store"
)

// Alert rule names, as stored in the alerts table.
const (
	RuleNonFinite = "nonfinite_loss" // a loss key's last value is NaN or ±Inf
	RuleStalled   = "stalled"        // no metric for StallAfter while the run is alive
	RuleLowGPU    = "low_gpu_util"   // every GPU sample of the last LowGPUFor under LowGPUPercent
	RuleMemory    = "memory_high"    // host or GPU memory use above MemoryPercent
	RuleEnded     = "ended_badly"    // the run failed or was lost
)

// Rules are the alert thresholds (mlwb.yaml's alerts section; DefaultRules otherwise). A zero
// duration or percentage turns its rule off.
type Rules struct {
	// LossKeys are substrings that make a key a loss (default "loss").
	LossKeys      []string      `yaml:"loss_keys"`
	StallAfter    time.Duration `yaml:"stall_after"`
	LowGPUPercent float64       `yaml:"low_gpu_percent"`
	LowGPUFor     time.Duration `yaml:"low_gpu_for"`
	MemoryPercent float64       `yaml:"memory_percent"`
	EndedBadly    bool          `yaml:"ended_badly"`
	// HeartbeatStale is how old a heartbeat may be for the run to count as alive (stall rule).
	HeartbeatStale time.Duration `yaml:"heartbeat_stale"`
	// CheckEvery is how often the rules are checked (0: CheckEvery, ten seconds).
	CheckEvery time.Duration `yaml:"check_every"`
	// Bell rings the terminal bell once when the TUI sees a new alert raised.
	Bell bool `yaml:"bell"`
}

// DefaultRules are the rules a project gets without an alerts section.
func DefaultRules() Rules {
	return Rules{LossKeys: []string{"loss"}, StallAfter: 10 * time.Minute, LowGPUPercent: 10,
		LowGPUFor: 10 * time.Minute, MemoryPercent: 95, EndedBadly: true, HeartbeatStale: 30 * time.Second}
}

// Checker evaluates Rules over the store and keeps the alerts table current: it raises an alert
// when a rule starts to hold (once, however often it is checked) and clears it when it stops.
type Checker struct {
	s        *store.Store
	rules    Rules
	lossKeys []string // rules.LossKeys lower-cased, the empty ones left out
}

// NewChecker returns a Checker of rules over s.
func NewChecker(s *store.Store, rules Rules) *Checker {
	lower := make([]string, 0, len(rules.LossKeys))
	for _, k := range rules.LossKeys {
		if k != "" {
			lower = append(lower, strings.ToLower(k))
		}
	}
	return &Checker{s: s, rules: rules, lossKeys: lower}
}

// Every is the configured check period, CheckEvery when the rules set none.
func (c *Checker) Every() time.Duration {
	if c.rules.CheckEvery > 0 {
		return c.rules.CheckEvery
	}
	return CheckEvery
}

// finding is one rule's verdict on one run.
type finding struct {
	rule, severity, message string
	holds                   bool
}

// Check evaluates every rule for the runs that are running or queued, and the ended-badly rule for
// failed and lost runs. It returns the alerts it newly raised.
func (c *Checker) Check(ctx context.Context, now time.Time) ([]store.Alert, error) {
	live, err := c.s.ListRuns(ctx, store.RunQuery{Statuses: []string{store.StatusRunning, store.StatusQueued}, Limit: 1000})
	if err != nil {
		return nil, fmt.Errorf("alerts: %w", err)
	}
	var bad []*store.Run
	if c.rules.EndedBadly {
		if bad, err = c.s.ListRuns(ctx, store.RunQuery{Statuses: []string{store.StatusFailed, store.StatusLost}, Limit: 1000}); err != nil {
			return nil, fmt.Errorf("alerts: %w", err)
		}
	}
	return c.check(ctx, live, bad, nil, now)
}

// CheckRun is Check for one run only (the supervisor checks its own run, so alerts are kept with
// the run while no viewer is open): every rule while it is running or queued, the ended-badly
// rule once it failed or was lost, and the last loss of any ended run — a run that logged a NaN
// loss and exited 0 before the first periodic check still gets its alert from the last one.
func (c *Checker) CheckRun(ctx context.Context, runID int64, now time.Time) ([]store.Alert, error) {
	r, err := c.s.GetRun(ctx, runID)
	if err != nil {
		return nil, fmt.Errorf("alerts: %w", err)
	}
	switch r.Status {
	case store.StatusRunning, store.StatusQueued:
		return c.check(ctx, []*store.Run{r}, nil, nil, now)
	case store.StatusFailed, store.StatusLost:
		if c.rules.EndedBadly {
			return c.check(ctx, nil, []*store.Run{r}, nil, now)
		}
	}
	return c.check(ctx, nil, nil, []*store.Run{r}, now)
}

// check evaluates the rules for live runs, for runs that ended badly, and the loss rule alone for
// other ended runs (done).
func (c *Checker) check(ctx context.Context, live, bad, done []*store.Run, now time.Time) ([]store.Alert, error) {
	ids := make([]int64, 0, len(live)+len(bad)+len(done))
	for _, rs := range [][]*store.Run{live, bad, done} {
		for _, r := range rs {
			ids = append(ids, r.ID)
		}
	}
	if len(ids) == 0 {
		return nil, nil
	}
	sums, err := c.s.Summaries(ctx, ids)
	if err != nil {
		return nil, fmt.Errorf("alerts: %w", err)
	}
	// Write only what changed: most checks find every rule as it was, and each raise or clear is a
	// write transaction (a thousand failed runs would be a thousand of them every check).
	type runRule struct {
		run  int64
		rule string
	}
	active := map[runRule]bool{}
	as, err := c.s.Alerts(ctx, ids, true)
	if err != nil {
		return nil, fmt.Errorf("alerts: %w", err)
	}
	for _, a := range as {
		active[runRule{a.RunID, a.Rule}] = true
	}
	var raised []store.Alert
	apply := func(run int64, fs []finding) error {
		for _, f := range fs {
			if was := active[runRule{run, f.rule}]; !f.holds || was {
				if !f.holds && was {
					if err := c.s.ClearAlert(ctx, run, f.rule); err != nil {
						return err
					}
				}
				continue
			}
			a := store.Alert{RunID: run, Rule: f.rule, Severity: f.severity, Message: f.message, Raised: now.UnixMilli()}
			created, err := c.s.RaiseAlert(ctx, &a)
			if err != nil {
				return err
			}
			if created {
				raised = append(raised, a)
			}
		}
		return nil
	}
	for _, r := range live {
		fs := []finding{c.nonFinite(sums[r.ID]), c.stalled(r, sums[r.ID], now), c.memory(sums[r.ID])}
		low, err := c.lowGPU(ctx, r, sums[r.ID], now)
		if err != nil {
			return raised, err
		}
		if err := apply(r.ID, append(fs, low)); err != nil {
			return raised, err
		}
	}
	for _, r := range bad {
		msg := "run was lost: its supervisor died without recording an end"
		if r.Status == store.StatusFailed {
			msg = "run failed"
			if r.ExitCode != nil {
				msg = fmt.Sprintf("run failed with exit code %d", *r.ExitCode)
			}
		}
		fs := []finding{c.nonFinite(sums[r.ID]), {rule: RuleEnded, severity: "error", message: msg, holds: true}}
		if err := apply(r.ID, fs); err != nil {
			return raised, err
		}
	}
	for _, r := range done {
		if err := apply(r.ID, []finding{c.nonFinite(sums[r.ID])}); err != nil {
			return raised, err
		}
	}
	return raised, nil
}

// isLoss reports whether key contains a loss key, in any case: Keras and PyTorch's examples
// print `Loss`, and `Train Loss: nan` must raise the alert as `train loss: nan` does.
func (c *Checker) isLoss(key string) bool {
	lower := strings.ToLower(key)
	for _, k := range c.lossKeys {
		if strings.Contains(lower, k) {
			return true
		}
	}
	return false
}

// nonFinite holds when a loss key's last value is NaN or infinite.
func (c *Checker) nonFinite(sums []store.Summary) finding {
	f := finding{rule: RuleNonFinite, severity: "error"}
	for _, s := range sums {
		if !finite(s.Last) && c.isLoss(s.Key) { // the cheap test first: every key of every run, every check
			f.holds, f.message = true, fmt.Sprintf("%s is %v at step %d", s.Key, s.Last, s.LastStep)
			return f
		}
	}
	return f
}

// stalled holds when the run is alive (a fresh heartbeat) but no metric (sys/ samples aside) has
// arrived for StallAfter — counted from the start for a run that never logged.
func (c *Checker) stalled(r *store.Run, sums []store.Summary, now time.Time) finding {
	f := finding{rule: RuleStalled, severity: "warn"}
	if c.rules.StallAfter <= 0 || r.Status != store.StatusRunning || r.Heartbeat.IsZero() ||
		now.Sub(r.Heartbeat) > c.rules.HeartbeatStale {
		return f
	}
	last := r.Started
	for _, s := range sums {
		if !strings.HasPrefix(s.Key, sysPrefix) && time.UnixMilli(s.LastTime).After(last) {
			last = time.UnixMilli(s.LastTime)
		}
	}
	if !last.IsZero() && now.Sub(last) >= c.rules.StallAfter {
		f.holds = true
		f.message = fmt.Sprintf("no metric for %s while the run is alive", now.Sub(last).Round(time.Second))
	}
	return f
}

// memory holds when the host's memory use or a GPU's memory use is above MemoryPercent.
func (c *Checker) memory(sums []store.Summary) finding {
	f := finding{rule: RuleMemory, severity: "warn"}
	if c.rules.MemoryPercent <= 0 {
		return f
	}
	by := map[string]float64{}
	for _, s := range sums {
		by[s.Key] = s.Last
	}
	if v := by["sys/host_mem_percent"]; v > c.rules.MemoryPercent {
		f.holds, f.message = true, fmt.Sprintf("host memory %.1f%% used", v)
		return f
	}
	for k, used := range by {
		gpu, ok := strings.CutSuffix(k, "/mem_used_mb")
		if !ok || !strings.HasPrefix(gpu, sysPrefix+"gpu") {
			continue
		}
		if total := by[gpu+"/mem_total_mb"]; total > 0 && used/total*100 > c.rules.MemoryPercent {
			f.holds = true
			f.message = fmt.Sprintf("%s memory %.1f%% used (%.0f of %.0f MB)", strings.TrimPrefix(gpu, sysPrefix), used/total*100, used, total)
			return f
		}
	}
	return f
}

// lowGPU holds when some GPU's utilisation samples cover the last LowGPUFor and every one of
// them is under LowGPUPercent.
func (c *Checker) lowGPU(ctx context.Context, r *store.Run, sums []store.Summary, now time.Time) (finding, error) {
	f := finding{rule: RuleLowGPU, severity: "warn"}
	if c.rules.LowGPUFor <= 0 || c.rules.LowGPUPercent <= 0 || r.Status != store.StatusRunning {
		return f, nil
	}
	from := now.Add(-c.rules.LowGPUFor).UnixMilli()
	for _, s := range sums {
		if !strings.HasPrefix(s.Key, sysPrefix+"gpu") || !strings.HasSuffix(s.Key, "/util_percent") ||
			s.LastTime < from || math.IsNaN(s.Max) {
			continue
		}
		pts, err := c.s.History(ctx, r.ID, s.Key)
		if err != nil {
			return f, fmt.Errorf("alerts: %w", err)
		}
		covered, low, peak := false, true, 0.0
		for _, p := range pts {
			if p.Time <= from {
				covered = true // a sample at or before the window's start: the window is all seen
				continue
			}
			if p.Value >= c.rules.LowGPUPercent {
				low = false
				break
			}
			peak = max(peak, p.Value)
		}
		if covered && low {
			f.holds = true
			f.message = fmt.Sprintf("%s utilisation under %.0f%% (at most %.0f%%) for %s",
				strings.TrimSuffix(strings.TrimPrefix(s.Key, sysPrefix), "/util_percent"), c.rules.LowGPUPercent, peak, c.rules.LowGPUFor)
			return f, nil
		}
	}
	return f, nil
}
