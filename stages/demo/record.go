package demo

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/mlwb/mlwb/stages/data"
	"github.com/mlwb/mlwb/stages/project"
	"github.com/mlwb/mlwb/stages/runs"
	"github.com/mlwb/mlwb/store"
)

// recorded is what recordRun reports back for the progress line.
type recorded struct {
	Status  string
	Summary string
}

// recordRun launches one demo run as `mlwb run` does (a detached supervisor running
// `mlwb demo-train …` from train.command, capturing its log, metrics, system metrics, artifacts
// and evaluation) and waits for it to end. supervisor is the mlwb executable that serves
// `supervise` ("" for this one).
func recordRun(ctx context.Context, s *store.Store, p *project.Project, supervisor string, spec runSpec) (*recorded, error) {
	r, err := runs.Launch(ctx, runs.LaunchOptions{Store: s, Project: p, Exe: supervisor,
		Name: spec.name, Params: spec.params, Tags: map[string]string{"demo": "true"}, Source: "demo"})
	if err != nil {
		return nil, fmt.Errorf("demo run %s: %w", spec.name, err)
	}
	if r, err = runs.Follow(ctx, s, r.ID, io.Discard); err != nil {
		return nil, fmt.Errorf("demo run %s: %w", spec.name, err)
	}
	out := &recorded{Status: r.Status}
	switch r.Status {
	case store.StatusFinished:
		sums, err := s.Summaries(ctx, []int64{r.ID})
		if err != nil {
			return nil, err
		}
		for _, sm := range sums[r.ID] {
			if sm.Key == p.Config.Metrics.Primary {
				out.Summary = fmt.Sprintf("%s=%.4f", sm.Key, sm.Last)
			}
		}
	default:
		out.Summary = lastLine(r.LogPath)
	}
	return out, nil
}

// lastLine is the last non-empty line of a log, where a failed trainer says why.
func lastLine(path string) string {
	b, err := os.ReadFile(path)
	if err != nil {
		return ""
	}
	lines := bytes.Split(bytes.TrimSpace(b), []byte("\n"))
	return strings.TrimSpace(string(lines[len(lines)-1]))
}

// recordDataset profiles the demo dataset and records its current content as a version with the
// profile (rows, columns, every column's statistics), before the step's runs link to it.
func recordDataset(ctx context.Context, s *store.Store, p *project.Project, ds project.DatasetSpec, commit string) error {
	prof, err := data.ProfileFile(ctx, p.DatasetPath(ds), data.Options{Target: ds.Target})
	if err != nil {
		return fmt.Errorf("demo: %w", err)
	}
	prof.Path = ds.Path // relative to the project, as declared
	if _, err := data.RecordProfile(ctx, s, store.Dataset{Name: ds.Name, Path: ds.Path, Target: ds.Target}, p.DatasetPath(ds), prof, commit); err != nil {
		return fmt.Errorf("demo: %w", err)
	}
	return nil
}
