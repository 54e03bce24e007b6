package data

import (
	"bufio"
	"bytes"
	"cmp"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
)

// sortedChunk is one chunk's records in key order: the chunk's text, the records' encoded keys
// back to back, and one small entry per record pointing into both.
type sortedChunk struct {
	data []byte
	keys []byte
	ents []sortEnt
}

// sortEnt is one record of a sortedChunk: offsets instead of slices keep it at 16 bytes.
type sortEnt struct {
	rawOff, rawLen, keyOff, keyLen uint32
}

// size is what the chunk holds in memory.
func (sc *sortedChunk) size() int64 {
	return int64(cap(sc.data) + cap(sc.keys) + 16*cap(sc.ents))
}

// sortChunk encodes the keys of every record of c (whose data the result keeps) and sorts the
// records by key; equal keys keep their order in the file.
func sortChunk(r *keyReader, c chunk) (*sortedChunk, error) {
	sc := &sortedChunk{data: c.data}
	err := r.each(c, func(off int, raw []byte, vals []keyValue) {
		r.count(vals)
		k := len(sc.keys)
		for j, col := range r.cols {
			sc.keys = col.appendKey(sc.keys, vals[j])
		}
		sc.ents = append(sc.ents, sortEnt{uint32(off), uint32(len(raw)), uint32(k), uint32(len(sc.keys) - k)})
	})
	if err != nil {
		return nil, err
	}
	keys := sc.keys
	slices.SortFunc(sc.ents, func(a, b sortEnt) int {
		if c := bytes.Compare(keys[a.keyOff:a.keyOff+a.keyLen], keys[b.keyOff:b.keyOff+b.keyLen]); c != 0 {
			return c
		}
		return cmp.Compare(a.rawOff, b.rawOff) // stable: file order within the chunk
	})
	return sc, nil
}

// mergeSource is a sorted stream of records: a sorted chunk in memory or a run file on disk. The
// slices next returns stay valid until the following call.
type mergeSource interface {
	next() (key, raw []byte, ok bool, err error)
}

type chunkCursor struct {
	sc *sortedChunk
	i  int
}

func (c *chunkCursor) next() ([]byte, []byte, bool, error) {
	if c.i >= len(c.sc.ents) {
		return nil, nil, false, nil
	}
	e := c.sc.ents[c.i]
	c.i++
	return c.sc.keys[e.keyOff : e.keyOff+e.keyLen], c.sc.data[e.rawOff : e.rawOff+e.rawLen], true, nil
}

// mergeItem is the head record of one source in the merge heap.
type mergeItem struct {
	key, raw []byte
	src      int
}

// merge emits the records of srcs in key order; among equal keys the earlier source goes first,
// so sources given in file order keep the sort stable. ctx is checked every few thousand records.
func merge(ctx context.Context, srcs []mergeSource, emit func(key, raw []byte) error) error {
	h := make([]mergeItem, 0, len(srcs))
	less := func(a, b mergeItem) bool {
		if c := bytes.Compare(a.key, b.key); c != 0 {
			return c < 0
		}
		return a.src < b.src
	}
	down := func(i int) {
		for {
			l := 2*i + 1
			if l >= len(h) {
				return
			}
			m := l
			if r := l + 1; r < len(h) && less(h[r], h[l]) {
				m = r
			}
			if !less(h[m], h[i]) {
				return
			}
			h[i], h[m] = h[m], h[i]
			i = m
		}
	}
	for i, s := range srcs {
		k, r, ok, err := s.next()
		if err != nil {
			return err
		}
		if ok {
			h = append(h, mergeItem{k, r, i})
		}
	}
	for i := len(h)/2 - 1; i >= 0; i-- {
		down(i)
	}
	for n := 0; len(h) > 0; n++ {
		if n&4095 == 0 && ctx.Err() != nil {
			return ctx.Err()
		}
		top := h[0]
		if err := emit(top.key, top.raw); err != nil {
			return err
		}
		k, r, ok, err := srcs[top.src].next()
		if err != nil {
			return err
		}
		if ok {
			h[0] = mergeItem{k, r, top.src}
		} else {
			h[0] = h[len(h)-1]
			h = h[:len(h)-1]
		}
		down(0)
	}
	return nil
}

// A run file is a sorted sequence of records, each written as uvarint(len key) key
// uvarint(len raw) raw. It is read back with a small buffer, so merging many runs costs a few
// hundred KB however large they are.

type runWriter struct {
	f   *os.File
	w   *bufio.Writer
	n   int64
	tmp [2 * binary.MaxVarintLen64]byte
}

func createRun(dir string, seq int) (*runWriter, error) {
	f, err := os.Create(filepath.Join(dir, fmt.Sprintf("run-%06d", seq)))
	if err != nil {
		return nil, fmt.Errorf("sort: spill file: %w", err)
	}
	return &runWriter{f: f, w: bufio.NewWriterSize(f, 256<<10)}, nil
}

func (w *runWriter) write(key, raw []byte) error {
	b := binary.AppendUvarint(w.tmp[:0], uint64(len(key)))
	w.w.Write(b)
	w.w.Write(key)
	b = binary.AppendUvarint(w.tmp[:0], uint64(len(raw)))
	w.w.Write(b)
	_, err := w.w.Write(raw)
	w.n += int64(len(key) + len(raw) + 4)
	return err
}

func (w *runWriter) close() error {
	err := w.w.Flush()
	if cerr := w.f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("sort: spill file %s: %w", w.f.Name(), err)
	}
	return nil
}

type runReader struct {
	f        *os.File
	r        *bufio.Reader
	key, raw []byte
}

func openRun(path string) (*runReader, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("sort: spill file: %w", err)
	}
	return &runReader{f: f, r: bufio.NewReaderSize(f, 64<<10)}, nil
}

func (r *runReader) next() ([]byte, []byte, bool, error) {
	kl, err := binary.ReadUvarint(r.r)
	if errors.Is(err, io.EOF) {
		return nil, nil, false, nil
	}
	if err != nil {
		return nil, nil, false, r.corrupt(err)
	}
	if r.key, err = r.read(r.key, kl); err != nil {
		return nil, nil, false, err
	}
	rl, err := binary.ReadUvarint(r.r)
	if err != nil {
		return nil, nil, false, r.corrupt(err)
	}
	if r.raw, err = r.read(r.raw, rl); err != nil {
		return nil, nil, false, err
	}
	return r.key, r.raw, true, nil
}

func (r *runReader) read(buf []byte, n uint64) ([]byte, error) {
	if n > uint64(2*maxRecordLen) {
		return nil, r.corrupt(fmt.Errorf("a record of %d bytes", n))
	}
	if uint64(cap(buf)) < n {
		buf = make([]byte, n)
	}
	buf = buf[:n]
	if _, err := io.ReadFull(r.r, buf); err != nil {
		return nil, r.corrupt(err)
	}
	return buf, nil
}

func (r *runReader) corrupt(err error) error {
	return fmt.Errorf("sort: spill file %s is damaged (changed by another process?): %w", r.f.Name(), err)
}
