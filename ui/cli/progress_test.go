package cli

import (
	"bytes"
	"os"
	"strings"
	"sync"
	"testing"
	"time"
)

// TestProgressLine: nothing on a pipe; on a terminal, nothing in the first progressAfter, then
// the line rewritten in place with the step and the share done (the largest a worker reported),
// at most every progressEvery, and cleared before the result is printed.
func TestProgressLine(t *testing.T) {
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	defer w.Close()
	if p := newProgress(w, "x"); p != nil {
		t.Fatal("a progress line on a pipe")
	}
	var nilLine *progressLine
	nilLine.report("reading", 1, 2) // does nothing
	nilLine.clear()

	var buf bytes.Buffer
	p := &progressLine{w: &buf, label: "sorting f.csv", started: time.Now()}
	p.report("reading", 10, 100)
	if buf.Len() != 0 {
		t.Fatalf("drawn before %v: %q", progressAfter, buf.String())
	}
	p.started = time.Now().Add(-2 * time.Second)
	var wg sync.WaitGroup
	for _, d := range []int64{40, 45, 30} { // workers, out of order
		wg.Add(1)
		go func() { defer wg.Done(); p.report("reading", d, 100) }()
	}
	wg.Wait()
	p.drawn = time.Time{}
	p.report("reading", 20, 100)
	out := buf.String()
	if !strings.HasPrefix(out, "\r\x1b[Ksorting f.csv: reading ") || !strings.Contains(out, "reading 45% · 2") {
		t.Fatalf("line: %q", out)
	}
	buf.Reset()
	p.report("writing", 1, 10) // within progressEvery of the last draw: not drawn
	if buf.Len() != 0 {
		t.Fatalf("redrawn too soon: %q", buf.String())
	}
	p.drawn = time.Now().Add(-time.Second)
	p.report("writing", 5, 10)
	if !strings.Contains(buf.String(), "writing 50%") {
		t.Fatalf("new step: %q", buf.String())
	}
	buf.Reset()
	p.clear()
	if buf.String() != "\r\x1b[K" {
		t.Fatalf("clear wrote %q", buf.String())
	}
	buf.Reset()
	p.clear() // nothing drawn since: nothing to clear
	if buf.Len() != 0 {
		t.Fatalf("second clear wrote %q", buf.String())
	}
}
