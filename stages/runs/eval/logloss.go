package eval

import (
	"fmt"
	"math"
)

// eps is numpy's float64 machine epsilon, the clipping bound of sklearn's log_loss.
const eps = 0x1p-52

// binaryLogLoss is the log loss of a two-class problem: from both probability columns when the
// file has them, else from the one score column taken as the probability of its class.
func (s *scoring) binaryLogLoss(pos int, score []float64, scoreFrom string) Maybe {
	if j0, j1 := s.column(0), s.column(1); j0 >= 0 && j1 >= 0 {
		return s.logLoss([]int{j0, j1})
	}
	// One column: a probability of class q (the positive class unless only the other class's
	// column exists).
	q := pos
	if score == nil {
		for j, c := range s.probCol {
			q, score, scoreFrom = c, s.probs(j), s.p.Columns.Probabilities[j]
		}
	}
	if score == nil {
		return undefined(fmt.Sprintf("no probabilities: give %s%s and %s%s columns, or a score in [0, 1]",
			s.prefix, s.all.names[0], s.prefix, s.all.names[1]))
	}
	if why := outsideUnit(score, scoreFrom); why != "" {
		return undefined(why)
	}
	var sum float64
	for i, v := range score {
		v = clip(v)
		pr := [2]float64{1 - v, v} // sklearn: the single column is the second class's
		if q == 0 {
			pr = [2]float64{v, 1 - v}
		}
		total := pr[0] + pr[1]
		sum += -math.Log(pr[s.trueAll[i]] / total)
	}
	return defined(sum / float64(len(score)))
}

// multiLogLoss is the log loss from every probability column; each class of y_true needs one.
func (s *scoring) multiLogLoss() Maybe {
	if why := s.missingColumn(); why != "" {
		return undefined(why)
	}
	cols := make([]int, len(s.all.names))
	for c := range cols {
		cols[c] = s.column(c)
	}
	return s.logLoss(cols)
}

// logLoss is sklearn's log_loss over probability columns cols (cols[class] is the column of the
// class, -1 when it has none): each row clipped to [eps, 1-eps], then normalized, then the mean of
// -log p(true class).
func (s *scoring) logLoss(cols []int) Maybe {
	k := len(s.probCol)
	p := s.p
	for j := range k {
		if why := outsideUnit(s.probs(j), p.Columns.Probabilities[j]); why != "" {
			return undefined(why)
		}
	}
	var sum float64
	off := 0
	for i := range p.n {
		row := p.Probs[i*k : (i+1)*k]
		var total, raw float64
		for _, j := range cols {
			if j >= 0 {
				total += clip(row[j])
				raw += row[j]
			}
		}
		if math.Abs(raw-1) > 1e-3 {
			off++
		}
		sum += -math.Log(clip(row[cols[s.trueAll[i]]]) / total)
	}
	if off > 0 {
		*s.notes = append(*s.notes, fmt.Sprintf("the probabilities of %d rows do not sum to 1 (within 0.001); log loss normalizes each row", off))
	}
	return defined(sum / float64(p.n))
}

func clip(v float64) float64 { return min(max(v, eps), 1-eps) }

// outsideUnit says why a column is no probability, or "".
func outsideUnit(vs []float64, name string) string {
	for _, v := range vs {
		if v < 0 || v > 1 {
			return fmt.Sprintf("%s is not a probability (%g is outside [0, 1])", name, v)
		}
	}
	return ""
}
