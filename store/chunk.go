package store

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math"
)

// Metric points are stored in chunks: one row of metric_chunks holds up to maxChunkPoints points of
// one series (run, metric key) as a packed blob. One B-tree insert per chunk instead of two per point
// (table and index) is what lets the write path take hundreds of thousands of points a second, and a
// series reads back as a few blobs instead of a row per point. The codec is hand-written: it is the
// store's hot path and tiny.
//
// Layout of a chunk, point after point (the first point's deltas are from zero):
//
//	uvarint(zigzag(step − previous step))
//	uvarint(zigzag(ts − previous ts))     (Unix milliseconds)
//	8 bytes little-endian IEEE-754 value  (NaN and ±Inf kept as they are)

// maxChunkPoints bounds one chunk, so a reader never decodes more than it needs by much.
const maxChunkPoints = 4096

// errBadChunk reports a chunk blob that does not decode to the point count stored with it.
var errBadChunk = errors.New("corrupt metric chunk")

func zigzag(v int64) uint64   { return uint64(v<<1) ^ uint64(v>>63) }
func unzigzag(u uint64) int64 { return int64(u>>1) ^ -int64(u&1) }

// appendChunk encodes one point, given as deltas from the chunk's previous point, onto buf.
func appendChunk(buf []byte, dStep, dTime int64, v float64) []byte {
	buf = binary.AppendUvarint(buf, zigzag(dStep))
	buf = binary.AppendUvarint(buf, zigzag(dTime))
	return binary.LittleEndian.AppendUint64(buf, math.Float64bits(v))
}

// decodeChunk appends the n points of data to dst, filling RunID and Key from the arguments.
// A blob that is short, long or malformed is an error, never a panic or a wrong point.
func decodeChunk(dst []Point, data []byte, n int, runID int64, key string) ([]Point, error) {
	if n < 0 || n > maxChunkPoints {
		return dst, fmt.Errorf("%w: %d points", errBadChunk, n)
	}
	var step, ts int64
	for i := 0; i < n; i++ {
		ds, k := binary.Uvarint(data)
		if k <= 0 {
			return dst, fmt.Errorf("%w: point %d step", errBadChunk, i)
		}
		data = data[k:]
		dt, k := binary.Uvarint(data)
		if k <= 0 {
			return dst, fmt.Errorf("%w: point %d time", errBadChunk, i)
		}
		data = data[k:]
		if len(data) < 8 {
			return dst, fmt.Errorf("%w: point %d value", errBadChunk, i)
		}
		step += unzigzag(ds)
		ts += unzigzag(dt)
		v := math.Float64frombits(binary.LittleEndian.Uint64(data))
		data = data[8:]
		dst = append(dst, Point{RunID: runID, Key: key, Step: step, Time: ts, Value: v})
	}
	if len(data) != 0 {
		return dst, fmt.Errorf("%w: %d bytes after %d points", errBadChunk, len(data), n)
	}
	return dst, nil
}
