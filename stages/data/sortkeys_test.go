package data

import (
	"reflect"
	"strings"
	"testing"
)

func TestParseSortKeys(t *testing.T) {
	good := []struct {
		spec string
		want []SortKey
	}{
		{"delay", []SortKey{{"delay", false}}},
		{"delay:desc,origin", []SortKey{{"delay", true}, {"origin", false}}},
		{"delay:DESC, origin:asc", []SortKey{{"delay", true}, {"origin", false}}},
		{"time:utc", []SortKey{{"time:utc", false}}},
		{"time:utc:desc", []SortKey{{"time:utc", true}}},
		{`"a,b":desc,c`, []SortKey{{"a,b", true}, {"c", false}}},
		{`"say ""hi""",x`, []SortKey{{`say "hi"`, false}, {"x", false}}},
		{`" padded "`, []SortKey{{" padded ", false}}},
	}
	for _, g := range good {
		got, err := ParseSortKeys(g.spec)
		if err != nil || !reflect.DeepEqual(got, g.want) {
			t.Errorf("%q: got %v, %v; want %v", g.spec, got, err, g.want)
		}
	}
	bad := map[string]string{
		"":           "names no column",
		"a,":         "no column after it",
		",a":         "names no column",
		"a,,b":       "names no column",
		":desc":      "names no column",
		`"a`:         "never closed",
		`"a":up`:     "neither asc nor desc",
		`"a"b`:       "expected ','",
		`a"b`:        "must be quoted",
		"a,\xff":     "not valid UTF-8",
		`"":desc`:    "names no column",
		"  ,a:desc ": "names no column",
	}
	for spec, want := range bad {
		if _, err := ParseSortKeys(spec); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%q: error %v, want one saying %q", spec, err, want)
		}
	}
}

func TestParseByteSize(t *testing.T) {
	good := map[string]int64{"512MiB": 512 << 20, "2G": 2 << 30, "64k": 64 << 10, "1048576": 1 << 20, "3 GB": 3 << 30, "1t": 1 << 40, "7b": 7}
	for s, want := range good {
		if got, err := ParseByteSize(s); err != nil || got != want {
			t.Errorf("%q: %d, %v; want %d", s, got, err, want)
		}
	}
	for _, s := range []string{"", "lots", "1.5G", "-1M", "5 parsecs", "99999999999999999999", "8000000000T"} {
		if _, err := ParseByteSize(s); err == nil {
			t.Errorf("%q: no error", s)
		}
	}
}

// FuzzParseSortKeys: any spec either fails with an error or parses to keys that name a column
// each and survive a round trip through FormatSortKeys; never a panic.
func FuzzParseSortKeys(f *testing.F) {
	for _, s := range []string{"delay:desc,origin", `"a,b":desc,"c""d"`, "time:utc:asc", "a,,b", `"x`, " a , b :DESC", "\xff"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, spec string) {
		keys, err := ParseSortKeys(spec)
		ParseByteSize(spec)
		if err != nil {
			return
		}
		if len(keys) == 0 {
			t.Fatalf("%q: no keys and no error", spec)
		}
		for _, k := range keys {
			if k.Column == "" {
				t.Fatalf("%q: an empty column name", spec)
			}
		}
		again, err := ParseSortKeys(FormatSortKeys(keys))
		if err != nil || !reflect.DeepEqual(again, keys) {
			t.Fatalf("%q -> %v -> %q -> %v, %v", spec, keys, FormatSortKeys(keys), again, err)
		}
	})
}
