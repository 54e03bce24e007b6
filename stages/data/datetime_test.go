package data

import (
	"math"
	"testing"
	"time"
)

// FuzzDateParserReuse checks that a column's parser, which remembers the last date it read,
// reads a value exactly as a fresh parser does, whatever value came before.
func FuzzDateParserReuse(f *testing.F) {
	for _, p := range [][2]string{
		{"2024-03-01 10:00:00", "2024-03-01 11:30:05"}, {"2024-03-01", "2024-03-011"}, {"2024-03-01", "2024-03-01"},
		{"2024-03-01T10:00:00Z", "2024-03-01x"}, {"01/03/2024", "01/03/2024 10:00"}, {"2024-02-29", "2024-02-29T23:59:60+14:00"},
		{"2024-03-01", "2024-03-01 25:00:00"}, {"1.3.2024", "1.3.20245"}, {"2024/03/01", "2024/03/01.5"},
	} {
		f.Add(p[0], p[1], false)
		f.Add(p[0], p[1], true)
	}
	f.Fuzz(func(t *testing.T, first, second string, dayFirst bool) {
		used := dateParser{dayFirst: dayFirst}
		used.parse([]byte(first))
		got, gotOK := used.parse([]byte(second))
		fresh := dateParser{dayFirst: dayFirst}
		want, wantOK := fresh.parse([]byte(second))
		if got != want || gotOK != wantOK {
			t.Fatalf("%q after %q: %v %v, a fresh parser reads %v %v", second, first, got, gotOK, want, wantOK)
		}
	})
}

// TestFormatTime checks the hand-written formatter against the time package across years 1 to
// 9999 and beyond, whole and fractional seconds, with and without a time of day.
func TestFormatTime(t *testing.T) {
	ref := func(secs float64, withTime bool) string {
		whole := math.Floor(secs)
		tm := time.Unix(int64(whole), int64((secs-whole)*1e9)).UTC()
		switch {
		case !withTime:
			return tm.Format("2006-01-02")
		case tm.Nanosecond()/1e6 != 0:
			return tm.Format("2006-01-02T15:04:05.000Z")
		}
		return tm.Format("2006-01-02T15:04:05Z")
	}
	vals := []float64{0, -1, 1, 0.5, -0.5, 86399.9999, 951782400, 951868799.999, -62135596800, -62135596800.5,
		253402300799, 253402300799.999, 253402300800, -62135596801, 1e15, -1e15, 1.7e9 + 0.0005, 1.7e9 - 1e-7}
	r := uint64(42)
	for i := 0; i < 200_000; i++ {
		r ^= r << 13
		r ^= r >> 7
		r ^= r << 17
		v := float64(int64(r%(2*253402300800))-253402300800) + float64(r>>40%1000)/1000
		if i%2 == 0 {
			v = math.Floor(v)
		}
		vals = append(vals, v)
	}
	for _, v := range vals {
		for _, wt := range []bool{false, true} {
			if got, want := formatTime(v, wt), ref(v, wt); got != want {
				t.Fatalf("formatTime(%v, %v) = %s, time.Format says %s", v, wt, got, want)
			}
		}
	}
}
