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
