package runs

import (
	"bytes"
	"errors"
	"io"
	"sync"
	"time"

	"github.com/mlwb/mlwb/store"
)

// maxMetricLine is the longest line parsed for metrics; longer lines still go to the log whole,
// but a line of megabytes (a progress bar without newlines, binary output) is not a metric line.
const maxMetricLine = 64 << 10

// readChunk is how much one read from the child's pipe takes: big enough that a child printing
// as fast as it can is drained in few system calls.
const readChunk = 256 << 10

// logSink is the run's output.log, shared by the stdout and stderr pumps. Whole lines are written
// under one lock so the two streams interleave by line. The first write error (disk full, say) is
// kept and reported once; later output is still drained and parsed, so the child never blocks.
type logSink struct {
	mu     sync.Mutex
	w      io.Writer
	err    error
	onFail func(error)
}

func (l *logSink) write(b []byte) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.err != nil || len(b) == 0 {
		return
	}
	if _, err := l.w.Write(b); err != nil {
		l.err = err
		if l.onFail != nil {
			l.onFail(err)
		}
	}
}

// pump drains one of the child's streams into the log and feeds each complete line to the metric
// parser, until the stream ends. It never stops reading early: a child must not block on a full
// pipe because of us. This is the supervisor's hot loop, written by hand.
type pump struct {
	log    *logSink
	parser *MetricParser
	writer *store.MetricWriter
	runID  int64

	line     []byte // the current line's bytes so far, up to maxMetricLine
	overlong bool   // the current line passed maxMetricLine: it is logged, not parsed
	metrics  []Metric
	points   []store.Point
}

func (p *pump) run(r io.Reader) error {
	buf := make([]byte, readChunk)
	for {
		n, err := r.Read(buf)
		if n > 0 {
			p.feed(buf[:n], time.Now().UnixMilli())
		}
		if err != nil {
			if len(p.line) > 0 && !p.overlong { // a last line without a newline
				p.log.write(p.line)
				p.parse(p.line, time.Now().UnixMilli())
			}
			p.line = p.line[:0]
			p.flushPoints()
			if errors.Is(err, io.EOF) {
				return nil
			}
			return err
		}
	}
}

// feed handles one chunk read from the pipe: it finishes a line begun in an earlier chunk, logs
// the whole lines in one write and parses each, and keeps a trailing partial line for later.
func (p *pump) feed(chunk []byte, now int64) {
	if len(p.line) > 0 || p.overlong {
		i := bytes.IndexByte(chunk, '\n')
		if i < 0 {
			p.hold(chunk)
			return
		}
		switch {
		case p.overlong:
			p.log.write(chunk[:i+1])
		case len(p.line)+i <= maxMetricLine:
			p.line = append(p.line, chunk[:i]...)
			p.log.write(append(p.line, '\n'))
			p.parse(p.line, now)
		default:
			p.log.write(p.line)
			p.log.write(chunk[:i+1])
		}
		p.line, p.overlong = p.line[:0], false
		chunk = chunk[i+1:]
	}
	if j := bytes.LastIndexByte(chunk, '\n'); j >= 0 {
		p.log.write(chunk[:j+1])
		whole := chunk[:j]
		for {
			k := bytes.IndexByte(whole, '\n')
			line := whole
			if k >= 0 {
				line = whole[:k]
			}
			if len(line) <= maxMetricLine {
				p.parse(line, now)
			}
			if k < 0 {
				break
			}
			whole = whole[k+1:]
		}
		chunk = chunk[j+1:]
	}
	if len(chunk) > 0 {
		p.hold(chunk)
	}
	p.flushPoints() // every read: a slow child's points must reach the store within a flush period
}

// hold keeps the start of a line that has no newline yet. Past maxMetricLine the line is only
// logged, as it arrives, so memory stays bounded whatever the child prints.
func (p *pump) hold(part []byte) {
	if p.overlong {
		p.log.write(part)
		return
	}
	if len(p.line)+len(part) > maxMetricLine {
		p.log.write(p.line)
		p.log.write(part)
		p.line, p.overlong = p.line[:0], true
		return
	}
	p.line = append(p.line, part...)
}

func (p *pump) parse(line []byte, now int64) {
	p.metrics = p.parser.Parse(p.metrics[:0], line)
	for _, m := range p.metrics {
		p.points = append(p.points, store.Point{RunID: p.runID, Key: m.Key, Step: m.Step, Time: now, Value: m.Value})
	}
}

func (p *pump) flushPoints() {
	if len(p.points) > 0 {
		p.writer.Add(p.points...)
		p.points = p.points[:0]
	}
}
