package store

import (
	"context"
	"database/sql"
	"errors"
	"math"
	"path/filepath"
	"testing"
)

// encodePoints encodes pts as one chunk through the write path's encoder.
func encodePoints(pts []Point) []byte {
	b := newSeriesBatch(1, "k")
	for _, p := range pts {
		b.add(p)
	}
	return b.cur.data
}

// TestChunkRoundTrip covers negative and backward steps, large time jumps and special floats.
func TestChunkRoundTrip(t *testing.T) {
	pts := []Point{
		{Step: 0, Time: 1_700_000_000_000, Value: 1.5},
		{Step: -3, Time: 1_700_000_000_001, Value: math.NaN()},
		{Step: math.MaxInt64, Time: 0, Value: math.Inf(1)},
		{Step: math.MinInt64, Time: math.MaxInt64, Value: math.Inf(-1)},
		{Step: 7, Time: -5, Value: -0.0},
		{Step: 7, Time: -5, Value: math.SmallestNonzeroFloat64},
	}
	buf := encodePoints(pts)
	got, err := decodeChunk(nil, buf, len(pts), 9, "k")
	if err != nil {
		t.Fatal(err)
	}
	for i, p := range pts {
		g := got[i]
		if g.Step != p.Step || g.Time != p.Time || math.Float64bits(g.Value) != math.Float64bits(p.Value) || g.RunID != 9 || g.Key != "k" {
			t.Fatalf("point %d: got %+v want %+v", i, g, p)
		}
	}
	for _, bad := range []struct {
		data []byte
		n    int
	}{{buf, len(pts) + 1}, {buf, len(pts) - 1}, {buf[:len(buf)-1], len(pts)}, {buf, -1}, {buf, maxChunkPoints + 1}, {[]byte{0x80}, 1}} {
		if _, err := decodeChunk(nil, bad.data, bad.n, 1, "k"); !errors.Is(err, errBadChunk) {
			t.Fatalf("n=%d len=%d: err %v, want errBadChunk", bad.n, len(bad.data), err)
		}
	}
}

// FuzzDecodeChunk: a corrupt blob in the database must give an error, never a panic; whatever
// decodes must encode back to the same bytes.
func FuzzDecodeChunk(f *testing.F) {
	f.Add(encodePoints([]Point{{Step: 1, Time: 2, Value: 3}, {Step: 2, Time: 5, Value: 4}}), 2)
	f.Add([]byte{}, 0)
	f.Add([]byte{0xff, 0xff, 0xff}, 1)
	f.Fuzz(func(t *testing.T, data []byte, n int) {
		pts, err := decodeChunk(nil, data, n, 1, "k")
		if err != nil {
			return
		}
		if len(pts) != n {
			t.Fatalf("decoded %d points, want %d", len(pts), n)
		}
		if back := encodePoints(pts); string(back) != string(data) && !nonCanonicalVarint(data) {
			t.Fatalf("re-encoding differs")
		}
	})
}

// nonCanonicalVarint reports blobs whose varints carry redundant zero groups (they decode, but
// re-encode shorter), so the fuzz target does not flag them.
func nonCanonicalVarint(data []byte) bool {
	for i := 1; i < len(data); i++ {
		if data[i] == 0 && data[i-1]&0x80 != 0 {
			return true
		}
	}
	return false
}

// TestUpgradeConvertsVersion1Points builds a version-1 database with metric rows the way an older
// mlwb stored them (a NULL for NaN, two runs, interleaved keys) and checks Open moves every point
// into chunks, in order, and drops the old table.
func TestUpgradeConvertsVersion1Points(t *testing.T) {
	path := filepath.Join(t.TempDir(), "state.db")
	db, err := sql.Open("sqlite3", dsn(path, false))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec(migrations[0] + "; PRAGMA user_version = 1"); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec(`INSERT INTO runs (id, uuid, status, created_at) VALUES (1, 'aa', 'finished', 0), (2, 'bb', 'finished', 0);
		INSERT INTO metric_keys (id, name) VALUES (1, 'loss'), (2, 'acc');
		INSERT INTO metric_points (run_id, key_id, step, ts, value) VALUES
			(1, 1, 0, 100, 0.9), (1, 2, 0, 100, 0.1), (1, 1, 1, 200, NULL), (2, 1, 5, 300, 0.5), (1, 1, 2, 300, 0.7)`); err != nil {
		t.Fatal(err)
	}
	db.Close()
	s, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	h, err := s.History(context.Background(), 1, "loss")
	if err != nil {
		t.Fatal(err)
	}
	if len(h) != 3 || h[0].Value != 0.9 || !math.IsNaN(h[1].Value) || h[1].Time != 200 || h[2].Step != 2 || h[2].Value != 0.7 {
		t.Fatalf("run 1 loss after upgrade: %+v", h)
	}
	if h, _ := s.History(context.Background(), 2, "loss"); len(h) != 1 || h[0].Step != 5 {
		t.Fatalf("run 2 loss after upgrade: %+v", h)
	}
	var n int
	if err := s.db.QueryRow("SELECT count(*) FROM sqlite_master WHERE name = 'metric_points'").Scan(&n); err != nil || n != 0 {
		t.Fatalf("metric_points still there: %v %d", err, n)
	}
}
