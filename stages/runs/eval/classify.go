package eval

import (
	"fmt"
	"strings"
)

// maxCurvePoints bounds the points kept per ROC curve.
const maxCurvePoints = 1000

// classify computes the classification metrics of p; notes collects the conventions applied.
func classify(p *Predictions, opts Options, notes *[]string) (*Classification, error) {
	cs := newClassSet(p.Labels, allNumbers(p.Labels))
	k := len(cs.names)
	// The file's label ids, and its probability columns, as positions in cs.
	toClass := make([]int, len(p.Labels))
	for id, l := range p.Labels {
		toClass[id] = cs.index[cs.canonical(l)]
	}
	c := &Classification{Labels: cs.names, Confusion: make([][]int64, k)}
	for i := range c.Confusion {
		c.Confusion[i] = make([]int64, k)
	}
	for i := range p.n {
		c.Confusion[toClass[p.True[i]]][toClass[p.Pred[i]]]++
	}
	perClass(c, p.n, notes)
	if err := scoreMetrics(c, p, cs, toClass, opts, notes); err != nil {
		return nil, err
	}
	return c, nil
}

// perClass fills accuracy, the per-class precision, recall, F1 and their averages from the
// confusion matrix (precision_recall_fscore_support with zero_division=0).
func perClass(c *Classification, n int, notes *[]string) {
	k := len(c.Labels)
	var correct int64
	var neverPredicted, neverTrue []string
	for i := range k {
		correct += c.Confusion[i][i]
		m := ClassMetrics{Label: c.Labels[i]}
		for j := range k {
			m.Support += c.Confusion[i][j]
			m.Predicted += c.Confusion[j][i]
		}
		tp := float64(c.Confusion[i][i])
		if m.Predicted > 0 {
			m.Precision = tp / float64(m.Predicted)
		} else {
			neverPredicted = append(neverPredicted, m.Label)
		}
		if m.Support > 0 {
			m.Recall = tp / float64(m.Support)
		} else {
			neverTrue = append(neverTrue, m.Label)
		}
		if d := m.Precision + m.Recall; d > 0 {
			m.F1 = 2 * m.Precision * m.Recall / d
		}
		c.Classes = append(c.Classes, m)
	}
	// Sum first, then divide, as numpy's average does.
	var mp, mr, mf, wp, wr, wf float64
	for _, m := range c.Classes {
		mp, mr, mf = mp+m.Precision, mr+m.Recall, mf+m.F1
		s := float64(m.Support)
		wp, wr, wf = wp+m.Precision*s, wr+m.Recall*s, wf+m.F1*s
	}
	c.Macro = Average{mp / float64(k), mr / float64(k), mf / float64(k)}
	c.Weighted = Average{wp / float64(n), wr / float64(n), wf / float64(n)}
	c.Accuracy = float64(correct) / float64(n)
	if len(neverPredicted) > 0 {
		*notes = append(*notes, "precision (and F1) set to 0 for classes never predicted: "+ListSome(neverPredicted))
	}
	if len(neverTrue) > 0 {
		*notes = append(*notes, "recall (and F1) set to 0 for classes absent from y_true: "+ListSome(neverTrue))
	}
}

// ListSome writes up to 10 names for a note or a message, then how many more there are.
func ListSome(ls []string) string {
	if len(ls) > 10 {
		return strings.Join(ls[:10], ", ") + fmt.Sprintf(" and %d more", len(ls)-10)
	}
	return strings.Join(ls, ", ")
}

// scoreMetrics fills the metrics that need scores or probabilities: ROC AUC, PR AUC, log loss
// and the ROC curves.
func scoreMetrics(c *Classification, p *Predictions, cs *classSet, toClass []int, opts Options, notes *[]string) error {
	all := cs.union(p.ProbClasses) // every class, including those only named by a p_ column
	if opts.Positive != "" {
		pos := all.canonical(opts.Positive)
		if _, ok := all.index[pos]; !ok && len(all.names) == 1 {
			all = all.union([]string{pos})
		}
		if len(all.names) > 2 {
			return fmt.Errorf("a positive class applies to two-class problems; %s has %d classes (%s)",
				p.Source, len(all.names), ListSome(all.names))
		}
		if _, ok := all.index[pos]; !ok {
			return fmt.Errorf("positive class %q is not a class of %s (%s)", opts.Positive, p.Source, ListSome(all.names))
		}
	}
	// probCol[j] is the class (in all) of probability column j.
	probCol := make([]int, len(p.ProbClasses))
	seen := map[int]string{}
	for j, pc := range p.ProbClasses {
		probCol[j] = all.index[all.canonical(pc)]
		if prev, dup := seen[probCol[j]]; dup {
			return fmt.Errorf("%s: columns %s%s and %s%s are the same class", p.Source, opts.ProbPrefix, prev, opts.ProbPrefix, pc)
		}
		seen[probCol[j]] = pc
	}
	// trueAll[i] is row i's true class in all.
	trueAll := make([]int, p.n)
	for i := range p.n {
		trueAll[i] = all.index[cs.names[toClass[p.True[i]]]]
	}
	sc := &scoring{p: p, all: all, probCol: probCol, trueAll: trueAll, prefix: opts.ProbPrefix, notes: notes}
	switch len(all.names) {
	case 1:
		why := "only one class (" + all.names[0] + ") in the file"
		c.ROCAUC, c.PRAUC, c.LogLoss = undefined(why), undefined(why), undefined(why)
	case 2:
		sc.binary(c, opts.Positive)
	default:
		sc.multiclass(c)
	}
	return nil
}

// scoring holds what the score metrics share.
type scoring struct {
	p       *Predictions
	all     *classSet
	probCol []int // class (in all) of each probability column
	trueAll []int // true class (in all) of each row
	prefix  string
	notes   *[]string
}

// column returns the probability column of class (in all), or -1.
func (s *scoring) column(class int) int {
	for j, c := range s.probCol {
		if c == class {
			return j
		}
	}
	return -1
}

func (s *scoring) binary(c *Classification, positive string) {
	pos := 1 // the greater class, as roc_auc_score takes it
	if positive != "" {
		pos = s.all.index[s.all.canonical(positive)]
	}
	c.Positive = s.all.names[pos]
	p := s.p
	var score []float64
	switch j := s.column(pos); {
	case p.Score != nil:
		score, c.ScoreFrom = p.Score, p.Columns.Score
	case j >= 0:
		score, c.ScoreFrom = s.probs(j), p.Columns.Probabilities[j]
	}
	if score == nil {
		why := fmt.Sprintf("no score: give a score column or a %s%s column", s.prefix, c.Positive)
		c.ROCAUC, c.PRAUC = undefined(why), undefined(why)
	} else {
		rows := make([]scored, p.n)
		for i := range rows {
			rows[i] = scored{score[i], s.trueAll[i] == pos}
		}
		curve := newClfCurve(rows)
		c.ROCAUC, c.PRAUC = s.areas(curve, c.Positive, "y_true")
		if _, ok := c.ROCAUC.Get(); ok {
			pts, thinned := thin(curve.roc(), maxCurvePoints)
			c.ROC = []Curve{{Class: c.Positive, Points: pts, Thinned: thinned}}
		}
	}
	c.LogLoss = s.binaryLogLoss(pos, score, c.ScoreFrom)
}

// areas computes a binary curve's ROC AUC and average precision, or says why they are undefined.
func (s *scoring) areas(curve clfCurve, class, where string) (roc, ap Maybe) {
	P, N := curve.positives(), curve.negatives()
	switch {
	case P == 0:
		why := fmt.Sprintf("no rows of class %s in %s", class, where)
		return undefined(why), undefined(why)
	case N == 0:
		roc = undefined(fmt.Sprintf("every row of %s is class %s", where, class))
	default:
		roc = defined(rocAUC(curve.roc()))
	}
	return roc, defined(curve.averagePrecision())
}

// probs copies probability column j.
func (s *scoring) probs(j int) []float64 {
	k := len(s.probCol)
	out := make([]float64, s.p.n)
	for i := range out {
		out[i] = s.p.Probs[i*k+j]
	}
	return out
}

func (s *scoring) multiclass(c *Classification) {
	p := s.p
	if len(s.probCol) == 0 {
		why := fmt.Sprintf("no probability columns (%s<class>) for %d classes", s.prefix, len(s.all.names))
		if p.Score != nil {
			why += "; a single score column only serves two classes"
		}
		c.ROCAUC, c.PRAUC, c.LogLoss = undefined(why), undefined(why), undefined(why)
		return
	}
	// One-vs-rest per probability column.
	rocs, aps := make([]Maybe, len(s.probCol)), make([]Maybe, len(s.probCol))
	for j, class := range s.probCol {
		rows := make([]scored, p.n)
		for i := range rows {
			rows[i] = scored{p.Probs[i*len(s.probCol)+j], s.trueAll[i] == class}
		}
		curve := newClfCurve(rows)
		name := s.all.names[class]
		rocs[j], aps[j] = s.areas(curve, name, "y_true")
		if _, ok := rocs[j].Get(); ok {
			pts, thinned := thin(curve.roc(), maxCurvePoints)
			c.ROC = append(c.ROC, Curve{Class: name, Points: pts, Thinned: thinned})
		}
		for ci := range c.Classes {
			if c.Classes[ci].Label == name {
				c.Classes[ci].ROCAUC, c.Classes[ci].PRAUC = rocs[j], aps[j]
			}
		}
	}
	c.ROCAUC, c.PRAUC = macro(rocs, s.missingColumn()), macro(aps, s.missingColumn())
	c.LogLoss = s.multiLogLoss()
}

// missingColumn says which class of y_true has no probability column, or "".
func (s *scoring) missingColumn() string {
	has := make([]bool, len(s.all.names))
	for _, c := range s.probCol {
		has[c] = true
	}
	for _, t := range s.trueAll {
		if !has[t] {
			return fmt.Sprintf("class %s of y_true has no %s%s column", s.all.names[t], s.prefix, s.all.names[t])
		}
	}
	return ""
}

// macro is the unweighted mean of per-class values, undefined when any is (or why is set).
func macro(vs []Maybe, why string) Maybe {
	if why != "" {
		return undefined(why)
	}
	var sum float64
	for _, v := range vs {
		x, ok := v.Get()
		if !ok {
			return undefined(v.Reason)
		}
		sum += x
	}
	return defined(sum / float64(len(vs)))
}
