//go:build race

package runs

// raceEnabled: the race detector instruments memory accesses and allocates, so allocation
// counts are not measured under it.
const raceEnabled = true
