package api

import (
	"log/slog"
	"os"
	"path/filepath"
	"sync"
	"testing"
)

// Processes that start together on one data directory without a configured key (an API and a
// worker on a laptop, two of each in the fault tests) must end up signing with the same key, the
// one in the file: a token one of them issues is accepted by the others, then and after restarts.
func TestProcessesStartingTogetherShareOneDevelopmentKey(t *testing.T) {
	for round := range 10 {
		dir := t.TempDir()
		const n = 8
		keys := make([]string, n)
		var wg sync.WaitGroup
		start := make(chan struct{})
		for i := range n {
			wg.Add(1)
			go func() {
				defer wg.Done()
				<-start
				k, err := LoadSigningKey("", "", dir, slog.New(slog.DiscardHandler))
				if err != nil {
					t.Error(err)
					return
				}
				keys[i] = k.N.String()
			}()
		}
		close(start)
		wg.Wait()
		again, err := LoadSigningKey("", "", dir, slog.New(slog.DiscardHandler))
		if err != nil {
			t.Fatal(err)
		}
		for i, k := range keys {
			if k != again.N.String() {
				t.Fatalf("round %d: process %d signs with a key other than the one kept in the data directory", round, i)
			}
		}
		left, _ := filepath.Glob(filepath.Join(dir, "*"))
		if len(left) != 1 {
			t.Fatalf("round %d: the data directory holds %v, want only the key", round, left)
		}
		if fi, err := os.Stat(left[0]); err != nil || fi.Mode().Perm() != 0o600 {
			t.Fatalf("round %d: the key file is %v (%v), want readable by its owner only", round, fi.Mode(), err)
		}
	}
}
