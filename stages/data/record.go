package data

import (
	"context"
	"encoding/json"
	"fmt"
	"path/filepath"
	"strings"

	"github.com/mlwb/mlwb/store"
)

// RecordProfile stores a profile of file against its dataset version (the file's content hash)
// with the git commit it was seen at, creating the dataset by name when it is new. It returns the
// version id.
func RecordProfile(ctx context.Context, s *store.Store, ds store.Dataset, file string, p *Profile, gitCommit string) (int64, error) {
	hash, size, err := HashFile(ctx, s, file)
	if err != nil {
		return 0, err
	}
	p.Hash = hash
	if ds.Name == "" {
		base := filepath.Base(p.Path)
		for ext := filepath.Ext(base); ext != ""; ext = filepath.Ext(base) {
			base = strings.TrimSuffix(base, ext)
		}
		ds.Name = base
	}
	if ds.Path == "" {
		ds.Path = p.Path
	}
	id, err := s.UpsertDataset(ctx, ds)
	if err != nil {
		return 0, err
	}
	js, err := json.Marshal(p)
	if err != nil {
		return 0, fmt.Errorf("profile of %s: %w", p.Path, err)
	}
	return s.AddDatasetVersion(ctx, store.DatasetVersion{DatasetID: id, ContentHash: hash, Size: size,
		Rows: p.Rows, Columns: len(p.Columns), GitCommit: gitCommit, Profile: string(js)})
}
