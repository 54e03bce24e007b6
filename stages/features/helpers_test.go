package features

import (
	"bytes"
	"context"
	"encoding/csv"
	"os"
	"path/filepath"
	"testing"

	"github.com/mlwb/mlwb/stages/data"
)

// fixture is a small file whose every transformed value is worked out by hand in the tests.
const fixture = `x,y,city,ts,n,neg,s
1,10,a,2024-03-04 10:30:00,5,-3,u
2,,b,2024-03-05 23:00:00,,1,
3,30,a,2024-12-31 00:15:00,7,2,v
4,40,c,,9,4,
`

func writeFile(t testing.TB, dir, name, text string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// fitText profiles the file at in and fits the spec text to it.
func fitText(t testing.TB, in, specText string) (*Plan, error) {
	t.Helper()
	spec, err := ParseSpec("f.yaml", []byte(specText))
	if err != nil {
		t.Fatalf("spec: %v", err)
	}
	p, err := data.ProfileFile(context.Background(), in, data.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return Fit(spec, p)
}

// build transforms in with the spec text to CSV and reads the result back with encoding/csv (a
// reader that is not ours), returning the header and the columns by name.
func build(t *testing.T, in, specText string) ([]string, map[string][]string) {
	t.Helper()
	pl, err := fitText(t, in, specText)
	if err != nil {
		t.Fatalf("fit: %v", err)
	}
	var out bytes.Buffer
	res, err := Transform(context.Background(), in, pl, &out, Options{})
	if err != nil {
		t.Fatalf("transform: %v", err)
	}
	recs, err := csv.NewReader(&out).ReadAll()
	if err != nil {
		t.Fatalf("reading the output back: %v\n%s", err, out.String())
	}
	if int64(len(recs)-1) != res.Rows {
		t.Fatalf("result says %d rows, the output has %d", res.Rows, len(recs)-1)
	}
	cols := map[string][]string{}
	for _, r := range recs[1:] {
		for i, name := range recs[0] {
			cols[name] = append(cols[name], r[i])
		}
	}
	return recs[0], cols
}
