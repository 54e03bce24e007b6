package runs

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/mlwb/mlwb/store"
)

// maxRecordedArtifacts bounds how many files of a run's artifact directory are recorded: a run
// that writes a million checkpoint shards is recorded in part, with a note, rather than slowly.
const maxRecordedArtifacts = 10_000

// recordArtifacts records every regular file under the run's artifact directory (path, size,
// SHA-256) once the run has ended, so diffs and the registry can tell one model file from another
// even after the directory changes. Symbolic links are not followed.
func recordArtifacts(ctx context.Context, s *store.Store, r *store.Run) (int, error) {
	dir := r.ArtifactDir
	if dir == "" {
		return 0, nil
	}
	n := 0
	err := filepath.WalkDir(dir, func(path string, e fs.DirEntry, err error) error {
		if err != nil {
			if path == dir && os.IsNotExist(err) {
				return filepath.SkipAll
			}
			return err
		}
		if !e.Type().IsRegular() {
			return nil
		}
		if n >= maxRecordedArtifacts {
			return fmt.Errorf("more than %d files: the rest are not recorded", maxRecordedArtifacts)
		}
		rel, err := filepath.Rel(dir, path)
		if err != nil {
			return err
		}
		size, hash, err := hashFile(path)
		if err != nil {
			return err
		}
		info, _ := e.Info()
		a := store.Artifact{RunID: r.ID, Path: filepath.ToSlash(rel), Size: size, Hash: hash}
		if info != nil {
			a.Created = info.ModTime()
		}
		if err := s.RecordArtifact(ctx, a); err != nil {
			return err
		}
		n++
		return nil
	})
	if err != nil {
		return n, fmt.Errorf("artifacts of run %d: %w", r.ID, err)
	}
	return n, nil
}

func hashFile(path string) (int64, string, error) {
	f, err := os.Open(path)
	if err != nil {
		return 0, "", err
	}
	defer f.Close()
	h := sha256.New()
	n, err := io.Copy(h, f)
	if err != nil {
		return n, "", fmt.Errorf("%s: %w", path, err)
	}
	return n, hex.EncodeToString(h.Sum(nil)), nil
}
