package cli

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mlwb/mlwb/stages/data"
	"github.com/mlwb/mlwb/stages/features"
	"github.com/mlwb/mlwb/store"
)

// TestDataFeatures: in a git project, features writes the transformed file, stores the build with
// the spec's hash and both versions (the hashes match the files' own), and --preview prints rows
// without writing; a bad spec fails with its file and line.
func TestDataFeatures(t *testing.T) {
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("needs the git command to build the repository")
	}
	dir := t.TempDir()
	t.Chdir(dir)
	git(t, dir, "init", "-q")
	os.WriteFile("mlwb.yaml", []byte("name: t\ndatasets:\n  - name: pets\n    path: d.csv\n    target: label\n"), 0o644)
	os.WriteFile("d.csv", []byte("label,w,ts\ncat,1,2024-01-01\ncat,3,2024-02-01\ndog,,2024-03-01\n"), 0o644)
	spec := "columns:\n  label: {onehot: {top: 1}}\n  w: {impute: median, scale: minmax}\n  ts: {dateparts: [month]}\n"
	os.WriteFile("f.yaml", []byte(spec), 0o644)
	git(t, dir, "add", ".")
	git(t, dir, "commit", "-qm", "data")

	out, err := runData(t, "features", "d.csv", "--spec", "f.yaml", "--preview", "2")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out, "label=cat") || !strings.Contains(out, "ts_month") || strings.Count(out, "\n") != 3 {
		t.Fatalf("preview:\n%s", out)
	}
	if _, err := os.Stat("feat.csv"); err == nil {
		t.Fatal("--preview wrote a file")
	}

	out, err = runData(t, "features", "d.csv", "--spec", "f.yaml", "-o", "feat.csv", "--json")
	if err != nil {
		t.Fatal(err)
	}
	var rep featuresReport
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	f, _ := os.Open("feat.csv")
	recs, err := csv.NewReader(f).ReadAll()
	f.Close()
	if err != nil || len(recs) != 4 || strings.Join(recs[0], ",") != "label=cat,label=__other__,w,ts_month" ||
		strings.Join(recs[3], ",") != "0,1,0.5,3" {
		t.Fatalf("feat.csv: %v %v", recs, err)
	}
	inHash, _, _ := data.HashFile(context.Background(), nil, "d.csv")
	outHash, _, _ := data.HashFile(context.Background(), nil, "feat.csv")
	if rep.Stored == nil || rep.SpecHash != features.SpecHash([]byte(spec)) || rep.InHash != inHash || rep.OutHash != outHash || rep.Rows != 3 {
		t.Fatalf("report %+v (want spec %s, in %s, out %s)", rep, features.SpecHash([]byte(spec)), inHash, outHash)
	}
	s, err := store.Open(filepath.Join(dir, ".mlwb", "state.db"))
	if err != nil {
		t.Fatal(err)
	}
	builds, err := s.FeatureBuilds(context.Background(), 0)
	s.Close()
	if err != nil || len(builds) != 1 || builds[0].SpecHash != rep.SpecHash || builds[0].InputHash != inHash ||
		builds[0].OutputHash != outHash || builds[0].SpecPath != "f.yaml" || builds[0].OutputPath != "feat.csv" {
		t.Fatalf("stored builds %+v %v", builds, err)
	}

	os.WriteFile("bad.yaml", []byte("columns:\n  w:\n    scale: zscore\n"), 0o644)
	_, err = runData(t, "features", "d.csv", "--spec", "bad.yaml", "-o", "x.csv")
	if err == nil || !strings.HasPrefix(err.Error(), "bad.yaml:3: ") {
		t.Fatalf("bad spec: %v", err)
	}
	if _, err := os.Stat("x.csv"); err == nil {
		t.Fatal("a failed build left its output")
	}
	if _, err = runData(t, "features", "d.csv", "--spec", "f.yaml"); err == nil || !strings.Contains(err.Error(), "-o OUT is required") {
		t.Fatalf("no output: %v", err)
	}
}

// TestDataFeaturesDeclaredSpec: without --spec, a dataset declared in mlwb.yaml uses its
// features: spec, else <name>.features.yaml at the project root (where the Data tab writes it);
// with neither, the error says what to do.
func TestDataFeaturesDeclaredSpec(t *testing.T) {
	dir := t.TempDir()
	t.Chdir(dir)
	os.WriteFile("d.csv", []byte("w\n1\n3\n"), 0o644)
	os.WriteFile("e.csv", []byte("w\n1\n3\n"), 0o644)
	os.MkdirAll("specs", 0o755)
	os.WriteFile("specs/pets.yaml", []byte("columns:\n  w: minmax\n"), 0o644)
	os.WriteFile("mlwb.yaml", []byte("name: t\ndatasets:\n  - name: pets\n    path: d.csv\n    features: specs/pets.yaml\n  - name: other\n    path: e.csv\n"), 0o644)

	out, err := runData(t, "features", "d.csv", "--preview", "2", "--no-store")
	if err != nil || out != "w\n0\n1\n" { // minmax of 1, 3
		t.Fatalf("declared spec: %v\n%s", err, out)
	}
	_, err = runData(t, "features", "e.csv", "--preview", "2", "--no-store")
	if err == nil || !strings.Contains(err.Error(), "--spec F is required") {
		t.Fatalf("no spec: %v", err)
	}
	os.WriteFile("other.features.yaml", []byte("columns:\n  w: standardize\n"), 0o644)
	out, err = runData(t, "features", "e.csv", "--preview", "2", "--no-store")
	if err != nil || !strings.Contains(out, "-0.7071") {
		t.Fatalf("default spec: %v\n%s", err, out)
	}
	// An undeclared file's spec, where the Data tab's editor writes it (named by its path).
	os.MkdirAll("data", 0o755)
	os.WriteFile("data/x.csv", []byte("w\n1\n3\n"), 0o644)
	os.WriteFile("data_x.csv.features.yaml", []byte("columns:\n  w: minmax\n"), 0o644)
	out, err = runData(t, "features", "data/x.csv", "--preview", "2", "--no-store")
	if err != nil || out != "w\n0\n1\n" {
		t.Fatalf("undeclared file's spec: %v\n%s", err, out)
	}
}
