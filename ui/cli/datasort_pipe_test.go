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
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Skipf("no fifo here: %v", err)
	}
	got := readPipe(fifo)
	if _, _, err := runDataErr(t, "sort", in, "-k", "n", "-o", fifo); err != nil {
		t.Fatal(err)
	}
	if st, err := os.Lstat(fifo); err != nil || st.Mode()&os.ModeNamedPipe == 0 {
		t.Fatalf("sort replaced the pipe: %v", err)
	}
	if text := <-got; text != "n\n1\n2\n3\n" {
		t.Fatalf("through the pipe: %q", text)
	}
}

// readPipe reads the named pipe at path to its end in the background (opening it waits for a
// writer) and sends what it read, or the error.
func readPipe(path string) <-chan string {
	got := make(chan string, 1)
	go func() {
		f, err := os.Open(path)
		if err != nil {
			got <- err.Error()
			return
		}
		b, _ := io.ReadAll(f)
		f.Close()
		got <- string(b)
	}()
	return got
}

// TestDataFilterOutputSafe: filter -o writes through data.Output — onto a pipe in place (the pipe
// stays), over its own input without truncating it first, and a filter that fails on every row
// leaves an existing OUT as it was (it used to remove whatever -o named, /dev/null included).
func TestDataFilterOutputSafe(t *testing.T) {
	dir := t.TempDir()
	in := filepath.Join(dir, "d.csv")
	os.WriteFile(in, []byte("n\n3\n1\n2\n"), 0o644)
	fifo := filepath.Join(dir, "pipe.csv")
	if err := syscall.Mkfifo(fifo, 0o600); err == nil {
		got := readPipe(fifo)
		if _, _, err := runDataErr(t, "filter", in, "n > 1", "-o", fifo); err != nil {
			t.Fatal(err)
		}
		if st, err := os.Lstat(fifo); err != nil || st.Mode()&os.ModeNamedPipe == 0 {
			t.Fatalf("filter replaced the pipe: %v", err)
		}
		if text := <-got; text != "n\n3\n2\n" {
			t.Fatalf("through the pipe: %q", text)
		}
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
