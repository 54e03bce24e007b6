package data

import (
	"math"
	"time"
)

// dateParser recognises the date and datetime spellings found in real files: ISO 8601
// (2024-03-01, 2024-03-01T12:30:00Z, 2024-03-01 12:30:00.250+02:00), slashed year-first
// (2024/03/01), and day-month-year or month-day-year (01/03/2024, 1.3.2024). Which of the last two
// a column uses is decided once per column (dayFirst, from a sample): a value that contradicts it
// is not a date of that column, and is counted as a type violation rather than read the other way.
// Hand-written because time.Parse with a dozen layouts costs microseconds a value.
type dateParser struct {
	dayFirst bool
	hasTime  bool // some value carried a time of day

	// The date part of the last value whose date took exactly 10 bytes ("2024-03-01",
	// "01/03/2024"), and its epoch seconds: consecutive values of a column usually share the day,
	// and then only the time of day is read.
	lastDate [10]byte
	lastSecs float64
	lastOK   bool
}

// parse returns the value as seconds since the Unix epoch (UTC; a given offset is applied).
func (dp *dateParser) parse(b []byte) (float64, bool) {
	if len(b) < 6 || len(b) > 40 {
		return 0, false
	}
	var secs float64
	i := 0
	if dp.lastOK && len(b) >= 10 && [10]byte(b[:10]) == dp.lastDate && (len(b) == 10 || b[10] < '0' || b[10] > '9') {
		// Same 10 bytes, and no further digit to extend the last field: the date reads the same.
		secs, i = dp.lastSecs, 10
	} else {
		var ok bool
		if secs, i, ok = dp.parseDate(b); !ok {
			return 0, false
		}
		if i == 10 {
			dp.lastDate, dp.lastSecs, dp.lastOK = [10]byte(b[:10]), secs, true
		}
	}
	return dp.parseTime(b[i:], secs)
}

// parseDate reads the date part at the front of b: its epoch seconds at midnight UTC and length.
func (dp *dateParser) parseDate(b []byte) (float64, int, bool) {
	var f [3]int
	var w [3]int
	i := 0
	var sep byte
	for k := 0; k < 3; k++ {
		v, n := digits(b[i:], 4)
		if n == 0 {
			return 0, 0, false
		}
		f[k], w[k] = v, n
		i += n
		if k < 2 {
			if i >= len(b) {
				return 0, 0, false
			}
			c := b[i]
			if c != '-' && c != '/' && c != '.' {
				return 0, 0, false
			}
			if k == 0 {
				sep = c
			} else if c != sep {
				return 0, 0, false
			}
			i++
		}
	}
	var y, m, d int
	switch {
	case w[0] == 4 && w[1] <= 2 && w[2] <= 2:
		y, m, d = f[0], f[1], f[2]
	case w[2] == 4 && w[0] <= 2 && w[1] <= 2 && sep != '-':
		if sep == '.' || dp.dayFirst {
			d, m, y = f[0], f[1], f[2]
		} else {
			m, d, y = f[0], f[1], f[2]
		}
	default:
		return 0, 0, false
	}
	if m < 1 || m > 12 || d < 1 || d > daysIn(y, m) {
		return 0, 0, false
	}
	return float64(daysFromCivil(y, m, d)) * 86400, i, true
}

// parseTime reads what follows the date (nothing, or a time of day with an optional offset) and
// returns the instant, given the date's epoch seconds.
func (dp *dateParser) parseTime(rest []byte, secs float64) (float64, bool) {
	if len(rest) == 0 {
		return secs, true
	}
	if rest[0] != 'T' && rest[0] != ' ' {
		return 0, false
	}
	rest = rest[1:]
	hh, n1 := digits(rest, 2)
	if n1 != 2 || len(rest) < 5 || rest[2] != ':' {
		return 0, false
	}
	mm, n2 := digits(rest[3:], 2)
	if n2 != 2 || hh > 23 || mm > 59 {
		return 0, false
	}
	rest = rest[5:]
	ss := 0
	frac := 0.0
	if len(rest) > 0 && rest[0] == ':' {
		var n int
		ss, n = digits(rest[1:], 2)
		if n != 2 || ss > 60 {
			return 0, false
		}
		rest = rest[3:]
		if len(rest) > 0 && (rest[0] == '.' || rest[0] == ',') {
			j := 1
			scale := 0.1
			for j < len(rest) && rest[j] >= '0' && rest[j] <= '9' {
				frac += float64(rest[j]-'0') * scale
				scale /= 10
				j++
			}
			if j == 1 {
				return 0, false
			}
			rest = rest[j:]
		}
	}
	off := 0
	switch {
	case len(rest) == 0:
	case string(rest) == "Z" || string(rest) == " UTC" || string(rest) == "UTC":
	case rest[0] == '+' || rest[0] == '-':
		oh, n := digits(rest[1:], 2)
		if n != 2 {
			return 0, false
		}
		r := rest[3:]
		if len(r) > 0 && r[0] == ':' {
			r = r[1:]
		}
		om := 0
		if len(r) > 0 {
			var n2 int
			om, n2 = digits(r, 2)
			if n2 != 2 || len(r) != 2 {
				return 0, false
			}
		}
		if oh > 14 || om > 59 {
			return 0, false
		}
		off = oh*3600 + om*60
		if rest[0] == '-' {
			off = -off
		}
	default:
		return 0, false
	}
	dp.hasTime = true
	return secs + float64(hh*3600+mm*60+ss-off) + frac, true
}

// digits reads up to max decimal digits from the front of b.
func digits(b []byte, max int) (v, n int) {
	for n < len(b) && n < max && b[n] >= '0' && b[n] <= '9' {
		v = v*10 + int(b[n]-'0')
		n++
	}
	return v, n
}

func daysIn(y, m int) int {
	switch m {
	case 2:
		if y%4 == 0 && (y%100 != 0 || y%400 == 0) {
			return 29
		}
		return 28
	case 4, 6, 9, 11:
		return 30
	}
	return 31
}

// daysFromCivil is Howard Hinnant's days_from_civil: days since 1970-01-01 of a proleptic
// Gregorian date.
func daysFromCivil(y, m, d int) int {
	if m <= 2 {
		y--
	}
	era := y / 400
	if y < 0 && y%400 != 0 {
		era = (y - 399) / 400
	}
	yoe := y - era*400
	mp := (m + 9) % 12
	doy := (153*mp+2)/5 + d - 1
	doe := yoe*365 + yoe/4 - yoe/100 + doy
	return era*146097 + doe - 719468
}

// formatTime writes epoch seconds as ISO 8601: a date alone when the column never had a time of
// day, else a UTC datetime (with milliseconds only when they are not zero). Years 1 to 9999 are
// written by hand (a profile formats every distinct date of a column for its top values, and
// time.Format costs several times more); others go through the time package.
func formatTime(secs float64, withTime bool) string {
	if math.IsNaN(secs) || math.IsInf(secs, 0) {
		return ""
	}
	whole := math.Floor(secs)
	ns := int64((secs - whole) * 1e9)
	const first, end = -62135596800, 253402300800 // 0001-01-01 and 10000-01-01
	if whole < first || whole >= end {
		t := time.Unix(int64(whole), ns).UTC()
		if !withTime {
			return t.Format("2006-01-02")
		}
		if t.Nanosecond()/1e6 != 0 {
			return t.Format("2006-01-02T15:04:05.000Z")
		}
		return t.Format("2006-01-02T15:04:05Z")
	}
	sec := int64(whole) + ns/1e9 // as time.Unix normalises a rounding up to a whole second
	ns %= 1e9
	days := sec / 86400
	if sec%86400 < 0 {
		days--
	}
	rem := sec - days*86400
	y, m, d := civilFromDays(days)
	var buf [24]byte
	b := buf[:0]
	b = append(b, byte('0'+y/1000), byte('0'+y/100%10), byte('0'+y/10%10), byte('0'+y%10), '-',
		byte('0'+m/10), byte('0'+m%10), '-', byte('0'+d/10), byte('0'+d%10))
	if !withTime {
		return string(b)
	}
	hh, mm, ss := rem/3600, rem/60%60, rem%60
	b = append(b, 'T', byte('0'+hh/10), byte('0'+hh%10), ':', byte('0'+mm/10), byte('0'+mm%10), ':',
		byte('0'+ss/10), byte('0'+ss%10))
	if ms := ns / 1e6; ms != 0 {
		b = append(b, '.', byte('0'+ms/100), byte('0'+ms/10%10), byte('0'+ms%10))
	}
	return string(append(b, 'Z'))
}

// civilFromDays is Howard Hinnant's civil_from_days, the inverse of daysFromCivil.
func civilFromDays(z int64) (y, m, d int64) {
	z += 719468
	era := z / 146097
	if z < 0 && z%146097 != 0 {
		era--
	}
	doe := z - era*146097
	yoe := (doe - doe/1460 + doe/36524 - doe/146096) / 365
	y = yoe + era*400
	doy := doe - (365*yoe + yoe/4 - yoe/100)
	mp := (5*doy + 2) / 153
	d = doy - (153*mp+2)/5 + 1
	if mp < 10 {
		m = mp + 3
	} else {
		m = mp - 9
	}
	if m <= 2 {
		y++
	}
	return y, m, d
}
