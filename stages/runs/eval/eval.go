package eval

import (
	"errors"
	"fmt"
	"math"
)

// FromFile reads the predictions file at path and evaluates it: what the run supervisor calls
// after a run ends, and what `mlwb eval` prints.
func FromFile(path string, opts Options) (*Report, error) {
	p, err := Read(path, opts)
	if err != nil {
		return nil, err
	}
	return Evaluate(p, opts)
}

// Evaluate computes the report of predictions read by Read or Decode, with the same options.
func Evaluate(p *Predictions, opts Options) (*Report, error) {
	opts, err := opts.withDefaults()
	if err != nil {
		return nil, err
	}
	if p == nil || p.n == 0 {
		return nil, &InputError{File: sourceOf(p), Err: ErrEmpty}
	}
	r := &Report{Source: p.Source, Rows: p.n, Columns: p.Columns, Kind: opts.Kind}
	if r.Kind == "" {
		r.Kind = detectKind(p)
	}
	switch r.Kind {
	case KindRegression:
		if p.TrueNum == nil {
			if p.nonNumeric != nil {
				return nil, located(p, p.nonNumeric, "regression needs numeric labels")
			}
			return nil, fmt.Errorf("%s: regression needs numeric labels", p.Source)
		}
		r.Columns.Score, r.Columns.Probabilities = "", nil
		if p.Score != nil || len(p.ProbClasses) > 0 {
			r.Notes = append(r.Notes, "score and probability columns are not used by a regression")
		}
		if r.Regression, err = regress(p.TrueNum, p.PredNum, &r.Notes); err != nil {
			return nil, fmt.Errorf("%s: %w", p.Source, err)
		}
	default:
		if p.Labels == nil {
			return nil, located(p, p.tooMany, "too many classes for a classification")
		}
		c, err := classify(p, opts, &r.Notes)
		if err != nil {
			return nil, err
		}
		r.Classification = c
	}
	return r, nil
}

// detectKind picks regression when every label is a number, no column carries scores, and
// y_true has a value that is not whole (scikit-learn's type_of_target calls that continuous) or
// more than 20 distinct values; classification otherwise.
func detectKind(p *Predictions) string {
	if p.TrueNum == nil || p.Score != nil || len(p.ProbClasses) > 0 {
		return KindClassification
	}
	if p.Labels == nil {
		return KindRegression // more distinct labels than a classification may have
	}
	distinct := map[float64]struct{}{}
	for _, v := range p.TrueNum {
		if v != math.Trunc(v) {
			return KindRegression // 1.5 is no class
		}
		if distinct[v] = struct{}{}; len(distinct) > 20 {
			return KindRegression
		}
	}
	return KindClassification
}

// located returns a copy of a reading-time error with the file named and a word of context.
func located(p *Predictions, e *InputError, context string) error {
	if e == nil {
		return errors.New(context)
	}
	c := *e
	c.File = p.Source
	c.Err = fmt.Errorf("%s: %w", context, e.Err)
	return &c
}

func sourceOf(p *Predictions) string {
	if p == nil {
		return ""
	}
	return p.Source
}
