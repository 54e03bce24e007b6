package data

import (
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/klauspost/compress/gzip"
	"github.com/klauspost/compress/zstd"
)

// The sort is checked against an independent sort: the generated file is read back with
// encoding/csv, its rows are ordered with sort.SliceStable and comparators written here from the
// documented rules (strconv and time.Parse, not the engine's classifier), and the expected output
// is the header plus each record's exact bytes as the generator wrote them, in that order.

// sortFixture is a generated CSV file and the exact text of each record.
type sortFixture struct {
	path   string
	header []byte
	raws   [][]byte // record text with its line ending ("\n" added to a last record that lacks one)
}

// The fixture's columns; note is never a key and carries the awkward bytes (CR LF inside quotes).
var sortFixtureTypes = map[string]string{"id": "int", "score": "float", "when": "datetime", "name": "string", "flag": "bool"}

// genSortCSV writes n rows with quoted fields (commas, quotes and newlines inside), nulls of several
// spellings, negative numbers, int64 values beyond 2^53 placed so that a float64 comparison would
// order them wrongly, a few type violations in the int column, and CRLF line endings if crlf.
func genSortCSV(t testing.TB, dir string, n int, seed uint64, crlf bool) *sortFixture {
	t.Helper()
	r := rand.New(rand.NewPCG(seed, seed+1))
	eol := "\n"
	if crlf {
		eol = "\r\n"
	}
	field := func(s string, forceQuote bool) string {
		if forceQuote || strings.ContainsAny(s, ",\"\n\r") || strings.TrimSpace(s) != s {
			return `"` + strings.ReplaceAll(s, `"`, `""`) + `"`
		}
		return s
	}
	names := []string{"alpha", "Beta", "a,b", `say "hi"`, "line1\nline2", "ünïcode", "123", "  padded ", "zeta", "Zeta", "", "NA", "a", "ab", "a\tb"}
	t0 := time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC).Unix()
	big := []string{"9007199254740993", "9007199254740992", "9223372036854775807", "-9223372036854775808", "-9007199254740993", "-9007199254740992"}
	fx := &sortFixture{path: filepath.Join(dir, fmt.Sprintf("sort-%d.csv", seed)), header: []byte("id,score,when,name,flag,note" + eol)}
	for i := 0; i < n; i++ {
		var id string
		switch p := r.IntN(100); {
		case p < 3:
			id = []string{"", "NA", "null"}[r.IntN(3)]
		case p < 5:
			id = []string{"abc", "x17", "-"}[r.IntN(3)]
		case p < 8:
			id = big[r.IntN(len(big))]
		default:
			id = strconv.Itoa(r.IntN(2000) - 1000)
			if r.IntN(10) == 0 {
				id = " " + id // padded: still an int
			}
		}
		var score string
		switch p := r.IntN(100); {
		case p < 4:
			score = []string{"", "NaN", "None"}[r.IntN(3)]
		case p < 10:
			score = strconv.Itoa(r.IntN(200) - 100)
		case p < 12:
			score = []string{"-0", "-0.0", "0", "1e3", "-2.5e-3"}[r.IntN(5)]
		default:
			score = strconv.FormatFloat(math.Round(r.NormFloat64()*1000)/8, 'f', -1, 64)
		}
		var when string
		switch p := r.IntN(100); {
		case p < 4:
			when = ""
		case p < 20:
			when = time.Unix(t0+int64(r.IntN(40))*86400, 0).UTC().Format("2006-01-02")
		default:
			when = time.Unix(t0+int64(r.IntN(40*86400)), 0).UTC().Format("2006-01-02 15:04:05")
		}
		name := names[r.IntN(len(names))]
		flag := []string{"true", "false", "TRUE", "False", ""}[r.IntN(5)]
		note := []string{"x", "crlf\r\ninside", "q\"uote", ""}[r.IntN(4)]
		rec := strings.Join([]string{field(id, r.IntN(20) == 0), field(score, false), field(when, false),
			field(name, r.IntN(10) == 0), field(flag, false), field(note, false)}, ",") + eol
		fx.raws = append(fx.raws, []byte(rec))
	}
	// The big values again, in descending order, so only an exact int64 comparison sorts them.
	for _, b := range []string{"9007199254740993", "9007199254740992", "-9007199254740992", "-9007199254740993"} {
		fx.raws = append(fx.raws, []byte(b+",1,2020-01-01,big,true,x"+eol))
	}
	var all []byte
	all = append(all, fx.header...)
	for _, raw := range fx.raws {
		all = append(all, raw...)
	}
	if !crlf { // the last record without its newline; sort writes one
		all = all[:len(all)-1]
	}
	if err := os.WriteFile(fx.path, all, 0o644); err != nil {
		t.Fatal(err)
	}
	return fx
}

var refNullTokens = map[string]bool{"": true, "NA": true, "N/A": true, "n/a": true, "na": true, "null": true,
	"NULL": true, "Null": true, "NaN": true, "nan": true, "NAN": true, "None": true, "none": true, "#N/A": true}

// refVal is a value as the reference comparator sees it: class 0 typed, 1 a type violation, 2 null.
type refVal struct {
	class int
	i     int64
	f     float64
	s     string
}

func refParse(typ, s string) refVal {
	s = strings.TrimRight(strings.TrimLeft(s, " \t"), " \t\r")
	if refNullTokens[s] {
		return refVal{class: 2}
	}
	v := refVal{s: s}
	ok := false
	switch typ {
	case "int":
		v.i, ok = parseRefInt(s)
	case "float":
		var err error
		v.f, err = strconv.ParseFloat(s, 64)
		ok = err == nil
	case "datetime":
		for _, layout := range []string{"2006-01-02 15:04:05", "2006-01-02"} {
			if tm, err := time.Parse(layout, s); err == nil {
				v.f, ok = float64(tm.Unix()), true
				break
			}
		}
	case "bool":
		switch strings.ToLower(s) {
		case "true":
			v.i, ok = 1, true
		case "false":
			ok = true
		}
	case "string":
		ok = true
	}
	if !ok {
		v.class = 1
	}
	return v
}

func parseRefInt(s string) (int64, bool) {
	n, err := strconv.ParseInt(s, 10, 64)
	return n, err == nil
}

func refCompare(typ string, a, b refVal, desc bool) int {
	if a.class != b.class {
		return a.class - b.class // typed, then violations, then nulls, in either direction
	}
	c := 0
	switch {
	case a.class == 2:
		return 0
	case a.class == 1 || typ == "string":
		c = strings.Compare(a.s, b.s)
	case typ == "int" || typ == "bool":
		c = cmpOrdered(a.i, b.i)
	default:
		c = cmpOrdered(a.f, b.f)
	}
	if desc {
		c = -c
	}
	return c
}

func cmpOrdered[T int64 | float64](a, b T) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// refSort is the expected output of sorting fx by keys.
func refSort(t *testing.T, fx *sortFixture, keys []SortKey) []byte {
	t.Helper()
	f, err := os.Open(fx.path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	cr := csv.NewReader(f)
	cr.FieldsPerRecord = -1
	recs, err := cr.ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	head, rows := recs[0], recs[1:]
	if len(rows) != len(fx.raws) {
		t.Fatalf("encoding/csv read %d rows, the generator wrote %d", len(rows), len(fx.raws))
	}
	col := map[string]int{}
	for i, h := range head {
		col[h] = i
	}
	parsed := make([][]refVal, len(rows))
	for i, row := range rows {
		for _, k := range keys {
			parsed[i] = append(parsed[i], refParse(sortFixtureTypes[k.Column], row[col[k.Column]]))
		}
	}
	order := make([]int, len(rows))
	for i := range order {
		order[i] = i
	}
	sort.SliceStable(order, func(x, y int) bool {
		a, b := parsed[order[x]], parsed[order[y]]
		for j, k := range keys {
			if c := refCompare(sortFixtureTypes[k.Column], a[j], b[j], k.Desc); c != 0 {
				return c < 0
			}
		}
		return false
	})
	want := bytes.Clone(fx.header)
	for _, i := range order {
		raw := fx.raws[i]
		want = append(want, raw...)
		if raw[len(raw)-1] != '\n' {
			want = append(want, '\n')
		}
	}
	return want
}

func sortToBytes(t *testing.T, path string, o SortOptions) ([]byte, *SortResult) {
	t.Helper()
	var out bytes.Buffer
	o.Out = &out
	res, err := SortFile(context.Background(), path, o)
	if err != nil {
		t.Fatalf("sort %s by %s: %v", path, FormatSortKeys(o.Keys), err)
	}
	return out.Bytes(), res
}

// firstDiff describes where two outputs part, for a readable failure.
func firstDiff(got, want []byte) string {
	gl, wl := bytes.Split(got, []byte{'\n'}), bytes.Split(want, []byte{'\n'})
	for i := 0; i < min(len(gl), len(wl)); i++ {
		if !bytes.Equal(gl[i], wl[i]) {
			return fmt.Sprintf("line %d: got %q, want %q", i+1, gl[i], wl[i])
		}
	}
	return fmt.Sprintf("got %d lines, want %d", len(gl), len(wl))
}

var sortSpecs = []string{"id", "id:desc", "score:desc,id", "when:desc,name", "name,id:desc", "flag:desc,when,score"}

// forceSmallChunks makes the parallel reader cut small files into many chunks and the merge run
// in rounds, so the chunk seams and the multi-level merge are exercised.
func forceSmallChunks(t *testing.T, chunk, fanIn int) {
	oc, of := chunkSize, mergeFanIn
	chunkSize, mergeFanIn = chunk, fanIn
	t.Cleanup(func() { chunkSize, mergeFanIn = oc, of })
}

func TestSortMatchesReference(t *testing.T) {
	forceSmallChunks(t, 16<<10, 3)
	dir := t.TempDir()
	for _, crlf := range []bool{false, true} {
		fx := genSortCSV(t, dir, 16000, 11+boolSeed(crlf), crlf) // ~800 KB: the first chunk alone is 512 KiB (twice the sniffed head)
		for i, spec := range sortSpecs {
			if crlf && i >= 2 {
				break // the CRLF file checks the line endings; the key orders are covered above
			}
			keys, err := ParseSortKeys(spec)
			if err != nil {
				t.Fatal(err)
			}
			want := refSort(t, fx, keys)
			got, res := sortToBytes(t, fx.path, SortOptions{Keys: keys, Workers: 3})
			if res.External {
				t.Fatalf("%s: a 16000-row file went external under the default budget", spec)
			}
			if !bytes.Equal(got, want) {
				t.Fatalf("crlf=%v, -k %s: in-memory output differs from the reference: %s", crlf, spec, firstDiff(got, want))
			}
			for j, k := range res.Keys {
				if k.Type != sortFixtureTypes[keys[j].Column] {
					t.Errorf("%s typed %s, want %s", k.Column, k.Type, sortFixtureTypes[keys[j].Column])
				}
			}
			tmp := t.TempDir()
			ext, eres := sortToBytes(t, fx.path, SortOptions{Keys: keys, Workers: 2, Memory: 16 << 10, TempDir: tmp})
			if !eres.External || eres.Runs <= mergeFanIn {
				t.Fatalf("%s: a 16 KiB budget should spill many runs: external=%v runs=%d", spec, eres.External, eres.Runs)
			}
			if !bytes.Equal(ext, got) {
				t.Fatalf("crlf=%v, -k %s: external output differs from in-memory: %s", crlf, spec, firstDiff(ext, got))
			}
			if left, _ := os.ReadDir(tmp); len(left) != 0 {
				t.Fatalf("spill files left behind: %v", left)
			}
			if res.Rows != int64(len(fx.raws)) || eres.Rows != res.Rows {
				t.Fatalf("rows %d / %d, want %d", res.Rows, eres.Rows, len(fx.raws))
			}
		}
	}
}

func boolSeed(b bool) uint64 {
	if b {
		return 1
	}
	return 0
}

// TestSortKeyStats: the counts reported per key match the generator's (violations, nulls).
func TestSortKeyStats(t *testing.T) {
	dir := t.TempDir()
	fx := genSortCSV(t, dir, 2000, 5, false)
	keys := []SortKey{{Column: "id"}}
	_, res := sortToBytes(t, fx.path, SortOptions{Keys: keys})
	var viol, nulls int64
	for _, raw := range fx.raws {
		v := refParse("int", strings.Split(string(raw), ",")[0])
		if strings.HasPrefix(string(raw), `"`) { // a quoted id: strip the quotes
			v = refParse("int", strings.Trim(strings.Split(string(raw), ",")[0], `"`))
		}
		switch v.class {
		case 1:
			viol++
		case 2:
			nulls++
		}
	}
	if res.Keys[0].Violations != viol || res.Keys[0].Nulls != nulls || viol == 0 || nulls == 0 {
		t.Fatalf("id: violations %d nulls %d, want %d and %d", res.Keys[0].Violations, res.Keys[0].Nulls, viol, nulls)
	}
}

// TestSortFixtures: small files whose sorted text is written out by hand.
func TestSortFixtures(t *testing.T) {
	dir := t.TempDir()
	cases := []struct {
		name, file, keys, text, want string
	}{
		{"TSV, ties keep file order, second key descending", "t.tsv", "g,v:desc",
			"g\tv\tid\nb\t1\t1\na\t2\t2\nb\t1\t3\na\t3\t4\nb\t2\t5\n",
			"g\tv\tid\na\t3\t4\na\t2\t2\nb\t2\t5\nb\t1\t1\nb\t1\t3\n"},
		{"quoted fields kept as written, no final newline", "q.csv", "name",
			"id,name\n1,\"b, \"\"x\"\"\"\n2,\"a\nmultiline\"\n3,c",
			"id,name\n2,\"a\nmultiline\"\n1,\"b, \"\"x\"\"\"\n3,c\n"},
		{"dates by time, not text", "d.csv", "d",
			"d,x\n2024-03-01 10:00:00,1\n2024-02-29,2\n2024-03-01,3\n2023-12-31 23:59:59,4\n",
			"d,x\n2023-12-31 23:59:59,4\n2024-02-29,2\n2024-03-01,3\n2024-03-01 10:00:00,1\n"},
		{"floats and ints in one column compare as numbers", "f.csv", "f",
			"f,x\n10,a\n9.5,b\n-1e2,c\n0.25,d\n-0,e\n0,f\n",
			"f,x\n-1e2,c\n-0,e\n0,f\n0.25,d\n9.5,b\n10,a\n"},
		{"strings bytewise: digits before capitals before lower case", "s.csv", "s",
			"s,x\nbanana,1\nApple,2\n10,3\n9,4\napple,5\n",
			"s,x\n10,3\n9,4\nApple,2\napple,5\nbanana,1\n"},
		{"JSON Lines: missing key is null, big ints exact, nested values as text", "j.jsonl", "n:desc",
			"{\"n\":9007199254740992,\"k\":\"a\"}\n{\"k\":\"b\"}\n{\"n\":9007199254740993,\"k\":\"c\"}\n{\"n\":-5}\n\n{\"n\":null,\"k\":\"d\"}\r\n{\"n\":7}",
			"{\"n\":9007199254740993,\"k\":\"c\"}\n{\"n\":9007199254740992,\"k\":\"a\"}\n{\"n\":7}\n{\"n\":-5}\n{\"k\":\"b\"}\n{\"n\":null,\"k\":\"d\"}\r\n"},
		{"header only", "h.csv", "a", "a,b\n", "a,b\n"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			path := filepath.Join(dir, c.file)
			if err := os.WriteFile(path, []byte(c.text), 0o644); err != nil {
				t.Fatal(err)
			}
			keys, err := ParseSortKeys(c.keys)
			if err != nil {
				t.Fatal(err)
			}
			for _, mem := range []int64{0, 1} {
				got, _ := sortToBytes(t, path, SortOptions{Keys: keys, Memory: mem, TempDir: dir})
				if string(got) != c.want {
					t.Fatalf("memory %d: got\n%q\nwant\n%q", mem, got, c.want)
				}
			}
		})
	}
}

// TestSortViolations: an int column with a few values that are not ints (under 5%, so the column
// stays int) puts them after every number, bytewise among themselves, and nulls after them, in
// both directions; the int64 values next to 2^53 order exactly.
func TestSortViolations(t *testing.T) {
	dir := t.TempDir()
	text := "n,k\nzz,v1\n,null1\nabc,v2\n9007199254740993,big1\n9007199254740992,big0\nNA,null2\n-9007199254740993,neg1\n-9007199254740992,neg0\n"
	for i := 60; i >= -60; i -= 3 {
		text += fmt.Sprintf("%d,r%d\n", i, i)
	}
	path := filepath.Join(dir, "v.csv")
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	asc := "n,k\n-9007199254740993,neg1\n-9007199254740992,neg0\n"
	for i := -60; i <= 60; i += 3 {
		asc += fmt.Sprintf("%d,r%d\n", i, i)
	}
	asc += "9007199254740992,big0\n9007199254740993,big1\nabc,v2\nzz,v1\n,null1\nNA,null2\n"
	desc := "n,k\n9007199254740993,big1\n9007199254740992,big0\n"
	for i := 60; i >= -60; i -= 3 {
		desc += fmt.Sprintf("%d,r%d\n", i, i)
	}
	desc += "-9007199254740992,neg0\n-9007199254740993,neg1\nzz,v1\nabc,v2\n,null1\nNA,null2\n"
	for _, mem := range []int64{0, 1} {
		got, res := sortToBytes(t, path, SortOptions{Keys: []SortKey{{Column: "n"}}, Memory: mem, TempDir: dir})
		if string(got) != asc {
			t.Fatalf("asc, memory %d: got\n%s\nwant\n%s", mem, got, asc)
		}
		if k := res.Keys[0]; k.Type != "int" || k.Violations != 2 || k.Nulls != 2 {
			t.Fatalf("key stats %+v", k)
		}
		got, _ = sortToBytes(t, path, SortOptions{Keys: []SortKey{{Column: "n", Desc: true}}, Memory: mem, TempDir: dir})
		if string(got) != desc {
			t.Fatalf("desc, memory %d: got\n%s\nwant\n%s", mem, got, desc)
		}
	}
}

// cancelWriter cancels the sort's context on its first write, i.e. during the final merge.
type cancelWriter struct {
	cancel context.CancelFunc
	n      int
}

func (w *cancelWriter) Write(p []byte) (int, error) {
	w.n++
	w.cancel()
	return len(p), nil
}

// TestSortCancel: a sort cancelled while it merges spilled runs, or before it starts, stops with
// the context's error and leaves no spill files.
func TestSortCancel(t *testing.T) {
	forceSmallChunks(t, 64<<10, 4)
	dir := t.TempDir()
	fx := genSortCSV(t, dir, 40000, 3, false)
	tmp := t.TempDir()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	w := &cancelWriter{cancel: cancel}
	_, err := SortFile(ctx, fx.path, SortOptions{Keys: []SortKey{{Column: "name"}, {Column: "id"}}, Memory: 256 << 10, TempDir: tmp, Out: w})
	if !errors.Is(err, context.Canceled) || w.n == 0 {
		t.Fatalf("err = %v after %d writes, want context.Canceled during the merge", err, w.n)
	}
	if left, _ := os.ReadDir(tmp); len(left) != 0 {
		t.Fatalf("spill files left behind after cancel: %v", left)
	}
	_, err = SortFile(ctx, fx.path, SortOptions{Keys: []SortKey{{Column: "id"}}, Memory: 1, TempDir: tmp, Out: io.Discard})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v with a cancelled context, want context.Canceled", err)
	}
}

// TestSortBadInput: clear errors that name the file (and the column or line), and no spill files.
func TestSortBadInput(t *testing.T) {
	forceSmallChunks(t, 4<<10, 64)
	dir := t.TempDir()
	write := func(name, text string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	var long strings.Builder
	long.WriteString("a,b\n")
	for i := 0; i < 2000; i++ {
		fmt.Fprintf(&long, "%d,x\n", i)
	}
	long.WriteString("5,\"never closed\n7,y\n")
	cases := []struct {
		path, keys string
		want       []string
	}{
		{write("u.csv", "delay,origin\n1,ORD\n"), "delay,dest", []string{"u.csv", `no column "dest"`, "delay, origin"}},
		{write("v.csv", "delay,origin\n1,ORD\n"), "delay:up", []string{"v.csv", `key "delay:up": direction "up" is neither asc nor desc`}},
		{write("u.jsonl", "{\"a\":1}\n{\"b\":2}\n"), "c", []string{"u.jsonl", `no record has the key "c"`}},
		{write("arr.json", "[{\"a\":1}]"), "a", []string{"arr.json", "CSV, TSV and JSON Lines"}},
		{write("empty.csv", ""), "a", []string{"empty.csv", "empty"}},
		{write("unterminated.csv", long.String()), "a", []string{"unterminated.csv", "line 2002", "never closed"}},
		{write("badjson.jsonl", "{\"a\":1}\n{\"a\":\n"), "a", []string{"badjson.jsonl", "line 2"}},
	}
	for _, c := range cases {
		keys, err := ParseSortKeys(c.keys)
		if err != nil {
			t.Fatal(err)
		}
		tmp := t.TempDir()
		for _, mem := range []int64{0, 1} {
			_, err = SortFile(context.Background(), c.path, SortOptions{Keys: keys, Memory: mem, TempDir: tmp, Out: io.Discard})
			if err == nil {
				t.Fatalf("%s: no error", c.path)
			}
			for _, w := range c.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("%s: error %q does not say %q", filepath.Base(c.path), err, w)
				}
			}
			if left, _ := os.ReadDir(tmp); len(left) != 0 {
				t.Fatalf("spill files left behind: %v", left)
			}
		}
	}
}

// TestSortCompressed: a gzip or zstd file sorts to the same bytes as the plain file.
func TestSortCompressed(t *testing.T) {
	dir := t.TempDir()
	fx := genSortCSV(t, dir, 2000, 21, false)
	plain, err := os.ReadFile(fx.path)
	if err != nil {
		t.Fatal(err)
	}
	keys := []SortKey{{Column: "when", Desc: true}, {Column: "id"}}
	want := refSort(t, fx, keys)
	for _, ext := range []string{".gz", ".zst"} {
		p := filepath.Join(dir, "c.csv"+ext)
		if err := os.WriteFile(p, compress(t, ext, plain), 0o644); err != nil {
			t.Fatal(err)
		}
		for _, mem := range []int64{0, 32 << 10} {
			got, _ := sortToBytes(t, p, SortOptions{Keys: keys, Memory: mem, TempDir: dir})
			if !bytes.Equal(got, want) {
				t.Fatalf("%s memory %d: %s", ext, mem, firstDiff(got, want))
			}
		}
	}
}

func compress(t *testing.T, ext string, b []byte) []byte {
	t.Helper()
	var out bytes.Buffer
	var w io.WriteCloser
	if ext == ".gz" {
		w = gzip.NewWriter(&out)
	} else {
		zw, err := zstd.NewWriter(&out)
		if err != nil {
			t.Fatal(err)
		}
		w = zw
	}
	if _, err := w.Write(b); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return out.Bytes()
}
