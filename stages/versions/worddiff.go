package versions

import "unicode/utf8"

// Span is a byte range [Start, End) of a line.
type Span struct{ Start, End int }

// WordDiff finds what changed inside a pair of lines (a deleted line and the added line that
// replaced it), word by word, for intra-line highlights: the spans of old that were removed and
// of new that were added. Words are runs of letters and digits; every other character is a token
// of its own, so "lr=0.1" against "lr=0.3" marks just "1" and "3".
func WordDiff(old, new string) (oldSpans, newSpans []Span) {
	ta, tb := tokenize(old), tokenize(new)
	ids := map[string]int{}
	intern := func(s string, toks []Span) []int {
		out := make([]int, len(toks))
		for i, t := range toks {
			w := s[t.Start:t.End]
			id, ok := ids[w]
			if !ok {
				id = len(ids)
				ids[w] = id
			}
			out[i] = id
		}
		return out
	}
	delA, addB := diffLines(intern(old, ta), intern(new, tb))
	return spansOf(ta, delA), spansOf(tb, addB)
}

// tokenize cuts s into words (letters, digits, '_') and single other characters.
func tokenize(s string) []Span {
	var out []Span
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		j := i + size
		if isWordRune(r) {
			for j < len(s) {
				r2, s2 := utf8.DecodeRuneInString(s[j:])
				if !isWordRune(r2) {
					break
				}
				j += s2
			}
		}
		out = append(out, Span{i, j})
		i = j
	}
	return out
}

func isWordRune(r rune) bool {
	return r == '_' || r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r > 127 && r != utf8.RuneError
}

// spansOf merges the marked tokens into contiguous spans.
func spansOf(toks []Span, marked []bool) []Span {
	var out []Span
	for i, t := range toks {
		if !marked[i] {
			continue
		}
		if n := len(out); n > 0 && out[n-1].End == t.Start {
			out[n-1].End = t.End
		} else {
			out = append(out, t)
		}
	}
	return out
}
