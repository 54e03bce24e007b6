package eval

import (
	"errors"
	"fmt"
)

// InputError is a problem with a predictions file, located as precisely as the reader knows:
// always the file, and the 1-based line and the column's name when they apply.
type InputError struct {
	File   string // the file's path or name as given
	Line   int    // 1-based line; 0 when the problem is not on one line
	Column string // the column (CSV header name or JSON key); "" when not about one column
	Err    error
}

func (e *InputError) Error() string {
	s := e.File
	if s == "" {
		s = "predictions"
	}
	if e.Line > 0 {
		s += fmt.Sprintf(" line %d", e.Line)
	}
	if e.Column != "" {
		if e.Line > 0 {
			s += ","
		}
		s += fmt.Sprintf(" column %s", e.Column)
	}
	return s + ": " + e.Err.Error()
}

func (e *InputError) Unwrap() error { return e.Err }

// Errors an InputError may wrap, for callers that want to tell them apart.
var (
	ErrEmpty         = errors.New("no prediction rows")
	ErrMissingColumn = errors.New("missing column")
	ErrDuplicate     = errors.New("duplicate column")
	ErrRagged        = errors.New("wrong number of fields")
	ErrNotNumber     = errors.New("not a number")
	ErrMissingValue  = errors.New("missing value")
	ErrBinary        = errors.New("binary data, not a text predictions file")
	ErrTooLong       = errors.New("record too long")
	ErrTooLarge      = errors.New("too many rows or values")
)

// inputErr builds an InputError whose message is ErrX followed by detail.
func inputErr(line int, column string, kind error, format string, args ...any) *InputError {
	err := kind
	if format != "" {
		err = fmt.Errorf("%w: %s", kind, fmt.Sprintf(format, args...))
	}
	return &InputError{Line: line, Column: column, Err: err}
}
