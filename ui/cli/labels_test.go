package cli

import (
	"encoding/csv"
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/mlwb/mlwb/store"
)

// TestDataLabelsVerbs drives mlwb data labels through the CLI in a project: set (with a label the
// set lacks refused at mlwb.yaml's line), undo, show, export (checked against encoding/csv of the
// input plus the labels, CSV and TSV), then a changed file whose labels are reported as an earlier
// version's and carried by row text.
func TestDataLabelsVerbs(t *testing.T) {
	dir := t.TempDir()
	t.Chdir(dir)
	yaml := "name: t\ndatasets:\n  - name: mail\n    path: mail.csv\nlabels: [spam, ham]\n"
	os.WriteFile("mlwb.yaml", []byte(yaml), 0o644)
	input := "id,subject\n1,\"win, now\"\n2,\"hello\nthere\"\n3,meeting\n4,\"\"\"free\"\" stuff\"\n"
	os.WriteFile("mail.csv", []byte(input), 0o644)
	for _, a := range [][]string{{"1", "spam"}, {"3", "ham"}, {"4", "ham"}, {"4", "spam"}} {
		if out, err := runData(t, "labels", "set", "mail.csv", a[0], a[1]); err != nil || out != "row "+a[0]+": "+a[1]+"\n" {
			t.Fatalf("set %v: %v %q", a, err, out)
		}
	}
	_, err := runData(t, "labels", "set", "mail.csv", "2", "eggs")
	if err == nil || !strings.Contains(err.Error(), `label "eggs" is not in the label set (spam, ham)`) ||
		!strings.Contains(err.Error(), "mlwb.yaml:5") {
		t.Fatalf("unknown label: %v", err)
	}
	if _, err := runData(t, "labels", "set", "mail.csv", "9", "spam"); err == nil || !strings.Contains(err.Error(), "4 rows") {
		t.Fatalf("row past the end: %v", err)
	}
	out, err := runData(t, "labels", "undo", "mail.csv")
	if err != nil || out != "row 4: ham\n" {
		t.Fatalf("undo: %q %v", out, err)
	}
	out, err = runData(t, "labels", "show", "mail.csv", "--json")
	if err != nil {
		t.Fatal(err)
	}
	var rep labelsReport
	if err := json.Unmarshal([]byte(out), &rep); err != nil || rep.Progress.Labelled != 3 || rep.Progress.Total != 4 ||
		rep.Progress.Classes[0].Count != 1 || rep.Progress.Classes[1].Count != 2 || len(rep.Elsewhere) != 0 {
		t.Fatalf("show: %v %s", err, out)
	}
	if out, _ := runData(t, "labels", "show", "mail.csv"); !strings.Contains(out, "3 of 4 rows labelled (75.0%)") {
		t.Fatalf("show text: %s", out)
	}
	want := map[int]string{0: "spam", 2: "ham", 3: "ham"}
	for _, tc := range []struct {
		out   string
		delim rune
	}{{"out.csv", ','}, {"out.tsv", '\t'}} {
		if _, err := runData(t, "labels", "export", "mail.csv", "-o", tc.out); err != nil {
			t.Fatal(err)
		}
		got, _ := os.ReadFile(tc.out)
		cr := csv.NewReader(strings.NewReader(string(got)))
		cr.Comma = tc.delim
		exp, _ := csv.NewReader(strings.NewReader(input)).ReadAll()
		exp[0] = append(exp[0], "label")
		for i := 1; i < len(exp); i++ {
			exp[i] = append(exp[i], want[i-1])
		}
		if recs, err := cr.ReadAll(); err != nil || !reflect.DeepEqual(recs, exp) {
			t.Fatalf("%s: %v\n%q\nwant %q", tc.out, err, recs, exp)
		}
	}
	// Into a pipe (as into /dev/null, a device): written in place, the pipe still a pipe.
	if text, ok := throughPipe(t, "pipe.csv", func() error {
		_, err := runData(t, "labels", "export", "mail.csv", "-o", "pipe.csv")
		return err
	}); ok && !strings.HasPrefix(text, "id,subject,label\n") {
		t.Fatalf("through the pipe: %q", text)
	}
	// The file changes: row 3's text is edited, a row is added at the top.
	os.WriteFile("mail.csv", []byte("id,subject\n0,new\n1,\"win, now\"\n2,\"hello\nthere\"\n3,meeting moved\n4,\"\"\"free\"\" stuff\"\n"), 0o644)
	out, err = runData(t, "labels", "show", "mail.csv")
	if err != nil || !strings.Contains(out, "0 of 5 rows labelled") || !strings.Contains(out, "3 labels belong to an earlier version of the file") ||
		!strings.Contains(out, "labels carry mail.csv") {
		t.Fatalf("changed file: %v\n%s", err, out)
	}
	out, err = runData(t, "labels", "carry", "mail.csv")
	if err != nil || !strings.Contains(out, "2 rows labelled; 1 labels left behind") {
		t.Fatalf("carry: %v %s", err, out)
	}
	// After the carry only the label left behind (row 3's text changed) is still elsewhere.
	if out, _ := runData(t, "labels", "show", "mail.csv"); !strings.Contains(out, "2 of 5 rows labelled") ||
		!strings.Contains(out, "1 label belongs to an earlier version of the file") {
		t.Fatalf("show after carry:\n%s", out)
	}
	if out, _ := runData(t, "labels", "export", "mail.csv"); !strings.Contains(out, "1,\"win, now\",spam\n") ||
		!strings.Contains(out, "3,meeting moved,\n") || !strings.Contains(out, "4,\"\"\"free\"\" stuff\",ham\n") {
		t.Fatalf("export after carry:\n%s", out)
	}
}

// TestDataLabelsOneDatasetPerFile: an undeclared file is one dataset by its project path, from the
// project root or a subdirectory, and a dataset recorded under another name before (the file
// name, as earlier versions named it) is that same dataset: the labels set from each place are
// one set, and the store holds one dataset.
func TestDataLabelsOneDatasetPerFile(t *testing.T) {
	dir := t.TempDir()
	t.Chdir(dir)
	git(t, dir, "init", "-q") // the project is the worktree, found from its subdirectories
	os.WriteFile("mlwb.yaml", []byte("name: t\nlabels: [ok, bad]\n"), 0o644)
	os.Mkdir("data", 0o755)
	os.WriteFile("data/d.csv", []byte("a,b\n1,x\n2,y\n3,z\n"), 0o644)
	os.Mkdir(".mlwb", 0o755)
	s, err := store.Open(filepath.Join(dir, ".mlwb", "state.db"))
	if err != nil {
		t.Fatal(err)
	}
	legacy, err := s.UpsertDataset(t.Context(), store.Dataset{Name: "d", Path: filepath.Join("data", "d.csv")})
	s.Close()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := runData(t, "labels", "set", "data/d.csv", "1", "ok"); err != nil {
		t.Fatal(err)
	}
	t.Chdir(filepath.Join(dir, "data"))
	if _, err := runData(t, "labels", "set", "d.csv", "2", "bad"); err != nil {
		t.Fatal(err)
	}
	t.Chdir(dir)
	if out, _ := runData(t, "labels", "show", "data/d.csv"); !strings.Contains(out, "2 of 3 rows labelled") {
		t.Fatalf("show: %s", out)
	}
	s, err = store.Open(filepath.Join(dir, ".mlwb", "state.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	all, err := s.ListDatasets(t.Context())
	if err != nil || len(all) != 1 || all[0].ID != legacy {
		t.Fatalf("datasets %+v %v: want one, the record made under the file's base name", all, err)
	}
}
