package data

import (
	"context"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"

	"github.com/mlwb/mlwb/stages/features"
	"github.com/mlwb/mlwb/themes"
)

// specCSV has a float column with nulls, a text column, dates and an id.
func specCSV() (string, []float64) {
	var b strings.Builder
	b.WriteString("id,amount,city,day\n")
	var amounts []float64
	cities := []string{"oslo", "oslo", "rome", "lima", "oslo", "rome"}
	for i := 0; i < 50; i++ {
		amount := ""
		if i%7 != 3 {
			v := float64((i*29)%83) + 0.25
			amount = strconv.FormatFloat(v, 'f', -1, 64)
			amounts = append(amounts, v)
		} else {
			amounts = append(amounts, math.NaN())
		}
		fmt.Fprintf(&b, "%d,%s,%s,2024-03-%02dT%02d:00:00\n", i, amount, cities[i%len(cities)], 1+i%28, i%24)
	}
	return b.String(), amounts
}

// specCol moves the editor's cursor to the named column.
func specCol(t *testing.T, page *Page, name string) {
	t.Helper()
	press(t, page, "g")
	for i, c := range page.spec.cols {
		if c.Name == name {
			for j := 0; j < i; j++ {
				press(t, page, "j")
			}
			return
		}
	}
	t.Fatalf("no column %q in the editor", name)
}

// previewCol is the preview's values of an output column.
func previewCol(t *testing.T, page *Page, name string) []string {
	t.Helper()
	pv := page.spec.prev
	if pv.err != nil {
		t.Fatalf("preview error: %v", pv.err)
	}
	for j, n := range pv.names {
		if n == name {
			var out []string
			for _, r := range pv.rows {
				out = append(out, r[j])
			}
			return out
		}
	}
	t.Fatalf("no output %q in %v", name, pv.names)
	return nil
}

// TestSpecEditor: F opens a new spec listing the columns; ←→ cycles transforms, i imputes, e edits
// arguments, and the preview after each change holds what an independent computation gives
// (standardize with the mean and sample std of the values written, the imputed mean giving 0);
// a transform the fit refuses shows its reason; w writes a spec that the features stage reads
// back to the same preview, and F on it again shows it as saved.
func TestSpecEditor(t *testing.T) {
	csv, amounts := specCSV()
	page, dir := dataProject(t, csv, themes.Dark(), 100, 40)
	press(t, page, "p", "F")
	if !page.showSpec || len(page.spec.cols) != 4 || page.spec.loaded {
		t.Fatalf("editor: open %v, %d columns", page.showSpec, len(page.spec.cols))
	}
	v := screen(t, page)
	for _, w := range []string{"Feature spec d.features.yaml", "new file", "amount", "keep", "preview · first 20 rows → 4 columns", "raw id"} {
		if !strings.Contains(v, w) {
			t.Fatalf("editor lacks %q:\n%s", w, v)
		}
	}

	specCol(t, page, "amount")
	press(t, page, "l") // standardize
	var sum, n float64
	for _, a := range amounts {
		if !math.IsNaN(a) {
			sum, n = sum+a, n+1
		}
	}
	mean := sum / n
	var ss float64
	for _, a := range amounts {
		if !math.IsNaN(a) {
			ss += (a - mean) * (a - mean)
		}
	}
	sd := math.Sqrt(ss / (n - 1))
	got := previewCol(t, page, "amount")
	for i, s := range got {
		if math.IsNaN(amounts[i]) {
			if s != "" {
				t.Fatalf("row %d: a null standardized to %q without impute", i, s)
			}
			continue
		}
		f, err := strconv.ParseFloat(s, 64)
		if want := (amounts[i] - mean) / sd; err != nil || math.Abs(f-want) > 1e-9 {
			t.Fatalf("row %d: standardize gives %q, want %g", i, s, want)
		}
	}
	press(t, page, "i") // impute mean: the null becomes the mean, which standardizes to 0
	got = previewCol(t, page, "amount")
	if f, err := strconv.ParseFloat(got[3], 64); err != nil || math.Abs(f) > 1e-9 {
		t.Fatalf("imputed null standardizes to %q, want 0", got[3])
	}
	v = screen(t, page)
	if !strings.Contains(v, "standardize · impute mean") || !strings.Contains(v, "raw amount") || !strings.Contains(v, "modified") {
		t.Fatalf("editor after i:\n%s", v)
	}

	press(t, page, "c", "0", ",", "5", "0", "enter") // clip then standardize: refused, visibly
	if v := screen(t, page); !strings.Contains(v, "standardize uses the profile's mean and std") {
		t.Fatalf("refusal not shown:\n%s", v)
	}
	press(t, page, "l") // minmax takes clip
	got = previewCol(t, page, "amount")
	for i, s := range got {
		f, err := strconv.ParseFloat(s, 64)
		if err != nil || f < 0 || f > 1 {
			t.Fatalf("row %d: minmax after clip gives %q", i, s)
		}
	}

	specCol(t, page, "city")
	press(t, page, "l", "e", "backspace", "2", "enter") // onehot top 2
	if names := page.spec.prev.names; !reflect.DeepEqual(names[2:5], []string{"city=oslo", "city=rome", "city=__other__"}) {
		t.Fatalf("onehot outputs %v", names)
	}
	if got := previewCol(t, page, "city=__other__"); got[3] != "1" || got[0] != "0" {
		t.Fatalf("lima is other: %v", got)
	}
	specCol(t, page, "day")
	press(t, page, "l", "e")
	page.spec.input.Text = "month,hour"
	press(t, page, "enter")
	if got := previewCol(t, page, "day_hour"); got[5] != "5" {
		t.Fatalf("day_hour %v", got)
	}
	specCol(t, page, "id")
	press(t, page, "h", "h") // back from keep to drop, then onehot
	if d := describe(&page.spec.cols[0]); d != "onehot top 5" {
		t.Fatalf("h h from keep: %q", d)
	}
	press(t, page, "l", "l")
	want := page.spec.prev

	press(t, page, "w")
	path := filepath.Join(dir, "d.features.yaml")
	sp, err := features.LoadSpec(path)
	if err != nil {
		t.Fatalf("written spec: %v", err)
	}
	text, _ := os.ReadFile(path)
	if !strings.Contains(string(text), "amount: {impute: mean, clip: {min: 0, max: 50}, scale: minmax}") || !strings.Contains(string(text), "# mlwb data features d.csv --spec d.features.yaml -o OUT") {
		t.Fatalf("spec file:\n%s", text)
	}
	plan, err := features.Fit(sp, page.prof.profile)
	if err != nil {
		t.Fatal(err)
	}
	names, rows, err := features.Preview(context.Background(), filepath.Join(dir, "d.csv"), plan, specRowsShown)
	if err != nil || !reflect.DeepEqual(names, want.names) || !reflect.DeepEqual(rows, want.rows) {
		t.Fatalf("the file previews differently: %v\n%v\n%v", err, names, want.names)
	}
	if v := screen(t, page); !strings.Contains(v, "wrote d.features.yaml") {
		t.Fatalf("no note of the write:\n%s", v)
	}
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), ".d.features.yaml") {
			t.Fatalf("temporary file left: %s", e.Name())
		}
	}

	press(t, page, "esc")
	if page.showSpec {
		t.Fatal("esc did not close a saved editor")
	}
	press(t, page, "F")
	if v := screen(t, page); !page.spec.loaded || !strings.Contains(v, "saved") || !strings.Contains(v, "onehot top 2") || !strings.Contains(v, "dateparts month hour") {
		t.Fatalf("reopened spec:\n%s", v)
	}
	press(t, page, "l", "esc")
	if !page.showSpec || !strings.Contains(screen(t, page), "esc again discards") {
		t.Fatal("esc with unsaved changes closed the editor without a word")
	}
	press(t, page, "esc")
	if page.showSpec {
		t.Fatal("second esc did not discard")
	}

	// Comments written by hand into the file survive the editor's next write.
	text, _ = os.ReadFile(path)
	edited := strings.Replace(string(text), "columns:\n", "columns:\n  # money, in euros\n", 1)
	edited = strings.Replace(edited, "scale: minmax}\n", "scale: minmax} # fitted on 2024\n", 1)
	if edited == string(text) || os.WriteFile(path, []byte(edited), 0o644) != nil {
		t.Fatalf("could not add comments to:\n%s", text)
	}
	press(t, page, "F")
	specCol(t, page, "amount")
	press(t, page, "l", "w") // minmax → log1p
	text, _ = os.ReadFile(path)
	for _, w := range []string{"# mlwb data features d.csv", "  # money, in euros\n", "# fitted on 2024", "log1p"} {
		if !strings.Contains(string(text), w) {
			t.Fatalf("after a second write the file lacks %q:\n%s", w, text)
		}
	}
	// R: what becomes of columns the spec does not name.
	press(t, page, "R")
	if v := screen(t, page); !strings.Contains(v, "other columns: drop") {
		t.Fatalf("R not shown:\n%s", v)
	}
	press(t, page, "w")
	if sp, err := features.LoadSpec(path); err != nil || sp.Rest != "drop" {
		t.Fatalf("rest after R and w: %v %v", sp, err)
	}
}

// TestSpecEditorLooks: the editor is exactly the page's size at 80×24 and 120×40 in every theme,
// with a prompt open and with an error, and its keys are in the help bar.
func TestSpecEditorLooks(t *testing.T) {
	csv, _ := specCSV()
	for _, pal := range []themes.Palette{themes.Dark(), themes.Light(), themes.Mono()} {
		for _, size := range [][2]int{{80, 24}, {120, 40}} {
			page, _ := dataProject(t, csv, pal, size[0], size[1])
			press(t, page, "F") // not profiled: said so
			if v := screen(t, page); !strings.Contains(v, "not profiled yet") {
				t.Fatalf("%s %v: unprofiled editor:\n%s", pal.Name, size, v)
			}
			press(t, page, "esc", "p", "F", "j", "l")
			screen(t, page)
			press(t, page, "c")
			if v := screen(t, page); !strings.Contains(v, "clip min, max") {
				t.Fatalf("%s %v: clip prompt:\n%s", pal.Name, size, v)
			}
			press(t, page, "x", "enter")
			if v := screen(t, page); !strings.Contains(v, "write min, max") {
				t.Fatalf("%s %v: bad clip not explained:\n%s", pal.Name, size, v)
			}
			var keys []string
			for _, b := range page.ShortHelp() {
				keys = append(keys, b.Help().Desc)
			}
			if !strings.Contains(strings.Join(keys, ","), "write spec") {
				t.Fatalf("help bar: %v", keys)
			}
		}
	}
}

// TestSpecPreviewShortRawRows: the preview reads the raw rows apart from the outputs, so a file
// rewritten between the two reads can give fewer raw rows than outputs; the editor draws blanks
// for the missing ones rather than failing.
func TestSpecPreviewShortRawRows(t *testing.T) {
	csv, _ := specCSV()
	page, _ := dataProject(t, csv, themes.Dark(), 100, 40)
	press(t, page, "p", "F")
	pv := page.spec.prev
	if len(pv.inRows) < 2 || len(pv.rows) < 2 {
		t.Fatalf("preview has %d raw and %d output rows", len(pv.inRows), len(pv.rows))
	}
	pv.inRows = pv.inRows[:1]
	page.Update(specPreviewMsg(pv))
	if v := screen(t, page); !strings.Contains(v, "raw id") {
		t.Fatalf("preview with fewer raw rows:\n%s", v)
	}
}

// TestSpecEditorDeclaredPath: a dataset whose mlwb.yaml entry names features: specs/d.yaml is
// edited there (the folder made on the first write), and the new file's header runs from the
// project root.
func TestSpecEditorDeclaredPath(t *testing.T) {
	csv, _ := specCSV()
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "d.csv"), []byte(csv), 0o644)
	os.WriteFile(filepath.Join(dir, "mlwb.yaml"), []byte("name: t\ndatasets:\n  - name: d\n    path: d.csv\n    features: specs/d.yaml\n"), 0o644)
	page := openDir(t, dir, themes.Dark(), 100, 40)
	press(t, page, "p", "F")
	if v := screen(t, page); !strings.Contains(v, "Feature spec d.yaml") {
		t.Fatalf("editor:\n%s", v)
	}
	press(t, page, "l", "w")
	text, err := os.ReadFile(filepath.Join(dir, "specs", "d.yaml"))
	if err != nil || !strings.Contains(string(text), "# mlwb data features d.csv --spec specs/d.yaml -o OUT") {
		t.Fatalf("spec at the declared path: %v\n%s", err, text)
	}
	if _, err := os.Stat(filepath.Join(dir, "d.features.yaml")); err == nil {
		t.Fatal("written at the default path too")
	}
}
