package data

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"
	"unicode/utf8"
)

// jsonField is one top-level member of a JSON object.
type jsonField struct {
	key  []byte
	kind Kind
	raw  []byte // string contents (unescaped), or the literal/nested text
	num  float64
	inum int64
}

// objScanner reads the top-level members of one JSON object without building a map: keys and
// string values are unescaped into a scratch buffer only when they contain a backslash. Nested
// objects and arrays are kept as their raw text (validated) and profiled as strings. Written by hand
// because encoding/json allocates per member, and JSON Lines profiling is per-member work.
type objScanner struct {
	fields  []jsonField
	scratch []byte
}

// parse splits obj into fields (valid until the next call). The error says what is wrong and at
// which byte.
func (s *objScanner) parse(obj []byte) ([]jsonField, error) {
	s.fields = s.fields[:0]
	s.scratch = s.scratch[:0]
	i := skipWS(obj, 0)
	if i >= len(obj) || obj[i] != '{' {
		return nil, fmt.Errorf("expected a JSON object, found %q", clip(obj[i:], 20))
	}
	i = skipWS(obj, i+1)
	if i < len(obj) && obj[i] == '}' {
		return s.fields, s.trailing(obj, i+1)
	}
	for {
		if i >= len(obj) || obj[i] != '"' {
			return nil, fmt.Errorf("byte %d: expected a member name in quotes", i+1)
		}
		key, next, err := s.str(obj, i)
		if err != nil {
			return nil, err
		}
		i = skipWS(obj, next)
		if i >= len(obj) || obj[i] != ':' {
			return nil, fmt.Errorf("byte %d: expected ':' after member %q", i+1, clip(key, 40))
		}
		i = skipWS(obj, i+1)
		f := jsonField{key: key}
		if i >= len(obj) {
			return nil, fmt.Errorf("byte %d: member %q has no value", i+1, clip(key, 40))
		}
		switch c := obj[i]; {
		case c == '"':
			f.raw, i, err = s.str(obj, i)
			if err != nil {
				return nil, err
			}
			f.kind = KindString
		case c == '{' || c == '[':
			end, err := skipNested(obj, i)
			if err != nil {
				return nil, err
			}
			if !json.Valid(obj[i:end]) {
				return nil, fmt.Errorf("byte %d: member %q holds invalid JSON", i+1, clip(key, 40))
			}
			f.kind, f.raw, i = KindString, obj[i:end], end
		default:
			j := i
			for j < len(obj) && obj[j] != ',' && obj[j] != '}' && obj[j] != ' ' && obj[j] != '\t' && obj[j] != '\r' && obj[j] != '\n' {
				j++
			}
			lit := obj[i:j]
			switch string(lit) {
			case "null":
				f.kind = KindNull
			case "true":
				f.kind, f.num = KindBool, 1
			case "false":
				f.kind = KindBool
			default:
				if !isJSONNumber(lit) {
					return nil, fmt.Errorf("byte %d: member %q has the value %q, which is not JSON", i+1, clip(key, 40), clip(lit, 20))
				}
				if v, ok := parseInt(lit); ok {
					f.kind, f.num, f.inum = KindInt, float64(v), v
				} else {
					v, err := strconv.ParseFloat(string(lit), 64)
					if err != nil && !isRangeErr(err) {
						return nil, fmt.Errorf("byte %d: member %q: %w", i+1, clip(key, 40), err)
					}
					f.kind, f.num = KindFloat, v
				}
			}
			f.raw, i = lit, j
		}
		s.fields = append(s.fields, f)
		i = skipWS(obj, i)
		if i < len(obj) && obj[i] == ',' {
			i = skipWS(obj, i+1)
			continue
		}
		if i < len(obj) && obj[i] == '}' {
			return s.fields, s.trailing(obj, i+1)
		}
		return nil, fmt.Errorf("byte %d: expected ',' or '}' after member %q", i+1, clip(key, 40))
	}
}

func (s *objScanner) trailing(obj []byte, i int) error {
	if j := skipWS(obj, i); j < len(obj) {
		return fmt.Errorf("byte %d: text after the end of the object", j+1)
	}
	return nil
}

// str reads the JSON string starting at obj[i] ('"'), returning its contents and the index after it.
func (s *objScanner) str(obj []byte, i int) ([]byte, int, error) {
	j := i + 1
	esc := false
	var high byte // any byte ≥ 0x80 seen: the text may not be UTF-8
	for j < len(obj) {
		c := obj[j]
		high |= c
		if c == '\\' {
			esc = true
			j += 2
			continue
		}
		if c == '"' {
			break
		}
		if c < 0x20 {
			return nil, 0, fmt.Errorf("byte %d: a control character inside a string", j+1)
		}
		j++
	}
	if j >= len(obj) {
		return nil, 0, fmt.Errorf("byte %d: a string is never closed", i+1)
	}
	// Invalid UTF-8 is read as encoding/json reads it (each bad byte a U+FFFD), so keys and values
	// agree with what the JSON array reader and every other tool see.
	if !esc && (high < 0x80 || utf8.Valid(obj[i+1:j])) {
		return obj[i+1 : j], j + 1, nil
	}
	var out string
	if err := json.Unmarshal(obj[i:j+1], &out); err != nil {
		return nil, 0, fmt.Errorf("byte %d: bad escape in a string: %w", i+1, err)
	}
	start := len(s.scratch)
	s.scratch = append(s.scratch, out...)
	return s.scratch[start:len(s.scratch):len(s.scratch)], j + 1, nil
}

func skipWS(b []byte, i int) int {
	for i < len(b) && (b[i] == ' ' || b[i] == '\t' || b[i] == '\r' || b[i] == '\n') {
		i++
	}
	return i
}

// skipNested returns the index after the object or array starting at b[i], minding strings.
func skipNested(b []byte, i int) (int, error) {
	depth := 0
	for j := i; j < len(b); j++ {
		switch b[j] {
		case '"':
			j++
			for j < len(b) && b[j] != '"' {
				if b[j] == '\\' {
					j++
				}
				j++
			}
		case '{', '[':
			depth++
			if depth > 512 {
				return 0, fmt.Errorf("byte %d: nested more than 512 levels deep", j+1)
			}
		case '}', ']':
			depth--
			if depth == 0 {
				return j + 1, nil
			}
		}
	}
	return 0, fmt.Errorf("byte %d: a nested value is never closed", i+1)
}

func isJSONNumber(b []byte) bool {
	if len(b) == 0 {
		return false
	}
	return json.Valid(b) && (b[0] == '-' || (b[0] >= '0' && b[0] <= '9'))
}

// addJSON counts one record's fields into the worker, adding columns as new keys appear. A JSON
// string is text, except that a string holding a date is a date (JSON has no date type); a string
// of digits stays a string, as the writer chose.
func (w *worker) addJSON(fields []jsonField, line int64) {
	w.rows++
	for _, f := range fields {
		i, ok := w.byName[string(f.key)]
		if !ok {
			i = w.addColumn(string(bytes.ToValidUTF8(f.key, []byte("\uFFFD"))), line, false)
			if string(f.key) != w.names[i] {
				w.byName[string(f.key)] = i
			}
		}
		c := w.cols[i]
		k, v := f.kind, f.num
		if k == KindString && len(f.raw) > 0 && f.raw[0] >= '0' && f.raw[0] <= '9' {
			if t, ok := c.dp.parse(f.raw); ok {
				k, v = KindDate, t
			}
		}
		c.addKind(k, f.raw, v, f.inum, line)
	}
}

// jsonlChunk counts every line of a JSON Lines chunk.
func (w *worker) jsonlChunk(c chunk) {
	var s objScanner
	eachLine(c.data, c.firstLine, func(line int64, ln []byte) {
		fields, err := s.parse(ln)
		if err != nil {
			w.warn(Warning{Line: line, Message: "skipped: " + err.Error()})
			return
		}
		w.addJSON(fields, line)
	})
}
