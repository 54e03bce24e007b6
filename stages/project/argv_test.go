package project

import (
	"slices"
	"testing"
)

func TestSplitWords(t *testing.T) {
	for _, c := range []struct {
		in   string
		want []string
	}{
		{`python train.py --lr {lr}`, []string{"python", "train.py", "--lr", "{lr}"}},
		{`  a   'b c'  "d \"e\" \n" f\ g `, []string{"a", "b c", `d "e" \n`, "f g"}},
		{`x'y'"z"`, []string{"xyz"}},
		{`''`, []string{""}},
		{``, nil},
	} {
		got, err := SplitWords(c.in)
		if err != nil || !slices.Equal(got, c.want) {
			t.Errorf("SplitWords(%q) = %q, %v; want %q", c.in, got, err, c.want)
		}
	}
	for _, bad := range []string{`'open`, `"open`, `end\`} {
		if _, err := SplitWords(bad); err == nil {
			t.Errorf("SplitWords(%q) accepted", bad)
		}
	}
}

// TestExpandArgvKeepsValuesWhole: a hostile value stays one argument and is never split.
func TestExpandArgvKeepsValuesWhole(t *testing.T) {
	got, err := ExpandArgv(`python train.py --lr {lr} --out={run_dir}/m.pt "${HOME}"`,
		map[string]string{"lr": "1; rm -rf ~", "run_dir": "/tmp/r 1"})
	want := []string{"python", "train.py", "--lr", "1; rm -rf ~", "--out=/tmp/r 1/m.pt", "${HOME}"}
	if err != nil || !slices.Equal(got, want) {
		t.Fatalf("got %q, %v; want %q", got, err, want)
	}
	if _, err := ExpandArgv(`run {missing}`, nil); err == nil {
		t.Fatal("missing value accepted")
	}
}
