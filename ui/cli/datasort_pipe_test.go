package cli

import (
	"io"
	"os"
	"path/filepath"
	"syscall"
	"testing"
)

// TestDataSortIntoPipe: -o naming a pipe (as /dev/null names a device) is written in place and
// stays a pipe; a rename over it would have replaced it with a regular file.
func TestDataSortIntoPipe(t *testing.T) {
	dir := t.TempDir()
	in := filepath.Join(dir, "d.csv")
	os.WriteFile(in, []byte("n\n3\n1\n2\n"), 0o644)
	fifo := filepath.Join(dir, "out.csv")
	text, ok := throughPipe(t, fifo, func() error {
		_, _, err := runDataErr(t, "sort", in, "-k", "n", "-o", fifo)
		return err
	})
	if !ok {
		t.Skip("no fifo here")
	}
	if text != "n\n1\n2\n3\n" {
		t.Fatalf("through the pipe: %q", text)
	}
}

// throughPipe makes a named pipe at path, runs write (which writes into it) while reading it
// in the background, checks the pipe is still a pipe (a rename over it would have replaced it
// with a regular file) and returns what came through; ok is false when no fifo can be made.
func throughPipe(t *testing.T, path string, write func() error) (text string, ok bool) {
	t.Helper()
	if err := syscall.Mkfifo(path, 0o600); err != nil {
		return "", false
	}
	got := make(chan string, 1)
	go func() {
		f, err := os.Open(path) // waits for the writer
		if err != nil {
			got <- err.Error()
			return
		}
		b, _ := io.ReadAll(f)
		f.Close()
		got <- string(b)
	}()
	if err := write(); err != nil {
		t.Fatal(err)
	}
	if st, err := os.Lstat(path); err != nil || st.Mode()&os.ModeNamedPipe == 0 {
		t.Fatalf("the pipe %s was replaced: %v", path, err)
	}
	return <-got, true
}

// TestDataFilterOutputSafe: filter -o writes through data.Output — onto a pipe in place (the pipe
// stays), over its own input without truncating it first, and a filter that fails on every row
// leaves an existing OUT as it was (it used to remove whatever -o named, /dev/null included).
func TestDataFilterOutputSafe(t *testing.T) {
	dir := t.TempDir()
	in := filepath.Join(dir, "d.csv")
	os.WriteFile(in, []byte("n\n3\n1\n2\n"), 0o644)
	fifo := filepath.Join(dir, "pipe.csv")
	if text, ok := throughPipe(t, fifo, func() error {
		_, _, err := runDataErr(t, "filter", in, "n > 1", "-o", fifo)
		return err
	}); ok && text != "n\n3\n2\n" {
		t.Fatalf("through the pipe: %q", text)
	}
	keep := filepath.Join(dir, "keep.csv")
	os.WriteFile(keep, []byte("precious\n"), 0o644)
	if _, _, err := runDataErr(t, "filter", in, "n + 1", "-o", keep); err == nil {
		t.Fatal("a filter failing on every row succeeded")
	}
	if b, err := os.ReadFile(keep); err != nil || string(b) != "precious\n" {
		t.Fatalf("a failed filter touched OUT: %q %v", b, err)
	}
	if _, _, err := runDataErr(t, "filter", in, "n >= 2", "-o", in); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(in); string(b) != "n\n3\n2\n" {
		t.Fatalf("filtering a file onto itself: %q", b)
	}
}
