package activities

import (
	"net"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"
)

// What the metrics count a webhook attempt as, from what the delivery client really meets.
func TestWebhookAttemptOutcomes(t *testing.T) {
	slow := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-time.After(2 * time.Second):
		case <-r.Context().Done():
		}
	}))
	defer slow.Close()
	closed, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	closedURL := "http://" + closed.Addr().String() + "/hook"
	closed.Close() // nothing listens there now: the connection is refused

	allowed := NewWebhookClient(WebhookSettings{Timeout: 200 * time.Millisecond, AllowInternal: true})
	guarded := NewWebhookClient(WebhookSettings{Timeout: 200 * time.Millisecond})
	for _, c := range []struct {
		name   string
		client *http.Client
		url    string
		want   string
	}{
		{"an internal address, not allowed", guarded, slow.URL, OutcomeForbidden},
		{"nothing listening", allowed, closedURL, OutcomeRefused},
		{"no answer in time", allowed, slow.URL, OutcomeTimeout},
	} {
		resp, err := c.client.Post(c.url, "application/json", nil)
		if err == nil {
			resp.Body.Close()
			t.Fatalf("%s: answered %s, want an error", c.name, resp.Status)
		}
		if got := errorOutcome(err); got != c.want {
			t.Errorf("%s: outcome %q, want %q (error %v)", c.name, got, c.want, err)
		}
	}
	for code, want := range map[int]string{200: OutcomeDelivered, 204: OutcomeDelivered, 301: "http_3xx", 410: "http_4xx", 429: "http_4xx", 503: "http_5xx"} {
		if got := statusOutcome(code); got != want {
			t.Errorf("status %d: outcome %q, want %q", code, got, want)
		}
	}
}
