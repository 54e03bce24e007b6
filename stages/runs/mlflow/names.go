package mlflow

import (
	"fmt"
	"math/rand/v2"
)

// Run names for runs created without one, in MLflow's style ("brave-owl-271").
var (
	nameAdjectives = []string{"able", "bold", "brave", "bright", "calm", "clever", "crisp", "daring",
		"eager", "fair", "gentle", "glad", "grand", "keen", "kind", "lively", "lucky", "merry", "nimble",
		"polite", "proud", "quick", "quiet", "rare", "shy", "smart", "steady", "sunny", "swift", "tidy",
		"vast", "wise", "witty", "young", "zesty"}
	nameNouns = []string{"ant", "bat", "bee", "carp", "colt", "crab", "crow", "deer", "dove", "eel",
		"elk", "finch", "fox", "frog", "gnu", "hare", "hawk", "ibis", "jay", "koi", "lark", "lynx",
		"mole", "moth", "newt", "owl", "panda", "quail", "ram", "seal", "shrew", "swan", "toad", "vole",
		"wasp", "wolf", "wren", "yak"}
)

func randomRunName() string {
	return fmt.Sprintf("%s-%s-%d", nameAdjectives[rand.IntN(len(nameAdjectives))],
		nameNouns[rand.IntN(len(nameNouns))], rand.IntN(1000))
}
