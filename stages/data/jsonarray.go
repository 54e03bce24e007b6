package data

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
)

// profileJSONArray profiles a file holding one JSON array of records, decoding one record at a
// time (a JSON array cannot be split at newlines, so this path is serial). Records are numbered
// from 1 in warnings and examples. A file that is one object, or objects one per line, is profiled
// as JSON Lines.
func profileJSONArray(ctx context.Context, src *source, opts Options) (*worker, int64, error) {
	br := bufio.NewReaderSize(src.r, 1<<20)
	head, _ := br.Peek(512)
	head = bytes.TrimPrefix(head, bom)
	if t := bytes.TrimLeft(head, " \t\r\n"); len(t) > 0 && t[0] == '{' {
		src.r = br
		src.format = "jsonl"
		return profileText(ctx, src, opts)
	}
	if bytes.HasPrefix(head, bom) {
		br.Discard(len(bom))
	}
	if err := checkText(src.path, head); err != nil {
		return nil, 0, err
	}
	dec := json.NewDecoder(br)
	tok, err := dec.Token()
	if err != nil {
		if errors.Is(err, io.EOF) {
			return nil, 0, fmt.Errorf("%s: the file is empty", src.path)
		}
		return nil, 0, fmt.Errorf("%s: not JSON: %w", src.path, err)
	}
	if d, ok := tok.(json.Delim); !ok || d != '[' {
		return nil, 0, fmt.Errorf("%s: expected a JSON array of records, found %v", src.path, tok)
	}
	w := newWorker(nil, nil, distinctLimit(opts, 16))
	var s objScanner
	var raw json.RawMessage
	for rec := int64(1); dec.More(); rec++ {
		if rec%4096 == 0 {
			if err := ctx.Err(); err != nil {
				return nil, 0, err
			}
			if opts.Progress != nil {
				opts.Progress(src.progress())
			}
		}
		raw = raw[:0]
		if err := dec.Decode(&raw); err != nil {
			return nil, 0, fmt.Errorf("%s: record %d (byte %d): %w", src.path, rec, dec.InputOffset(), readErr(err))
		}
		fields, err := s.parse(raw)
		if err != nil {
			w.warn(Warning{Line: rec, Message: fmt.Sprintf("record %d skipped: %v", rec, err)})
			continue
		}
		w.addJSON(fields, rec)
	}
	if _, err := dec.Token(); err != nil {
		return nil, 0, fmt.Errorf("%s: the array is not closed (byte %d): %w", src.path, dec.InputOffset(), readErr(err))
	}
	return w, w.rows, nil
}
