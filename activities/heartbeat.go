package activities

import (
	"context"
	"time"

	"go.temporal.io/sdk/activity"
)

// heartbeatEvery is how often keepAlive beats; the SDK batches beats, so this only bounds how
// stale the last one can be.
const heartbeatEvery = time.Second

// keepAlive heartbeats until stop is called, so that a worker killed during a slow call (an HTTP
// POST to a webhook) is noticed within the activity's heartbeat timeout rather than its whole
// start-to-close timeout. Outside an activity (tests, benchmarks) it does nothing.
func keepAlive(ctx context.Context) (stop func()) {
	if !activity.IsActivity(ctx) {
		return func() {}
	}
	done := make(chan struct{})
	finished := make(chan struct{})
	go func() {
		defer close(finished)
		tick := time.NewTicker(heartbeatEvery)
		defer tick.Stop()
		for {
			activity.RecordHeartbeat(ctx)
			select {
			case <-done:
				return
			case <-ctx.Done():
				return
			case <-tick.C:
			}
		}
	}()
	return func() {
		close(done)
		<-finished
	}
}
