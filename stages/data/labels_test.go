package data

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/csv"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/mlwb/mlwb/store"
)

var testLabelSet = LabelSet{Names: []string{"good", "bad", "meh"}, ConfigPath: "/p/mlwb.yaml", Line: 7}

// labelStore opens a real store file in a temp dir.
func labelStore(t *testing.T) (*store.Store, string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "state.db")
	s, err := store.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s, path
}

func openIndex(t *testing.T, path string) *RowIndex {
	t.Helper()
	ix, err := BuildRowIndex(context.Background(), path, IndexOptions{Every: 7})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ix.Close() })
	return ix
}

// checkExport reads the export back with encoding/csv and compares it with encoding/csv's reading
// of the input plus the expected label of each row ("" where none).
func checkExport(t *testing.T, got []byte, input []byte, delim rune, want map[int]string) {
	t.Helper()
	recs, _ := readAllCSV(t, input, delim)
	cr := csv.NewReader(bytes.NewReader(got))
	cr.Comma = delim
	out, err := cr.ReadAll()
	if err != nil {
		t.Fatalf("export does not parse: %v", err)
	}
	if h := strings.Join(out[0], "|"); h != "id|name|score|note|label" {
		t.Fatalf("header %q", h)
	}
	if len(out)-1 != len(recs) {
		t.Fatalf("%d rows exported, input has %d", len(out)-1, len(recs))
	}
	for i, rec := range recs {
		exp := append(append([]string{}, rec...), want[i])
		if !reflect.DeepEqual(out[i+1], exp) {
			t.Fatalf("row %d: %q, want %q", i, out[i+1], exp)
		}
	}
}

// TestLabelsSetExportReopen: labels set through the engine survive reopening the store file, and
// the export is the file plus a label column, checked against encoding/csv; TSV, CRLF, a BOM,
// quoted newlines and a gzip-compressed copy (streamed, not seeked) all export alike. Undo walks
// back an overwrite.
func TestLabelsSetExportReopen(t *testing.T) {
	smallChunks(t)
	ctx := context.Background()
	for _, tc := range []struct {
		name, delim, eol string
		bom, gz          bool
	}{
		{"csv", ",", "\n", false, false},
		{"tsv", "\t", "\r\n", true, false},
		{"csv.gz", ",", "\r\n", false, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			input := genTrickyCSV(400, tc.delim, tc.eol, tc.bom, 3)
			content := input
			if tc.gz {
				var b bytes.Buffer
				zw := gzip.NewWriter(&b)
				zw.Write(input)
				zw.Close()
				content = b.Bytes()
			}
			path := writeTemp(t, "rows."+tc.name, content)
			s, dbPath := labelStore(t)
			ix := openIndex(t, path)
			lb, err := OpenLabels(ctx, s, store.Dataset{}, path, testLabelSet, "abc123")
			if err != nil {
				t.Fatal(err)
			}
			want := map[int]string{0: "good", 5: "bad", 137: "meh", 399: "good", 200: "bad"}
			for r, l := range want {
				if err := lb.SetRow(ctx, ix, int64(r), l); err != nil {
					t.Fatal(err)
				}
			}
			if err := lb.SetRow(ctx, ix, 5, "meh"); err != nil { // overwrite, then undo it
				t.Fatal(err)
			}
			if r, ok, err := lb.Undo(ctx); err != nil || !ok || len(r) != 1 || r[0].Row != 5 || r[0].Label != "bad" {
				t.Fatalf("undo: %+v %v %v", r, ok, err)
			}
			if err := lb.SetRow(ctx, ix, 400, "good"); err == nil || !strings.Contains(err.Error(), "400 rows") {
				t.Fatalf("row past the end: %v", err)
			}
			s.Close()
			s2, err := store.Open(dbPath)
			if err != nil {
				t.Fatal(err)
			}
			defer s2.Close()
			lb, err = OpenLabels(ctx, s2, store.Dataset{}, path, testLabelSet, "abc123")
			if err != nil {
				t.Fatal(err)
			}
			p, err := lb.Progress(ctx, ix.Total)
			if err != nil || p.Labelled != 5 || p.Total != 400 || p.Classes[0] != (ClassCount{"good", 2, true}) ||
				p.Classes[1].Count != 2 || p.Classes[2].Count != 1 {
				t.Fatalf("progress %+v %v", p, err)
			}
			var out bytes.Buffer
			res, err := lb.Export(ctx, ix, &out, LabelExportOptions{})
			if err != nil {
				t.Fatal(err)
			}
			if res.Rows != 400 || res.Labelled != 5 || res.Missing != 0 {
				t.Fatalf("export result %+v", res)
			}
			checkExport(t, out.Bytes(), input, rune(tc.delim[0]), want)
		})
	}
}

// TestLabelOutsideSetRefused: a label the set lacks is refused with the mlwb.yaml line, and nothing
// is stored.
func TestLabelOutsideSetRefused(t *testing.T) {
	ctx := context.Background()
	path := writeTemp(t, "d.csv", []byte("a,b\n1,2\n3,4\n"))
	s, _ := labelStore(t)
	ix := openIndex(t, path)
	lb, err := OpenLabels(ctx, s, store.Dataset{Name: "d"}, path, testLabelSet, "")
	if err != nil {
		t.Fatal(err)
	}
	err = lb.SetRow(ctx, ix, 0, "great")
	if err == nil || !strings.Contains(err.Error(), `label "great" is not in the label set (good, bad, meh) declared at /p/mlwb.yaml:7`) {
		t.Fatalf("got %v", err)
	}
	if m, _ := lb.All(ctx); len(m) != 0 {
		t.Fatalf("stored %v", m)
	}
	empty := &Labeller{Set: LabelSet{ConfigPath: "/p/mlwb.yaml"}}
	if err := empty.Set.Check("x"); err == nil || !strings.Contains(err.Error(), "declares no labels") {
		t.Fatalf("empty set: %v", err)
	}
	if _, err := lb.Export(ctx, openIndex(t, writeTemp(t, "l.csv", []byte("label,x\n1,2\n"))), &bytes.Buffer{}, LabelExportOptions{}); err == nil ||
		!strings.Contains(err.Error(), `already has a column "label"`) {
		t.Fatalf("label column clash: %v", err)
	}
}

// TestLabelsOfChangedFile: after the file changes, its new version shows no labels and says that
// labels belong to the earlier one; Carry brings over the labels of rows whose text is unchanged
// (even where rows moved), leaves the changed row's label behind, and is undone in one step.
func TestLabelsOfChangedFile(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	path := filepath.Join(dir, "d.csv")
	write := func(s string) {
		if err := writeFileErr(path, []byte(s)); err != nil {
			t.Fatal(err)
		}
	}
	write("id,text\n1,apple\n2,banana\n3,cherry\n4,date\n")
	s, _ := labelStore(t)
	lb, err := OpenLabels(ctx, s, store.Dataset{Name: "fruit"}, path, testLabelSet, "c0ffee11")
	if err != nil {
		t.Fatal(err)
	}
	ix := openIndex(t, path)
	for r, l := range map[int64]string{0: "good", 1: "bad", 3: "meh"} {
		if err := lb.SetRow(ctx, ix, r, l); err != nil {
			t.Fatal(err)
		}
	}
	// A row inserted at the top (the others move down) and banana's text changed.
	write("id,text\n0,avocado\n1,apple\n2,banana split\n3,cherry\n4,date\n")
	lb2, err := OpenLabels(ctx, s, store.Dataset{Name: "fruit"}, path, testLabelSet, "")
	if err != nil {
		t.Fatal(err)
	}
	if lb2.VersionID == lb.VersionID {
		t.Fatal("a changed file is the same version")
	}
	if p, _ := lb2.Progress(ctx, 5); p.Labelled != 0 {
		t.Fatalf("the new version shows old labels: %+v", p)
	}
	others, err := lb2.Elsewhere(ctx)
	if err != nil || len(others) != 1 || others[0].Count != 3 {
		t.Fatalf("elsewhere %+v %v", others, err)
	}
	note := StaleNote(others)
	if !strings.Contains(note, "3 labels belong to an earlier version of the file ("+lb.Hash[:8]) || !strings.Contains(note, "at c0ffee11") {
		t.Fatalf("note %q", note)
	}
	ix2 := openIndex(t, path)
	res, err := lb2.Carry(ctx, ix2, others[0])
	if err != nil {
		t.Fatal(err)
	}
	if *res != (LabelCarry{From: lb.Hash, Carried: 2, Left: 1}) {
		t.Fatalf("carry %+v", res)
	}
	got, _ := lb2.All(ctx)
	if len(got) != 2 || got[1].Label != "good" || got[4].Label != "meh" {
		t.Fatalf("carried %+v", got)
	}
	if _, ok, _ := lb2.Undo(ctx); !ok {
		t.Fatal("carry not undone")
	}
	if got, _ := lb2.All(ctx); len(got) != 0 {
		t.Fatalf("after undo %+v", got)
	}
	if old, _ := lb.All(ctx); len(old) != 3 {
		t.Fatalf("old version's labels touched: %+v", old)
	}
	// Carried again, then one carried label removed: the earlier version is reported only for
	// the label that is really left behind, and the next version's carry takes this version
	// (the newest), not the first one, whose removed label would come back.
	if _, err := lb2.Carry(ctx, ix2, others[0]); err != nil {
		t.Fatal(err)
	}
	if others, _ := lb2.Elsewhere(ctx); len(others) != 1 || others[0].Count != 1 {
		t.Fatalf("after the carry, elsewhere %+v; want the one label left behind", others)
	}
	if err := lb2.SetRow(ctx, ix2, 4, ""); err != nil { // date's "meh" removed
		t.Fatal(err)
	}
	write("id,text\n0,avocado\n1,apple\n2,banana split\n3,cherry\n4,date\n5,elderberry\n")
	lb3, err := OpenLabels(ctx, s, store.Dataset{Name: "fruit"}, path, testLabelSet, "")
	if err != nil {
		t.Fatal(err)
	}
	earlier, err := lb3.Earlier(ctx)
	if err != nil || len(earlier) != 2 || earlier[0].Version.ID != lb2.VersionID {
		t.Fatalf("earlier %+v %v: want the second version first", earlier, err)
	}
	if res, err := lb3.Carry(ctx, openIndex(t, path), earlier[0]); err != nil || res.Carried != 1 {
		t.Fatalf("carry from the newest: %+v %v; want apple's label only", res, err)
	}
}

func TestRowHashSeparatesFields(t *testing.T) {
	if RowHash([]string{"a", "bc"}) == RowHash([]string{"ab", "c"}) || RowHash([]string{"a"}) != RowHash([]string{"a"}) {
		t.Fatal("RowHash does not tell fields apart")
	}
}
