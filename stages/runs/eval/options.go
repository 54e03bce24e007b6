package eval

import (
	"fmt"
	"path/filepath"
	"strings"
)

// Report kinds, also the store's evaluation kinds.
const (
	KindClassification = "classification"
	KindRegression     = "regression"
)

// Input formats.
const (
	FormatCSV   = "csv"
	FormatTSV   = "tsv"
	FormatJSONL = "jsonl"
)

// Default limits; see Options.
const (
	DefaultMaxRecordBytes = 1 << 20
	DefaultMaxRows        = 5_000_000
	DefaultMaxValues      = 50_000_000
	DefaultMaxClasses     = 2048
)

// Options say which columns hold what, which kind of evaluation to make, and how much input to accept.
// The zero value is usable: columns y_true and y_pred, an optional score column named "score",
// probability columns p_<class>, the kind detected from the labels.
type Options struct {
	Label      string // true label column; default "y_true"
	Prediction string // predicted label column; default "y_pred"
	// Score is a binary positive-class score column. Empty means "score" when the file has one;
	// otherwise binary scores come from the p_<positive> column.
	Score      string
	ProbPrefix string // prefix of per-class probability columns; default "p_"
	// Positive is the positive class of a two-class problem; default the greater of the two
	// labels (numerically when both are numbers), as scikit-learn's roc_auc_score picks it.
	Positive string
	// Kind forces KindClassification or KindRegression. Empty detects: regression when every
	// label is a number, there are no score or probability columns, and y_true has a value that
	// is not whole or more than 20 distinct values.
	Kind string
	// Format is FormatCSV, FormatTSV or FormatJSONL; empty picks by the file's extension
	// (.csv, .tsv/.tab, .jsonl/.ndjson/.json) and otherwise by looking at the first bytes.
	Format string

	MaxRecordBytes int // longest record (line) accepted; default DefaultMaxRecordBytes
	MaxRows        int // most rows accepted; default DefaultMaxRows
	MaxValues      int // most probability and score values held; default DefaultMaxValues (8 bytes each)
	MaxClasses     int // most distinct labels of a classification; default DefaultMaxClasses
}

// withDefaults fills the zero fields and checks the rest.
func (o Options) withDefaults() (Options, error) {
	def := func(s *string, v string) {
		if *s = strings.TrimSpace(*s); *s == "" {
			*s = v
		}
	}
	def(&o.Label, "y_true")
	def(&o.Prediction, "y_pred")
	def(&o.ProbPrefix, "p_")
	o.Score = strings.TrimSpace(o.Score)
	o.Positive = strings.TrimSpace(o.Positive)
	if o.Label == o.Prediction {
		return o, fmt.Errorf("the label and prediction columns are both %q", o.Label)
	}
	switch o.Kind {
	case "", KindClassification, KindRegression:
	default:
		return o, fmt.Errorf("unknown evaluation kind %q (want %s or %s)", o.Kind, KindClassification, KindRegression)
	}
	switch o.Format {
	case "", FormatCSV, FormatTSV, FormatJSONL:
	default:
		return o, fmt.Errorf("unknown format %q (want csv, tsv or jsonl)", o.Format)
	}
	defInt := func(n *int, v int) {
		if *n <= 0 {
			*n = v
		}
	}
	defInt(&o.MaxRecordBytes, DefaultMaxRecordBytes)
	defInt(&o.MaxRows, DefaultMaxRows)
	defInt(&o.MaxValues, DefaultMaxValues)
	defInt(&o.MaxClasses, DefaultMaxClasses)
	return o, nil
}

// formatByName is the format a file name's extension implies, or "".
func formatByName(name string) string {
	switch strings.ToLower(filepath.Ext(name)) {
	case ".csv":
		return FormatCSV
	case ".tsv", ".tab":
		return FormatTSV
	case ".jsonl", ".ndjson", ".json":
		return FormatJSONL
	}
	return ""
}
