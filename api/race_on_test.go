//go:build race

package api

// raceEnabled: the race detector is on (its sync.Pool drops buffers at random, so allocations
// are not what they are in production).
const raceEnabled = true
