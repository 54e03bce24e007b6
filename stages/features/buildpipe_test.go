package features

import (
	"context"
	"io"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// TestBuildFileIntoPipe: an output that is a pipe (as /dev/null is a device) is written in place;
// renaming the temporary file over it would replace it with a regular file (which, run as root
// with -o /dev/null, broke /dev/null for the whole machine).
func TestBuildFileIntoPipe(t *testing.T) {
	dir := t.TempDir()
	in := writeFile(t, dir, "d.csv", fixture)
	pl, err := fitText(t, in, "columns:\n  x: standardize\n")
	if err != nil {
		t.Fatal(err)
	}
	fifo := filepath.Join(dir, "out.csv")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Skipf("no fifo here: %v", err)
	}
	got := make(chan string, 1)
	go func() {
		f, err := os.Open(fifo) // blocks until the writer opens it
		if err != nil {
			got <- "open: " + err.Error()
			return
		}
		b, _ := io.ReadAll(f)
		f.Close()
		got <- string(b)
	}()
	res, err := BuildFile(context.Background(), in, fifo, pl, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if st, err := os.Lstat(fifo); err != nil || st.Mode()&os.ModeNamedPipe == 0 {
		t.Fatalf("the pipe was replaced: %v", err) // checked first: a reader of a replaced pipe waits for ever
	}
	text := <-got
	if !strings.HasPrefix(text, "x") || int64(strings.Count(text, "\n")) != res.Rows+1 {
		t.Fatalf("through the pipe (%d rows): %q", res.Rows, text)
	}
}
