package features

import (
	"fmt"
	"io"
	"math"
	"reflect"
	"strconv"

	"github.com/parquet-go/parquet-go"

	"github.com/mlwb/mlwb/stages/data"
)

// rowsPerGroup bounds a Parquet row group: the writer holds one group's pages in memory, so this
// is what keeps a Parquet output's memory flat.
const rowsPerGroup = 1 << 17

// parquetSink writes a Parquet file with one optional column per output, in the outputs' order:
// INT64, DOUBLE, BOOLEAN or UTF8 strings, Snappy-compressed.
type parquetSink struct {
	w    *parquet.Writer
	outs []Output
}

func newParquetSink(w io.Writer, outs []Output) (*parquetSink, error) {
	g := orderedGroup{Group: parquet.Group{}}
	for _, o := range outs {
		var n parquet.Node
		switch o.Type {
		case "int":
			n = parquet.Leaf(parquet.Int64Type)
		case "float":
			n = parquet.Leaf(parquet.DoubleType)
		case "bool":
			n = parquet.Leaf(parquet.BooleanType)
		default:
			n = parquet.String()
		}
		n = parquet.Optional(n)
		g.Group[o.Name] = n
		g.fields = append(g.fields, namedField{Node: n, name: o.Name})
	}
	schema := parquet.NewSchema("features", g)
	pw := parquet.NewWriter(w, schema, parquet.MaxRowsPerRowGroup(rowsPerGroup), parquet.Compression(&parquet.Snappy),
		parquet.CreatedBy("mlwb", "", ""))
	return &parquetSink{w: pw, outs: outs}, nil
}

func (s *parquetSink) header() error { return nil }

// encode builds the row's values; text copied from the input goes to the batch's arena, as the
// input's buffer is reused once the batch is done.
func (s *parquetSink) encode(b *batchOut, line int64, cells []cell) error {
	b.rows++
	start := len(b.vals)
	for i, c := range cells {
		v, err := s.value(b, line, i, c)
		if err != nil {
			return err
		}
		def := 1
		if v.IsNull() {
			def = 0
		}
		b.vals = append(b.vals, v.Level(0, def, i))
	}
	b.prows = append(b.prows, parquet.Row(b.vals[start:len(b.vals):len(b.vals)]))
	return nil
}

// value converts one cell to the column's Parquet type. Copied text (a kept column) is parsed
// into the column's type; a null token becomes null, in text columns too.
func (s *parquetSink) value(b *batchOut, line int64, col int, c cell) (parquet.Value, error) {
	typ := s.outs[col].Type
	switch c.kind {
	case cellNull:
		return parquet.NullValue(), nil
	case cellInt:
		if typ == "float" {
			return parquet.DoubleValue(float64(c.i)), nil
		}
		return parquet.Int64Value(c.i), nil
	case cellFloat:
		return parquet.DoubleValue(c.f), nil
	}
	if data.IsNull(c.text) { // what the profile counts as null ("", NA, null…) is a Parquet null
		return parquet.NullValue(), nil
	}
	if typ == "string" {
		at := len(b.arena)
		b.arena = append(b.arena, c.text...)
		return parquet.ByteArrayValue(b.arena[at:len(b.arena):len(b.arena)]), nil
	}
	t := string(data.TrimValue(c.text))
	bad := func() (parquet.Value, error) {
		return parquet.Value{}, &RowError{Line: line, Column: s.outs[col].Name, Msg: fmt.Sprintf("%q is not %s, the column's type in the profile", clipText(t, 40), typ)}
	}
	switch typ {
	case "int":
		n, err := strconv.ParseInt(t, 10, 64)
		if err != nil {
			return bad()
		}
		return parquet.Int64Value(n), nil
	case "float":
		f, err := strconv.ParseFloat(t, 64)
		if err != nil && !isRange(err) || math.IsNaN(f) {
			return bad()
		}
		return parquet.DoubleValue(f), nil
	case "bool":
		v, err := strconv.ParseBool(t)
		if err != nil {
			return bad()
		}
		return parquet.BooleanValue(v), nil
	}
	return bad()
}

func isRange(err error) bool {
	ne, ok := err.(*strconv.NumError)
	return ok && ne.Err == strconv.ErrRange
}

func (s *parquetSink) write(b *batchOut) error {
	_, err := s.w.WriteRows(b.prows)
	return err
}

func (s *parquetSink) close() error { return s.w.Close() }

// orderedGroup is a Parquet group whose columns keep the order given (parquet.Group sorts them by
// name, which would scramble the output's columns).
type orderedGroup struct {
	parquet.Group
	fields []parquet.Field
}

func (g orderedGroup) Fields() []parquet.Field { return g.fields }

type namedField struct {
	parquet.Node
	name string
}

func (f namedField) Name() string { return f.name }

// Value is used by parquet-go's reflection writer only; rows are written as parquet.Row here.
func (f namedField) Value(reflect.Value) reflect.Value { return reflect.Value{} }
