package features

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mlwb/mlwb/stages/data"
)

// FuzzParseSpec: any bytes give a spec or a *SpecError naming the file (never a panic), and a
// spec that parses fits to a real profile without panicking.
func FuzzParseSpec(f *testing.F) {
	for _, s := range []string{goodSpec, "columns:\n  x: standardize\n", "rest: drop\ncolumns:\n  city: {onehot: {top: 2}}\n",
		"columns:\n  y: {impute: {constant: 0}, bucketize: {quantiles: 2}}\n", "columns:\n  ts: {dateparts: [hour]}\n",
		"columns:\n  neg: {clip: {min: 0}, log1p: true, scale: minmax}\n", "x: &a [*a]\n", "columns: [", "\xff\xfe"} {
		f.Add([]byte(s))
	}
	dir := f.TempDir()
	in := filepath.Join(dir, "d.csv")
	if err := os.WriteFile(in, []byte(fixture), 0o644); err != nil {
		f.Fatal(err)
	}
	prof, err := data.ProfileFile(context.Background(), in, data.Options{})
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		sp, err := ParseSpec("f.yaml", b)
		if err != nil {
			var se *SpecError
			if !errors.As(err, &se) || se.Line < 0 || !strings.HasPrefix(err.Error(), "f.yaml") {
				t.Fatalf("error %v is not a located SpecError", err)
			}
			return
		}
		if len(sp.Columns) == 0 {
			t.Fatal("a spec with no columns parsed")
		}
		pl, err := Fit(sp, prof)
		if err != nil {
			var se *SpecError
			if !errors.As(err, &se) {
				t.Fatalf("fit error %v is not a SpecError", err)
			}
			return
		}
		if _, _, err := Preview(context.Background(), in, pl, 4); err != nil {
			t.Fatalf("a fitted spec failed on the file it was fitted to: %v", err)
		}
	})
}
