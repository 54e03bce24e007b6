package data

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/cespare/xxhash/v2"
)

// DefaultIndexEvery is how many records lie between two entries of a row index: a jump reads at
// most this many records past the nearest entry (tens of kilobytes), and the index of a
// 10-million-row file holds 10,000 entries (160 KB).
const DefaultIndexEvery = 1000

// IndexOptions says how to build a row index.
type IndexOptions struct {
	// CacheDir is where index files are kept (the project's .mlwb/index); "" keeps none.
	CacheDir string
	// Every is the distance in records between index entries; 0 means DefaultIndexEvery.
	Every int
	// Progress is called with the bytes of the file read so far and its size.
	Progress func(done, total int64)
}

// RowIndex reaches any row of a CSV, TSV, JSON Lines or Parquet file without reading the rows
// before it. For text it is a sparse list of byte offsets (every Every-th record's start, found
// by the same record splitter as the profiler, so quoted newlines are no row ends); for Parquet it
// is the file's own row groups. A compressed text file cannot be seeked: its index only counts the
// rows, and reading rows streams from the start (Indexed is false, Unavailable says why).
// A RowIndex is read-only once built, so Rows may be called from many goroutines.
type RowIndex struct {
	Path        string
	Format      string   // csv, tsv, jsonl or parquet
	Compression string   // gzip or zstd when the file is compressed
	Columns     []string // column names (for JSON Lines: the keys of the first records)
	Total       int64    // data rows (the header is not a row)
	Every       int
	Indexed     bool   // rows are reached by seeking; false means streaming from the start
	Unavailable string // why there is no seekable index, when Indexed is false
	Cached      bool   // loaded from the cache file rather than built
	CacheErr    error  // the index could not be saved (it still works, it is just built again next time)

	size   int64
	mtime  time.Time
	dl     *dialect // CSV/TSV dialect (nil for JSON Lines and Parquet)
	bomLen int
	marks  []rowMark
	pq     *parquetRows
}

// rowMark is one index entry: where record number i*Every starts, and on which line.
type rowMark struct {
	offset int64
	line   int64
}

// RowWindow is a run of consecutive rows: From is the first row's number (0-based), Lines the line
// each row starts on (0 for Parquet), Columns the names its values line up with. CSV rows hold
// their fields as written (a ragged row has fewer or more); JSON Lines rows have one value per
// column, JSON text for nested values and "" for a missing key or null.
type RowWindow struct {
	From    int64
	Columns []string
	Rows    [][]string
	Lines   []int64
}

// ErrIndexUnsupported is returned for a file the row index cannot read (a JSON array).
var ErrIndexUnsupported = errors.New("the row index reads CSV, TSV, JSON Lines and Parquet")

// BuildRowIndex opens the index of path: the cached one when it is still valid for the file's
// size and mtime, otherwise a new one built in one pass over the file (cancellable with ctx) and
// saved under opts.CacheDir. A cached index that is corrupt, truncated or for another version of
// the file is never trusted: it is built again.
func BuildRowIndex(ctx context.Context, path string, opts IndexOptions) (*RowIndex, error) {
	if opts.Every <= 0 {
		opts.Every = DefaultIndexEvery
	}
	src, err := openSource(path)
	if err != nil {
		return nil, err
	}
	defer src.Close()
	ix := &RowIndex{Path: path, Format: src.format, Compression: src.compression, Every: opts.Every,
		size: src.info.Size(), mtime: src.info.ModTime()}
	switch src.format {
	case "parquet":
		if err := ix.openParquet(); err != nil {
			return nil, err
		}
		return ix, nil
	case "csv", "tsv", "jsonl":
	default:
		return nil, fmt.Errorf("%s: %w; this is %s", path, ErrIndexUnsupported, src.format)
	}
	in, err := openText(src)
	if err != nil {
		return nil, err
	}
	if err := ix.setColumns(in); err != nil {
		return nil, err
	}
	if src.compression != "" {
		ix.Unavailable = fmt.Sprintf("a %s-compressed file cannot be seeked: rows are read from the start", src.compression)
		return ix, ix.build(ctx, in, opts, false)
	}
	ix.Indexed = true
	cache := ""
	if opts.CacheDir != "" {
		cache = indexCachePath(opts.CacheDir, path)
		if ix.loadCache(cache) == nil {
			if opts.Progress != nil {
				opts.Progress(ix.size, ix.size)
			}
			return ix, nil
		}
	}
	if err := ix.build(ctx, in, opts, true); err != nil {
		return nil, err
	}
	if cache != "" {
		ix.CacheErr = ix.saveCache(cache)
	}
	return ix, nil
}

// setColumns takes the dialect and column names from the head of the file: the sniffed header
// for CSV/TSV, the keys of the first objects for JSON Lines.
func (ix *RowIndex) setColumns(in *textInput) error {
	if d := in.src.file; d != nil {
		var b [3]byte
		if n, _ := d.ReadAt(b[:], 0); n == 3 && string(b[:]) == string(bom) && in.src.compression == "" {
			ix.bomLen = 3
		}
	}
	if in.dl != nil {
		ix.dl, ix.Columns = in.dl, in.dl.names
		return nil
	}
	// The keys of the head's objects, in order of appearance; a malformed line is passed over
	// here (reading that row says what is wrong with it), and the head's last line may be cut.
	seen := map[string]bool{}
	var s objScanner
	eachLine(in.head, 1, func(_ int64, ln []byte) {
		fields, err := s.parse(ln)
		if err != nil {
			return
		}
		for _, f := range fields {
			if k := string(f.key); !seen[k] {
				seen[k] = true
				ix.Columns = append(ix.Columns, k)
			}
		}
	})
	return nil
}

// indexCachePath is the cache file of path's index: one file per absolute path, named by its hash.
func indexCachePath(dir, path string) string {
	abs, err := filepath.Abs(path)
	if err != nil {
		abs = path
	}
	return filepath.Join(dir, fmt.Sprintf("%016x.idx", xxhash.Sum64String(abs)))
}

// checkUnchanged refuses to read rows of a file that is no longer the one indexed.
func (ix *RowIndex) checkUnchanged(st os.FileInfo) error {
	if st.Size() != ix.size || !st.ModTime().Equal(ix.mtime) {
		return fmt.Errorf("%s: the file changed since it was indexed (%d bytes, now %d); index it again", ix.Path, ix.size, st.Size())
	}
	return nil
}

// Close releases the file a Parquet index keeps open (text indexes open the file per read).
func (ix *RowIndex) Close() error {
	if ix.pq != nil {
		return ix.pq.file.Close()
	}
	return nil
}
