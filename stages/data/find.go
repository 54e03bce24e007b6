package data

import (
	"context"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// FoundFile is a data file found under a project.
type FoundFile struct {
	Path   string // relative to the root searched, with forward slashes
	Format string // csv, tsv, jsonl, json or parquet
	Size   int64
}

// FindOptions bound a search for data files.
type FindOptions struct {
	MaxFiles int // stop after this many (default 500)
	MaxDepth int // folders below the root to go into (default 6)
}

// skipDirs are folders that hold no datasets of the user's, only tooling, environments and caches,
// and can hold hundreds of thousands of files (a virtualenv, node_modules): never walked.
var skipDirs = map[string]bool{
	"node_modules": true, "venv": true, "env": true, "__pycache__": true, "site-packages": true,
	"mlruns": true, "wandb": true, "build": true, "dist": true, "target": true,
}

// FindFiles lists the files under root that look like datasets by their name (see isDataFile),
// sorted by path. Hidden folders (.git, .mlwb, .venv…), the folders in skipDirs and symbolic links
// to folders are not entered, so the walk stays quick in a real project; a symbolic link to a file
// (a dataset kept on another disk) is listed with its target's size. The walk stops at MaxFiles
// files or when ctx ends, returning what it found and ctx.Err(). Files it cannot read, and empty
// files, are left out, not errors.
func FindFiles(ctx context.Context, root string, opts FindOptions) ([]FoundFile, error) {
	if opts.MaxFiles <= 0 {
		opts.MaxFiles = 500
	}
	if opts.MaxDepth <= 0 {
		opts.MaxDepth = 6
	}
	var out []FoundFile
	errFull := errors.New("enough files")
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			if d != nil && d.IsDir() && path != root {
				return fs.SkipDir // an unreadable folder: leave it out
			}
			if path == root {
				return err
			}
			return nil
		}
		if cerr := ctx.Err(); cerr != nil {
			return cerr
		}
		rel, _ := filepath.Rel(root, path)
		if d.IsDir() {
			if path == root {
				return nil
			}
			name := d.Name()
			if strings.HasPrefix(name, ".") || skipDirs[name] || strings.Count(filepath.ToSlash(rel), "/") >= opts.MaxDepth {
				return fs.SkipDir
			}
			return nil
		}
		if strings.HasPrefix(d.Name(), ".") {
			return nil
		}
		f := isDataFile(rel)
		if f == "" {
			return nil
		}
		info, err := d.Info()
		if err == nil && d.Type()&fs.ModeSymlink != 0 {
			info, err = os.Stat(path) // the target: listed only when it is a file
		}
		if err != nil || !info.Mode().IsRegular() || info.Size() == 0 {
			return nil // sockets, devices, links to folders or to nothing, empty files
		}
		out = append(out, FoundFile{Path: filepath.ToSlash(rel), Format: f, Size: info.Size()})
		if len(out) >= opts.MaxFiles {
			return errFull
		}
		return nil
	})
	sort.Slice(out, func(i, j int) bool { return out[i].Path < out[j].Path })
	if errors.Is(err, errFull) {
		err = nil
	}
	return out, err
}

// isDataFile is the format of a file that looks like a dataset by its name, or "". A .txt or
// .json file is only a dataset inside a folder named like data (data/, datasets/, raw/…): most
// .txt and .json files in a project are notes, configs and package manifests.
func isDataFile(rel string) string {
	f := formatByName(rel)
	lower := strings.ToLower(rel)
	for _, suf := range []string{".gz", ".gzip", ".zst", ".zstd"} {
		lower = strings.TrimSuffix(lower, suf)
	}
	switch {
	case f == "":
		return ""
	case strings.HasSuffix(lower, ".txt") || f == "json":
		for _, part := range strings.Split(filepath.ToSlash(filepath.Dir(lower)), "/") {
			switch part {
			case "data", "datasets", "dataset", "raw", "processed", "input", "inputs":
				return f
			}
		}
		return ""
	}
	return f
}
