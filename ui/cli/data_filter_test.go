package cli

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestDataFilterAllRowsFail: an expression that no row can be evaluated on (a number where true or
// false is needed) fails with exit code 2 and the first error, with --count, --json and -o; one
// that fails on some rows only still succeeds and reports them.
func TestDataFilterAllRowsFail(t *testing.T) {
	dir := t.TempDir()
	in := filepath.Join(dir, "w.csv")
	os.WriteFile(in, []byte("alcohol,b\n14.2,x\n13.1,\n12.0,y\n"), 0o644)
	out := filepath.Join(dir, "o.csv")
	for _, args := range [][]string{
		{"filter", in, "alcohol + 1", "--count"},
		{"filter", in, "alcohol + 1", "--count", "--json"},
		{"filter", in, "alcohol + 1", "-o", out},
	} {
		_, _, err := runDataErr(t, args...)
		var ee *exitError
		if !errors.As(err, &ee) || ee.code != 2 || !strings.Contains(err.Error(), "any of the 3 rows") ||
			!strings.Contains(err.Error(), "line 2") {
			t.Errorf("%v: error %v, want exit 2 naming the first failing line", args, err)
		}
	}
	if _, err := os.Stat(out); !os.IsNotExist(err) {
		t.Errorf("the output of a failed filter was left: %v", err)
	}
	// b > "w" holds on lines 2 and 4 and fails on the null of line 3 only: not an error of the command.
	stdout, _, err := runDataErr(t, "filter", in, `b > "w"`, "--count")
	if err != nil || !strings.Contains(stdout, "2 of 3 rows match; 1 rows could not be evaluated") {
		t.Errorf("partly failing filter: %v %q", err, stdout)
	}
}
