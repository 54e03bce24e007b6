package eval

import (
	"bytes"
	"errors"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

func TestReadErrorsNameFileLineAndColumn(t *testing.T) {
	const head = "y_true,y_pred,p_a,p_b\n"
	cases := []struct {
		name, file, text string
		opts             Options
		kind             error
		line             int
		column           string
		msg              string // also in the message
	}{
		{"empty file", "e.csv", "", Options{}, ErrEmpty, 0, "", "empty"},
		{"blank lines only", "e.csv", "\n\n\n", Options{}, ErrEmpty, 0, "", ""},
		{"header only", "h.csv", head, Options{}, ErrEmpty, 0, "", ""},
		{"missing label column", "m.csv", "truth,y_pred\na,b\n", Options{}, ErrMissingColumn, 1, "", `"y_true" (the header has "truth", "y_pred")`},
		{"missing configured column", "m.csv", head + "a,a,1,0\n", Options{Label: "gold"}, ErrMissingColumn, 1, "", `"gold"`},
		{"missing score column", "m.csv", head + "a,a,1,0\n", Options{Score: "s"}, ErrMissingColumn, 1, "", `"s"`},
		{"duplicate column", "d.csv", "y_true,y_pred,y_true\na,a,a\n", Options{}, ErrDuplicate, 1, "y_true", "2 times"},
		{"ragged short", "r.csv", head + "a,a,0.5,0.5\nb,b,0.5\n", Options{}, ErrRagged, 3, "", "3 fields, but the header has 4"},
		{"ragged long", "r.csv", head + "a,a,0.5,0.5,9\n", Options{}, ErrRagged, 2, "", "5 fields"},
		{"not a number", "n.csv", head + "a,a,0.5,0.5\nb,b,abc,0.5\n", Options{}, ErrNotNumber, 3, "p_a", `"abc"`},
		{"NaN probability", "n.csv", head + "a,a,NaN,0.5\n", Options{}, ErrMissingValue, 2, "p_a", "NaN"},
		{"infinite probability", "n.csv", head + "a,a,0.5,+Inf\n", Options{}, ErrNotNumber, 2, "p_b", "not finite"},
		{"out of range", "n.csv", head + "a,a,0.5,1e999\n", Options{}, ErrNotNumber, 2, "p_b", "out of range"},
		{"empty probability", "n.csv", head + "a,a,,0.5\n", Options{}, ErrMissingValue, 2, "p_a", ""},
		{"empty label", "l.csv", head + "a,a,1,0\n,a,1,0\n", Options{}, ErrMissingValue, 3, "y_true", ""},
		{"NaN label", "l.csv", head + "a,nan,1,0\n", Options{}, ErrMissingValue, 2, "y_pred", "NaN"},
		{"NaN score", "s.csv", "y_true,y_pred,score\n1,1,0.5\n0,0,nan\n", Options{}, ErrMissingValue, 3, "score", ""},
		{"bad quote", "q.csv", head + "a,a,1,0\n\"a,a,1,0\n", Options{}, nil, 3, "", "extraneous or missing \" in quoted-field"},
		{"binary garbage", "g.csv", "y_true,y_pred\n\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", Options{}, ErrBinary, 4, "", "NUL"},
		{"binary header", "g.bin", "\x00\x01\x02", Options{}, ErrBinary, 1, "", ""},
		{"invalid UTF-8 label", "u.csv", "y_true,y_pred\n\xff\xfe,a\n", Options{}, ErrBinary, 2, "y_true", "UTF-8"},
		{"too many rows", "big.csv", "y_true,y_pred\n" + strings.Repeat("a,b\n", 11), Options{MaxRows: 10}, ErrTooLarge, 12, "", "10 rows"},
		{"too many values", "big.csv", head + strings.Repeat("a,b,1,0\n", 6), Options{MaxValues: 10}, ErrTooLarge, 7, "", "10 score"},
		{"too many classes", "c.csv", "y_true,y_pred\na,b\nc,d\ne,f\n", Options{MaxClasses: 4, Kind: KindClassification}, ErrTooLarge, 4, "", "4 distinct"},
		{"neither kind", "c.csv", "y_true,y_pred\na,b\nc,d\n1,2\n", Options{MaxClasses: 2}, ErrTooLarge, 3, "", `nor a regression (y_true on line 2: not a number: "a")`},
		{"neither kind, numbers first", "c.csv", "y_true,y_pred\n1,2\n3,4\na,b\n", Options{MaxClasses: 2}, ErrTooLarge, 4, "", "line 4: not a number"},
		{"regression of words", "w.csv", "y_true,y_pred\n1,2\n3,x\n", Options{Kind: KindRegression}, ErrNotNumber, 3, "y_pred", `"x"`},
		{"jsonl not an object", "j.jsonl", "[1,2]\n", Options{}, nil, 1, "", "not a JSON object"},
		{"jsonl broken", "j.jsonl", `{"y_true":"a","y_pred":"a"}` + "\n" + `{"y_true":"a",` + "\n", Options{}, nil, 2, "", "invalid JSON"},
		{"jsonl missing key", "j.jsonl", `{"y_true":"a","y_pred":"a"}` + "\n\n" + `{"y_true":"a"}` + "\n", Options{}, ErrMissingColumn, 3, "y_pred", ""},
		{"jsonl null label", "j.jsonl", `{"y_true":null,"y_pred":"a"}` + "\n", Options{}, ErrMissingValue, 1, "y_true", "null"},
		{"jsonl object label", "j.jsonl", `{"y_true":{},"y_pred":"a"}` + "\n", Options{}, nil, 1, "y_true", "not a label"},
		{"jsonl string probability", "j.jsonl", `{"y_true":"a","y_pred":"a","p_a":"x"}` + "\n", Options{}, ErrNotNumber, 1, "p_a", ""},
		{"jsonl new probability", "j.jsonl", `{"y_true":"a","y_pred":"a","p_a":1}` + "\n" + `{"y_true":"a","y_pred":"a","p_a":1,"p_b":0}` + "\n", Options{}, ErrRagged, 2, "p_b", ""},
		{"jsonl bool probability", "j.jsonl", `{"y_true":"a","y_pred":"a","p_a":true}` + "\n", Options{}, ErrNotNumber, 1, "p_a", ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Decode(strings.NewReader(tc.text), tc.file, tc.opts)
			if err == nil {
				p, _ := Decode(strings.NewReader(tc.text), tc.file, tc.opts)
				_, err = Evaluate(p, tc.opts)
			}
			var ie *InputError
			if !errors.As(err, &ie) {
				t.Fatalf("error %v (%T), want an *InputError", err, err)
			}
			if tc.kind != nil && !errors.Is(err, tc.kind) {
				t.Errorf("error %q is not %q", err, tc.kind)
			}
			if ie.File != tc.file || ie.Line != tc.line || ie.Column != tc.column {
				t.Errorf("error at %q line %d column %q, want %q line %d column %q (%v)", ie.File, ie.Line, ie.Column,
					tc.file, tc.line, tc.column, err)
			}
			if !strings.Contains(err.Error(), tc.msg) || !strings.HasPrefix(err.Error(), tc.file) {
				t.Errorf("message %q lacks %q or does not start with the file", err, tc.msg)
			}
		})
	}
}

func TestReadMissingFile(t *testing.T) {
	_, err := Read(filepath.Join(t.TempDir(), "nope.csv"), Options{})
	if !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("error %v, want not-exist", err)
	}
	if _, err := Read(t.TempDir(), Options{}); err == nil || !strings.Contains(err.Error(), "directory") {
		t.Fatalf("reading a directory: %v", err)
	}
}

func TestReadOptionsChecked(t *testing.T) {
	for _, o := range []Options{{Label: "x", Prediction: "x"}, {Kind: "clustering"}, {Format: "xlsx"}} {
		if _, err := Decode(strings.NewReader("x,y\n1,1\n"), "o.csv", o); err == nil {
			t.Errorf("options %+v accepted", o)
		}
	}
}

// repeatReader yields n bytes of b without holding them.
type repeatReader struct {
	b byte
	n int64
}

func (r *repeatReader) Read(p []byte) (int, error) {
	if r.n <= 0 {
		return 0, io.EOF
	}
	if int64(len(p)) > r.n {
		p = p[:r.n]
	}
	for i := range p {
		p[i] = r.b
	}
	r.n -= int64(len(p))
	return len(p), nil
}

// TestHugeLineStopsEarly feeds a 100 MB line (CSV and JSONL) and checks the reader gives up at
// its limit with a clear error, without reading the whole line into memory.
func TestHugeLineStopsEarly(t *testing.T) {
	for _, tc := range []struct {
		file, head string
		line       int
	}{
		{"huge.csv", "y_true,y_pred\na,a\n\"b", 3},
		{"huge.jsonl", `{"y_true":"a","y_pred":"a"}` + "\n" + `{"y_true":"`, 2},
		{"huge.tsv", "y_true\ty_pred\na\ta\nb", 3},
	} {
		t.Run(tc.file, func(t *testing.T) {
			src := &repeatReader{b: 'x', n: 100 << 20}
			var before, after runtime.MemStats
			runtime.GC()
			runtime.ReadMemStats(&before)
			_, err := Decode(io.MultiReader(strings.NewReader(tc.head), src), tc.file, Options{})
			runtime.ReadMemStats(&after)
			if !errors.Is(err, ErrTooLong) {
				t.Fatalf("error %v, want ErrTooLong", err)
			}
			var ie *InputError
			if errors.As(err, &ie); ie.Line != tc.line || !strings.Contains(err.Error(), "1 MiB") {
				t.Errorf("error %q, want line %d and the 1 MiB limit", err, tc.line)
			}
			if alloc := after.TotalAlloc - before.TotalAlloc; alloc > 16<<20 {
				t.Errorf("allocated %d MiB for a line the reader refuses", alloc>>20)
			}
			if left := src.n; left < 90<<20 {
				t.Errorf("read %d MiB of the line before refusing it", (100<<20-left)>>20)
			}
		})
	}
}

func TestReadFormats(t *testing.T) {
	want := func(t *testing.T, p *Predictions, err error, format string) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		if p.Format != format || p.Rows() != 2 || strings.Join(p.Labels, " ") != "a b" ||
			strings.Join(p.ProbClasses, " ") != "a b" || p.Probs[1] != 0.25 || p.Probs[3] != 0.5 {
			t.Fatalf("read %+v", p)
		}
	}
	csvText := "row,y_true,y_pred,p_a,p_b\n0,a,a,0.75,0.25\n1,b,a,0.5,0.5\n"
	p, err := Decode(strings.NewReader(csvText), "x.csv", Options{})
	want(t, p, err, FormatCSV)
	// A BOM, CRLF line ends, quotes, spaces around values and blank lines change nothing.
	messy := "\ufeff row , y_true ,y_pred, p_a ,p_b\r\n\r\n0, a ,\"a\",0.75, 0.25\r\n1,b,a,\"0.5\",0.5\r\n\r\n"
	p, err = Decode(strings.NewReader(messy), "x.csv", Options{})
	want(t, p, err, FormatCSV)
	tsv := strings.ReplaceAll(csvText, ",", "\t")
	p, err = Decode(strings.NewReader(tsv), "x.tsv", Options{})
	want(t, p, err, FormatTSV)
	jsonl := `{"row":0,"y_true":"a","y_pred":"a","p_a":0.75,"p_b":0.25}` + "\n\n" +
		`{"p_b":"0.5","p_a":0.5,"y_pred":"a","y_true":"b"}`
	p, err = Decode(strings.NewReader(jsonl), "x.jsonl", Options{})
	want(t, p, err, FormatJSONL)
	// Without an extension the content decides.
	for text, format := range map[string]string{csvText: FormatCSV, tsv: FormatTSV, "\n " + jsonl: FormatJSONL} {
		p, err = Decode(strings.NewReader(text), "stdin", Options{})
		want(t, p, err, format)
	}
	// Options.Format wins over the extension.
	p, err = Decode(strings.NewReader(tsv), "x.csv", Options{Format: FormatTSV})
	want(t, p, err, FormatTSV)
}

func TestJSONLLabelsOfAnyScalarType(t *testing.T) {
	in := `{"y_true":1,"y_pred":1.0}` + "\n" + `{"y_true":true,"y_pred":"x"}` + "\n"
	p, err := Decode(strings.NewReader(in), "x.jsonl", Options{})
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(p.Labels, " ") != "1 1.0 true x" {
		t.Fatalf("labels %q", p.Labels)
	}
}

func TestScoreColumnPickedByDefault(t *testing.T) {
	in := "y_true,y_pred,score,p_1\n1,1,0.9,0.8\n0,0,0.2,0.1\n"
	p, err := Decode(strings.NewReader(in), "s.csv", Options{})
	if err != nil {
		t.Fatal(err)
	}
	if p.Columns.Score != "score" || len(p.Score) != 2 || p.Score[0] != 0.9 {
		t.Fatalf("columns %+v, score %v", p.Columns, p.Score)
	}
	p, err = Decode(strings.NewReader(in), "s.csv", Options{Score: "p_1"})
	if err != nil {
		t.Fatal(err)
	}
	if p.Columns.Score != "p_1" || len(p.ProbClasses) != 0 || p.Score[0] != 0.8 {
		t.Fatalf("with --score p_1: columns %+v, score %v", p.Columns, p.Score)
	}
}

func TestReadRealFiles(t *testing.T) {
	csvP, err := Read(filepath.Join("testdata", "wine_multiclass.csv"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	jsonP, err := Read(filepath.Join("testdata", "wine_multiclass.jsonl"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	if csvP.Rows() != 53 || jsonP.Rows() != 53 || !bytes.Equal(mustJSON(csvP.Probs), mustJSON(jsonP.Probs)) {
		t.Fatalf("rows %d and %d, or the probabilities differ", csvP.Rows(), jsonP.Rows())
	}
}
