package cli

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"
)

// runDataErr runs `mlwb data ARGS…` through the cobra command and returns stdout and stderr.
func runDataErr(t *testing.T, args ...string) (string, string, error) {
	t.Helper()
	root := NewRoot(nil)
	var out, errb bytes.Buffer
	root.SetOut(&out)
	root.SetErr(&errb)
	root.SetArgs(append([]string{"data"}, args...))
	err := root.Execute()
	return out.String(), errb.String(), err
}

// TestDataSort: `mlwb data sort` in memory, on disk (a 1 MiB budget on a ~2 MB file), to standard
// output and in place gives the rows that an independent sort (encoding/csv, sort.SliceStable,
// strconv) gives, with their original text; bad keys and unknown columns are clear errors.
func TestDataSort(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "flights.csv")
	r := rand.New(rand.NewPCG(1, 2))
	origins := []string{"ORD", "ATL", "SFO", `"New York, JFK"`, `"LA ""X"""`}
	var text strings.Builder
	text.WriteString("id,delay,origin\n")
	var raws []string
	for i := 0; i < 60000; i++ {
		delay := strconv.Itoa(r.IntN(400) - 100)
		if r.IntN(50) == 0 {
			delay = "NA"
		}
		rec := fmt.Sprintf("%d,%s,%s\n", i, delay, origins[r.IntN(len(origins))])
		raws = append(raws, rec)
		text.WriteString(rec)
	}
	if err := os.WriteFile(path, []byte(text.String()), 0o644); err != nil {
		t.Fatal(err)
	}

	// The independent sort: delay descending as integers with nulls last, then origin bytewise.
	recs, err := csv.NewReader(strings.NewReader(text.String())).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	rows := recs[1:]
	order := make([]int, len(rows))
	for i := range order {
		order[i] = i
	}
	sort.SliceStable(order, func(a, b int) bool {
		ra, rb := rows[order[a]], rows[order[b]]
		da, ea := strconv.Atoi(ra[1])
		db, eb := strconv.Atoi(rb[1])
		if (ea == nil) != (eb == nil) {
			return ea == nil
		}
		if ea == nil && da != db {
			return da > db
		}
		return ra[2] < rb[2]
	})
	var wb strings.Builder // not +=: 60,000 appends to a growing string copy gigabytes
	wb.WriteString("id,delay,origin\n")
	for _, i := range order {
		wb.WriteString(raws[i])
	}
	want := wb.String()

	out := filepath.Join(dir, "sorted.csv")
	for _, mem := range []string{"512MiB", "1MiB"} {
		_, stderr, err := runDataErr(t, "sort", path, "-k", "delay:desc", "-k", "origin", "-o", out, "--mem", mem)
		if err != nil {
			t.Fatalf("--mem %s: %v", mem, err)
		}
		got, _ := os.ReadFile(out)
		if string(got) != want {
			t.Fatalf("--mem %s: the sorted file differs from the independent sort", mem)
		}
		onDisk := strings.Contains(stderr, "on disk")
		if onDisk != (mem == "1MiB") || !strings.Contains(stderr, "sorted 60000 rows by delay (int, desc") {
			t.Fatalf("--mem %s: summary %q", mem, stderr)
		}
	}
	if left, _ := filepath.Glob(filepath.Join(dir, "*sort*")); len(left) != 1 || left[0] != out {
		t.Fatalf("files left next to the output: %v", left)
	}
	stdout, _, err := runDataErr(t, "sort", path, "-k", "delay:desc,origin")
	if err != nil || stdout != want {
		t.Fatalf("to standard output: err %v, same as the file: %v", err, stdout == want)
	}
	// In place: the output replaces the input only once the sort is done.
	if _, _, err := runDataErr(t, "sort", path, "-k", "delay:desc,origin", "-o", path, "--mem", "1MiB"); err != nil {
		t.Fatal(err)
	}
	if got, _ := os.ReadFile(path); string(got) != want {
		t.Fatal("sorting in place changed the result")
	}

	for _, c := range []struct {
		args []string
		want []string
	}{
		{[]string{"sort", path, "-k", "delay,dest"}, []string{"flights.csv", `no column "dest"`, "id, delay, origin"}},
		{[]string{"sort", path}, []string{"at least one column"}},
		{[]string{"sort", path, "-k", "delay,"}, []string{"-k", "no column after it"}},
		{[]string{"sort", path, "-k", "delay", "--mem", "lots"}, []string{"--mem", "lots"}},
		{[]string{"sort", filepath.Join(dir, "missing.csv"), "-k", "a"}, []string{"missing.csv"}},
	} {
		_, _, err := runDataErr(t, c.args...)
		if err == nil {
			t.Fatalf("%v: no error", c.args)
		}
		for _, w := range c.want {
			if !strings.Contains(err.Error(), w) {
				t.Errorf("%v: error %q does not say %q", c.args, err, w)
			}
		}
	}
}
