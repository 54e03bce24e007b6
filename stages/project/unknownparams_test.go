package project

import (
	"reflect"
	"testing"
)

// TestUnknownParams: the -p keys that train.params lacks are named, sorted; known ones are not.
func TestUnknownParams(t *testing.T) {
	cfg, err := Parse("mlwb.yaml", []byte("name: t\ntrain:\n  command: python train.py --lr {lr}\n  params: {lr: 0.1, epochs: 3}\n"))
	if err != nil {
		t.Fatal(err)
	}
	got := cfg.Train.UnknownParams(map[string]string{"lr": "0.2", "nope": "1", "lerning_rate": "0.1"})
	if want := []string{"lerning_rate", "nope"}; !reflect.DeepEqual(got, want) {
		t.Fatalf("unknown params %v, want %v", got, want)
	}
	if got := cfg.Train.UnknownParams(map[string]string{"epochs": "5"}); len(got) != 0 {
		t.Fatalf("a known param reported: %v", got)
	}
}
