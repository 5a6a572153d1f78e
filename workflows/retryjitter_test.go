package workflows

import (
	"testing"
	"time"

	"github.com/google/uuid"
)

// Deliveries that failed together come back spread over ±20% of each wait, each delivery on
// its own time, the same on every replay.
func TestRetryWaitsSpreadOverTheJitter(t *testing.T) {
	const wait, percent = 5 * time.Minute, 20
	lo, hi := wait*8/10, wait*12/10
	seen := map[time.Duration]bool{}
	var below, above int
	for range 1000 {
		id := uuid.New()
		got := jittered(wait, percent, id, 2)
		if got < lo || got > hi {
			t.Fatalf("wait %v outside [%v, %v]", got, lo, hi)
		}
		if again := jittered(wait, percent, id, 2); again != got {
			t.Fatalf("the same delivery and attempt waits %v, then %v: a replay would differ", got, again)
		}
		seen[got.Truncate(time.Second)] = true
		if got < wait {
			below++
		} else {
			above++
		}
	}
	// 1000 deliveries over 120 s of spread: nearly every second of it is used, on both sides.
	if len(seen) < 100 || below < 400 || above < 400 {
		t.Fatalf("1000 deliveries came back in %d distinct seconds (%d early, %d late)", len(seen), below, above)
	}
	if got := jittered(wait, 0, uuid.New(), 2); got != wait {
		t.Fatalf("no jitter: waited %v, want %v", got, wait)
	}
}
