// Package chaos runs the service as production does (two API processes, two worker processes, a
// Temporal engine and a Postgres of their own) under a steady load of whole lifecycles while it
// kills a worker, kills an API process, restarts Temporal and restarts Postgres; then it counts
// what the answered requests left behind: each effect once, nothing lost, no workflow stuck.
package chaos

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"sync"
	"time"
)

// Options say how much load, for how long.
type Options struct {
	Duration time.Duration // of the load; the faults fall at 15, 35, 55 and 75 % of it
	Clients  int           // lifecycles running at once, each in an organization of its own
	Binary   string        // the keyclic command; empty: built from this module
	Settle   time.Duration // longest wait, after the load, for the work in flight to finish
	Log      *slog.Logger
	Output   io.Writer // the processes' output (nil: discarded)
}

// Run starts the service, loads it while the faults happen, lets it settle and counts.
func Run(ctx context.Context, o Options) (*Counts, error) {
	if o.Settle == 0 {
		o.Settle = 3 * time.Minute
	}
	if o.Log == nil {
		o.Log = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	e, err := startEnv(ctx, o)
	if err != nil {
		return nil, err
	}
	defer e.stop()
	t := newTally()
	anon := &caller{apis: e.urls(), tally: t, http: &http.Client{Timeout: 30 * time.Second}}
	desks := make([]*desk, o.Clients)
	for i := range desks {
		if desks[i], err = newDesk(ctx, anon, i, e.consumer.url); err != nil {
			return nil, err
		}
	}
	o.Log.Info("load starts", "clients", o.Clients, "duration", o.Duration)
	l := newLedger()
	start := time.Now()
	loadCtx, cancel := context.WithDeadline(ctx, start.Add(o.Duration))
	defer cancel()
	var wg sync.WaitGroup
	for _, d := range desks {
		wg.Add(1)
		go func() { defer wg.Done(); d.run(loadCtx, ctx, l) }()
	}
	happened := inject(loadCtx, e, start, o.Duration)
	// The lifecycles under way finish: a request is never abandoned because the load's time is
	// up, only because it got no answer at all.
	wg.Wait()
	o.Log.Info("load over, settling", "lifecycles", l.complete)
	pending := e.settle(ctx, o.Settle)
	c, err := e.count(ctx, l)
	if err != nil {
		return nil, err
	}
	c.Faults, c.Pending, c.Tally = happened, pending, t
	return c, nil
}
