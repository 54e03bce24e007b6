package data

import (
	"context"
	"encoding/binary"
	"errors"
	"hash/crc32"
	"os"
	"reflect"
	"testing"
	"time"
)

// FuzzRowIndexFile feeds hostile bytes as a row index file. Decoding never panics, and what
// decodes encodes back to the same bytes. As the cache of a real file: when the bytes are taken
// as they come, the checksum refuses any change, so the rows read are always the true ones; with
// fixCRC the fuzzer's bytes get a valid checksum, so the range and order checks are what stand
// between them and a read, which then must end in rows or an error naming the file, never a
// panic or a hang.
func FuzzRowIndexFile(f *testing.F) {
	content := genTrickyCSV(60, ",", "\r\n", true, 1)
	dir := f.TempDir()
	path := dir + "/d.csv"
	if err := os.WriteFile(path, content, 0o644); err != nil {
		f.Fatal(err)
	}
	ref, err := BuildRowIndex(context.Background(), path, IndexOptions{Every: 4})
	if err != nil {
		f.Fatal(err)
	}
	want, err := ref.Rows(context.Background(), 0, 1000)
	if err != nil {
		f.Fatal(err)
	}
	cacheDir := dir + "/cache"
	cacheFile := indexCachePath(cacheDir, path)
	if _, err := BuildRowIndex(context.Background(), path, IndexOptions{Every: 4, CacheDir: cacheDir}); err != nil {
		f.Fatal(err)
	}
	good, err := os.ReadFile(cacheFile)
	if err != nil {
		f.Fatal(err)
	}
	f.Add(good, false)
	f.Add(good, true)
	f.Add(good[:indexHeaderSize+4], true)
	f.Add([]byte("MLWBRIDX"), false)
	f.Fuzz(func(t *testing.T, b []byte, fixCRC bool) {
		if fixCRC && len(b) >= 4 {
			binary.LittleEndian.PutUint32(b[len(b)-4:], crc32.Checksum(b[:len(b)-4], crcTable))
		}
		if d, err := decodeIndex(b); err == nil {
			back, err := decodeIndex(encodeIndex(d))
			if err != nil || !reflect.DeepEqual(back, d) {
				t.Fatalf("decoded index does not round-trip: %v", err)
			}
		}
		if err := os.WriteFile(cacheFile, b, 0o644); err != nil {
			t.Skip(err)
		}
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
		defer cancel()
		ix, err := BuildRowIndex(ctx, path, IndexOptions{Every: 4, CacheDir: cacheDir})
		if err != nil {
			t.Fatalf("a bad cache file broke the index: %v", err)
		}
		for _, from := range []int64{0, 3, 4, 5, 30, 59} {
			win, err := ix.Rows(ctx, from, 3)
			if errors.Is(err, context.DeadlineExceeded) {
				t.Fatal("hung")
			}
			if err != nil {
				if !fixCRC {
					t.Fatalf("Rows(%d): %v", from, err)
				}
				continue
			}
			if !fixCRC && !reflect.DeepEqual(win.Rows, want.Rows[from:min(from+3, int64(len(want.Rows)))]) {
				t.Fatalf("Rows(%d) = %q from a cache that should have been refused", from, win.Rows)
			}
		}
	})
}
