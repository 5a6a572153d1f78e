package domain

import (
	"context"
	"runtime"
	"sync"
	"time"

	"golang.org/x/sync/semaphore"
)

// DecodeBudget bounds the memory that image decodes and resizes hold at once in this process:
// each takes its estimated cost in bytes from the budget before it allocates anything, and gives
// it back when done. Waiters are served in order, so a large image is not starved by small ones.
type DecodeBudget struct {
	sem  *semaphore.Weighted
	size int64
}

// DefaultImageDecodeMemory is the budget's default: every image the default pixel bound accepts
// in the common encodings fits (a 24-megapixel 16-bit PNG costs 192 MB), and in-flight decodes
// stay a few hundred megabytes whatever arrives.
const DefaultImageDecodeMemory = 256 << 20

// busyRetryAfter is what a client refused for lack of budget is told to wait: the largest
// decode or resize takes a second or two.
const busyRetryAfter = 5 * time.Second

// NewDecodeBudget makes a budget of size bytes (at least 1).
func NewDecodeBudget(size int64) *DecodeBudget {
	size = max(size, 1)
	return &DecodeBudget{sem: semaphore.NewWeighted(size), size: size}
}

// Size is the budget in bytes: also the largest cost one decode may have.
func (b *DecodeBudget) Size() int64 { return b.size }

// Acquire waits until cost bytes of the budget are free, then takes them; the returned function
// gives them back, once the caller has let go of what it decoded. A cost over the whole budget
// takes all of it, so that decode runs alone. When ctx ends first (the client gave up, or the
// request ran out of time), nothing is taken and the error is a 503 telling the client when to
// try again. A nil budget bounds nothing.
func (b *DecodeBudget) Acquire(ctx context.Context, cost int64) (release func(), err error) {
	if b == nil {
		return func() {}, nil
	}
	n := min(max(cost, 1), b.size)
	if err := b.sem.Acquire(ctx, n); err != nil {
		return nil, &Error{Kind: KindUnavailable, Msg: Msg(MsgImagesBusy), RetryAfter: busyRetryAfter}
	}
	return sync.OnceFunc(func() {
		if n >= b.size/8 {
			// The decode's memory is garbage now, but it is only free once collected: until
			// then the heap would hold it and the next decode's on top. A collection costs
			// milliseconds with the heap this service keeps; a large decode, a second.
			runtime.GC()
		}
		b.sem.Release(n)
	}), nil
}
