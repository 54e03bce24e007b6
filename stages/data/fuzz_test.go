package data

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"math"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// FuzzCSVScanner compares the hand-written record splitter with encoding/csv on every input the
// standard reader accepts (it rejects bare quotes, which we read leniently, and rewrites \r\n
// inside quotes, which we keep, so inputs with \r are skipped).
func FuzzCSVScanner(f *testing.F) {
	for _, s := range []string{"a,b\n1,2\n", "\"x,y\",z\n", "\"multi\nline\",2\n", "\"a\"\"b\",c", "a,,\n\n,b\n", ",\n", "\"\"\n"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		if strings.ContainsRune(in, '\r') {
			return
		}
		r := csv.NewReader(strings.NewReader(in))
		r.FieldsPerRecord = -1
		want, err := r.ReadAll()
		s := newCSVScanner([]byte(in), ',', 1)
		var got [][]string
		for {
			fields, _, ok, serr := s.next()
			if serr != nil {
				if err == nil {
					t.Fatalf("scanner error %v, encoding/csv read %q", serr, want)
				}
				return
			}
			if !ok {
				break
			}
			rec := make([]string, len(fields))
			for i, f := range fields {
				rec[i] = string(f)
			}
			got = append(got, rec)
		}
		if err != nil {
			return
		}
		if len(got) != len(want) {
			t.Fatalf("%q: %d records, encoding/csv %d: %q vs %q", in, len(got), len(want), got, want)
		}
		for i := range got {
			if strings.Join(got[i], "\x00") != strings.Join(want[i], "\x00") || len(got[i]) != len(want[i]) {
				t.Fatalf("%q: record %d = %q, encoding/csv %q", in, i, got[i], want[i])
			}
		}
		// Chunk boundaries: a cut at recordBoundary leaves whole records on both sides.
		if n := recordBoundary([]byte(in)); n > 0 {
			s1 := newCSVScanner([]byte(in[:n]), ',', 1)
			for {
				_, _, ok, err := s1.next()
				if err != nil {
					t.Fatalf("%q: the prefix up to the record boundary %d does not parse: %v", in, n, err)
				}
				if !ok {
					break
				}
			}
		}
	})
}

// FuzzJSONObject compares the hand-written member scanner with encoding/json: whatever the
// standard library decodes as an object, we split into the same members with the same values.
func FuzzJSONObject(f *testing.F) {
	for _, s := range []string{`{"a":1,"b":"x"}`, `{"a":{"n":[1,2]},"b":null,"c":true}`, `{"e":"\u00e9\n"}`, `{}`, `{"a":-1.5e3}`, `{"a":1}x`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		var s objScanner
		fields, err := s.parse([]byte(in))
		var want map[string]json.RawMessage
		jerr := json.Unmarshal([]byte(in), &want)
		if jerr != nil {
			return // we may be more or less lenient with invalid JSON, but must not panic
		}
		if err != nil {
			t.Fatalf("%q: encoding/json reads it, we say %v", in, err)
		}
		last := map[string]jsonField{}
		for _, f := range fields {
			last[string(f.key)] = f
		}
		if len(last) != len(want) {
			t.Fatalf("%q: %d members, encoding/json %d", in, len(last), len(want))
		}
		for k, raw := range want {
			f, ok := last[k]
			if !ok {
				t.Fatalf("%q: member %q missing", in, k)
			}
			var v any
			json.Unmarshal(raw, &v)
			switch x := v.(type) {
			case nil:
				if f.kind != KindNull {
					t.Fatalf("%q: %q kind %d, want null", in, k, f.kind)
				}
			case bool:
				if f.kind != KindBool || (f.num == 1) != x {
					t.Fatalf("%q: %q = %v", in, k, f)
				}
			case float64:
				if (f.kind != KindInt && f.kind != KindFloat) || (f.num != x && !(f.kind == KindFloat && strconv.FormatFloat(f.num, 'g', -1, 64) == strconv.FormatFloat(x, 'g', -1, 64))) {
					t.Fatalf("%q: %q = %v (%d), want %v", in, k, f.num, f.kind, x)
				}
			case string:
				if f.kind != KindString || string(f.raw) != x {
					t.Fatalf("%q: %q = %q, want %q", in, k, f.raw, x)
				}
			default:
				if f.kind != KindString || !json.Valid(f.raw) {
					t.Fatalf("%q: nested %q = %q", in, k, f.raw)
				}
			}
		}
	})
}

// FuzzClassify checks the value classifier against the standard library: an integer is what
// strconv.ParseInt reads (minus leading-zero codes), a float what ParseFloat reads, and an ISO
// date or datetime the instant time.Parse gives.
func FuzzClassify(f *testing.F) {
	for _, s := range []string{"12", "-3", "007", "1.5e3", "inf", "NA", "2024-02-29", "2023-02-29", "2024-03-01T10:00:00+02:00",
		"03/04/2024", "true", "1_000", "0x1F", "2024-01-01 24:00:00", "+5", ".5", "5.", "1e400"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		var dp dateParser
		k, v := classify([]byte(in), &dp)
		b := trimSpace([]byte(in))
		switch k {
		case KindInt:
			n, err := strconv.ParseInt(string(b), 10, 64)
			if err != nil || float64(n) != v {
				t.Fatalf("%q: int %v, strconv says %d %v", in, v, n, err)
			}
			if d := strings.TrimLeft(string(b), "+-"); len(d) > 1 && d[0] == '0' {
				t.Fatalf("%q: a leading-zero code read as an integer", in)
			}
		case KindFloat:
			x, err := strconv.ParseFloat(string(b), 64)
			if (err != nil && !errors.Is(err, strconv.ErrRange)) || (x != v && !(x != x && v != v)) {
				t.Fatalf("%q: float %v, strconv says %v %v", in, v, x, err)
			}
		case KindDate:
			s := string(b)
			for _, layout := range []string{"2006-01-02", "2006-01-02T15:04:05Z07:00", "2006-01-02 15:04:05", "2006-01-02T15:04:05"} {
				if tm, err := time.Parse(layout, s); err == nil {
					// Seconds and a fraction: nanoseconds since 1970 overflow int64 outside 1678–2262;
					// a float64 of seconds holds about 16 digits, so far dates get a wider margin.
					sec := math.Floor(v)
					if got := time.Unix(int64(sec), int64((v-sec)*1e9)).UTC(); !got.Equal(tm) && got.Sub(tm).Abs() > max(time.Microsecond, time.Duration(math.Abs(v)*4e-16*1e9)) {
						t.Fatalf("%q: %v, time.Parse says %v", in, got, tm)
					}
				}
			}
		}
	})
}

// FuzzProfile feeds arbitrary bytes to the whole profiler under each format's name: an error or
// a profile, never a panic or a hang, and always JSON that encodes.
func FuzzProfile(f *testing.F) {
	for _, s := range []string{"a,b\n1,2\n", "x\ty\n1\t\"q\n", "{\"a\":1}\n{\"b\":[1]}\n", "[{\"a\":1}]", "\xef\xbb\xbfh\n1\n"} {
		f.Add([]byte(s), uint8(0))
	}
	names := []string{"f.csv", "f.tsv", "f.jsonl", "f.json", "f"}
	f.Fuzz(func(t *testing.T, in []byte, which uint8) {
		path := filepath.Join(t.TempDir(), names[int(which)%len(names)])
		if err := writeFileErr(path, in); err != nil {
			t.Skip(err)
		}
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
		defer cancel()
		p, err := ProfileFile(ctx, path, Options{Workers: 2})
		if errors.Is(err, context.DeadlineExceeded) {
			t.Fatalf("%q: hung", in)
		}
		if err != nil {
			if !strings.Contains(err.Error(), path) {
				t.Fatalf("error does not name the file: %v", err)
			}
			return
		}
		if _, err := json.Marshal(p); err != nil {
			t.Fatalf("%q: profile does not encode: %v", in, err)
		}
		var buf bytes.Buffer
		p.WriteText(&buf)
		p.WriteMarkdown(&buf)
	})
}
