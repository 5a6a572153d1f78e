package main

import (
	"fmt"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/keyclic/keyclic/internal/testkit"
)

type bench struct {
	stack       *testkit.Stack
	duration    time.Duration
	concurrency int
}

// measure runs op from concurrent clients for the bench's duration (or until op reports it
// has nothing left to do) and prints one table row. op gets the client's index and returns
// false when it cannot go on.
func (b *bench) measure(name string, op func(worker int) (bool, error)) error {
	var (
		mu        sync.Mutex
		latencies []time.Duration
		firstErr  error
		stop      atomic.Bool
		wg        sync.WaitGroup
	)
	start := time.Now()
	deadline := start.Add(b.duration)
	for w := 0; w < b.concurrency; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			var mine []time.Duration
			for !stop.Load() && time.Now().Before(deadline) {
				t0 := time.Now()
				more, err := op(w)
				if err != nil {
					mu.Lock()
					if firstErr == nil {
						firstErr = err
					}
					mu.Unlock()
					stop.Store(true)
					break
				}
				if !more {
					break
				}
				mine = append(mine, time.Since(t0))
			}
			mu.Lock()
			latencies = append(latencies, mine...)
			mu.Unlock()
		}(w)
	}
	wg.Wait()
	elapsed := time.Since(start)
	if firstErr != nil {
		return fmt.Errorf("%s: %w", name, firstErr)
	}
	slices.Sort(latencies)
	fmt.Printf("| %s | %d | %.1f | %s | %s |\n", name, len(latencies), float64(len(latencies))/elapsed.Seconds(),
		percentile(latencies, 0.50), percentile(latencies, 0.99))
	return nil
}

func percentile(sorted []time.Duration, p float64) string {
	if len(sorted) == 0 {
		return "-"
	}
	d := sorted[min(len(sorted)-1, int(float64(len(sorted))*p))]
	return fmt.Sprintf("%.1f ms", float64(d.Microseconds())/1000)
}
