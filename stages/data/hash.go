// Package data is the data stage's engine: readers, type inference, profiling, row index,
// filters, labels, features and dataset versions. It never imports the TUI.
package data

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/cespare/xxhash/v2"

	"github.com/mlwb/mlwb/store"
)

// HashFile returns the content hash that identifies a dataset version: xxHash64 of the bytes, as
// 16 hex characters. It reads at disk speed (xxhash runs at many GB/s), and with a store it
// reuses the hash cached for the same path, size and mtime, so an unchanged file is never re-read.
func HashFile(ctx context.Context, s *store.Store, path string) (hash string, size int64, err error) {
	abs, err := filepath.Abs(path)
	if err != nil {
		return "", 0, fmt.Errorf("hash %s: %w", path, err)
	}
	st, err := os.Stat(abs)
	if err != nil {
		return "", 0, fmt.Errorf("hash %s: %w", path, err)
	}
	if st.IsDir() {
		return "", 0, fmt.Errorf("hash %s: is a directory", path)
	}
	size, mtime := st.Size(), st.ModTime().UnixNano()
	if s != nil {
		if h, ok, err := s.CachedHash(ctx, abs, size, mtime); err == nil && ok {
			return h, size, nil
		}
	}
	f, err := os.Open(abs)
	if err != nil {
		return "", 0, fmt.Errorf("hash %s: %w", path, err)
	}
	defer f.Close()
	d := xxhash.New()
	buf := make([]byte, 1<<20)
	n, err := io.CopyBuffer(d, f, buf)
	if err != nil {
		return "", 0, fmt.Errorf("hash %s: %w", path, err)
	}
	if n != size {
		return "", 0, fmt.Errorf("hash %s: the file changed while being read (%d bytes, then %d)", path, size, n)
	}
	hash = fmt.Sprintf("%016x", d.Sum64())
	if s != nil {
		if err := s.SetCachedHash(ctx, abs, size, mtime, hash); err != nil {
			return "", 0, err
		}
	}
	return hash, size, nil
}
