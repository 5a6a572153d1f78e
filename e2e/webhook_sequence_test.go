package e2e

import (
	"encoding/json"
	"net/http"
	"testing"

	"github.com/keyclic/keyclic/internal/testkit"
)

// receivedState is a delivery's event, sequence and the state its payload carries.
type receivedState struct {
	event    string
	sequence int64
	state    string
}

func receivedStates(t *testing.T, recs []testkit.Receipt) map[string]receivedState {
	t.Helper()
	out := map[string]receivedState{}
	for _, rec := range recs {
		event, payload := testkit.SplitDelivery(t, rec.Body)
		var p struct{ State string }
		if err := json.Unmarshal(payload, &p); err != nil {
			t.Fatal(err)
		}
		out[p.State] = receivedState{event, rec.Sequence(), p.State}
	}
	return out
}

// Every event of a resource carries the next number of that resource, whatever webhook it goes
// to, so a consumer can drop an older state that arrives after a newer one; a report and its
// operation count apart; a redelivery keeps its number.
func TestWebhookEventsNumberedPerResource(t *testing.T) {
	desk := stack.NewDesk(t, "Webhooks ordre")
	consumer := testkit.NewConsumer(t)
	newHook(t, desk.Admin, desk.Org, "reportCreated", consumer.URL("/created"))
	changed := newHook(t, desk.Admin, desk.Org, "reportStateChanged", consumer.URL("/changed"))
	newHook(t, desk.Admin, desk.Org, "operationCreated", consumer.URL("/operations"))
	newHook(t, desk.Admin, desk.Org, "operationStateChanged", consumer.URL("/operations"))

	_, report := desk.NewReport()
	desk.Admin.TransitionReport(report, "accept", false).Expect(http.StatusOK)
	op := desk.Admin.CreateOperation(report, "Reboucher")
	desk.Admin.Assign(op, desk.Admin.MemberIDOf(desk.Org, desk.Admin)).Expect(http.StatusOK)
	desk.Admin.TransitionOperation(op, "progress", false).Expect(http.StatusOK)
	desk.Admin.TransitionOperation(op, "resolve", false).Expect(http.StatusOK)
	desk.Admin.TransitionReport(report, "progress", false).Expect(http.StatusOK)
	desk.Admin.TransitionReport(report, "close", false).Expect(http.StatusOK)

	reports := append(consumer.WaitDelivered(t, "/created", 1), consumer.WaitDelivered(t, "/changed", 3)...)
	got := receivedStates(t, reports)
	for i, state := range []string{"NEW", "ACCEPTED", "IN_PROGRESS", "CLOSED"} {
		if got[state].sequence != int64(i+1) {
			t.Fatalf("report events: %+v; want NEW, ACCEPTED, IN_PROGRESS, CLOSED numbered 1 to 4", got)
		}
	}
	ops := receivedStates(t, consumer.WaitDelivered(t, "/operations", 4))
	// The operation's own events, numbered from 1 in the order they were made, apart from the report's.
	prev := int64(0)
	for _, state := range []string{"NEW", "IN_PROGRESS", "RESOLVED"} {
		s, ok := ops[state]
		if !ok || s.sequence <= prev {
			t.Fatalf("operation events: %+v; want each state numbered after the one before", ops)
		}
		prev = s.sequence
	}
	if ops["NEW"].sequence != 1 {
		t.Fatalf("the operation's first event is numbered %d, want 1", ops["NEW"].sequence)
	}

	// A redelivery is the same event: same webhook-id, same number.
	accepted := consumer.DeliveredAt("/changed")[0]
	desk.Admin.Post("/webhooks/"+changed.id+"/deliveries/"+accepted.ID()+"/redeliver", nil).Expect(http.StatusAccepted)
	again := consumer.WaitDelivered(t, "/changed", 4)[3]
	if again.ID() != accepted.ID() || again.Sequence() != accepted.Sequence() {
		t.Fatalf("redelivered %s numbered %d, first sent as %s numbered %d", again.ID(), again.Sequence(), accepted.ID(), accepted.Sequence())
	}
}
