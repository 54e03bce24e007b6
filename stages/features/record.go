package features

import (
	"context"
	"path/filepath"
	"strings"

	"github.com/mlwb/mlwb/stages/data"
	"github.com/mlwb/mlwb/store"
)

// Recorded is a feature build as stored: the spec's hash and the two dataset versions.
type Recorded struct {
	BuildID         int64  `json:"build_id"`
	SpecHash        string `json:"spec_hash"`
	InputVersionID  int64  `json:"input_version_id"`
	InputHash       string `json:"input_hash"`
	OutputVersionID int64  `json:"output_version_id"`
	OutputHash      string `json:"output_hash"`
}

// Record stores a finished build: the input's version with its profile (as mlwb data profile
// stores it), the output file as a version of its own dataset (named after the file; by its path
// when that name already belongs to another file), and the feature build linking the two with the
// spec's hash. gitCommit is the commit the build was made at ("" outside git).
func Record(ctx context.Context, s *store.Store, in store.Dataset, p *data.Profile, spec *Spec, out string, res *Result, gitCommit string) (*Recorded, error) {
	inID, err := data.RecordProfile(ctx, s, in, p.Path, p, gitCommit)
	if err != nil {
		return nil, err
	}
	hash, size, err := data.HashFile(ctx, s, out)
	if err != nil {
		return nil, err
	}
	name, err := outputDatasetName(ctx, s, out)
	if err != nil {
		return nil, err
	}
	dsID, err := s.UpsertDataset(ctx, store.Dataset{Name: name, Path: out})
	if err != nil {
		return nil, err
	}
	outID, err := s.AddDatasetVersion(ctx, store.DatasetVersion{DatasetID: dsID, ContentHash: hash, Size: size,
		Rows: res.Rows, Columns: len(res.Outputs), GitCommit: gitCommit})
	if err != nil {
		return nil, err
	}
	id, err := s.AddFeatureBuild(ctx, store.FeatureBuild{SpecPath: spec.Path, SpecHash: spec.Hash,
		InputVersionID: inID, OutputVersionID: outID, OutputPath: out})
	if err != nil {
		return nil, err
	}
	return &Recorded{BuildID: id, SpecHash: spec.Hash, InputVersionID: inID, InputHash: p.Hash,
		OutputVersionID: outID, OutputHash: hash}, nil
}

// outputDatasetName names the output's dataset after its file (features.csv → features), unless a
// dataset of that name is another file: then by the path, so a build never re-points the input's
// dataset (train.csv → features/train.csv would otherwise both be "train").
func outputDatasetName(ctx context.Context, s *store.Store, out string) (string, error) {
	base := filepath.Base(out)
	for ext := filepath.Ext(base); ext != ""; ext = filepath.Ext(base) {
		base = strings.TrimSuffix(base, ext)
	}
	all, err := s.ListDatasets(ctx)
	if err != nil {
		return "", err
	}
	for _, d := range all {
		if d.Name == base && filepath.Clean(d.Path) != filepath.Clean(out) {
			return filepath.ToSlash(filepath.Clean(out)), nil
		}
	}
	return base, nil
}
