package domain

import "time"

// DeliveryRetry is how a webhook delivery is retried. It travels in the delivery workflow's input,
// so a delivery keeps the schedule it started with when the configuration changes. Embedded in an
// input, its fields sit beside the input's own, as recorded before it existed.
type DeliveryRetry struct {
	Schedule      []Duration // waits between attempts; the delivery fails after the last
	RetryAfterCap Duration   // the longest Retry-After honoured
	// Jitter spreads each wait of the schedule over ±Jitter percent (runs started before it
	// existed read 0: no spread, as they were recorded).
	Jitter int
}

// NewDeliveryRetry is the retry of the configured schedule, cap and jitter.
func NewDeliveryRetry(schedule []time.Duration, retryAfterCap time.Duration, jitter int) DeliveryRetry {
	return DeliveryRetry{Schedule: Durations(schedule), RetryAfterCap: Duration(retryAfterCap), Jitter: jitter}
}
