package eval

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
)

// readJSONL reads one JSON object per line. The first object decides the probability columns
// (its keys with the prefix); every later one must have the same ones.
func readJSONL(br *bufio.Reader, g *guard, b *builder) error {
	var probs []float64
	var cols Columns
	started := false
	for line := 1; ; line++ {
		raw, err := br.ReadBytes('\n')
		if err != nil && !errors.Is(err, io.EOF) {
			return readErr(err)
		}
		g.mark()
		if t := bytes.TrimSpace(raw); len(t) > 0 {
			obj, jerr := decodeObject(t)
			if jerr != nil {
				return &InputError{Line: line, Err: jerr}
			}
			if !started {
				keys := make([]string, 0, len(obj))
				for k := range obj {
					keys = append(keys, k)
				}
				slices.Sort(keys)
				if cols, err = pickColumns(line, keys, b.opts); err != nil {
					return err
				}
				b.setColumns(cols)
				probs = make([]float64, len(cols.Probabilities))
				started = true
			}
			if err := jsonRow(line, obj, cols, b, probs); err != nil {
				return err
			}
		}
		if errors.Is(err, io.EOF) {
			break
		}
	}
	if !started {
		return inputErr(0, "", ErrEmpty, "the file has no JSON objects")
	}
	return nil
}

// decodeObject parses one line as a JSON object.
func decodeObject(t []byte) (map[string]json.RawMessage, error) {
	if t[0] != '{' {
		return nil, errors.New("not a JSON object (want one object per line)")
	}
	var obj map[string]json.RawMessage
	if err := json.Unmarshal(t, &obj); err != nil {
		var se *json.SyntaxError
		if errors.As(err, &se) {
			return nil, fmt.Errorf("invalid JSON at character %d: %w", se.Offset, err)
		}
		return nil, fmt.Errorf("invalid JSON: %w", err)
	}
	return obj, nil
}

func jsonRow(line int, obj map[string]json.RawMessage, cols Columns, b *builder, probs []float64) error {
	for k := range obj {
		if strings.HasPrefix(k, b.opts.ProbPrefix) && len(k) > len(b.opts.ProbPrefix) &&
			k != cols.Label && k != cols.Prediction && k != cols.Score && !slices.Contains(cols.Probabilities, k) {
			return inputErr(line, k, ErrRagged, "a probability column the first row does not have")
		}
	}
	get := func(name string) (json.RawMessage, error) {
		v, ok := obj[name]
		if !ok {
			return nil, inputErr(line, name, ErrMissingColumn, "the row has no %q key", name)
		}
		return v, nil
	}
	label := func(name string) (string, error) {
		v, err := get(name)
		if err != nil {
			return "", err
		}
		s, err := jsonLabel(v)
		if err == nil {
			err = checkLabel(s)
		}
		if err != nil {
			return "", &InputError{Line: line, Column: name, Err: err}
		}
		return s, nil
	}
	value := func(name string) (float64, error) {
		v, err := get(name)
		if err != nil {
			return 0, err
		}
		f, err := jsonValue(v)
		if err != nil {
			return 0, &InputError{Line: line, Column: name, Err: err}
		}
		return f, nil
	}
	y, err := label(cols.Label)
	if err != nil {
		return err
	}
	p, err := label(cols.Prediction)
	if err != nil {
		return err
	}
	var score float64
	if cols.Score != "" {
		if score, err = value(cols.Score); err != nil {
			return err
		}
	}
	for k, name := range cols.Probabilities {
		if probs[k], err = value(name); err != nil {
			return err
		}
	}
	return b.add(line, y, p, score, probs)
}

// jsonLabel is a label written as a JSON string, number or boolean; numbers keep their text.
func jsonLabel(v json.RawMessage) (string, error) {
	switch v[0] {
	case '"':
		var s string
		if err := json.Unmarshal(v, &s); err != nil {
			return "", err
		}
		return strings.TrimSpace(s), nil
	case 'n':
		return "", fmt.Errorf("%w: null", ErrMissingValue)
	case '{', '[':
		return "", fmt.Errorf("not a label: %s", truncate(string(v)))
	}
	return string(v), nil // a number, true or false
}

// jsonValue is a score or probability written as a JSON number or a string holding one.
func jsonValue(v json.RawMessage) (float64, error) {
	switch v[0] {
	case '"':
		var s string
		if err := json.Unmarshal(v, &s); err != nil {
			return 0, err
		}
		return parseValue(s)
	case 'n':
		return 0, fmt.Errorf("%w: null", ErrMissingValue)
	case '{', '[', 't', 'f':
		return 0, fmt.Errorf("%w: %s", ErrNotNumber, truncate(string(v)))
	}
	return parseValue(string(v))
}
