package data

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/klauspost/compress/gzip"
)

// BenchmarkHeadFirstScreen reads the Data grid's first screen (the header and 50 rows, what
// Head gives the grid before any index exists) of files of different sizes and shapes: the
// time must not grow with the file (it reads only what the rows need). Target: ≤ 50 ms for any
// size. Files: the 3M-row benchmark CSV (~100 MB), a 30,000-row cut of it (~1 MB), the big one
// gzip-compressed (read through the decompressor), and a 10,000-column file.
func BenchmarkHeadFirstScreen(b *testing.B) {
	big := benchCSV(b, 3_000_000)
	small := filepath.Join(os.TempDir(), "mlwb-bench-head-30000.csv")
	cutLines(b, big, small, 30_001)
	gz := filepath.Join(os.TempDir(), "mlwb-bench-3000000.csv.gz")
	gzipOnce(b, big, gz)
	wide := filepath.Join(os.TempDir(), "mlwb-bench-wide-10000.csv")
	wideCSV(b, wide, 10_000, 200)
	for _, c := range []struct{ name, path string }{
		{"csv-1MB", small}, {"csv-100MB", big}, {"csv.gz-100MB", gz}, {"csv-10000-columns", wide},
	} {
		b.Run(c.name, func(b *testing.B) {
			for b.Loop() {
				names, rows, err := Head(c.path, 50)
				if err != nil || len(rows) != 50 || len(names) == 0 {
					b.Fatalf("%s: %d names, %d rows, %v", c.path, len(names), len(rows), err)
				}
			}
		})
	}
}

// cutLines writes the first n lines of src to dst, once.
func cutLines(b *testing.B, src, dst string, n int) {
	if _, err := os.Stat(dst); err == nil {
		return
	}
	in, err := os.Open(src)
	if err != nil {
		b.Fatal(err)
	}
	defer in.Close()
	var sb strings.Builder
	sc := bufio.NewScanner(in)
	for i := 0; i < n && sc.Scan(); i++ {
		sb.WriteString(sc.Text() + "\n")
	}
	writeOnce(b, dst, []byte(sb.String()))
}

// gzipOnce writes src gzip-compressed to dst, once.
func gzipOnce(b *testing.B, src, dst string) {
	if _, err := os.Stat(dst); err == nil {
		return
	}
	in, err := os.Open(src)
	if err != nil {
		b.Fatal(err)
	}
	defer in.Close()
	tmp := dst + ".tmp"
	f, err := os.Create(tmp)
	if err != nil {
		b.Fatal(err)
	}
	zw, _ := gzip.NewWriterLevel(f, gzip.BestSpeed)
	if _, err := io.Copy(zw, in); err != nil {
		b.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		b.Fatal(err)
	}
	f.Close()
	if err := os.Rename(tmp, dst); err != nil {
		b.Fatal(err)
	}
}

// wideCSV writes a file of cols integer columns and rows rows, once.
func wideCSV(b *testing.B, path string, cols, rows int) {
	if _, err := os.Stat(path); err == nil {
		return
	}
	var sb strings.Builder
	for c := 0; c < cols; c++ {
		if c > 0 {
			sb.WriteByte(',')
		}
		fmt.Fprintf(&sb, "c%d", c)
	}
	sb.WriteByte('\n')
	for r := 0; r < rows; r++ {
		for c := 0; c < cols; c++ {
			if c > 0 {
				sb.WriteByte(',')
			}
			fmt.Fprintf(&sb, "%d", (r*31+c)%1000)
		}
		sb.WriteByte('\n')
	}
	writeOnce(b, path, []byte(sb.String()))
}

func writeOnce(b *testing.B, path string, data []byte) {
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, data, 0o644); err != nil {
		b.Fatal(err)
	}
	if err := os.Rename(tmp, path); err != nil {
		b.Fatal(err)
	}
}
