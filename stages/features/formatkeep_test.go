package features

import (
	"reflect"
	"strings"
	"testing"
)

// commentedSpec has comments in each place a person puts them: the file's head, above and beside
// keys, above a column, beside a column, and at the end.
const commentedSpec = `# Features for the delays model.
# Reviewed by Ada.

rest: keep # everything else as is
# the columns, in the order the model wants
columns:
  # minutes late; negative is early
  delay: standardize # fitted on 2024 data
  carrier: {onehot: {top: 5}}
  # drop: leaks the label
  tail: drop
# end of spec
`

// TestFormatSpecKeepsComments: after an edit (a column changed, one dropped from the spec, one
// added), the written spec parses to the edited columns and keeps every comment that belongs to
// what is still there, each in its place; the dropped column's comment goes with it.
func TestFormatSpecKeepsComments(t *testing.T) {
	sp, err := ParseSpec("f.yaml", []byte(commentedSpec))
	if err != nil {
		t.Fatal(err)
	}
	sp.Columns[0].Scale = "minmax"                                         // delay changes
	sp.Columns = sp.Columns[:2]                                            // tail leaves the spec
	sp.Columns = append(sp.Columns, ColumnSpec{Name: "dist", Log1p: true}) // dist joins
	text := string(FormatSpecKeeping([]byte(commentedSpec), sp))
	back, err := ParseSpec("f.yaml", []byte(text))
	if err != nil {
		t.Fatalf("%v:\n%s", err, text)
	}
	if len(back.Columns) != 3 {
		t.Fatalf("%d columns:\n%s", len(back.Columns), text)
	}
	for i := range sp.Columns {
		if a, b := norm(sp.Columns[i]), norm(back.Columns[i]); !reflect.DeepEqual(a, b) {
			t.Errorf("column %d: wrote %+v, read %+v:\n%s", i, a, b, text)
		}
	}
	lines := strings.Split(text, "\n")
	find := func(s string) int {
		for i, l := range lines {
			if strings.Contains(l, s) {
				return i
			}
		}
		return -1
	}
	for _, c := range []struct{ comment, near string }{
		{"# Features for the delays model.", ""},
		{"# Reviewed by Ada.", ""},
		{"# everything else as is", "rest: keep"},
		{"# the columns, in the order the model wants", ""},
		{"# minutes late; negative is early", ""},
		{"# fitted on 2024 data", "delay: minmax"},
		{"# end of spec", ""},
	} {
		i := find(c.comment)
		if i < 0 {
			t.Errorf("comment %q lost:\n%s", c.comment, text)
			continue
		}
		if c.near != "" && !strings.Contains(lines[i], c.near) {
			t.Errorf("comment %q not beside %q: %q", c.comment, c.near, lines[i])
		}
	}
	if find("# minutes late") != find("delay:")-1 || find("# the columns") != find("columns:")-1 {
		t.Errorf("head comments not above their keys:\n%s", text)
	}
	if find("leaks the label") >= 0 {
		t.Errorf("the dropped column's comment stayed:\n%s", text)
	}
	if find("# Features") != 0 || find("# Features") > find("rest:") {
		t.Errorf("the file's head comment moved:\n%s", text)
	}
	// A file that does not parse: written plainly.
	if got := string(FormatSpecKeeping([]byte("rest: [\n"), sp)); got != string(FormatSpec(sp)) {
		t.Errorf("broken original:\n%s", got)
	}
	// Stable: writing what was written gives the same bytes.
	again, _ := ParseSpec("f.yaml", []byte(text))
	if twice := string(FormatSpecKeeping([]byte(text), again)); twice != text {
		t.Errorf("not stable:\n%s\n---\n%s", text, twice)
	}
}
