package chaos

import (
	"context"
	"fmt"
	"time"
)

// fault is one thing that goes wrong in production, at a point of the load.
type fault struct {
	Name string
	At   float64 // fraction of the load's duration
	do   func(context.Context, *env) error
}

// Fault is a fault as it happened: when, and how long the service was short of that piece.
type Fault struct {
	Name    string
	At      time.Duration
	Took    time.Duration
	Problem string // why it could not be done, if it could not
}

// faults are spread over the load, one at a time, each once the previous one is over.
var faults = []fault{
	{"kill -9 of a worker", 0.15, func(_ context.Context, e *env) error { return e.killWorker() }},
	{"kill -9 of an API process", 0.35, func(ctx context.Context, e *env) error { return e.killAPI(ctx) }},
	{"restart of the Temporal server", 0.55, func(ctx context.Context, e *env) error { return e.temporal.Restart(ctx) }},
	{"restart of Postgres (immediate stop)", 0.75, func(ctx context.Context, e *env) error { return e.pg.Restart(ctx) }},
}

// inject runs the faults at their points of a load that started at start and lasts d.
func inject(ctx context.Context, e *env, start time.Time, d time.Duration) []Fault {
	var done []Fault
	for _, f := range faults {
		at := time.Duration(float64(d) * f.At)
		select {
		case <-ctx.Done():
			return done
		case <-time.After(time.Until(start.Add(at))):
		}
		began := time.Now()
		got := Fault{Name: f.Name, At: began.Sub(start)}
		if err := f.do(ctx, e); err != nil {
			got.Problem = fmt.Sprint(err)
		}
		got.Took = time.Since(began)
		done = append(done, got)
	}
	return done
}
