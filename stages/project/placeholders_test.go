package project

import (
	"reflect"
	"strings"
	"testing"
)

func TestPlaceholders(t *testing.T) {
	cases := map[string][]string{
		"python t.py --lr {lr} --epochs {epochs} --lr2 {lr}": {"lr", "epochs"},
		"echo ${HOME} {a}{b} {} {x,y} {1x} {model.lr}":       {"a", "b", "model.lr"},
		"{run_dir}/out":   {"run_dir"},
		"no placeholders": nil,
	}
	for cmd, want := range cases {
		if got := Placeholders(cmd); !reflect.DeepEqual(got, want) {
			t.Errorf("Placeholders(%q) = %q, want %q", cmd, got, want)
		}
	}
}

func TestExpandCommand(t *testing.T) {
	got, err := ExpandCommand("python t.py --lr {lr} --name {name} --out {run_dir}/m.pt ${HOME}",
		map[string]string{"lr": "0.1", "name": "it's big", "run_dir": "/p/.mlwb/runs/abc"})
	if err != nil {
		t.Fatal(err)
	}
	want := `python t.py --lr 0.1 --name 'it'\''s big' --out /p/.mlwb/runs/abc/m.pt ${HOME}`
	if got != want {
		t.Fatalf("got  %s\nwant %s", got, want)
	}
	if _, err := ExpandCommand("t {missing}", nil); err == nil || !strings.Contains(err.Error(), "{missing}") {
		t.Fatalf("error = %v; want it to name {missing}", err)
	}
	if q := ShellQuote(""); q != "''" {
		t.Errorf("ShellQuote(\"\") = %s", q)
	}
}
