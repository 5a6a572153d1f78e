package activities

import (
	"context"
	"errors"
	"net"
	"syscall"

	"github.com/keyclic/keyclic/internal/netguard"
)

// Counters count what the activities send, for the service's metrics. Activities with no
// Counters (tests) count nothing.
type Counters interface {
	// WebhookAttempt counts one POST of a delivery: its event and its outcome (Outcome*).
	WebhookAttempt(event, outcome string)
	// NotificationSent counts one notification on a channel (Channel*): sent or failed.
	NotificationSent(channel, outcome string)
}

// The channels notifications are counted on.
const (
	ChannelWall  = "wall"
	ChannelEmail = "email"
	ChannelPush  = "push"
)

// The outcomes of a webhook attempt, besides http_3xx, http_4xx and http_5xx.
const (
	OutcomeDelivered = "delivered"
	OutcomeTimeout   = "timeout"
	OutcomeRefused   = "refused"   // the consumer refused the connection
	OutcomeForbidden = "forbidden" // the target is an internal address (netguard)
	OutcomeError     = "error"     // anything else: DNS, TLS, a reset connection…
)

type noCounters struct{}

func (noCounters) WebhookAttempt(string, string)   {}
func (noCounters) NotificationSent(string, string) {}

func (a *Activities) counters() Counters {
	if a.Counters == nil {
		return noCounters{}
	}
	return a.Counters
}

// countSend counts a send on channel: sent when err is nil, failed otherwise.
func (a *Activities) countSend(channel string, err error) {
	outcome := "sent"
	if err != nil {
		outcome = "failed"
	}
	a.counters().NotificationSent(channel, outcome)
}

// statusOutcome is the outcome of an attempt that had an answer: delivered (2xx) or its class.
func statusOutcome(code int) string {
	switch code / 100 {
	case 2:
		return OutcomeDelivered
	case 3:
		return "http_3xx"
	case 4:
		return "http_4xx"
	case 5:
		return "http_5xx"
	}
	return OutcomeError
}

// errorOutcome is the outcome of an attempt that had no answer.
func errorOutcome(err error) string {
	var ne net.Error
	switch {
	case errors.Is(err, netguard.ErrForbiddenAddress):
		return OutcomeForbidden
	case errors.Is(err, syscall.ECONNREFUSED):
		return OutcomeRefused
	case errors.Is(err, context.DeadlineExceeded), errors.As(err, &ne) && ne.Timeout():
		return OutcomeTimeout
	}
	return OutcomeError
}
