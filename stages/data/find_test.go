package data

import (
	"context"
	"os"
	"path/filepath"
	"reflect"
	"testing"
)

// TestFindFiles: on a real folder tree, the datasets are found and the rest (hidden folders,
// environments, manifests, notes, empty files, links to folders) left out.
func TestFindFiles(t *testing.T) {
	root := t.TempDir()
	put := func(rel, body string) {
		p := filepath.Join(root, rel)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	put("data/train.csv", "a,b\n1,2\n")
	put("data/raw/events.jsonl.gz", "x")
	put("data/raw/dump.json", "[{}]")
	put("data/readme.txt", "a\tb\n")
	put("eval/preds.parquet", "PAR1")
	put("results.TSV", "a\tb\n")
	put("notes.txt", "todo")         // a .txt outside a data folder is a note
	put("package.json", "{}")        // a manifest
	put("data/empty.csv", "")        // nothing to show
	put(".git/objects/x.csv", "a\n") // hidden folders
	put(".mlwb/views/v.csv", "a\n")
	put(".venv/lib/y.csv", "a\n")
	put("node_modules/z/z.csv", "a\n")
	put("src/a/b/c/d/e/f/g/deep.csv", "a\n") // deeper than MaxDepth
	other := t.TempDir()
	os.WriteFile(filepath.Join(other, "big.csv"), []byte("a,b\n1,2\n3,4\n"), 0o644)
	os.Symlink(filepath.Join(other, "big.csv"), filepath.Join(root, "data", "linked.csv")) // a file on another disk
	os.Symlink(other, filepath.Join(root, "elsewhere"))                                    // a folder: not entered
	os.Symlink(filepath.Join(other, "gone.csv"), filepath.Join(root, "data", "dangling.csv"))

	got, err := FindFiles(context.Background(), root, FindOptions{})
	if err != nil {
		t.Fatal(err)
	}
	want := []FoundFile{
		{"data/linked.csv", "csv", 12},
		{"data/raw/dump.json", "json", 4},
		{"data/raw/events.jsonl.gz", "jsonl", 1},
		{"data/readme.txt", "csv", 4},
		{"data/train.csv", "csv", 8},
		{"eval/preds.parquet", "parquet", 4},
		{"results.TSV", "tsv", 4},
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("found\n%v\nwant\n%v", got, want)
	}
	if got, _ := FindFiles(context.Background(), root, FindOptions{MaxFiles: 2}); len(got) != 2 {
		t.Fatalf("MaxFiles 2 gave %d", len(got))
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := FindFiles(ctx, root, FindOptions{}); err == nil {
		t.Fatal("a cancelled search did not say so")
	}
	if _, err := FindFiles(context.Background(), filepath.Join(root, "nope"), FindOptions{}); err == nil {
		t.Fatal("a missing root is not an error")
	}
}
