package cli

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestDataHeadMalformed: data head fails (exit 2) with the file and line on an unterminated quoted
// record, warns on standard error with the line of a row with extra fields, and refuses -n -1.
func TestDataHeadMalformed(t *testing.T) {
	dir := t.TempDir()
	q := filepath.Join(dir, "q.csv")
	os.WriteFile(q, []byte("a,b\n1,2\n3,\"unterminated\n"), 0o644)
	_, _, err := runDataErr(t, "head", q)
	var ee *exitError
	if !errors.As(err, &ee) || ee.code != 2 || !strings.Contains(err.Error(), "q.csv: line 3") {
		t.Errorf("unterminated quote: %v", err)
	}
	r := filepath.Join(dir, "r.csv")
	os.WriteFile(r, []byte("a,b\n1,2\n3,4,5\n"), 0o644)
	out, stderr, err := runDataErr(t, "head", r)
	if err != nil || !strings.Contains(out, "3  4") || !strings.Contains(stderr, "r.csv: line 3: row has 3 fields, the header has 2") {
		t.Errorf("ragged: %v\n%s\n%s", err, out, stderr)
	}
	if _, _, err := runDataErr(t, "head", r, "-n", "-1"); !errors.As(err, &ee) || ee.code != 2 || !strings.Contains(err.Error(), "-1") {
		t.Errorf("-n -1: %v", err)
	}
}
