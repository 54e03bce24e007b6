// Package features turns a raw dataset into model inputs: a transform spec (a committed YAML file)
// says per column what to do (standardize, min-max, log1p, clip, impute, one-hot, bucketize, date
// parts, drop); the statistics those transforms need are fitted from the data stage's profile of
// the input, never from a second look at the rows; and the transform streams the file in parallel
// chunks to CSV, TSV or Parquet in file order, with memory that does not grow with the file.
package features

import (
	"fmt"
	"os"
	"strings"

	"github.com/cespare/xxhash/v2"
)

// maxSpecSize bounds a spec file: a transform spec is a page of YAML, so anything larger is a
// wrong path, not a spec.
const maxSpecSize = 1 << 20

// Spec is a parsed transform spec.
type Spec struct {
	Path    string       // as given, for messages
	Hash    string       // xxHash64 of the file's bytes, 16 hex characters: the spec's version
	Rest    string       // what happens to columns the spec does not name: "keep" (default) or "drop"
	Columns []ColumnSpec // in the order the file lists them
}

// ColumnSpec is what the spec says about one input column. Steps run in a fixed order whatever
// the order of the keys: impute, clip, log1p, then one of scale, onehot, bucketize or dateparts.
type ColumnSpec struct {
	Name string
	Line int  // where the column's key is
	Keep bool // named only to keep it unchanged (with rest: drop)
	Drop bool

	Impute    *Impute
	Clip      *Clip
	Log1p     bool
	Log1pLine int
	Scale     string // "standardize", "minmax" or ""
	ScaleLine int
	OneHot    *OneHot
	Bucketize *Bucketize
	DateParts []string // of year, month, day, weekday, hour
	PartsLine int
}

// Impute says what a null becomes.
type Impute struct {
	Method string // mean, median, mode or constant
	Value  string // the constant's text, for constant
	Line   int
}

// Clip bounds values; a nil bound is open.
type Clip struct {
	Min, Max *float64
	Line     int
}

// OneHot turns a column into one 0/1 column per frequent value, plus col=__other__.
type OneHot struct {
	Top  int
	Line int
}

// Bucketize replaces a value by the index of its bucket between edges (explicit, or the
// profile's quantiles).
type Bucketize struct {
	Edges     []float64
	Quantiles int // 2 or 4: cut at the profile's median or quartiles
	Line      int
}

// SpecError is a problem in a spec, or in fitting it to a profile, located by file and line.
type SpecError struct {
	Path string
	Line int // 1-based; 0 when no single line is at fault
	Msg  string
}

// Error formats the problem as "path:line: msg".
func (e *SpecError) Error() string {
	if e.Line <= 0 {
		return fmt.Sprintf("%s: %s", e.Path, e.Msg)
	}
	return fmt.Sprintf("%s:%d: %s", e.Path, e.Line, e.Msg)
}

func specErr(path string, line int, format string, args ...any) *SpecError {
	return &SpecError{Path: path, Line: line, Msg: fmt.Sprintf(format, args...)}
}

// LoadSpec reads and parses the spec file at path.
func LoadSpec(path string) (*Spec, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("feature spec: %w", err)
	}
	defer f.Close()
	if st, err := f.Stat(); err == nil && st.IsDir() {
		return nil, fmt.Errorf("feature spec %s: is a directory", path)
	}
	b := make([]byte, maxSpecSize+1)
	n, err := readFull(f, b)
	if err != nil {
		return nil, fmt.Errorf("feature spec %s: %w", path, err)
	}
	return ParseSpec(path, b[:n])
}

// SpecHash is the version of a spec's bytes: xxHash64 as 16 hex characters, like a dataset's.
func SpecHash(b []byte) string { return fmt.Sprintf("%016x", xxhash.Sum64(b)) }

// Outputs that one-hot and date parts add are named after the column.
const otherValue = "__other__"

// Names of the choices, for parsing and for messages.
var (
	imputeMethods = []string{"mean", "median", "mode"}
	scaleMethods  = []string{"standardize", "minmax"}
	datePartNames = []string{"year", "month", "day", "weekday", "hour"}
	shorthands    = []string{"keep", "drop", "standardize", "minmax", "log1p"}
)

func oneOf(v string, choices []string) bool {
	for _, c := range choices {
		if v == c {
			return true
		}
	}
	return false
}

func choices(c []string) string { return strings.Join(c, ", ") }
