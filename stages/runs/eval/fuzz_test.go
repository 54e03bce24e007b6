package eval

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// FuzzRead feeds arbitrary bytes to the reader as each format, with small limits, and evaluates
// what it accepts: nothing may panic, every reading error must be an *InputError naming the
// input, and every report must encode as JSON (no NaN or infinity hides in it).
func FuzzRead(f *testing.F) {
	for _, name := range []string{"binary_scores.csv", "multiclass_ties.csv", "binary_one_class.csv"} {
		b, err := os.ReadFile(filepath.Join("testdata", name))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	for _, s := range []string{
		"", "\n", "y_true,y_pred\n", "y_true,y_pred\na,a\n", "y_true,y_pred,score\n1,0,0.5\n0,0,nan\n",
		"y_true\ty_pred\tp_x\nx\tx\t1\n", `{"y_true":1,"y_pred":2,"p_1":0.5,"p_2":0.5}` + "\n",
		"y_true,y_pred\n1,1.5\n2,2.5\n3,3\n", "\xef\xbb\xbfy_true,y_pred\n\"a\nb\",c\n", "y_true,y_pred\n1e308,-1e308\n",
	} {
		f.Add([]byte(s))
	}
	opts := Options{MaxRecordBytes: 512, MaxRows: 200, MaxValues: 1000, MaxClasses: 16}
	f.Fuzz(func(t *testing.T, data []byte) {
		for _, name := range []string{"f.csv", "f.tsv", "f.jsonl", "f"} {
			p, err := Decode(strings.NewReader(string(data)), name, opts)
			if err != nil {
				var ie *InputError
				if !errors.As(err, &ie) || ie.File != name {
					t.Fatalf("%s: error %v (%T) is not an InputError naming the input", name, err, err)
				}
				continue
			}
			for _, kind := range []string{"", KindRegression} {
				o := opts
				o.Kind = kind
				r, err := Evaluate(p, o)
				if err != nil {
					continue
				}
				if r.Rows != p.Rows() || r.Rows == 0 {
					t.Fatalf("%s: report of %d rows from %d", name, r.Rows, p.Rows())
				}
				if _, err := json.Marshal(r); err != nil {
					t.Fatalf("%s: report does not encode: %v", name, err)
				}
				_ = r.Text()
			}
		}
	})
}
