package data

import (
	"bytes"
	"context"
	"fmt"
)

// RecordStream is a CSV, TSV or JSON Lines file opened for one parallel pass over its records,
// for engines outside this package (the feature transforms) that must read exactly what the
// profiler read: the same sniffed delimiter and header, BOM and binary checks, quoted newlines,
// chunking and error lines. Memory is a few chunks whatever the file's size.
type RecordStream struct {
	src     *source
	in      *textInput
	columns []string
	index   map[string]int // JSON Lines: key → column
}

// OpenRecords opens path for a record pass. Parquet and JSON arrays are refused with a message
// naming the format (the pass streams text).
func OpenRecords(path string) (*RecordStream, error) {
	src, err := openSource(path)
	if err != nil {
		return nil, err
	}
	if src.format != "csv" && src.format != "tsv" && src.format != "jsonl" {
		src.Close()
		return nil, fmt.Errorf("%s: record streams read CSV, TSV and JSON Lines; this is %s", path, src.format)
	}
	in, err := openText(src)
	if err != nil {
		src.Close()
		return nil, err
	}
	rs := &RecordStream{src: src, in: in}
	if in.dl != nil {
		rs.columns = in.dl.names
	}
	return rs, nil
}

// Close releases the file.
func (rs *RecordStream) Close() { rs.src.Close() }

// Format is csv, tsv or jsonl.
func (rs *RecordStream) Format() string { return rs.src.format }

// Columns are the header's names (CSV, TSV), or the names given to SetColumns (JSON Lines,
// whose keys are known per record only).
func (rs *RecordStream) Columns() []string { return rs.columns }

// SetColumns names the columns of a JSON Lines stream (the profile's, say): each record's members
// are placed by key, and keys not named are ignored. It is an error on CSV and TSV, whose header
// decides the columns.
func (rs *RecordStream) SetColumns(names []string) error {
	if rs.in.dl != nil {
		return fmt.Errorf("%s: the header names the columns of a %s file", rs.src.path, rs.src.format)
	}
	rs.columns = names
	rs.index = make(map[string]int, len(names))
	for i, n := range names {
		rs.index[n] = i
	}
	return nil
}

// DayFirst reports whether column c reads slashed dates as day/month/year, as the profile did.
func (rs *RecordStream) DayFirst(c int) bool {
	return rs.in.dl != nil && c < len(rs.in.dl.dayFirst) && rs.in.dl.dayFirst[c]
}

// RecordBatch is a run of consecutive records; Index orders the batches of a pass (0, 1, …), so a
// caller that writes output can put the batches back in file order.
type RecordBatch struct {
	Index int
	rs    *RecordStream
	c     chunk
}

// Run hands the stream's batches to fn on nw goroutines (worker is 0…nw−1, for per-worker state)
// and returns the first error (a read error first, as it explains the rest), wrapped with the path.
// A batch is valid only during its call.
func (rs *RecordStream) Run(ctx context.Context, nw int, fn func(worker int, b *RecordBatch) error) error {
	if nw <= 0 {
		nw = workerCount(Options{})
	}
	return rs.in.run(ctx, nw, func(i int, c chunk) error {
		return fn(i, &RecordBatch{Index: c.index, rs: rs, c: c})
	})
}

// Each calls fn with every record of the batch in order: the line it starts on and one field per
// column (a missing field, short row or JSON null is nil; extra fields are ignored). Values are the
// file's text, unquoted; a JSON string is its unescaped contents, a number or boolean its literal,
// a nested value its JSON text. fields is reused between calls.
func (b *RecordBatch) Each(fn func(line int64, fields [][]byte) error) error {
	rs := b.rs
	out := make([][]byte, len(rs.columns))
	if dl := rs.in.dl; dl != nil {
		return eachRecord(b.c, dl, func(_ *csvScanner, fields [][]byte, line int64) error {
			for i := range out {
				out[i] = nil
				if i < len(fields) {
					out[i] = fields[i]
					if out[i] == nil {
						out[i] = []byte{}
					}
				}
			}
			return fn(line, out)
		})
	}
	var js objScanner
	var ferr error
	eachLine(b.c.data, b.c.firstLine, func(line int64, ln []byte) {
		if ferr != nil {
			return
		}
		fields, err := js.parse(bytes.TrimRight(ln, "\r"))
		if err != nil {
			ferr = fmt.Errorf("line %d: %w", line, err)
			return
		}
		clear(out)
		for _, f := range fields {
			if i, ok := rs.index[string(f.key)]; ok && f.kind != KindNull {
				out[i] = f.raw
				if out[i] == nil {
					out[i] = []byte{}
				}
			}
		}
		ferr = fn(line, out)
	})
	return ferr
}

// ValueParser types one column's raw values exactly as the profiler does (null tokens, integers,
// floats, booleans, the date spellings; leading-zero codes are text). Not safe for concurrent use:
// it remembers the date layout it saw last.
type ValueParser struct{ dp dateParser }

// NewValueParser returns a parser for a column whose slashed dates are day-first or not.
func NewValueParser(dayFirst bool) *ValueParser {
	return &ValueParser{dp: dateParser{dayFirst: dayFirst}}
}

// Parse returns the kind of b and, for numbers, booleans (1 or 0) and dates (Unix seconds, UTC),
// its value.
func (p *ValueParser) Parse(b []byte) (Kind, float64) { return classify(b, &p.dp) }

// IsNull reports whether b (surrounding blanks aside) spells a missing value: "", NA, N/A, null,
// NaN, None and their common case variants.
func IsNull(b []byte) bool { return isNullToken(trimSpace(b)) }

// TrimValue drops the blanks around a value, as the profiler does before typing or counting it.
func TrimValue(b []byte) []byte { return trimSpace(b) }
