package data

import (
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"os"
	"path/filepath"
)

// The index file is little-endian binary:
//
//	magic "MLWBRIDX", version u32, every u32, file size i64, file mtime (Unix ns) i64, rows i64,
//	entry count i64, format u8, delimiter u8, header u8, BOM length u8, 4 zero bytes,
//	entries (offset i64, line i64) × count, CRC-32C of everything before it u32.
//
// Everything is checked on reading (lengths, ranges, order, the checksum), so a truncated or
// corrupt file is refused with a reason and the index is built again.
const (
	indexMagic      = "MLWBRIDX"
	indexVersion    = 1
	indexHeaderSize = 56
	indexMaxEvery   = 1 << 24
)

var crcTable = crc32.MakeTable(crc32.Castagnoli)

// indexFile is the decoded content of an index file.
type indexFile struct {
	every       int
	size, mtime int64
	rows        int64
	format      byte // 'c' csv, 't' tsv, 'j' jsonl
	delim       byte
	header      bool
	bomLen      int
	marks       []rowMark
}

func formatCode(f string) byte {
	switch f {
	case "csv":
		return 'c'
	case "tsv":
		return 't'
	}
	return 'j'
}

// encodeIndex writes f in the index file format.
func encodeIndex(f *indexFile) []byte {
	b := make([]byte, 0, indexHeaderSize+16*len(f.marks)+4)
	b = append(b, indexMagic...)
	b = binary.LittleEndian.AppendUint32(b, indexVersion)
	b = binary.LittleEndian.AppendUint32(b, uint32(f.every))
	for _, v := range []int64{f.size, f.mtime, f.rows, int64(len(f.marks))} {
		b = binary.LittleEndian.AppendUint64(b, uint64(v))
	}
	hdr := byte(0)
	if f.header {
		hdr = 1
	}
	b = append(b, f.format, f.delim, hdr, byte(f.bomLen), 0, 0, 0, 0)
	for _, m := range f.marks {
		b = binary.LittleEndian.AppendUint64(b, uint64(m.offset))
		b = binary.LittleEndian.AppendUint64(b, uint64(m.line))
	}
	return binary.LittleEndian.AppendUint32(b, crc32.Checksum(b, crcTable))
}

// decodeIndex reads an index file, refusing anything that is not exactly a well-formed one.
func decodeIndex(b []byte) (*indexFile, error) {
	if len(b) < indexHeaderSize+4 {
		return nil, fmt.Errorf("%d bytes, shorter than the header", len(b))
	}
	if string(b[:8]) != indexMagic {
		return nil, errors.New("not an mlwb row index (bad magic)")
	}
	le := binary.LittleEndian
	if v := le.Uint32(b[8:]); v != indexVersion {
		return nil, fmt.Errorf("index version %d, this mlwb reads %d", v, indexVersion)
	}
	body, sum := b[:len(b)-4], le.Uint32(b[len(b)-4:])
	if crc32.Checksum(body, crcTable) != sum {
		return nil, errors.New("checksum mismatch (corrupt or truncated)")
	}
	f := &indexFile{every: int(le.Uint32(b[12:])), size: int64(le.Uint64(b[16:])), mtime: int64(le.Uint64(b[24:])),
		rows: int64(le.Uint64(b[32:])), format: b[48], delim: b[49], header: b[50] == 1, bomLen: int(b[51])}
	count := int64(le.Uint64(b[40:]))
	switch {
	case f.every < 1 || f.every > indexMaxEvery:
		return nil, fmt.Errorf("entry spacing %d out of range", f.every)
	case f.size < 0 || f.rows < 0 || f.rows > f.size:
		return nil, fmt.Errorf("%d rows in %d bytes is impossible", f.rows, f.size)
	case count < 0 || count != (f.rows+int64(f.every)-1)/int64(f.every):
		return nil, fmt.Errorf("%d entries for %d rows every %d", count, f.rows, f.every)
	case count > int64(len(body)-indexHeaderSize)/16 || int64(len(body)-indexHeaderSize) != 16*count:
		return nil, fmt.Errorf("%d bytes of entries, want %d", len(body)-indexHeaderSize, 16*count)
	case b[50] > 1 || f.bomLen > 3 || (f.format != 'c' && f.format != 't' && f.format != 'j'):
		return nil, errors.New("bad format flags")
	}
	f.marks = make([]rowMark, count)
	prev := rowMark{offset: -1}
	for i := range f.marks {
		p := body[indexHeaderSize+16*i:]
		m := rowMark{offset: int64(le.Uint64(p)), line: int64(le.Uint64(p[8:]))}
		if m.offset <= prev.offset || m.offset >= f.size || m.line <= prev.line || m.line < 1 {
			return nil, fmt.Errorf("entry %d (offset %d, line %d) out of order or range", i, m.offset, m.line)
		}
		f.marks[i], prev = m, m
	}
	return f, nil
}

// loadCache takes the marks from the cache file when it is well-formed and describes this very
// file (size, mtime, format, dialect, spacing); any other file is an error and is rebuilt.
func (ix *RowIndex) loadCache(path string) error {
	b, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	f, err := decodeIndex(b)
	if err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	delim, header := byte(0), false
	if ix.dl != nil {
		delim, header = ix.dl.delim, ix.dl.header
	}
	if f.size != ix.size || f.mtime != ix.mtime.UnixNano() || f.every != ix.Every || f.format != formatCode(ix.Format) ||
		f.delim != delim || f.header != header || f.bomLen != ix.bomLen {
		return fmt.Errorf("%s: made for another version of the file", path)
	}
	ix.Total, ix.marks, ix.Cached = f.rows, f.marks, true
	return nil
}

// saveCache writes the index atomically (a temporary file renamed over the old one), so a reader
// never sees half a file.
func (ix *RowIndex) saveCache(path string) error {
	f := &indexFile{every: ix.Every, size: ix.size, mtime: ix.mtime.UnixNano(), rows: ix.Total,
		format: formatCode(ix.Format), bomLen: ix.bomLen, marks: ix.marks}
	if ix.dl != nil {
		f.delim, f.header = ix.dl.delim, ix.dl.header
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return fmt.Errorf("save row index: %w", err)
	}
	out, err := CreateOutput(path)
	if err != nil {
		return fmt.Errorf("save row index: %w", err)
	}
	defer out.Abort()
	if _, err := out.Write(encodeIndex(f)); err != nil {
		return fmt.Errorf("save row index %s: %w", path, err)
	}
	if err := out.Commit(); err != nil {
		return fmt.Errorf("save row index: %w", err)
	}
	return nil
}
