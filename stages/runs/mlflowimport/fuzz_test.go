package mlflowimport

import (
	"math"
	"strconv"
	"testing"
)

// FuzzMetricsLine: any line parses or fails with ErrMetricLine, never panics, and what parses
// survives being written back the way MLflow writes it.
func FuzzMetricsLine(f *testing.F) {
	for _, s := range []string{"1700000000000 0.5 3", "1 nan", "1 -inf 2", "1 2 3 4", "", "\x00\xff", "9223372036854775807 1e308 -1"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, line []byte) {
		ts, v, step, err := ParseMetricLine(line)
		if err != nil {
			return
		}
		out := strconv.FormatInt(ts, 10) + " " + strconv.FormatFloat(v, 'g', -1, 64) + " " + strconv.FormatInt(step, 10)
		ts2, v2, step2, err := ParseMetricLine([]byte(out))
		if err != nil || ts2 != ts || step2 != step || !(v2 == v || math.IsNaN(v) && math.IsNaN(v2)) {
			t.Fatalf("%q -> %q -> %d %v %d %v", line, out, ts2, v2, step2, err)
		}
	})
}

// FuzzRunMeta: any meta.yaml parses into a run with a valid id and a known status, or fails
// naming the file; it never panics.
func FuzzRunMeta(f *testing.F) {
	f.Add([]byte(runMetaYAML(runA, "0", "baseline", 3, "1700000000000", "1700000060000", "active")))
	f.Add([]byte("run_uuid: x\nstatus: RUNNING\n"))
	f.Add([]byte("status: [\n"))
	f.Add([]byte("\xff\xfe"))
	f.Add([]byte("a: &a [*a]\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		r, err := parseRunMeta("meta.yaml", data, "d1r")
		if err != nil {
			if len(err.Error()) < len("meta.yaml") || err.Error()[:len("meta.yaml")] != "meta.yaml" {
				t.Fatalf("error does not name the file: %v", err)
			}
			return
		}
		if !validRunID.MatchString(r.UUID) || statuses[r.Status] == "" || r.Start < 0 || r.End < 0 {
			t.Fatalf("accepted %+v", r)
		}
	})
}

// FuzzExperimentMeta: an experiment's meta.yaml parses or fails naming the file.
func FuzzExperimentMeta(f *testing.F) {
	f.Add([]byte(expMeta("1", "cifar", "active")))
	f.Add([]byte("name: ''\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		m, err := parseExperimentMeta("meta.yaml", data)
		if err == nil && m.Name == "" {
			t.Fatal("accepted an experiment without a name")
		}
	})
}
