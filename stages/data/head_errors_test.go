package data

import (
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
)

// TestHeadMalformed: head reports what a profile of the same file reports — an unterminated
// quoted last record is an error with the file and line (it was left out), rows with more or
// fewer fields than the header are warnings with their lines (extra fields were dropped
// silently) — and refuses a negative row count.
func TestHeadMalformed(t *testing.T) {
	dir := t.TempDir()
	q := writeFile(t, filepath.Join(dir, "q.csv"), []byte("a,b\n1,2\n3,\"unterminated\n4,5\n"))
	_, _, err := Head(q, 20)
	wantErr(t, err, "q.csv", "line 3", "never closed")
	_, perr := profileBytes(t, "q.csv", []byte("a,b\n1,2\n3,\"unterminated\n4,5\n"))
	wantErr(t, perr, "line 3", "never closed")
	// The malformed record is past the rows asked for: not read, not an error.
	if _, rows, err := Head(q, 1); err != nil || len(rows) != 1 {
		t.Errorf("head -n 1: %v %v", rows, err)
	}

	r := writeFile(t, filepath.Join(dir, "r.csv"), []byte("a,b\n1,2\n3,4,5\n6\n7,8\n"))
	names, rows, warns, err := HeadWarnings(r, 20)
	if err != nil || len(names) != 2 || len(rows) != 4 || rows[1][1] != "4" || rows[2][1] != "" {
		t.Fatalf("ragged: %v %v %v", names, rows, err)
	}
	p, err := profileBytes(t, "r.csv", []byte("a,b\n1,2\n3,4,5\n6\n7,8\n"))
	if err != nil {
		t.Fatal(err)
	}
	if len(warns) != 2 || len(p.Warnings) != 2 {
		t.Fatalf("head warnings %+v, profile warnings %+v", warns, p.Warnings)
	}
	for i, w := range warns {
		if w.String() != p.Warnings[i].String() {
			t.Errorf("head warns %q, the profile %q", w, p.Warnings[i])
		}
	}
	if warns[0].Line != 3 || warns[1].Line != 4 || !strings.Contains(warns[0].Message, "3 fields") {
		t.Errorf("warnings %+v", warns)
	}

	_, _, err = Head(r, -1)
	wantErr(t, err, "r.csv", "-1")
}

// TestHeadCellsExact: each cell of the first rows is its field's text — quoted fields unquoted,
// empty fields empty, missing fields empty, a run of invalid UTF-8 replaced by one U+FFFD — the
// fields of a row being cut from one string.
func TestHeadCellsExact(t *testing.T) {
	path := writeFile(t, filepath.Join(t.TempDir(), "h.csv"),
		[]byte("a,b,c\n1,\"x,\"\"y\"\"\",\n\xff\xfe,ok,caf\xe9\n,,z\nshort\n"))
	names, rows, err := Head(path, 10)
	if err != nil {
		t.Fatal(err)
	}
	want := [][]string{{"1", `x,"y"`, ""}, {"\uFFFD", "ok", "caf\uFFFD"}, {"", "", "z"}, {"short", "", ""}}
	if !slices.Equal(names, []string{"a", "b", "c"}) || !reflect.DeepEqual(rows, want) {
		t.Fatalf("names %q rows %q, want %q", names, rows, want)
	}
}
