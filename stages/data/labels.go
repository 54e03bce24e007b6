package data

import (
	"context"
	"fmt"
	"path/filepath"
	"slices"
	"strings"

	"github.com/mlwb/mlwb/store"
)

// Labels are kept in the store against a dataset version (the file's content hash) and a row key:
// the row's 0-based ordinal in that version. Within one version the bytes are fixed, so the
// ordinal names the row exactly. Each label also keeps RowHash of the row's text, so that when the
// file changes (a new version, whose rows start with no labels) a label is only carried over to a
// row whose text is the same (Carry); a row that changed or went is left behind and counted,
// never given a neighbour's label.

// LabelSet is the label set declared under labels: in mlwb.yaml.
type LabelSet struct {
	Names      []string
	ConfigPath string // the mlwb.yaml it came from, for messages
	Line       int    // the line of its labels: key (0: the file has none)
}

// Index returns the position of label in the set, or -1.
func (s LabelSet) Index(label string) int {
	for i, n := range s.Names {
		if n == label {
			return i
		}
	}
	return -1
}

// Check refuses a label outside the set, naming the mlwb.yaml line where the set is declared.
func (s LabelSet) Check(label string) error {
	if s.Index(label) >= 0 {
		return nil
	}
	where := s.ConfigPath
	if where == "" {
		where = "mlwb.yaml"
	}
	if len(s.Names) == 0 {
		return fmt.Errorf("label %q: %s declares no labels; add a list under labels:", label, where)
	}
	return fmt.Errorf("label %q is not in the label set (%s) declared at %s:%d; add it there first",
		label, strings.Join(s.Names, ", "), where, s.Line)
}

// Labeller reads and edits the labels of one version of a dataset file.
type Labeller struct {
	Set       LabelSet
	Path      string
	DatasetID int64
	VersionID int64
	Hash      string // the version's content hash

	st *store.Store
}

// OpenLabels finds (or records) the dataset and the version of the file at path, by its content
// hash, seen at gitCommit. A dataset without a name is named after the file, as RecordProfile does.
func OpenLabels(ctx context.Context, s *store.Store, ds store.Dataset, path string, set LabelSet, gitCommit string) (*Labeller, error) {
	hash, size, err := HashFile(ctx, s, path)
	if err != nil {
		return nil, err
	}
	if ds.Name == "" {
		base := filepath.Base(path)
		for ext := filepath.Ext(base); ext != ""; ext = filepath.Ext(base) {
			base = strings.TrimSuffix(base, ext)
		}
		ds.Name = base
	}
	if ds.Path == "" {
		ds.Path = path
	}
	id, err := s.UpsertDataset(ctx, ds)
	if err != nil {
		return nil, err
	}
	vid, err := s.AddDatasetVersion(ctx, store.DatasetVersion{DatasetID: id, ContentHash: hash, Size: size,
		Rows: -1, Columns: -1, GitCommit: gitCommit})
	if err != nil {
		return nil, err
	}
	return &Labeller{Set: set, Path: path, DatasetID: id, VersionID: vid, Hash: hash, st: s}, nil
}

// SetRow gives row (0-based) the label, or removes its label when label is "": the row is read
// through the index to hash its text. A label outside the set, or a row past the end, is refused.
func (l *Labeller) SetRow(ctx context.Context, ix *RowIndex, row int64, label string) error {
	if label != "" {
		if err := l.Set.Check(label); err != nil {
			return err
		}
	}
	if row < 0 || ix.Indexed && row >= ix.Total {
		return fmt.Errorf("%s: row %d: the file has %d rows (numbered from 1)", l.Path, row+1, ix.Total)
	}
	win, err := ix.Rows(ctx, row, 1)
	if err != nil {
		return err
	}
	if len(win.Rows) == 0 {
		return fmt.Errorf("%s: row %d: the file has %d rows (numbered from 1)", l.Path, row+1, ix.Total)
	}
	return l.st.SetLabels(ctx, l.VersionID, []store.LabelEdit{{Row: row, Hash: RowHash(win.Rows[0]), Label: label}})
}

// Undo reverts the newest edit (one SetRow, or one whole Carry) and returns the rows it restored;
// ok is false when there is nothing left to undo.
func (l *Labeller) Undo(ctx context.Context) ([]store.LabelEdit, bool, error) {
	return l.st.UndoLabels(ctx, l.VersionID)
}

// All returns the version's labels by row.
func (l *Labeller) All(ctx context.Context) (map[int64]store.Label, error) {
	ls, err := l.st.Labels(ctx, l.VersionID)
	if err != nil {
		return nil, err
	}
	m := make(map[int64]store.Label, len(ls))
	for _, x := range ls {
		m[x.Row] = x
	}
	return m, nil
}

// LabelProgress is how far labelling has come: rows labelled of the total, per class.
type LabelProgress struct {
	Total    int64        `json:"total"` // rows of the file; -1 when not known
	Labelled int64        `json:"labelled"`
	Classes  []ClassCount `json:"classes"`
}

// ClassCount is how many rows carry one label. InSet is false for a label no longer in mlwb.yaml.
type ClassCount struct {
	Label string `json:"label"`
	Count int64  `json:"count"`
	InSet bool   `json:"in_set"`
}

// Progress counts the version's labels per class: the set's labels in its order (with zeros),
// then any stored label the set no longer has.
func (l *Labeller) Progress(ctx context.Context, total int64) (*LabelProgress, error) {
	counts, err := l.st.LabelCounts(ctx, l.VersionID)
	if err != nil {
		return nil, err
	}
	p := &LabelProgress{Total: total}
	for _, n := range l.Set.Names {
		p.Classes = append(p.Classes, ClassCount{Label: n, Count: counts[n], InSet: true})
		p.Labelled += counts[n]
		delete(counts, n)
	}
	var rest []string
	for n := range counts {
		rest = append(rest, n)
	}
	slices.Sort(rest)
	for _, n := range rest {
		p.Classes = append(p.Classes, ClassCount{Label: n, Count: counts[n]})
		p.Labelled += counts[n]
	}
	return p, nil
}

// Elsewhere returns the other versions of the dataset that carry labels this version does not
// have, newest first: labels given to the file before it changed and not carried over, counted.
func (l *Labeller) Elsewhere(ctx context.Context) ([]store.VersionLabels, error) {
	return l.st.UncarriedLabels(ctx, l.DatasetID, l.VersionID)
}

// Earlier returns the other versions of the dataset that carry labels, newest first, with all
// their labels counted: a carry takes the newest (not the newest with labels left to carry,
// which would bring back labels removed in a version since).
func (l *Labeller) Earlier(ctx context.Context) ([]store.VersionLabels, error) {
	vs, err := l.st.LabelledVersions(ctx, l.DatasetID)
	if err != nil {
		return nil, err
	}
	return slices.DeleteFunc(vs, func(v store.VersionLabels) bool { return v.Version.ID == l.VersionID }), nil
}

// StaleNote says, in one line, that labels belong to other versions of the file; "" when none do.
func StaleNote(others []store.VersionLabels) string {
	if len(others) == 0 {
		return ""
	}
	v := others[0]
	what := fmt.Sprintf("%d labels belong", v.Count)
	if v.Count == 1 {
		what = "1 label belongs"
	}
	s := fmt.Sprintf("%s to an earlier version of the file (%s, seen %s", what,
		shortHash(v.Version.ContentHash), v.Version.Seen.Format("2006-01-02 15:04"))
	if v.Version.GitCommit != "" {
		s += " at " + shortHash(v.Version.GitCommit)
	}
	s += ")"
	if len(others) > 1 {
		s += fmt.Sprintf(" and more to %d older ones", len(others)-1)
	}
	return s + "; they are not shown on this version"
}

func shortHash(h string) string { return h[:min(8, len(h))] }
