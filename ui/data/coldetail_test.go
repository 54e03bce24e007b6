package data

import (
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/expr-lang/expr"

	"github.com/mlwb/mlwb/themes"
)

// detailCSV is a file whose column names and values exercise the expression builder: a name with
// a space, one that is an expr built-in (len), text with a quote and a backslash, a float column
// with nulls and dates. It returns the file and each column's values, for counting independently.
func detailCSV() (string, map[string][]string) {
	carriers := []string{"AA", "AA", "AA", "DL", "DL", "UA", "B6"}
	notes := []string{`he said "hi"`, `a\b`, "plain", "plain"}
	vals := map[string][]string{}
	var b strings.Builder
	b.WriteString("id,carrier code,delay,when,len,note\n")
	for i := 0; i < 400; i++ {
		delay := fmt.Sprintf("%g", float64((i*37)%200-20)+0.5)
		if i%13 == 0 {
			delay = ""
		}
		row := []string{fmt.Sprint(i), carriers[i%len(carriers)], delay, fmt.Sprintf("2024-01-%02d", 1+i%30), fmt.Sprint(i % 5), notes[i%len(notes)]}
		for j, n := range []string{"id", "carrier code", "delay", "when", "len", "note"} {
			vals[n] = append(vals[n], row[j])
		}
		q := make([]string, len(row))
		for j, v := range row {
			q[j] = v
			if strings.ContainsAny(v, `",`) {
				q[j] = `"` + strings.ReplaceAll(v, `"`, `""`) + `"`
			}
		}
		b.WriteString(strings.Join(q, ",") + "\n")
	}
	return b.String(), vals
}

// openColumn opens the detail of the named column from the columns view (J/K, enter).
func openColumn(t *testing.T, page *Page, name string) {
	t.Helper()
	idx := -1
	for i, c := range page.prof.profile.Columns {
		if c.Name == name {
			idx = i
		}
	}
	if idx < 0 {
		t.Fatalf("no column %q", name)
	}
	for i := 0; i < 10; i++ {
		press(t, page, "K")
	}
	for i := 0; i < idx; i++ {
		press(t, page, "J")
	}
	press(t, page, "enter")
	if !page.detailShown() || page.detail.name != name {
		t.Fatalf("enter on column %d did not open %q's detail (open %v, %q)", idx, name, page.detail.open, page.detail.name)
	}
}

// filterItem moves the detail's cursor to the first item pick accepts and presses enter; it
// returns the item and the rows the grid's view then has.
func filterItem(t *testing.T, page *Page, pick func(detailItem) bool) (detailItem, int64) {
	t.Helper()
	items := page.detailItems(page.detailColumn())
	idx := -1
	for i, it := range items {
		if pick(it) {
			idx = i
			break
		}
	}
	if idx < 0 {
		t.Fatalf("no such item among %+v", items)
	}
	press(t, page, "g")
	for i := 0; i < idx; i++ {
		press(t, page, "j")
	}
	v := screen(t, page)
	if !strings.Contains(v, "enter: "+items[idx].expr) {
		t.Fatalf("footer does not show the expression %q:\n%s", items[idx].expr, v)
	}
	press(t, page, "enter")
	if page.view.err != nil || page.view.file == "" || !page.focusGrid {
		t.Fatalf("enter on %q made no view (err %v)", items[idx].label, page.view.err)
	}
	return items[idx], page.grid.total()
}

// TestColumnDetailFilters: enter on a column opens its frequency table from the stored profile;
// enter on a top value, a bin (the last one inclusive) or the nulls opens the grid on a view with
// exactly the rows the table counts, which a plain loop over the values counts too; esc comes back.
func TestColumnDetailFilters(t *testing.T) {
	csv, vals := detailCSV()
	count := func(col string, keep func(string) bool) int64 {
		var n int64
		for _, v := range vals[col] {
			if keep(v) {
				n++
			}
		}
		return n
	}
	page, _ := dataProject(t, csv, themes.Dark(), 100, 40)
	press(t, page, "p")
	if page.prof.profile == nil || !page.showColumns {
		t.Fatalf("not profiled: %v", page.prof.err)
	}
	check := func(it detailItem, got, want int64) {
		t.Helper()
		if it.count != want || got != want {
			t.Fatalf("%s (%s): table %d, view %d rows, counted %d", it.label, it.expr, it.count, got, want)
		}
		v := screen(t, page)
		if !strings.Contains(v, fmt.Sprintf("%s %s: %s of 400 rows", page.detail.name, page.detail.what, groupDigits(want))) {
			t.Fatalf("view footer:\n%s", v)
		}
		if strings.Contains(v, "the profile counted") {
			t.Fatalf("count check complains:\n%s", v)
		}
		press(t, page, "esc")
		if !page.detailShown() || page.focusGrid || page.view.file != "" {
			t.Fatalf("esc did not come back to the detail")
		}
	}

	openColumn(t, page, "carrier code")
	v := screen(t, page)
	for _, w := range []string{"carrier code · string · 400 values · 0 nulls · 4 distinct", "top values · 4 of 4 distinct", "AA", "172  43.0%"} {
		if !strings.Contains(v, w) {
			t.Fatalf("detail lacks %q:\n%s", w, v)
		}
	}
	it, got := filterItem(t, page, func(it detailItem) bool { return it.label == "AA" })
	if it.expr != `$env["carrier code"] == "AA"` {
		t.Errorf("expression %q", it.expr)
	}
	check(it, got, count("carrier code", func(s string) bool { return s == "AA" }))

	press(t, page, "esc") // closes the detail: the columns view again
	if page.detailShown() || !page.showColumns {
		t.Fatal("esc did not close the detail")
	}

	openColumn(t, page, "delay")
	v = screen(t, page)
	for _, w := range []string{"histogram ·", "lo ≤ x < hi", "p50", "negatives"} {
		if !strings.Contains(v, w) {
			t.Fatalf("delay detail lacks %q:\n%s", w, v)
		}
	}
	bins := page.detailColumn().Histogram
	first, last := bins[0], bins[len(bins)-1]
	it, got = filterItem(t, page, func(it detailItem) bool { return it.bin })
	check(it, got, count("delay", func(s string) bool {
		var f float64
		_, err := fmt.Sscan(s, &f)
		return err == nil && f >= first.Lo && f < first.Hi
	}))
	it, got = filterItem(t, page, func(it detailItem) bool { return it.bin && strings.HasSuffix(it.label, "]") })
	if !strings.Contains(it.expr, "<= ") {
		t.Errorf("last bin not inclusive: %q", it.expr)
	}
	check(it, got, count("delay", func(s string) bool {
		var f float64
		_, err := fmt.Sscan(s, &f)
		return err == nil && f >= last.Lo && f <= last.Hi
	}))
	it, got = filterItem(t, page, func(it detailItem) bool { return it.null })
	if it.expr != "delay == nil" {
		t.Errorf("null expression %q", it.expr)
	}
	check(it, got, count("delay", func(s string) bool { return s == "" }))
	press(t, page, "esc")

	openColumn(t, page, "len") // a built-in's name: through $env
	it, got = filterItem(t, page, func(it detailItem) bool { return it.label == "3" })
	if it.expr != `$env["len"] == 3` {
		t.Errorf("expression %q", it.expr)
	}
	check(it, got, count("len", func(s string) bool { return s == "3" }))
	press(t, page, "esc")

	openColumn(t, page, "note") // a quote and a backslash in the value
	it, got = filterItem(t, page, func(it detailItem) bool { return it.label == `he said "hi"` })
	check(it, got, count("note", func(s string) bool { return s == `he said "hi"` }))
	it, got = filterItem(t, page, func(it detailItem) bool { return it.label == `a\b` })
	if it.expr != `note == "a\\b"` {
		t.Errorf("expression %q", it.expr)
	}
	check(it, got, count("note", func(s string) bool { return s == `a\b` }))
	press(t, page, "esc")

	openColumn(t, page, "when") // datetime bins: Unix seconds in the profile, ISO text in the file
	it, got = filterItem(t, page, func(it detailItem) bool { return it.bin && it.count > 0 })
	lo, hi, _ := strings.Cut(strings.Trim(it.label, "[)]"), ", ")
	check(it, got, count("when", func(s string) bool { return s >= lo && s < hi }))
}

// TestColumnDetailLooks: the detail is exactly the page's size at 80×24 and 120×40 in every
// theme, the cursor scrolls the list, and the help bar names its keys.
func TestColumnDetailLooks(t *testing.T) {
	csv, _ := detailCSV()
	for _, pal := range []themes.Palette{themes.Dark(), themes.Light(), themes.Mono()} {
		for _, size := range [][2]int{{80, 24}, {120, 40}} {
			page, _ := dataProject(t, csv, pal, size[0], size[1])
			press(t, page, "p")
			openColumn(t, page, "id")
			screen(t, page)
			press(t, page, "G")
			v := screen(t, page)
			items := page.detailItems(page.detailColumn())
			if !strings.Contains(v, "▸ "+items[len(items)-1].label) {
				t.Fatalf("%s %v: the last item is not on screen:\n%s", pal.Name, size, v)
			}
			var keys []string
			for _, b := range page.ShortHelp() {
				keys = append(keys, b.Help().Desc)
			}
			if !strings.Contains(strings.Join(keys, ","), "filter rows to it") {
				t.Fatalf("help bar: %v", keys)
			}
		}
	}
}

// TestColumnDetailDatetimeSpellings: the profile writes datetimes as ISO UTC while the filter
// compares the file's text, so a top value or a bin of a column spelled "2024-03-05 07:00:00"
// filters in that spelling (the counts agree with a loop over the values, the last bin
// inclusive), and a column spelled 03/15/2024 gets no expression, and says so, rather than a
// filter keeping no rows.
func TestColumnDetailDatetimeSpellings(t *testing.T) {
	var b strings.Builder
	b.WriteString("id,at,us\n")
	var at []string
	for i := 0; i < 300; i++ {
		a := fmt.Sprintf("2024-03-%02d %02d:00:00", 1+i%9, (i*7)%24)
		at = append(at, a)
		fmt.Fprintf(&b, "%d,%s,%02d/%02d/2024\n", i, a, 1+i%12, 1+i%28)
	}
	page, _ := dataProject(t, b.String(), themes.Dark(), 100, 40)
	press(t, page, "p")
	if page.prof.profile == nil {
		t.Fatalf("not profiled: %v", page.prof.err)
	}
	count := func(keep func(string) bool) int64 {
		var n int64
		for _, v := range at {
			if keep(v) {
				n++
			}
		}
		return n
	}
	openColumn(t, page, "at")
	if c := page.detailColumn(); c.Type != "datetime" {
		t.Fatalf("at is %s", c.Type)
	}
	top := page.detailColumn().Top[0]
	it, got := filterItem(t, page, func(it detailItem) bool { return !it.bin && !it.null })
	want := count(func(s string) bool { return strings.Replace(s, " ", "T", 1)+"Z" == top.Value })
	if want == 0 || it.count != want || got != want || !strings.Contains(it.expr, " ") {
		t.Fatalf("top value %s (%s): table %d, view %d, counted %d", top.Value, it.expr, it.count, got, want)
	}
	press(t, page, "esc")
	bins := page.detailColumn().Histogram
	for i, bin := range bins {
		last := i == len(bins)-1
		it, got := filterItem(t, page, func(it detailItem) bool {
			return it.bin && it.label == page.detailItems(page.detailColumn())[i].label
		})
		want := count(func(s string) bool {
			tm, err := time.Parse("2006-01-02 15:04:05", s)
			sec := float64(tm.Unix())
			return err == nil && sec >= bin.Lo && (sec < bin.Hi || last && sec == bin.Hi)
		})
		if it.count != want || got != want {
			t.Fatalf("bin %d %s (%s): table %d, view %d, counted %d", i, it.label, it.expr, it.count, got, want)
		}
		press(t, page, "esc")
	}
	press(t, page, "esc")

	openColumn(t, page, "us")
	if c := page.detailColumn(); c.Type != "datetime" {
		t.Skipf("us is %s here, not datetime", c.Type)
	}
	for _, it := range page.detailItems(page.detailColumn()) {
		if !it.null && it.expr != "" {
			t.Fatalf("US-spelled dates got an expression: %s %q", it.label, it.expr)
		}
	}
	press(t, page, "enter")
	if v := screen(t, page); !strings.Contains(v, "no filter expression can name") {
		t.Fatalf("no message for a value that cannot be filtered:\n%s", v)
	}
}

// TestExprNumberLarge: whole numbers past int64 read back in expr-lang as the same float.
func TestExprNumberLarge(t *testing.T) {
	for _, v := range []float64{1e19, -1e19, 9.3e18, 1 << 63, 12345, -0.5, 1e300} {
		out, err := expr.Eval(exprNumber(v), nil)
		f, isF := out.(float64)
		if i, isI := out.(int); isI {
			f, isF = float64(i), true
		}
		if err != nil || !isF || f != v {
			t.Errorf("exprNumber(%g) = %s reads back as %v (%v)", v, exprNumber(v), out, err)
		}
	}
}

// TestColumnDetailMixedDateSpellings: a datetime column whose rows mix a date alone with a date
// and a time does not sort as its instants as text, so its bins and values get no expression.
func TestColumnDetailMixedDateSpellings(t *testing.T) {
	var b strings.Builder
	b.WriteString("id,at\n")
	for i := 0; i < 100; i++ {
		at := fmt.Sprintf("2024-01-%02d", 1+i%28)
		if i%3 == 1 {
			at += " 13:00:00"
		}
		fmt.Fprintf(&b, "%d,%s\n", i, at)
	}
	page, _ := dataProject(t, b.String(), themes.Dark(), 100, 40)
	press(t, page, "p")
	openColumn(t, page, "at")
	if c := page.detailColumn(); c.Type != "datetime" {
		t.Fatalf("at is %s", c.Type)
	}
	for _, it := range page.detailItems(page.detailColumn()) {
		if it.expr != "" {
			t.Fatalf("mixed spellings got an expression: %s %q", it.label, it.expr)
		}
	}
}

// TestColumnDetailApproxOutliers: past the exact limit the outliers are counted against the
// sketch's quartiles, and the detail marks the count as an estimate.
func TestColumnDetailApproxOutliers(t *testing.T) {
	var b strings.Builder
	b.WriteString("x\n")
	for i := range 70_000 { // more distinct values than the exact limit of a one-column file
		v := i
		if i%1000 == 0 {
			v = 10_000_000 + i // far outside the quartiles
		}
		fmt.Fprintf(&b, "%d\n", v)
	}
	page, _ := dataProject(t, b.String(), themes.Mono(), 120, 40)
	press(t, page, "p")
	openColumn(t, page, "x")
	if c := page.detailColumn(); !c.QuantilesApprox || c.Outliers == 0 {
		t.Fatalf("quantiles approx %v, outliers %d: the fixture does not reach the sketch", c.QuantilesApprox, c.Outliers)
	}
	if v := screen(t, page); !strings.Contains(v, "outliers ≈") {
		t.Fatalf("outliers not marked as an estimate:\n%s", v)
	}
}

// TestColumnDetailDatetimeQuantilesWrap: a datetime column's quantiles are long; they wrap onto
// a second line rather than being cut after p75.
func TestColumnDetailDatetimeQuantilesWrap(t *testing.T) {
	var b strings.Builder
	b.WriteString("when\n")
	for i := range 500 {
		fmt.Fprintf(&b, "2024-%02d-%02d %02d:%02d:%02d\n", 1+i%12, 1+i%28, i%24, i%60, (i*7)%60)
	}
	page, _ := dataProject(t, b.String(), themes.Mono(), 120, 40)
	press(t, page, "p")
	openColumn(t, page, "when")
	v := screen(t, page)
	if !strings.Contains(v, "p99 ") || !strings.Contains(v, "p1 ") {
		t.Fatalf("the quantiles are cut:\n%s", v)
	}
	// Its std as a duration, as the CLI's table shows it (it read 8.66e+06 here).
	if !regexp.MustCompile(`std \d+d \d+h`).MatchString(v) {
		t.Fatalf("std not shown as a duration:\n%s", v)
	}
}
