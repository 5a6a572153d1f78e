package e2e

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/google/uuid"

	"github.com/keyclic/keyclic/internal/testkit"
)

// Webhooks: an organization's subscriptions to events (lifecycles.md, Webhooks). These tests
// cover the API; webhook_delivery_test.go covers the deliveries.

// webhookURL is a loopback payload URL: the test stack accepts internal targets, and nothing
// is ever sent there by these tests (no event happens in their organizations).
const webhookURL = "http://127.0.0.1:9/hooks/keyclic"

// expectNoSecret fails if a webhook answer shows a secret.
func expectNoSecret(t *testing.T, r *testkit.Response, secret string) {
	t.Helper()
	if strings.Contains(string(r.Body), secret) || strings.Contains(string(r.Body), `"secret"`) || strings.Contains(string(r.Body), "whsec_") {
		t.Fatalf("a webhook answer shows the secret: %s", r.Body)
	}
}

func TestWebhookCRUD(t *testing.T) {
	desk := stack.NewDesk(t, "Webhooks")
	admin := desk.Admin
	base := "/organizations/" + desk.Org + "/webhooks"

	// Created by an admin: 201 with the fields, enabled by default, and the secret this once.
	r := admin.Post(base, map[string]any{"event": "reportCreated", "payloadUrl": webhookURL}).Expect(http.StatusCreated)
	id, secret := r.Str("id"), r.Str("secret")
	if r.Str("type") != "Webhook" || id == "" || r.Str("event") != "reportCreated" || r.Str("payloadUrl") != webhookURL ||
		r.At("enabled") != true || r.Str("createdAt") == "" || r.Str("updatedAt") == "" {
		t.Fatalf("created webhook: %s", r.Body)
	}
	if !strings.HasPrefix(secret, "whsec_") || len(secret) < len("whsec_")+40 {
		t.Fatalf("secret %q: want whsec_ and a base64 key of 32 bytes", secret)
	}
	if r.Str("_links.self.href") != "/webhooks/"+id || r.Str("_links.organization.href") != "/organizations/"+desk.Org ||
		r.Str("_links.deliveries.href") != "/webhooks/"+id+"/deliveries" {
		t.Fatalf("webhook links: %s", r.Body)
	}
	// Created disabled on request; every webhook has its own secret.
	r2 := admin.Post(base, map[string]any{"event": "operationRemoved", "payloadUrl": webhookURL + "/2", "enabled": false}).Expect(http.StatusCreated)
	id2 := r2.Str("id")
	if r2.At("enabled") != false || r2.Str("secret") == secret || !strings.HasPrefix(r2.Str("secret"), "whsec_") {
		t.Fatalf("second webhook: %s", r2.Body)
	}

	// The secret is never shown again.
	got := admin.Get("/webhooks/" + id).Expect(http.StatusOK)
	expectNoSecret(t, got, secret)
	if got.Str("id") != id || got.Str("event") != "reportCreated" || got.Str("payloadUrl") != webhookURL || got.At("enabled") != true {
		t.Fatalf("GET webhook: %s", got.Body)
	}
	list := admin.Get(base).Expect(http.StatusOK).ExpectIDSet(id, id2)
	expectNoSecret(t, list, secret)
	expectNoSecret(t, list, r2.Str("secret"))

	// Others. A member who is not an admin reads but does not change.
	member, _ := desk.Member(testkit.RoleAgent)
	member.Post(base, map[string]any{"event": "reportCreated", "payloadUrl": webhookURL}).ExpectError(http.StatusForbidden)
	member.Patch("/webhooks/"+id, map[string]any{"enabled": false}).ExpectError(http.StatusForbidden)
	member.Delete("/webhooks/" + id).ExpectError(http.StatusForbidden)
	member.Get("/webhooks/" + id + "/deliveries").ExpectError(http.StatusForbidden)
	expectNoSecret(t, member.Get("/webhooks/"+id).Expect(http.StatusOK), secret)
	expectNoSecret(t, member.Get(base).Expect(http.StatusOK).ExpectIDSet(id, id2), secret)
	// A member of another organization (its admin) sees nothing of them.
	other := stack.NewDesk(t, "Autre")
	other.Admin.Get(base).ExpectError(http.StatusForbidden)
	other.Admin.Get("/webhooks/" + id).ExpectError(http.StatusNotFound)
	other.Admin.Patch("/webhooks/"+id, map[string]any{"enabled": false}).ExpectError(http.StatusNotFound)
	other.Admin.Delete("/webhooks/" + id).ExpectError(http.StatusNotFound)
	other.Admin.Get("/webhooks/" + id + "/deliveries").ExpectError(http.StatusNotFound)
	other.Admin.Post(base, map[string]any{"event": "reportCreated", "payloadUrl": webhookURL}).ExpectError(http.StatusForbidden)
	// Anonymous: 401.
	stack.Client(t).Get(base).ExpectError(http.StatusUnauthorized)
	stack.Client(t).Get("/webhooks/" + id).ExpectError(http.StatusUnauthorized)
	// Unknown or malformed ids: 404.
	admin.Get("/webhooks/" + uuid.NewString()).ExpectError(http.StatusNotFound)
	admin.Get("/webhooks/not-a-uuid").ExpectError(http.StatusNotFound)
	admin.Post("/organizations/"+uuid.NewString()+"/webhooks", map[string]any{"event": "reportCreated", "payloadUrl": webhookURL}).ExpectError(http.StatusNotFound)

	// PATCH by the admin: each field alone; the others are kept.
	p := admin.Patch("/webhooks/"+id, map[string]any{"event": "operationStateChanged"}).Expect(http.StatusOK)
	if p.Str("event") != "operationStateChanged" || p.Str("payloadUrl") != webhookURL || p.At("enabled") != true {
		t.Fatalf("patched event: %s", p.Body)
	}
	expectNoSecret(t, p, secret)
	p = admin.Patch("/webhooks/"+id, map[string]any{"payloadUrl": "https://127.0.0.1:8443/other?x=1&y=2"}).Expect(http.StatusOK)
	if p.Str("event") != "operationStateChanged" || p.Str("payloadUrl") != "https://127.0.0.1:8443/other?x=1&y=2" || p.At("enabled") != true {
		t.Fatalf("patched payloadUrl: %s", p.Body)
	}
	p = admin.Patch("/webhooks/"+id, map[string]any{"enabled": false}).Expect(http.StatusOK)
	if p.At("enabled") != false || p.Str("event") != "operationStateChanged" {
		t.Fatalf("patched enabled: %s", p.Body)
	}
	p = admin.Patch("/webhooks/"+id, map[string]any{}).Expect(http.StatusOK)
	if p.At("enabled") != false || p.Str("event") != "operationStateChanged" || p.Str("payloadUrl") != "https://127.0.0.1:8443/other?x=1&y=2" {
		t.Fatalf("empty patch changed the webhook: %s", p.Body)
	}
	got = admin.Get("/webhooks/" + id).Expect(http.StatusOK)
	if got.At("enabled") != false || got.Str("event") != "operationStateChanged" || got.Str("payloadUrl") != "https://127.0.0.1:8443/other?x=1&y=2" {
		t.Fatalf("GET after patches: %s", got.Body)
	}
	p = admin.Patch("/webhooks/"+id, map[string]any{"enabled": true, "event": "reportStateChanged", "payloadUrl": webhookURL}).Expect(http.StatusOK)
	if p.At("enabled") != true || p.Str("event") != "reportStateChanged" || p.Str("payloadUrl") != webhookURL {
		t.Fatalf("patched all: %s", p.Body)
	}
	// Bad patches change nothing.
	admin.Patch("/webhooks/"+id, map[string]any{"event": "reportDeleted"}).ExpectError(http.StatusBadRequest, "event")
	admin.Patch("/webhooks/"+id, map[string]any{"payloadUrl": "/relative"}).ExpectError(http.StatusBadRequest, "payloadUrl")
	admin.Patch("/webhooks/"+id, map[string]any{"enabled": "no"}).ExpectError(http.StatusBadRequest, "enabled")
	admin.Patch("/webhooks/"+id, `{"enabled": `).ExpectError(http.StatusBadRequest)
	if g := admin.Get("/webhooks/" + id).Expect(http.StatusOK); g.Str("event") != "reportStateChanged" || g.Str("payloadUrl") != webhookURL || g.At("enabled") != true {
		t.Fatalf("refused patches changed the webhook: %s", g.Body)
	}

	// No delivery yet.
	admin.Deliveries(id).ExpectIDSet()

	// DELETE: 204, then 404 everywhere, and gone from the list.
	admin.Delete("/webhooks/" + id).Expect(http.StatusNoContent)
	admin.Get("/webhooks/" + id).ExpectError(http.StatusNotFound)
	admin.Delete("/webhooks/" + id).ExpectError(http.StatusNotFound)
	admin.Patch("/webhooks/"+id, map[string]any{"enabled": true}).ExpectError(http.StatusNotFound)
	admin.Get("/webhooks/" + id + "/deliveries").ExpectError(http.StatusNotFound)
	admin.Get(base).Expect(http.StatusOK).ExpectIDSet(id2)
}

func TestWebhookValidation(t *testing.T) {
	desk := stack.NewDesk(t, "Webhooks invalides")
	base := "/organizations/" + desk.Org + "/webhooks"
	for _, tc := range []struct {
		name  string
		body  any
		paths []string
	}{
		{"unknown event", map[string]any{"event": "reportDeleted", "payloadUrl": webhookURL}, []string{"event"}},
		{"event of another case", map[string]any{"event": "ReportCreated", "payloadUrl": webhookURL}, []string{"event"}},
		{"missing event", map[string]any{"payloadUrl": webhookURL}, []string{"event"}},
		{"blank event", map[string]any{"event": "", "payloadUrl": webhookURL}, []string{"event"}},
		{"event not a string", map[string]any{"event": 3, "payloadUrl": webhookURL}, []string{"event"}},
		{"missing payloadUrl", map[string]any{"event": "reportCreated"}, []string{"payloadUrl"}},
		{"blank payloadUrl", map[string]any{"event": "reportCreated", "payloadUrl": ""}, []string{"payloadUrl"}},
		{"relative URL", map[string]any{"event": "reportCreated", "payloadUrl": "/hooks/keyclic"}, []string{"payloadUrl"}},
		{"URL without scheme", map[string]any{"event": "reportCreated", "payloadUrl": "example.com/hook"}, []string{"payloadUrl"}},
		{"ftp URL", map[string]any{"event": "reportCreated", "payloadUrl": "ftp://127.0.0.1/hook"}, []string{"payloadUrl"}},
		{"URL with credentials", map[string]any{"event": "reportCreated", "payloadUrl": "http://user:pw@127.0.0.1/hook"}, []string{"payloadUrl"}},
		{"not a URL", map[string]any{"event": "reportCreated", "payloadUrl": "http://[::1"}, []string{"payloadUrl"}},
		{"enabled not a boolean", map[string]any{"event": "reportCreated", "payloadUrl": webhookURL, "enabled": "yes"}, []string{"enabled"}},
		{"enabled a number", map[string]any{"event": "reportCreated", "payloadUrl": webhookURL, "enabled": 1}, []string{"enabled"}},
		{"both missing", map[string]any{}, []string{"event", "payloadUrl"}},
		{"malformed JSON", `{"event": "reportCreated", "payloadUrl": `, nil},
		{"not an object", `["reportCreated"]`, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			admin := desk.Admin.With(func(c *testkit.Client) { c.T = t })
			admin.Post(base, tc.body).ExpectError(http.StatusBadRequest, tc.paths...)
		})
	}
	// Every event is accepted.
	for _, ev := range []string{"reportCreated", "reportStateChanged", "operationCreated", "operationStateChanged", "operationRemoved"} {
		desk.Admin.Post(base, map[string]any{"event": ev, "payloadUrl": webhookURL, "enabled": false}).Expect(http.StatusCreated)
	}
	if n := desk.Admin.Get(base).Expect(http.StatusOK).Num("total"); n != 5 {
		t.Fatalf("%v webhooks, want the 5 valid ones only", n)
	}
}

// Outside tests and development, payload URLs may not lead into the service's own network.
func TestWebhookInternalTargetsRefused(t *testing.T) {
	settings := stack.App.APISettings()
	settings.Webhooks.AllowInternal = false
	srv := httptest.NewServer(stack.App.NewAPI(settings).Handler())
	defer srv.Close()
	desk := stack.NewDesk(t, "Webhooks externes")
	admin := desk.Admin.With(func(c *testkit.Client) { c.Base = srv.URL })
	base := "/organizations/" + desk.Org + "/webhooks"

	internal := []string{
		"http://127.0.0.1:9/x",
		"http://10.1.2.3/x",
		"http://169.254.169.254/x",
		"http://[::1]/x",
		"http://localhost/x",
		"https://LOCALHOST:8443/x",
		"http://192.168.1.1/x",
		"http://172.16.0.1/x",
		"http://100.64.0.1/x",
		"http://0.0.0.0/x",
		"http://[::ffff:127.0.0.1]/x",
		"http://[fe80::1]/x",
		"http://[fd00::1]/x",
	}
	for _, u := range internal {
		admin.Post(base, map[string]any{"event": "reportCreated", "payloadUrl": u}).ExpectError(http.StatusBadRequest, "payloadUrl")
	}
	admin.Get(base).Expect(http.StatusOK).ExpectIDSet()

	// A public address is accepted (created disabled and deleted at once: nothing is ever sent
	// to it).
	public := "http://8.8.8.8/x"
	id := admin.Post(base, map[string]any{"event": "reportCreated", "payloadUrl": public, "enabled": false}).Expect(http.StatusCreated).Str("id")
	// PATCH is checked the same way.
	for _, u := range internal {
		admin.Patch("/webhooks/"+id, map[string]any{"payloadUrl": u}).ExpectError(http.StatusBadRequest, "payloadUrl")
	}
	if g := admin.Get("/webhooks/" + id).Expect(http.StatusOK); g.Str("payloadUrl") != public || g.At("enabled") != false {
		t.Fatalf("refused patches changed the webhook: %s", g.Body)
	}
	admin.Delete("/webhooks/" + id).Expect(http.StatusNoContent)
	desk.Admin.Get(base).Expect(http.StatusOK).ExpectIDSet()
}
