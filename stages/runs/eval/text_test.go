package eval

import (
	"flag"
	"os"
	"path/filepath"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden files")

// TestTextGolden keeps the plain-text rendering of a few reports in testdata/*.golden.
func TestTextGolden(t *testing.T) {
	for _, tc := range []struct {
		file string
		opts Options
	}{
		{"wine_multiclass.csv", Options{}},
		{"multiclass_ties.csv", Options{}},
		{"binary_scores.csv", Options{}},
		{"binary_one_class.csv", Options{}},
		{"regression.csv", Options{}},
	} {
		t.Run(tc.file, func(t *testing.T) {
			r, err := FromFile(filepath.Join("testdata", tc.file), tc.opts)
			if err != nil {
				t.Fatal(err)
			}
			r.Source = tc.file
			got := r.Text()
			golden := filepath.Join("testdata", tc.file+".golden")
			if *update {
				if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run go test -update to write it)", err)
			}
			if got != string(want) {
				t.Errorf("text differs from %s:\n%s", golden, got)
			}
		})
	}
}
