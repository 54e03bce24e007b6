package data

import (
	"bytes"
	"errors"
	"fmt"
	"io"
)

// Head returns the column names and the first n records of a CSV, TSV or JSON Lines file,
// reading only as much of the file as those records need (so it is instant on a file of any
// size). Values are the file's text; JSON values are their JSON text, strings unquoted.
func Head(path string, n int) ([]string, [][]string, error) {
	src, err := openSource(path)
	if err != nil {
		return nil, nil, err
	}
	defer src.Close()
	if src.format != "csv" && src.format != "tsv" && src.format != "jsonl" {
		return nil, nil, fmt.Errorf("%s: head reads CSV, TSV and JSON Lines; this is %s (profile it with mlwb data profile)", path, src.format)
	}
	buf := make([]byte, 0, sniffLimit)
	tmp := make([]byte, sniffLimit)
	for {
		m, err := src.r.Read(tmp)
		buf = append(buf, tmp[:m]...)
		eof := errors.Is(err, io.EOF)
		if err != nil && !eof {
			return nil, nil, fmt.Errorf("%s: %w", path, readErr(err))
		}
		if eof || bytes.Count(buf, []byte{'\n'}) > n+1 || len(buf) > maxRecordLen {
			break
		}
	}
	buf, err = checkHead(path, buf)
	if err != nil {
		return nil, nil, err
	}
	if src.format == "jsonl" {
		return jsonHead(path, buf, n)
	}
	dl, err := sniffCSV(path, buf[:min(len(buf), sniffLimit)], src.format == "tsv")
	if err != nil {
		return nil, nil, err
	}
	if end := recordBoundary(buf); end > 0 && end < len(buf) {
		buf = buf[:end]
	}
	s := newCSVScanner(buf, dl.delim, 1)
	var rows [][]string
	skip := dl.header
	for len(rows) < n {
		f, _, ok, err := s.next()
		if err != nil {
			return nil, nil, fmt.Errorf("%s: %w", path, err)
		}
		if !ok {
			break
		}
		if skip {
			skip = false
			continue
		}
		r := make([]string, len(dl.names))
		for i := range r {
			if i < len(f) {
				r[i] = string(bytes.ToValidUTF8(f[i], []byte("\uFFFD")))
			}
		}
		rows = append(rows, r)
	}
	return dl.names, rows, nil
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
