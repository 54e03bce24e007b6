package store

import (
	"context"
	"database/sql"
	"fmt"
	"math"
	"sync"
)

// seriesBatch is one series' share of a WriteMetrics batch: its points already encoded as chunks
// and folded into a summary, in one pass over the batch. This is the write path's hot loop, so it
// allocates per chunk, not per point.
type seriesBatch struct {
	run   int64
	key   string
	keyID int64
	sum   Summary // of this batch only; merged into the stored summary on upsert
	done  []encodedChunk
	cur   encodedChunk
}

// encodedChunk is one metric_chunks row in the making.
type encodedChunk struct {
	n                  int
	first, last        int64 // steps
	prevStep, prevTime int64 // delta bases for the next point
	data               []byte
}

func newSeriesBatch(run int64, key string) *seriesBatch {
	return &seriesBatch{run: run, key: key, sum: Summary{Key: key, Min: math.NaN(), Max: math.NaN()}}
}

// add encodes p and folds it into the summary.
func (b *seriesBatch) add(p Point) {
	c := &b.cur
	if c.n == maxChunkPoints {
		b.done = append(b.done, *c)
		*c = encodedChunk{}
	}
	if c.n == 0 {
		c.first = p.Step
		if c.data == nil {
			c.data = getChunkBuf()
		}
	}
	c.data = appendChunk(c.data, p.Step-c.prevStep, p.Time-c.prevTime, p.Value)
	c.prevStep, c.prevTime, c.last = p.Step, p.Time, p.Step
	c.n++

	s := &b.sum
	s.Last, s.LastStep, s.LastTime = p.Value, p.Step, p.Time
	s.Count++
	if !math.IsNaN(p.Value) {
		if math.IsNaN(s.Min) || p.Value < s.Min {
			s.Min = p.Value
		}
		if math.IsNaN(s.Max) || p.Value > s.Max {
			s.Max = p.Value
		}
	}
}

// chunks returns every chunk of the series, the open one last.
func (b *seriesBatch) chunks() []encodedChunk {
	if b.cur.n == 0 {
		return b.done
	}
	return append(b.done, b.cur)
}

// chunkBufs recycles chunk buffers between batches: a steady writer then encodes into warm memory
// instead of growing fresh slices (and faulting in fresh pages) for every flush.
var chunkBufs = sync.Pool{New: func() any { b := make([]byte, 0, 16<<10); return &b }}

func getChunkBuf() []byte { return (*chunkBufs.Get().(*[]byte))[:0] }

// release hands the batch's buffers back for reuse; b must not be used afterwards.
func (b *seriesBatch) release() {
	for _, c := range b.chunks() {
		if cap(c.data) <= 1<<20 {
			d := c.data[:0]
			chunkBufs.Put(&d)
		}
	}
	b.done, b.cur = nil, encodedChunk{}
}

// foldBatch splits pts into series in order of first appearance. Batches carry few series (a run
// logs a handful of keys), so the lookup tries the previous point's series, then a linear scan,
// and only past 32 series a map.
func foldBatch(pts []Point) ([]*seriesBatch, error) {
	var out []*seriesBatch
	var index map[seriesKey]*seriesBatch
	var last *seriesBatch
	for _, p := range pts {
		b := last
		if b == nil || b.run != p.RunID || b.key != p.Key {
			b = nil
			if index != nil {
				b = index[seriesKey{p.RunID, p.Key}]
			} else {
				for _, c := range out {
					if c.run == p.RunID && c.key == p.Key {
						b = c
						break
					}
				}
			}
			if b == nil {
				if p.Key == "" {
					return nil, fmt.Errorf("metric key is empty (run %d, step %d)", p.RunID, p.Step)
				}
				b = newSeriesBatch(p.RunID, p.Key)
				out = append(out, b)
				if index != nil {
					index[seriesKey{p.RunID, p.Key}] = b
				} else if len(out) > 32 {
					index = make(map[seriesKey]*seriesBatch, 2*len(out))
					for _, c := range out {
						index[seriesKey{c.run, c.key}] = c
					}
				}
			}
			last = b
		}
		b.add(p)
	}
	return out, nil
}

type seriesKey struct {
	run int64
	key string
}

func prepareChunkInsert(ctx context.Context, tx *Tx) (*sql.Stmt, error) {
	stmt, err := tx.PrepareContext(ctx, `INSERT INTO metric_chunks (run_id, key_id, n, first_step, last_step, data)
		VALUES (?,?,?,?,?,?)`)
	if err != nil {
		return nil, fmt.Errorf("prepare metric insert: %w", err)
	}
	return stmt, nil
}

// insertChunks stores the encoded chunks of b (whose keyID is set).
func (b *seriesBatch) insertChunks(ctx context.Context, stmt *sql.Stmt) error {
	for _, c := range b.chunks() {
		if _, err := stmt.ExecContext(ctx, b.run, b.keyID, c.n, c.first, c.last, c.data); err != nil {
			return fmt.Errorf("insert metric points of run %d: %w", b.run, err)
		}
	}
	return nil
}

func prepareSummaryUpsert(ctx context.Context, tx *Tx) (*sql.Stmt, error) {
	stmt, err := tx.PrepareContext(ctx, `INSERT INTO metric_summaries (run_id, key_id, last, last_step, last_ts, min, max, count)
		VALUES (?,?,?,?,?,?,?,?)
		ON CONFLICT (run_id, key_id) DO UPDATE SET
			last = excluded.last, last_step = excluded.last_step, last_ts = excluded.last_ts,
			min = CASE WHEN metric_summaries.min IS NULL THEN excluded.min
			           WHEN excluded.min IS NULL THEN metric_summaries.min
			           ELSE min(metric_summaries.min, excluded.min) END,
			max = CASE WHEN metric_summaries.max IS NULL THEN excluded.max
			           WHEN excluded.max IS NULL THEN metric_summaries.max
			           ELSE max(metric_summaries.max, excluded.max) END,
			count = metric_summaries.count + excluded.count`)
	if err != nil {
		return nil, fmt.Errorf("prepare summary upsert: %w", err)
	}
	return stmt, nil
}

// upsertSummary merges the batch's summary into the stored one: the runs table reads summaries,
// never the points.
func (b *seriesBatch) upsertSummary(ctx context.Context, stmt *sql.Stmt) error {
	s := b.sum
	if _, err := stmt.ExecContext(ctx, b.run, b.keyID, sqlValue(s.Last), s.LastStep, s.LastTime,
		sqlValue(s.Min), sqlValue(s.Max), s.Count); err != nil {
		return fmt.Errorf("update summary of run %d: %w", b.run, err)
	}
	return nil
}
