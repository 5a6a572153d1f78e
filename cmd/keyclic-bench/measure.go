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
	footer      []string // printed after the main table
}

// result is one measurement: how many operations ran, at what rate, and their latencies.
type result struct {
	name     string
	requests int
	rate     float64 // per second
	p50, p99 time.Duration
}

// measure runs op as sample does and prints the result as one table row.
func (b *bench) measure(name string, op func(worker int) (bool, error)) error {
	r, err := b.sample(name, op)
	if err == nil {
		fmt.Printf("| %s | %d | %.1f | %s | %s |\n", r.name, r.requests, r.rate, ms(r.p50), ms(r.p99))
	}
	return err
}

// sample runs op from concurrent clients for the bench's duration (or until op reports it has
// nothing left to do). op gets the client's index and returns false when it cannot go on.
func (b *bench) sample(name string, op func(worker int) (bool, error)) (result, error) {
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
		return result{}, fmt.Errorf("%s: %w", name, firstErr)
	}
	slices.Sort(latencies)
	return result{name: name, requests: len(latencies), rate: float64(len(latencies)) / elapsed.Seconds(),
		p50: percentile(latencies, 0.50), p99: percentile(latencies, 0.99)}, nil
}

func percentile(sorted []time.Duration, p float64) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	return sorted[min(len(sorted)-1, int(float64(len(sorted))*p))]
}

func ms(d time.Duration) string {
	if d == 0 {
		return "-"
	}
	return fmt.Sprintf("%.1f ms", float64(d.Microseconds())/1000)
}
