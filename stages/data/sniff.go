package data

import (
	"bytes"
	"fmt"
	"strconv"
)

// dialect is what sniffing the start of a CSV/TSV file decides.
type dialect struct {
	delim     byte
	header    bool
	names     []string
	dayFirst  []bool // per column: slashed dates are day/month/year
	numeric   []bool // per column: numbers in the sample (correlation candidates)
	shiftMean []float64
	warnings  []Warning
}

// sniffLimit is how much of the file sniffing reads.
const sniffLimit = 256 << 10

// checkText refuses input that is not text: a NUL byte, or mostly control bytes.
func checkText(path string, sample []byte) error {
	if i := bytes.IndexByte(sample, 0); i >= 0 {
		return fmt.Errorf("%s: looks like binary data, not text (a NUL byte at offset %d)", path, i)
	}
	ctl := 0
	for _, c := range sample {
		if c < 0x20 && c != '\n' && c != '\r' && c != '\t' {
			ctl++
		}
	}
	if len(sample) > 64 && ctl*10 > len(sample) {
		return fmt.Errorf("%s: looks like binary data, not text (%d control bytes in the first %d)", path, ctl, len(sample))
	}
	return nil
}

// sniffCSV decides the delimiter (',', tab, ';' or '|': the one that splits the sample's records
// into the same number of fields most consistently), whether the first record is a header (it is
// when a column's first value is text while the values below it are numbers, dates or booleans,
// or when every column is text and the first record's values are distinct and non-empty), and per
// column the date order and whether it looks numeric.
func sniffCSV(path string, sample []byte, tsvHint bool) (*dialect, error) {
	if len(sample) == sniffLimit {
		if n := recordBoundary(sample); n > 0 {
			sample = sample[:n]
		}
	}
	cands := []byte{',', '\t', ';', '|'}
	if tsvHint {
		cands = []byte{'\t', ',', ';', '|'}
	}
	best, bestScore := cands[0], -1.0
	var bestRecs [][]string
	for _, d := range cands {
		recs := sampleRecords(sample, d, 200)
		if len(recs) == 0 {
			continue
		}
		counts := map[int]int{}
		for _, r := range recs {
			counts[len(r)]++
		}
		mode, freq := 0, 0
		for n, f := range counts {
			if f > freq || (f == freq && n > mode) {
				mode, freq = n, f
			}
		}
		if mode < 2 {
			continue
		}
		score := float64(freq) / float64(len(recs))
		if score > bestScore+1e-9 {
			best, bestScore, bestRecs = d, score, recs
		}
	}
	if bestRecs == nil {
		bestRecs = sampleRecords(sample, best, 200)
	}
	if len(bestRecs) == 0 {
		return nil, fmt.Errorf("%s: the file is empty", path)
	}
	dl := &dialect{delim: best}
	first := bestRecs[0]
	rest := bestRecs[1:]
	dl.header = looksLikeHeader(first, rest)
	ncols := len(first)
	for _, r := range rest {
		if len(r) > ncols && !dl.header {
			ncols = len(r)
		}
	}
	dl.dayFirst = make([]bool, ncols)
	dl.numeric = make([]bool, ncols)
	dl.shiftMean = make([]float64, ncols)
	body := bestRecs
	if dl.header {
		body = rest
	}
	for c := 0; c < ncols; c++ {
		num, nonNull := 0, 0
		sum := 0.0
		var dp dateParser
		for _, r := range body {
			if c >= len(r) {
				continue
			}
			v := trimSpace([]byte(r[c]))
			k, x := classify(v, &dp)
			if k == KindNull {
				continue
			}
			nonNull++
			if k == KindInt || k == KindFloat {
				num++
				sum += x
			}
			if k == KindString && bytes.Count(v, []byte{'/'}) == 2 {
				// A slashed date that does not read month-first reads day-first.
				dd := dateParser{dayFirst: true}
				if _, ok := dd.parse(v); ok {
					dl.dayFirst[c] = true
				}
			}
		}
		if nonNull > 0 && num*10 >= nonNull*9 {
			dl.numeric[c] = true
			dl.shiftMean[c] = sum / float64(num)
		}
	}
	dl.names = make([]string, ncols)
	for c := range dl.names {
		name := ""
		if dl.header && c < len(first) {
			name = string(bytes.ToValidUTF8(trimSpace([]byte(first[c])), []byte("\uFFFD")))
		}
		if name == "" {
			if dl.header {
				dl.warnings = append(dl.warnings, Warning{Line: 1, Message: fmt.Sprintf("column %d has no name; called it col%d", c+1, c+1)})
			}
			name = "col" + strconv.Itoa(c+1)
		}
		dl.names[c] = name
	}
	dl.warnings = uniqueNames(dl.names, dl.warnings)
	return dl, nil
}

// uniqueNames renames in place every repeat of a column name to name_2, name_3...: the first
// number free among every column's own name and the names given so far (a header a_2,a,a gives
// a_2, a, a_3), as a filter, a profile and a row lookup need one column per name. Each rename is
// a warning.
func uniqueNames(names []string, warnings []Warning) []Warning {
	given := make(map[string]bool, len(names))
	own := make(map[string]bool, len(names))
	for _, n := range names {
		own[n] = true
	}
	next := map[string]int{} // the next suffix to try for a repeated name
	for c, name := range names {
		if !given[name] {
			given[name] = true
			continue
		}
		n := max(next[name], 2)
		renamed := name + "_" + strconv.Itoa(n)
		for given[renamed] || own[renamed] {
			n++
			renamed = name + "_" + strconv.Itoa(n)
		}
		next[name] = n + 1
		given[renamed] = true
		names[c] = renamed
		warnings = append(warnings, Warning{Line: 1, Message: fmt.Sprintf("column name %q repeats (column %d); called it %q", name, c+1, renamed)})
	}
	return warnings
}

// sampleRecords parses up to max records of the sample with delimiter d (a quote left open at the
// end of the sample just ends the sample).
func sampleRecords(sample []byte, d byte, max int) [][]string {
	s := newCSVScanner(sample, d, 1)
	var out [][]string
	for len(out) < max {
		f, _, ok, err := s.next()
		if err != nil || !ok {
			break
		}
		r := make([]string, len(f))
		for i, x := range f {
			r[i] = string(x)
		}
		out = append(out, r)
	}
	return out
}

func looksLikeHeader(first []string, rest [][]string) bool {
	if len(rest) == 0 {
		// One record: a header when none of its values is a number.
		for _, v := range first {
			var dp dateParser
			if k, _ := classify([]byte(v), &dp); k == KindInt || k == KindFloat {
				return false
			}
		}
		return true
	}
	allText := true
	for c, v := range first {
		var dp dateParser
		k0, _ := classify([]byte(v), &dp)
		typed, nonNull := 0, 0
		for _, r := range rest {
			if c >= len(r) {
				continue
			}
			k, _ := classify([]byte(r[c]), &dp)
			if k == KindNull {
				continue
			}
			nonNull++
			if k != KindString {
				typed++
			}
		}
		if nonNull > 0 && typed*10 >= nonNull*9 {
			allText = false
			if k0 == KindString {
				return true
			}
			if k0 != KindNull {
				return false
			}
		}
	}
	if !allText {
		return false
	}
	seen := map[string]bool{}
	for _, v := range first {
		v := string(trimSpace([]byte(v)))
		if v == "" || seen[v] {
			return false
		}
		seen[v] = true
	}
	return true
}
