package data

// Profile is what `mlwb data profile` reports about one file. Its JSON form is documented in the
// README and kept stable: new fields may be added, none renamed or removed.
type Profile struct {
	Path         string        `json:"path"`
	Format       string        `json:"format"`                // csv, tsv, jsonl, json or parquet
	Compression  string        `json:"compression,omitempty"` // gzip or zstd
	Size         int64         `json:"size"`                  // bytes on disk
	Hash         string        `json:"hash,omitempty"`        // content hash (the dataset version)
	Rows         int64         `json:"rows"`
	Columns      []Column      `json:"columns"`
	Correlations *Correlations `json:"correlations,omitempty"`
	Target       *Target       `json:"target,omitempty"`
	Warnings     []Warning     `json:"warnings"`      // the first few, with their lines
	WarningCount int64         `json:"warning_count"` // all of them
	ElapsedMS    float64       `json:"elapsed_ms"`
}

// Column is the profile of one column. Numbers are JSON numbers; for datetime columns min, max,
// mean and the quantiles are ISO 8601 strings, std is in seconds and histogram edges are Unix
// seconds. A statistic that does not apply (or is undefined, like the std of one value) is null.
type Column struct {
	Name            string         `json:"name"`
	Type            string         `json:"type"`  // int, float, bool, datetime or string
	Count           int64          `json:"count"` // non-null values
	Nulls           int64          `json:"nulls"`
	Distinct        int64          `json:"distinct"`
	DistinctApprox  bool           `json:"distinct_approx"` // HyperLogLog estimate (±1%)
	Min             any            `json:"min"`
	Max             any            `json:"max"`
	Mean            any            `json:"mean"`
	Std             any            `json:"std"` // sample standard deviation (ddof = 1)
	Quantiles       map[string]any `json:"quantiles"`
	QuantilesApprox bool           `json:"quantiles_approx"` // KLL sketch, rank error ≤ 1%
	Top             []TopValue     `json:"top"`
	TopApprox       bool           `json:"top_approx"` // past the exact limit: some counts are estimates, rare late values missing
	Histogram       []Bin          `json:"histogram"`
	Zeros           int64          `json:"zeros"`
	Negatives       int64          `json:"negatives"`
	Infinite        int64          `json:"infinite"`
	Outliers        int64          `json:"outliers"` // outside [p25 − 1.5·IQR, p75 + 1.5·IQR]; estimated when QuantilesApprox
	Length          *Length        `json:"length"`   // characters, for string columns
	Violations      int64          `json:"violations"`
	ViolationLines  []example      `json:"violation_examples"`
	InvalidUTF8     int64          `json:"invalid_utf8"`
}

// TopValue is a value and how many rows hold it.
type TopValue struct {
	Value string  `json:"value"`
	Count int64   `json:"count"`
	Share float64 `json:"share"` // of the non-null values
}

// Length is the character length of a string column's values.
type Length struct {
	Min  int     `json:"min"`
	Max  int     `json:"max"`
	Mean float64 `json:"mean"`
}

// Correlations is the Pearson correlation matrix of the numeric columns (null where undefined:
// fewer than two rows with both values, or a constant column).
type Correlations struct {
	Columns []string     `json:"columns"`
	Matrix  [][]*float64 `json:"matrix"`
}

// Target is the class balance of the project's target column.
type Target struct {
	Column  string     `json:"column"`
	Classes []TopValue `json:"classes"`
}

// Warning is something wrong with the input that did not stop the profile (a ragged row, a
// renamed column, invalid UTF-8), with where it was found.
type Warning struct {
	Line     int64  `json:"line,omitempty"`
	RowGroup int    `json:"row_group,omitempty"`
	Column   string `json:"column,omitempty"`
	Message  string `json:"message"`
}

// TargetColumn is the column the class balance was computed for, or "".
func (p *Profile) TargetColumn() string {
	if p.Target == nil {
		return ""
	}
	return p.Target.Column
}
