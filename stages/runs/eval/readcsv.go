package eval

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"
)

// readCSV reads a header line and then one record per row (comma- or tab-separated).
func readCSV(r io.Reader, g *guard, b *builder, tsv bool) error {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1 // ragged rows get our message, with the header's count
	cr.ReuseRecord = true
	if tsv {
		cr.Comma = '\t'
		cr.LazyQuotes = true
	}
	header, err := cr.Read()
	if errors.Is(err, io.EOF) {
		return inputErr(0, "", ErrEmpty, "the file is empty (want a header line)")
	}
	if err != nil {
		return readErr(err)
	}
	g.mark()
	headerLine, _ := cr.FieldPos(0)
	names := make([]string, len(header))
	for i, h := range header {
		names[i] = strings.TrimSpace(h)
	}
	cols, err := pickColumns(headerLine, names, b.opts)
	if err != nil {
		return err
	}
	b.setColumns(cols)
	at := func(name string) int {
		for i, h := range names {
			if h == name {
				return i
			}
		}
		return -1
	}
	iLabel, iPred, iScore := at(cols.Label), at(cols.Prediction), at(cols.Score)
	iProbs := make([]int, len(cols.Probabilities))
	for k, name := range cols.Probabilities {
		iProbs[k] = at(name)
	}
	probs := make([]float64, len(iProbs))
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return readErr(err)
		}
		g.mark()
		line, _ := cr.FieldPos(0)
		if len(rec) != len(names) {
			return inputErr(line, "", ErrRagged, "%d fields, but the header has %d", len(rec), len(names))
		}
		field := func(i int) (string, error) {
			s := strings.TrimSpace(rec[i])
			if err := checkLabel(s); err != nil {
				l, _ := cr.FieldPos(i)
				return "", &InputError{Line: l, Column: names[i], Err: err}
			}
			return s, nil
		}
		label, err := field(iLabel)
		if err != nil {
			return err
		}
		pred, err := field(iPred)
		if err != nil {
			return err
		}
		value := func(i int) (float64, error) {
			v, err := parseValue(rec[i])
			if err != nil {
				l, _ := cr.FieldPos(i)
				return 0, &InputError{Line: l, Column: names[i], Err: err}
			}
			return v, nil
		}
		var score float64
		if iScore >= 0 {
			if score, err = value(iScore); err != nil {
				return err
			}
		}
		for k, i := range iProbs {
			if probs[k], err = value(i); err != nil {
				return err
			}
		}
		if err := b.add(line, label, pred, score, probs); err != nil {
			return err
		}
	}
}

// readErr turns the readers' errors into InputErrors (the guard's already are).
func readErr(err error) error {
	var ie *InputError
	if errors.As(err, &ie) {
		return ie
	}
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		return &InputError{Line: pe.Line, Err: fmt.Errorf("%w (at character %d)", pe.Err, pe.Column)}
	}
	return &InputError{Err: err}
}
