package versions

import (
	"bytes"
)

// Context is how many unchanged lines a hunk shows around its changes (git's default).
const Context = 3

// maxHunkLines bounds the lines kept in one file's hunks; the counts stay exact past it and the
// file is marked Truncated.
const maxHunkLines = 20_000

// binarySniff is how many leading bytes decide that a file is binary: a NUL among them, as git.
const binarySniff = 8000

// Hunk is one block of changes with its context, as in a unified diff.
type Hunk struct {
	OldStart, OldLines int // 1-based first line and line count on the old side
	NewStart, NewLines int
	// Section is the nearest line above the hunk that starts with a letter, '_' or '$' (git's
	// default "function context", printed after the @@ range).
	Section string
	Lines   []Line
}

// Line is one line of a hunk.
type Line struct {
	// Kind is ' ' (context), '-' (deleted) or '+' (added).
	Kind byte
	// Text is the line without its line end.
	Text string
	// Old and New are 1-based line numbers on each side; 0 where the line is not on that side.
	Old, New int
	// NoEOL says the line had no newline at the end of the file ("\ No newline at end of file").
	NoEOL bool
}

// isBinary reports whether data looks binary to git: a NUL in its first 8000 bytes.
func isBinary(data []byte) bool {
	return bytes.IndexByte(data[:min(len(data), binarySniff)], 0) >= 0
}

// splitLines cuts data into lines that keep their "\n" (the last may lack one), so "x" and "x\n"
// are different lines, as in git.
func splitLines(data []byte) [][]byte {
	if len(data) == 0 {
		return nil
	}
	out := make([][]byte, 0, bytes.Count(data, []byte{'\n'})+1)
	for len(data) > 0 {
		i := bytes.IndexByte(data, '\n')
		if i < 0 {
			out = append(out, data)
			break
		}
		out = append(out, data[:i+1])
		data = data[i+1:]
	}
	return out
}

// textDiff is the line diff of two texts: counts always, hunks when asked.
type textDiff struct {
	added, deleted int
	hunks          []Hunk
	truncated      bool
}

// diffText compares two texts line by line. With withHunks it also builds the hunks with
// Context lines around each change.
func diffText(old, new []byte, withHunks bool) textDiff {
	la, lb := splitLines(old), splitLines(new)
	ids := make(map[string]int, len(la)+len(lb))
	intern := func(lines [][]byte) []int {
		out := make([]int, len(lines))
		for i, l := range lines {
			id, ok := ids[string(l)]
			if !ok {
				id = len(ids)
				ids[string(l)] = id
			}
			out[i] = id
		}
		return out
	}
	delA, addB := diffLines(intern(la), intern(lb))
	var td textDiff
	for _, d := range delA {
		if d {
			td.deleted++
		}
	}
	for _, a := range addB {
		if a {
			td.added++
		}
	}
	if withHunks && td.added+td.deleted > 0 {
		td.hunks, td.truncated = buildHunks(la, lb, delA, addB)
	}
	return td
}

// op is one line of the whole-file edit script.
type op struct {
	kind     byte
	old, new int // 0-based indexes into the old and new lines; -1 where absent
}

// script walks the marks into an edit script: deletions before additions within a change, as git
// prints them.
func script(delA, addB []bool) []op {
	ops := make([]op, 0, max(len(delA), len(addB)))
	i, j := 0, 0
	for i < len(delA) || j < len(addB) {
		switch {
		case i < len(delA) && delA[i]:
			ops = append(ops, op{'-', i, -1})
			i++
		case j < len(addB) && addB[j]:
			ops = append(ops, op{'+', -1, j})
			j++
		default:
			ops = append(ops, op{' ', i, j})
			i, j = i+1, j+1
		}
	}
	return ops
}

// buildHunks groups the edit script into hunks: changes closer than 2×Context unchanged lines
// share a hunk (git's rule).
func buildHunks(la, lb [][]byte, delA, addB []bool) ([]Hunk, bool) {
	ops := script(delA, addB)
	var hunks []Hunk
	kept := 0
	sections := sectionFinder{lines: la}
	for k := 0; k < len(ops); {
		if ops[k].kind == ' ' {
			k++
			continue
		}
		start := max(0, k-Context)
		// Extend while the next change is within 2×Context unchanged lines.
		end, equal := k, 0
		for e := k; e < len(ops); e++ {
			if ops[e].kind != ' ' {
				end, equal = e, 0
				continue
			}
			equal++
			if equal > 2*Context {
				break
			}
		}
		stop := min(len(ops), end+1+Context)
		h := makeHunk(la, lb, ops[start:stop])
		h.Section = sections.before(h.OldStart - 1)
		kept += len(h.Lines)
		if kept > maxHunkLines {
			return hunks, true
		}
		hunks = append(hunks, h)
		k = stop
	}
	return hunks, false
}

// makeHunk turns a run of ops into a Hunk. A side with no lines in the hunk (a new or emptied
// file) starts at 0, as git prints it.
func makeHunk(la, lb [][]byte, ops []op) Hunk {
	var h Hunk
	for _, o := range ops {
		l := Line{Kind: o.kind}
		var raw []byte
		if o.old >= 0 {
			l.Old, raw = o.old+1, la[o.old]
			if h.OldLines == 0 {
				h.OldStart = l.Old
			}
			h.OldLines++
		}
		if o.new >= 0 {
			l.New, raw = o.new+1, lb[o.new]
			if h.NewLines == 0 {
				h.NewStart = l.New
			}
			h.NewLines++
		}
		text, eol := bytes.CutSuffix(raw, []byte{'\n'})
		l.Text, l.NoEOL = string(text), !eol
		h.Lines = append(h.Lines, l)
	}
	return h
}

// sectionFinder finds hunk section headings, scanning each stretch of the old file only once
// since hunks come in order.
type sectionFinder struct {
	lines   [][]byte
	scanned int    // lines [0, scanned) have been looked at
	last    string // the last heading found in them
}

// before returns the heading nearest above old line index i (0-based, exclusive).
func (f *sectionFinder) before(i int) string {
	i = min(i, len(f.lines))
	for j := i - 1; j >= f.scanned; j-- {
		if l := f.lines[j]; len(l) > 0 && isSectionStart(l[0]) {
			f.last = sectionText(l)
			break
		}
	}
	f.scanned = max(f.scanned, i)
	return f.last
}

func isSectionStart(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '_' || c == '$'
}

// sectionText is a heading line as git prints it: trailing space dropped, at most 80 bytes.
func sectionText(l []byte) string {
	l = bytes.TrimRight(l, " \t\r\n")
	return string(l[:min(len(l), 80)])
}
