package workflows

import (
	"encoding/binary"
	"hash/fnv"
	"time"

	"github.com/google/uuid"
)

// jittered spreads a wait of the retry schedule over ±percent of it, so that deliveries that
// failed together (a consumer down) do not all come back in the same second. The spread is drawn
// from the delivery and attempt numbers, not from a random source: the same on every replay,
// and with no event in the history.
func jittered(wait time.Duration, percent int, delivery uuid.UUID, attempt int) time.Duration {
	if percent <= 0 {
		return wait
	}
	h := fnv.New64a()
	h.Write(delivery[:])
	var n [8]byte
	binary.BigEndian.PutUint64(n[:], uint64(attempt))
	h.Write(n[:])
	// Integers only: a float expression may round differently on another architecture.
	span := int64(wait) * int64(percent) / 100
	return wait + time.Duration(int64(h.Sum64()%uint64(2*span+1))-span)
}
