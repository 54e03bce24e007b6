package data

import (
	"context"
	"encoding/csv"
	"fmt"
	"io"
	"slices"

	"github.com/mlwb/mlwb/store"
)

// DefaultLabelColumn is the name of the label column an export adds.
const DefaultLabelColumn = "label"

// LabelExportOptions say how an export is written.
type LabelExportOptions struct {
	// Column names the label column (DefaultLabelColumn when ""); a column of the file with
	// that name is refused rather than shadowed.
	Column string
	// Delim separates the fields written; 0 keeps the input's (',' for JSON Lines and Parquet).
	Delim rune
}

// LabelExport says what an export wrote.
type LabelExport struct {
	Rows     int64 `json:"rows"`
	Labelled int64 `json:"labelled"`
	// Missing counts labels of rows past the end of the file (none, unless the store was edited).
	Missing int64 `json:"missing"`
}

// Export writes the file with the label column added to w: the header (the file's column names
// and the label column), then every row, its fields as the row index reads them and its label, or
// "" for a row without one, quoted as encoding/csv quotes. It streams: memory is one window of
// rows and the labels. A row with more fields than the header is refused with its line, as its
// label would land under another column.
func (l *Labeller) Export(ctx context.Context, ix *RowIndex, w io.Writer, o LabelExportOptions) (*LabelExport, error) {
	col := o.Column
	if col == "" {
		col = DefaultLabelColumn
	}
	if slices.Contains(ix.Columns, col) {
		return nil, fmt.Errorf("%s already has a column %q: name the label column with --column", l.Path, col)
	}
	labels, err := l.All(ctx)
	if err != nil {
		return nil, err
	}
	cw := csv.NewWriter(w)
	switch {
	case o.Delim != 0:
		cw.Comma = o.Delim
	case ix.dl != nil:
		cw.Comma = rune(ix.dl.delim)
	}
	width := len(ix.Columns)
	if err := cw.Write(append(slices.Clone(ix.Columns), col)); err != nil {
		return nil, fmt.Errorf("export labels of %s: %w", l.Path, err)
	}
	res := &LabelExport{}
	out := make([]string, width+1)
	err = ix.EachRow(ctx, 0, func(row, line int64, fields []string) (bool, error) {
		if len(fields) > width {
			return false, fmt.Errorf("%s: line %d: %d fields, the header has %d: the label column would not line up",
				l.Path, line, len(fields), width)
		}
		clear(out)
		copy(out, fields)
		if lb, ok := labels[row]; ok {
			out[width] = lb.Label
			res.Labelled++
		}
		res.Rows++
		if err := cw.Write(out); err != nil {
			return false, fmt.Errorf("export labels of %s: %w", l.Path, err)
		}
		return true, nil
	})
	if err != nil {
		return nil, err
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return nil, fmt.Errorf("export labels of %s: %w", l.Path, err)
	}
	res.Missing = int64(len(labels)) - res.Labelled
	return res, nil
}

// LabelCarry says what Carry did.
type LabelCarry struct {
	From      string `json:"from"`      // content hash of the version the labels came from
	Carried   int64  `json:"carried"`   // rows of this version that got a label
	Left      int64  `json:"left"`      // labels whose row text is not in this version (changed or deleted rows)
	Ambiguous int64  `json:"ambiguous"` // labels left because equal rows carried different labels there
	Kept      int64  `json:"kept"`      // rows here that already had a label (never overwritten)
}

// Carry brings the labels of another version of the dataset (from, one of Elsewhere's) over to
// this one, by the row's text: every row here whose RowHash equals that of a labelled row there
// gets its label; a labelled row whose text changed, or that is gone, is left behind and counted.
// Rows that already have a label keep it. The carried labels are one undo step.
func (l *Labeller) Carry(ctx context.Context, ix *RowIndex, from store.VersionLabels) (*LabelCarry, error) {
	old, err := l.st.Labels(ctx, from.Version.ID)
	if err != nil {
		return nil, err
	}
	byHash := make(map[string]string, len(old))
	conflict := map[string]int64{}
	for _, x := range old {
		if prev, ok := byHash[x.Hash]; ok && prev != x.Label || conflict[x.Hash] > 0 {
			conflict[x.Hash]++
			continue
		}
		byHash[x.Hash] = x.Label
	}
	res := &LabelCarry{From: from.Version.ContentHash}
	for h, n := range conflict {
		if _, ok := byHash[h]; ok {
			n++ // the first one, kept in byHash until the conflict showed
			delete(byHash, h)
		}
		res.Ambiguous += n
	}
	have, err := l.All(ctx)
	if err != nil {
		return nil, err
	}
	used := map[string]bool{}
	var edits []store.LabelEdit
	err = ix.EachRow(ctx, 0, func(row, _ int64, fields []string) (bool, error) {
		h := RowHash(fields)
		lb, ok := byHash[h]
		if !ok {
			return true, nil
		}
		used[h] = true
		if _, done := have[row]; done {
			res.Kept++
			return true, nil
		}
		edits = append(edits, store.LabelEdit{Row: row, Hash: h, Label: lb})
		return true, nil
	})
	if err != nil {
		return nil, err
	}
	for _, x := range old {
		if _, ok := byHash[x.Hash]; ok && !used[x.Hash] {
			res.Left++
		}
	}
	res.Carried = int64(len(edits))
	return res, l.st.SetLabels(ctx, l.VersionID, edits)
}
