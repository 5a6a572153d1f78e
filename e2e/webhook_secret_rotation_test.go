package e2e

import (
	"net/http"
	"strings"
	"testing"
	"time"

	standardwebhooks "github.com/standard-webhooks/standard-webhooks/libraries/go"

	"github.com/keyclic/keyclic/api"
	"github.com/keyclic/keyclic/internal/testkit"
)

// verifies reports whether a receipt's signature checks with secret, as a consumer using the
// Standard Webhooks library checks it.
func verifies(t *testing.T, secret string, rec testkit.Receipt) bool {
	t.Helper()
	v, err := standardwebhooks.NewWebhook(secret)
	if err != nil {
		t.Fatalf("secret %q: %v", secret, err)
	}
	return v.Verify(rec.Body, rec.Header) == nil
}

// rotate rotates a webhook's secret through client and returns the new one, shown once.
func rotate(t *testing.T, admin *testkit.Client, webhook, old string) string {
	t.Helper()
	r := admin.Post("/webhooks/"+webhook+"/secret", nil).Expect(http.StatusOK)
	secret := r.Str("secret")
	if !strings.HasPrefix(secret, "whsec_") || secret == old || r.Str("id") != webhook {
		t.Fatalf("rotation answer: %s", r.Body)
	}
	expectNoSecret(t, admin.Get("/webhooks/"+webhook).Expect(http.StatusOK), secret)
	return secret
}

// A consumer that verifies with the old secret or with the new one never sees a failed check
// while the secrets overlap, neither on a delivery retried from before the rotation nor on a new
// one; after the overlap, only the new secret signs.
func TestWebhookSecretRotationWithoutAFailedCheck(t *testing.T) {
	desk := stack.NewDesk(t, "Webhooks rotation")
	consumer := testkit.NewConsumer(t)
	consumer.Always(testkit.Answer{Status: http.StatusServiceUnavailable})
	h := newHook(t, desk.Admin, desk.Org, "reportCreated", consumer.URL("/hooks"))

	// A delivery that fails before the rotation: signed with the only secret there is.
	desk.NewReport()
	first := onlyDelivery(t, desk.Admin, h.id)
	desk.Admin.WaitDeliveryState(h.id, first, "FAILED")
	before := consumer.Receipts()
	for _, rec := range before {
		if !verifies(t, h.secret, rec) || strings.Count(rec.Signature(), "v1,") != 1 {
			t.Fatalf("before the rotation: signature %q does not check with the secret", rec.Signature())
		}
	}

	// Only the webhook's admins rotate its secret.
	agent, _ := desk.Member(testkit.RoleAgent)
	agent.Post("/webhooks/"+h.id+"/secret", nil).ExpectError(http.StatusForbidden)
	stack.NewDesk(t, "Rotation autre").Admin.Post("/webhooks/"+h.id+"/secret", nil).ExpectError(http.StatusNotFound)
	fresh := rotate(t, desk.Admin, h.id, h.secret)

	// The failed delivery, redelivered after the rotation, and a new event: both secrets check.
	consumer.Always(testkit.Answer{})
	desk.Admin.Post("/webhooks/"+h.id+"/deliveries/"+first+"/redeliver", nil).Expect(http.StatusAccepted)
	desk.Admin.WaitDeliveryState(h.id, first, "DELIVERED")
	desk.NewReport()
	after := consumer.WaitDelivered(t, "/hooks", 2)
	for _, rec := range after {
		if !verifies(t, h.secret, rec) || !verifies(t, fresh, rec) {
			t.Fatalf("during the overlap: signature %q does not check with both secrets", rec.Signature())
		}
	}
	if after[0].ID() != first {
		t.Fatalf("the redelivery came as %s, want its original webhook-id %s", after[0].ID(), first)
	}

	// With an overlap of a second: once it has passed, only the newest secret signs.
	iso := stack.NewIsolated(t, func(s *api.Settings) { s.Webhooks.SecretOverlap = time.Second })
	newest := rotate(t, iso.On(desk.Admin), h.id, fresh)
	time.Sleep(1500 * time.Millisecond)
	desk.NewReport()
	last := consumer.WaitDelivered(t, "/hooks", 3)[2]
	if !verifies(t, newest, last) || verifies(t, fresh, last) || verifies(t, h.secret, last) || strings.Count(last.Signature(), "v1,") != 1 {
		t.Fatalf("after the overlap: signature %q must check with the newest secret only", last.Signature())
	}
}

// A delivery already being retried when the secret rotates: its attempt before the rotation is
// signed with the old secret, its next attempt with both.
func TestWebhookRetryAcrossARotationChecksWithEitherSecret(t *testing.T) {
	desk := stack.NewDesk(t, "Webhooks rotation en cours")
	consumer := testkit.NewConsumer(t)
	// The first attempt is refused with a Retry-After: the retry comes after the rotation.
	consumer.Script(testkit.Answer{Status: http.StatusServiceUnavailable, Header: http.Header{"Retry-After": {"3"}}})
	h := newHook(t, desk.Admin, desk.Org, "reportCreated", consumer.URL("/hooks"))
	desk.NewReport()
	first := consumer.WaitReceipts(t, "/hooks", 1)[0]
	fresh := rotate(t, desk.Admin, h.id, h.secret)
	retry := consumer.WaitDelivered(t, "/hooks", 1)[0]
	if retry.ID() != first.ID() {
		t.Fatalf("the retry came as %s, want %s", retry.ID(), first.ID())
	}
	if !verifies(t, h.secret, first) || verifies(t, fresh, first) {
		t.Fatalf("before the rotation: signature %q", first.Signature())
	}
	if !verifies(t, h.secret, retry) || !verifies(t, fresh, retry) {
		t.Fatalf("the retry after the rotation: signature %q does not check with both secrets", retry.Signature())
	}
}
