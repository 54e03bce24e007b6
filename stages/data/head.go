package data

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"unicode/utf8"
)

// Head returns the column names and the first n records of a CSV, TSV or JSON Lines file,
// reading only as much of the file as those records need (so it is instant on a file of any
// size). Values are the file's text; JSON values are their JSON text, strings unquoted. A
// malformed record among them (a quoted field never closed) is an error with its line, as in a
// profile; HeadWarnings also says which rows had more or fewer fields than the header.
func Head(path string, n int) ([]string, [][]string, error) {
	names, rows, _, err := HeadWarnings(path, n)
	return names, rows, err
}

// HeadWarnings is Head with the warnings a profile gives for the same rows: a CSV row with more
// fields than the header (the extra ones are not shown) or fewer (the missing ones are empty).
func HeadWarnings(path string, n int) ([]string, [][]string, []Warning, error) {
	if n < 0 {
		return nil, nil, nil, fmt.Errorf("%s: %d rows asked for; the count is 0 or more", path, n)
	}
	src, err := openSource(path)
	if err != nil {
		return nil, nil, nil, err
	}
	defer src.Close()
	if src.format != "csv" && src.format != "tsv" && src.format != "jsonl" {
		return nil, nil, nil, fmt.Errorf("%s: head reads CSV, TSV and JSON Lines; this is %s (profile it with mlwb data profile)", path, src.format)
	}
	buf := make([]byte, 0, sniffLimit)
	tmp := make([]byte, sniffLimit)
	eof := false
	for {
		m, err := src.r.Read(tmp)
		buf = append(buf, tmp[:m]...)
		eof = errors.Is(err, io.EOF)
		if err != nil && !eof {
			return nil, nil, nil, fmt.Errorf("%s: %w", path, readErr(err))
		}
		if eof || bytes.Count(buf, []byte{'\n'}) > n+1 || len(buf) > maxRecordLen {
			break
		}
	}
	buf, err = checkHead(path, buf)
	if err != nil {
		return nil, nil, nil, err
	}
	if src.format == "jsonl" {
		names, rows, err := jsonHead(path, buf, n)
		return names, rows, nil, err
	}
	dl, err := sniffCSV(path, buf[:min(len(buf), sniffLimit)], src.format == "tsv")
	if err != nil {
		return nil, nil, nil, err
	}
	// Cut a record the read stopped inside of, unless the file ended there: then it is the last
	// record, and one whose quoted field is never closed is reported rather than left out.
	if end := recordBoundary(buf); !eof && end > 0 && end < len(buf) {
		buf = buf[:end]
	}
	s := newCSVScanner(buf, dl.delim, 1)
	var rows [][]string
	var warns []Warning
	var cells []byte // a row's text, reused
	var ends []int   // where each field ends in it
	skip := dl.header
	for len(rows) < n {
		f, line, ok, err := s.next()
		if err != nil {
			return nil, nil, nil, fmt.Errorf("%s: %w", path, err)
		}
		if !ok {
			break
		}
		if skip {
			skip = false
			continue
		}
		if len(f) != len(dl.names) {
			warns = append(warns, raggedWarning(line, len(f), len(dl.names)))
		}
		// The row's fields are copied into one string and sliced from it: one allocation a row,
		// not one a field (a 10,000-column file's first screen is half a million fields).
		r := make([]string, len(dl.names))
		cells = cells[:0]
		ends = ends[:0]
		for i := 0; i < len(r) && i < len(f); i++ {
			if utf8.Valid(f[i]) {
				cells = append(cells, f[i]...)
			} else {
				cells = append(cells, bytes.ToValidUTF8(f[i], []byte("\uFFFD"))...)
			}
			ends = append(ends, len(cells))
		}
		text, start := string(cells), 0
		for i, e := range ends {
			r[i], start = text[start:e], e
		}
		rows = append(rows, r)
	}
	return dl.names, rows, warns, nil
}

func jsonHead(path string, buf []byte, n int) ([]string, [][]string, error) {
	var names []string
	index := map[string]int{}
	var recs []map[int]string
	var s objScanner
	line := int64(0)
	for len(buf) > 0 && len(recs) < n {
		line++
		nl := bytes.IndexByte(buf, '\n')
		ln := buf
		if nl >= 0 {
			ln, buf = buf[:nl], buf[nl+1:]
		} else {
			buf = nil
		}
		if len(bytes.TrimSpace(ln)) == 0 {
			continue
		}
		fields, err := s.parse(ln)
		if err != nil {
			return nil, nil, fmt.Errorf("%s: line %d: %w", path, line, err)
		}
		rec := map[int]string{}
		for _, f := range fields {
			k := string(f.key)
			i, ok := index[k]
			if !ok {
				i = len(names)
				index[k] = i
				names = append(names, k)
			}
			if f.kind != KindNull {
				rec[i] = string(f.raw)
			}
		}
		recs = append(recs, rec)
	}
	rows := make([][]string, len(recs))
	for r, rec := range recs {
		rows[r] = make([]string, len(names))
		for i, v := range rec {
			rows[r][i] = v
		}
	}
	return names, rows, nil
}
