package features

import (
	"fmt"
	"io"
	"path/filepath"
	"strings"

	"github.com/parquet-go/parquet-go"
)

// sink is an output format. Workers encode their batch's rows into a batchOut in parallel; the
// batches are then written in file order, one at a time.
type sink interface {
	header() error
	encode(b *batchOut, line int64, cells []cell) error
	write(b *batchOut) error
	close() error
}

// batchOut is one input batch's transformed rows, encoded for the sink.
type batchOut struct {
	rows  int64
	text  []byte        // CSV/TSV
	prows []parquet.Row // Parquet
	vals  []parquet.Value
	arena []byte // copies of the input's text that Parquet values point at
}

// Formats of the output, from its name.
const (
	FormatCSV     = "csv"
	FormatTSV     = "tsv"
	FormatParquet = "parquet"
)

// FormatFor picks the output format from a file name: .parquet/.pq, .tsv/.tab, else CSV.
func FormatFor(path string) string {
	switch strings.ToLower(filepath.Ext(path)) {
	case ".parquet", ".pq":
		return FormatParquet
	case ".tsv", ".tab":
		return FormatTSV
	}
	return FormatCSV
}

func newSink(format string, w io.Writer, outs []Output) (sink, error) {
	switch format {
	case FormatCSV, "":
		return &textSink{w: w, outs: outs, delim: ','}, nil
	case FormatTSV:
		return &textSink{w: w, outs: outs, delim: '\t'}, nil
	case FormatParquet:
		return newParquetSink(w, outs)
	}
	return nil, fmt.Errorf("output format %q: expected csv, tsv or parquet", format)
}
