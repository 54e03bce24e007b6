package data

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"

	"github.com/klauspost/compress/gzip"
	"github.com/klauspost/compress/zstd"
)

// source is an opened data file: its decompressed byte stream and what it holds.
type source struct {
	path        string
	file        *os.File
	info        os.FileInfo
	r           io.Reader // decompressed
	format      string    // csv, tsv, jsonl, json, parquet
	compression string
	rawRead     *atomic.Int64 // bytes read from the file, for progress
	closeFn     func()
}

// progress is the bytes of the file read so far and its size, as the Progress callbacks take
// them (never past the size: the reader reads ahead in blocks).
func (s *source) progress() (done, total int64) {
	total = s.info.Size()
	return min(s.rawRead.Load(), total), total
}

func (s *source) Close() {
	if s.closeFn != nil {
		s.closeFn()
	}
	s.file.Close()
}

type countingReader struct {
	r io.Reader
	n *atomic.Int64
}

func (c countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n.Add(int64(n))
	return n, err
}

// openSource opens path, recognising compression by its magic bytes (gzip, zstd) and the format by
// the extension under the compression suffix, or by content when the extension says nothing.
func openSource(path string) (*source, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err // an *os.PathError: "open PATH: no such file or directory" already
	}
	st, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, err // an *os.PathError naming the path too
	}
	if st.IsDir() {
		f.Close()
		return nil, fmt.Errorf("open %s: is a directory", path)
	}
	src := &source{path: path, file: f, info: st, rawRead: new(atomic.Int64)}
	br := bufio.NewReaderSize(countingReader{f, src.rawRead}, 1<<20)
	magic, _ := br.Peek(4)
	var r io.Reader = br
	switch {
	case len(magic) >= 2 && magic[0] == 0x1f && magic[1] == 0x8b:
		zr, err := gzip.NewReader(br)
		if err != nil {
			f.Close()
			return nil, fmt.Errorf("%s: not a readable gzip stream: %w", path, err)
		}
		src.compression, r, src.closeFn = "gzip", zr, func() { zr.Close() }
	case bytes.Equal(magic, []byte{0x28, 0xb5, 0x2f, 0xfd}):
		zr, err := zstd.NewReader(br, zstd.WithDecoderConcurrency(1))
		if err != nil {
			f.Close()
			return nil, fmt.Errorf("%s: not a readable zstd stream: %w", path, err)
		}
		src.compression, r, src.closeFn = "zstd", zr, zr.Close
	case string(magic) == "PAR1":
		src.format = "parquet"
	}
	src.r = r
	if src.format == "" {
		src.format = formatByName(path)
	}
	if src.format == "" {
		peekR := bufio.NewReaderSize(r, 4096)
		src.r = peekR
		head, _ := peekR.Peek(512)
		t := bytes.TrimLeft(bytes.TrimPrefix(head, bom), " \t\r\n")
		switch {
		case len(t) > 0 && t[0] == '[':
			src.format = "json"
		case len(t) > 0 && t[0] == '{':
			src.format = "jsonl"
		default:
			src.format = "csv"
		}
	}
	if src.format == "parquet" && src.compression != "" {
		src.Close()
		return nil, fmt.Errorf("%s: a compressed Parquet file cannot be read; Parquet compresses its own pages, so store it uncompressed", path)
	}
	return src, nil
}

var bom = []byte{0xEF, 0xBB, 0xBF}

// formatByName reads the format from the extension, under a .gz or .zst suffix.
func formatByName(path string) string {
	name := strings.ToLower(filepath.Base(path))
	for _, suf := range []string{".gz", ".gzip", ".zst", ".zstd"} {
		name = strings.TrimSuffix(name, suf)
	}
	switch filepath.Ext(name) {
	case ".csv", ".txt":
		return "csv"
	case ".tsv", ".tab":
		return "tsv"
	case ".jsonl", ".ndjson":
		return "jsonl"
	case ".json":
		return "json"
	case ".parquet", ".pq":
		return "parquet"
	}
	return ""
}
