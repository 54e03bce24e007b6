package data

import (
	"bufio"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// benchCSV writes (once per machine, kept in the temp dir) the benchmark shape: rows of a
// datetime, two integers and two short strings, about 33 bytes a row (3M rows ≈ 100 MB).
func benchCSV(tb testing.TB, rows int) string {
	tb.Helper()
	path := filepath.Join(os.TempDir(), fmt.Sprintf("mlwb-bench-%d.csv", rows))
	if st, err := os.Stat(path); err == nil && st.Size() > 0 {
		return path
	}
	tmp := path + ".tmp"
	f, err := os.Create(tmp)
	if err != nil {
		tb.Fatal(err)
	}
	w := bufio.NewWriterSize(f, 1<<20)
	r := rand.New(rand.NewPCG(7, 8))
	origins := []string{"ORD", "ATL", "DFW", "DEN", "LAX", "JFK", "SFO", "SEA", "LAS", "MCO"}
	carriers := []string{"AA", "DL", "UA", "WN", "B6", "AS", "NK", "F9"}
	t0 := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC).Unix()
	fmt.Fprintln(w, "ts,delay,distance,origin,carrier")
	for i := 0; i < rows; i++ {
		ts := time.Unix(t0+int64(i)*10+int64(r.IntN(10)), 0).UTC()
		delay := int(r.NormFloat64()*25) + 5
		dist := 100 + r.IntN(2900)
		fmt.Fprintf(w, "%s,%d,%d,%s,%s\n", ts.Format("2006-01-02 15:04:05"), delay, dist, origins[r.IntN(len(origins))], carriers[r.IntN(len(carriers))])
	}
	if err := w.Flush(); err != nil {
		tb.Fatal(err)
	}
	f.Close()
	if err := os.Rename(tmp, path); err != nil {
		tb.Fatal(err)
	}
	return path
}
