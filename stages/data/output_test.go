package data

import (
	"io"
	"os"
	"path/filepath"
	"syscall"
	"testing"
)

// TestOutput: a new file is 0644 and appears only on Commit; a replaced file keeps its mode; a
// symlink stays a link to the new content; Abort leaves the old file as it was; a pipe is written
// in place and stays a pipe.
func TestOutput(t *testing.T) {
	dir := t.TempDir()
	write := func(path, text string) error {
		o, err := CreateOutput(path)
		if err != nil {
			return err
		}
		if _, err := io.WriteString(o, text); err != nil {
			o.Abort()
			return err
		}
		if _, err := os.Stat(path); err == nil && o.inPlace == false {
			if b, _ := os.ReadFile(path); string(b) == text {
				t.Errorf("%s has the new text before Commit", path)
			}
		}
		return o.Commit()
	}
	fresh := filepath.Join(dir, "new.csv")
	if err := write(fresh, "a\n"); err != nil {
		t.Fatal(err)
	}
	if st, _ := os.Stat(fresh); st.Mode().Perm() != 0o644 {
		t.Errorf("new file mode %v", st.Mode().Perm())
	}
	os.Chmod(fresh, 0o640)
	if err := write(fresh, "b\n"); err != nil {
		t.Fatal(err)
	}
	if st, _ := os.Stat(fresh); st.Mode().Perm() != 0o640 {
		t.Errorf("replaced file mode %v, want 0640 kept", st.Mode().Perm())
	}
	link := filepath.Join(dir, "link.csv")
	os.Symlink(fresh, link)
	if err := write(link, "c\n"); err != nil {
		t.Fatal(err)
	}
	if st, err := os.Lstat(link); err != nil || st.Mode()&os.ModeSymlink == 0 {
		t.Fatalf("the link was replaced: %v", err)
	}
	if b, _ := os.ReadFile(fresh); string(b) != "c\n" {
		t.Errorf("link target holds %q", b)
	}
	o, err := CreateOutput(fresh)
	if err != nil {
		t.Fatal(err)
	}
	io.WriteString(o, "half")
	o.Abort()
	if b, _ := os.ReadFile(fresh); string(b) != "c\n" {
		t.Errorf("after Abort the file holds %q", b)
	}
	if left, _ := filepath.Glob(filepath.Join(dir, ".*tmp-*")); len(left) != 0 {
		t.Errorf("temporary files left: %v", left)
	}
	fifo := filepath.Join(dir, "pipe")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Skipf("no fifo: %v", err)
	}
	got := make(chan string, 1)
	go func() {
		f, err := os.Open(fifo)
		if err != nil {
			got <- err.Error()
			return
		}
		b, _ := io.ReadAll(f)
		f.Close()
		got <- string(b)
	}()
	if err := write(fifo, "p\n"); err != nil {
		t.Fatal(err)
	}
	if st, err := os.Lstat(fifo); err != nil || st.Mode()&os.ModeNamedPipe == 0 {
		t.Fatalf("the pipe was replaced: %v", err)
	}
	if s := <-got; s != "p\n" {
		t.Errorf("through the pipe: %q", s)
	}
}
