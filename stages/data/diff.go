package data

import (
	"fmt"
	"io"
	"math"
	"sort"
	"strconv"
	"strings"
)

// PSIThreshold is the population stability index above which a column counts as shifted (the
// usual rule of thumb: < 0.1 stable, 0.1–0.2 moderate, > 0.2 significant).
const PSIThreshold = 0.2

// Diff compares two profiles of a dataset (two files, or one path at two revisions).
type Diff struct {
	A       string       `json:"a"`
	B       string       `json:"b"`
	RowsA   int64        `json:"rows_a"`
	RowsB   int64        `json:"rows_b"`
	Added   []string     `json:"added"`   // columns only in B
	Removed []string     `json:"removed"` // columns only in A
	Columns []ColumnDiff `json:"columns"` // columns in both, in B's order
}

// ColumnDiff is one column's change. Numeric deltas are B − A (null when either side has no
// number); PSI compares the distributions: over A's deciles for numeric columns (shares read from
// the exact histograms, linear within a bin), over the top values plus "other" for the rest.
type ColumnDiff struct {
	Name      string `json:"name"`
	TypeA     string `json:"type_a"`
	TypeB     string `json:"type_b"`
	NullsA    int64  `json:"nulls_a"`
	NullsB    int64  `json:"nulls_b"`
	DistinctA int64  `json:"distinct_a"`
	DistinctB int64  `json:"distinct_b"`
	// DistinctApproxA and DistinctApproxB say the count is a HyperLogLog estimate.
	DistinctApproxA bool     `json:"distinct_approx_a"`
	DistinctApproxB bool     `json:"distinct_approx_b"`
	MeanA           any      `json:"mean_a"`
	MeanB           any      `json:"mean_b"`
	MeanDelta       *float64 `json:"mean_delta"`
	StdA            any      `json:"std_a"`
	StdB            any      `json:"std_b"`
	MinA            any      `json:"min_a"`
	MinB            any      `json:"min_b"`
	MaxA            any      `json:"max_a"`
	MaxB            any      `json:"max_b"`
	PSI             *float64 `json:"psi"`
	Shifted         bool     `json:"shifted"` // PSI above PSIThreshold, or the type changed
}

// DiffProfiles compares a (the baseline) with b.
func DiffProfiles(a, b *Profile) *Diff {
	d := &Diff{A: a.Path, B: b.Path, RowsA: a.Rows, RowsB: b.Rows, Added: []string{}, Removed: []string{}, Columns: []ColumnDiff{}}
	inA := map[string]*Column{}
	for i := range a.Columns {
		inA[a.Columns[i].Name] = &a.Columns[i]
	}
	inB := map[string]bool{}
	for i := range b.Columns {
		cb := &b.Columns[i]
		inB[cb.Name] = true
		ca, ok := inA[cb.Name]
		if !ok {
			d.Added = append(d.Added, cb.Name)
			continue
		}
		cd := ColumnDiff{Name: cb.Name, TypeA: ca.Type, TypeB: cb.Type, NullsA: ca.Nulls, NullsB: cb.Nulls,
			DistinctA: ca.Distinct, DistinctB: cb.Distinct, DistinctApproxA: ca.DistinctApprox, DistinctApproxB: cb.DistinctApprox, MeanA: ca.Mean, MeanB: cb.Mean, StdA: ca.Std, StdB: cb.Std,
			MinA: ca.Min, MinB: cb.Min, MaxA: ca.Max, MaxB: cb.Max}
		if x, ok1 := ca.Mean.(float64); ok1 && ca.Type != "bool" {
			if y, ok2 := cb.Mean.(float64); ok2 {
				delta := meanDelta(x, y)
				cd.MeanDelta = &delta
			}
		}
		if ca.Type == cb.Type {
			if psi, ok := columnPSI(ca, cb); ok {
				cd.PSI = &psi
				cd.Shifted = psi > PSIThreshold
			}
		} else {
			cd.Shifted = true
		}
		d.Columns = append(d.Columns, cd)
	}
	for _, c := range a.Columns {
		if !inB[c.Name] {
			d.Removed = append(d.Removed, c.Name)
		}
	}
	return d
}

// sameMean is the relative difference below which two means count as equal.
const sameMean = 1e-9

// meanDelta is y − x, or 0 when that is under sameMean of the larger magnitude. Such a difference
// is rounding, not data: the mean is merged from the workers' partial means, so the same column
// read in other chunks (another worker count, or a file with rows appended elsewhere) differs in
// its last bits, and the report showed Δ mean 3.492e-10 for identical columns. The JSON gets
// the same 0, so a script testing mean_delta != 0 and the printed report agree.
func meanDelta(x, y float64) float64 {
	d := y - x
	if math.Abs(d) <= sameMean*math.Max(math.Abs(x), math.Abs(y)) {
		return 0
	}
	return d
}

// psiFloor stands in for an empty bin's share, so one empty bin does not make the index infinite.
const psiFloor = 1e-4

func psi(pa, pb []float64) float64 {
	s := 0.0
	for i := range pa {
		a, b := math.Max(pa[i], psiFloor), math.Max(pb[i], psiFloor)
		s += (b - a) * math.Log(b/a)
	}
	return s
}

func columnPSI(a, b *Column) (float64, bool) {
	switch a.Type {
	case "int", "float", "datetime":
		if len(a.Histogram) == 0 || len(b.Histogram) == 0 {
			return 0, false
		}
		edges := make([]float64, 0, 9)
		for q := 1; q <= 9; q++ {
			e := histQuantile(a.Histogram, float64(q)/10)
			if len(edges) == 0 || e > edges[len(edges)-1] {
				edges = append(edges, e)
			}
		}
		return psi(binShares(a.Histogram, edges), binShares(b.Histogram, edges)), true
	default:
		if a.Count == 0 || b.Count == 0 {
			return 0, false
		}
		keys := map[string]bool{}
		for _, t := range a.Top {
			keys[t.Value] = true
		}
		for _, t := range b.Top {
			keys[t.Value] = true
		}
		names := make([]string, 0, len(keys))
		for k := range keys {
			names = append(names, k)
		}
		sort.Strings(names)
		shares := func(c *Column) []float64 {
			by := map[string]float64{}
			for _, t := range c.Top {
				by[t.Value] = float64(t.Count) / float64(c.Count)
			}
			out := make([]float64, 0, len(names)+1)
			rest := 1.0
			for _, n := range names {
				out = append(out, by[n])
				rest -= by[n]
			}
			return append(out, math.Max(rest, 0)) // every other value
		}
		return psi(shares(a), shares(b)), true
	}
}

// histCDF is the share of values below x, reading the histogram as uniform within each bin.
func histCDF(h []Bin, x float64) float64 {
	var total, below float64
	for _, b := range h {
		total += float64(b.Count)
		switch {
		case x >= b.Hi:
			below += float64(b.Count)
		case x > b.Lo:
			below += float64(b.Count) * (x - b.Lo) / (b.Hi - b.Lo)
		}
	}
	if total == 0 {
		return 0
	}
	return below / total
}

// histQuantile inverts histCDF.
func histQuantile(h []Bin, q float64) float64 {
	var total float64
	for _, b := range h {
		total += float64(b.Count)
	}
	target, cum := q*total, 0.0
	for _, b := range h {
		c := float64(b.Count)
		if cum+c >= target && c > 0 {
			return b.Lo + (b.Hi-b.Lo)*(target-cum)/c
		}
		cum += c
	}
	return h[len(h)-1].Hi
}

// binShares is the share of the histogram's values in each bin cut at edges (len(edges)+1 bins).
func binShares(h []Bin, edges []float64) []float64 {
	out := make([]float64, len(edges)+1)
	prev := 0.0
	for i, e := range edges {
		c := histCDF(h, e)
		out[i] = c - prev
		prev = c
	}
	out[len(edges)] = 1 - prev
	return out
}

// Write prints the diff for a terminal, or as Markdown when md is set.
func (d *Diff) Write(w io.Writer, md bool) error {
	var b strings.Builder
	if md {
		fmt.Fprintf(&b, "### Data diff: `%s` → `%s`\n\n", d.A, d.B)
	} else {
		fmt.Fprintf(&b, "%s → %s\n\n", d.A, d.B)
	}
	fmt.Fprintf(&b, "rows: %d → %d (%+d)\n", d.RowsA, d.RowsB, d.RowsB-d.RowsA)
	if len(d.Added) > 0 {
		fmt.Fprintf(&b, "added columns: %s\n", strings.Join(d.Added, ", "))
	}
	if len(d.Removed) > 0 {
		fmt.Fprintf(&b, "removed columns: %s\n", strings.Join(d.Removed, ", "))
	}
	b.WriteString("\n")
	head := []string{"column", "type", "nulls", "distinct", "mean", "Δ mean", "std", "PSI", ""}
	var rows [][]string
	for _, c := range d.Columns {
		typ := c.TypeA
		if c.TypeB != c.TypeA {
			typ = c.TypeA + " → " + c.TypeB
		}
		pair := func(a, b any) string {
			sa, sb := fmtAny(a), fmtAny(b)
			if fa, ok := a.(float64); ok {
				// Two profiles of one file can sum in another order (chunks go to workers as
				// they come) and differ in the last bits: 499999.49999999994 and 499999.5
				// printed as 499999 → 500000 beside a Δ of 0.
				if fb, ok := b.(float64); ok && meanDelta(fa, fb) == 0 {
					return sa
				}
			}
			if sa == sb {
				return sa
			}
			return sa + " → " + sb
		}
		delta, p, flag := "", "", ""
		if c.MeanDelta != nil {
			delta = strconv.FormatFloat(*c.MeanDelta, 'g', 4, 64)
		}
		if c.PSI != nil {
			p = strconv.FormatFloat(*c.PSI, 'f', 3, 64)
		}
		if c.Shifted {
			flag = "shifted"
		}
		rows = append(rows, []string{c.Name, typ, pair(c.NullsA, c.NullsB),
			pair(DistinctText(c.DistinctA, c.DistinctApproxA), DistinctText(c.DistinctB, c.DistinctApproxB)),
			pair(c.MeanA, c.MeanB), delta, pair(StdText(c.TypeA, c.StdA), StdText(c.TypeB, c.StdB)), p, flag})
	}
	table(&b, md, head, rows)
	_, err := io.WriteString(w, b.String())
	return err
}
