package e2e

import (
	"net/http"
	"testing"
	"time"

	"github.com/keyclic/keyclic/internal/testkit"
)

// A consumer back from an outage asks for everything that failed since a time: each of those
// deliveries arrives once more, under its original webhook-id; what failed before that time, or
// was delivered, is not sent again.
func TestWebhookRecoverSendsAgainWhatFailedSince(t *testing.T) {
	desk := stack.NewDesk(t, "Webhooks reprise")
	consumer := testkit.NewConsumer(t)
	consumer.Always(testkit.Answer{Status: http.StatusServiceUnavailable})
	h := newHook(t, desk.Admin, desk.Org, "reportCreated", consumer.URL("/hooks"))

	desk.NewReport()
	before := onlyDelivery(t, desk.Admin, h.id)
	desk.Admin.WaitDeliveryState(h.id, before, "FAILED")
	time.Sleep(10 * time.Millisecond)
	since := time.Now().UTC()
	for range 3 {
		desk.NewReport()
	}
	var failed []string
	if !testkit.Eventually(testkit.WebhookTimeout, func() bool {
		failed = desk.Admin.Get("/webhooks/" + h.id + "/deliveries?state=FAILED&limit=100").Expect(http.StatusOK).IDs()
		return len(failed) == 4
	}) {
		t.Fatalf("failed deliveries: %v, want 4", failed)
	}

	path := "/webhooks/" + h.id + "/recover"
	agent, _ := desk.Member(testkit.RoleAgent)
	agent.Post(path, map[string]string{"since": since.Format(time.RFC3339Nano)}).ExpectError(http.StatusForbidden)
	stack.NewDesk(t, "Reprise autre").Admin.Post(path, map[string]string{"since": since.Format(time.RFC3339Nano)}).ExpectError(http.StatusNotFound)
	for _, body := range []any{map[string]string{}, map[string]string{"since": "yesterday"}, map[string]string{"since": time.Now().Add(time.Hour).Format(time.RFC3339)}} {
		desk.Admin.Post(path, body).ExpectError(http.StatusBadRequest)
	}
	sent := len(consumer.Receipts())

	consumer.Always(testkit.Answer{})
	r := desk.Admin.Post(path, map[string]string{"since": since.Format(time.RFC3339Nano)}).Expect(http.StatusAccepted)
	if r.Str("type") != "WebhookRecovery" {
		t.Fatalf("recover answer: %s", r.Body)
	}
	got := consumer.WaitDelivered(t, "/hooks", 3)
	testkit.Eventually(testkit.WebhookTimeout, func() bool { return stack.WorkflowStatus(t, "webhook-recovery/"+h.id) == "Completed" })
	time.Sleep(500 * time.Millisecond) // anything sent twice would have arrived
	ids := consumer.DeliveredIDs()
	if len(got) != 3 || len(ids) != 3 || len(consumer.Receipts()) != sent+3 {
		t.Fatalf("after the recovery: %d delivered, ids %v, %d requests in all (before: %d)", len(got), ids, len(consumer.Receipts()), sent)
	}
	if ids[before] != 0 {
		t.Fatalf("the delivery that failed before %v was sent again", since)
	}
	for id := range ids {
		desk.Admin.WaitDeliveryState(h.id, id, "DELIVERED")
	}
	if d := desk.Admin.Delivery(h.id, before); d["state"] != "FAILED" {
		t.Fatalf("the delivery before the recovery's time: %v", d["state"])
	}
}
