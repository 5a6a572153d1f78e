package e2e

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/keyclic/keyclic/internal/testkit"
)

// Metrics (issue "Operable in production"): after a small lifecycle through the API, the
// metrics endpoint, on its own address, shows each family with what that lifecycle did.

// delta is what a counter of the scrape after gained over the scrape before.
func delta(before, after testkit.Scrape, family string, labels map[string]string) float64 {
	return after.Sum(family, labels) - before.Sum(family, labels)
}

func TestMetricsAfterALifecycle(t *testing.T) {
	desk := stack.NewDesk(t, "Métriques")
	admin := desk.Admin
	admin.AddDevice(testkit.Unique("token-metrics-"), "android") // the report's notice is pushed too
	consumer := testkit.NewConsumer(t)
	// The first attempt of the report's creation is answered 503, its retry 200.
	consumer.Script(testkit.Answer{Status: http.StatusServiceUnavailable})
	admin.CreateWebhook(desk.Org, "reportCreated", consumer.URL("/created"))
	admin.CreateWebhook(desk.Org, "reportStateChanged", consumer.URL("/state"))
	before := stack.ScrapeMetrics(t)

	// The lifecycle: a feedback posted (201) and matched, its report accepted; an unknown path.
	_, report := desk.NewReport()
	admin.TransitionReport(report, "accept", false).Expect(http.StatusOK)
	stack.Client(t).Get("/no-such-route/" + testkit.Unique("x")).ExpectError(http.StatusNotFound)
	consumer.WaitDelivered(t, "/created", 1)
	consumer.WaitDelivered(t, "/state", 1)

	// Asynchronous counts (notifications, the SDK's reported every second, an attempt counted once
	// its answer is recorded, after the consumer has it) arrive a moment later.
	sent := func(channel string) map[string]string {
		return map[string]string{"channel": channel, "outcome": "sent"}
	}
	attempts := []struct {
		event, outcome string
		min            float64
	}{{"reportCreated", "http_5xx", 1}, {"reportCreated", "delivered", 1}, {"reportStateChanged", "delivered", 1}}
	var after testkit.Scrape
	if !testkit.Eventually(60*time.Second, func() bool {
		after = stack.ScrapeMetrics(t)
		for _, c := range attempts {
			if delta(before, after, "keyclic_webhook_attempts_total", map[string]string{"event": c.event, "outcome": c.outcome}) < c.min {
				return false
			}
		}
		return delta(before, after, "keyclic_notification_sends_total", sent("push")) >= 1 &&
			delta(before, after, "keyclic_notification_sends_total", sent("wall")) >= 2 &&
			delta(before, after, "keyclic_notification_sends_total", sent("email")) >= 1 &&
			delta(before, after, "temporal_activity_execution_latency_seconds", map[string]string{"activity_type": "AttemptDelivery"}) >= 3
	}) {
		t.Log("the lifecycle's counts did not all arrive within a minute; the checks below say which")
	}

	// HTTP: by route template, method and status, with the latency histogram.
	post := map[string]string{"route": "/feedbacks/issues", "method": "POST", "status": "201"}
	if d := delta(before, after, "keyclic_http_requests_total", post); d != 1 {
		t.Errorf("keyclic_http_requests_total%v grew by %v, want 1", post, d)
	}
	accept := map[string]string{"route": "/reports/:report/workflow/transition", "method": "POST", "status": "200"}
	if d := delta(before, after, "keyclic_http_requests_total", accept); d != 1 {
		t.Errorf("keyclic_http_requests_total%v grew by %v, want 1", accept, d)
	}
	timed := map[string]string{"route": "/feedbacks/issues", "method": "POST"}
	if d := delta(before, after, "keyclic_http_request_duration_seconds", timed); d != 1 {
		t.Errorf("keyclic_http_request_duration_seconds%v counted %v more, want 1", timed, d)
	}
	// A path no route matches is counted under one label, never under its own path.
	unmatched := map[string]string{"route": "unmatched", "method": "GET", "status": "404"}
	if d := delta(before, after, "keyclic_http_requests_total", unmatched); d != 1 {
		t.Errorf("keyclic_http_requests_total%v grew by %v, want 1", unmatched, d)
	}
	for _, route := range after.LabelValues("keyclic_http_requests_total", "route") {
		if strings.Contains(route, "no-such-route") || (route != "unmatched" && !strings.HasPrefix(route, "/")) {
			t.Errorf("route label %q: want a route template or unmatched", route)
		}
	}

	// Webhooks: each attempt once, by event and outcome.
	for _, c := range attempts {
		l := map[string]string{"event": c.event, "outcome": c.outcome}
		if d := delta(before, after, "keyclic_webhook_attempts_total", l); d < c.min {
			t.Errorf("keyclic_webhook_attempts_total%v grew by %v, want at least %v", l, d, c.min)
		}
	}
	// The consumer received three requests: the attempts the metrics counted for these events
	// are those, unless another test's deliveries ran meanwhile.
	if got := len(consumer.Receipts()); got != 3 {
		t.Errorf("consumer received %d requests, want 3", got)
	}

	// Notifications per channel: the admin is told of the new report on the wall, by email and
	// by push; the citizen of its acceptance on the wall.
	for _, ch := range []string{"push", "wall", "email"} {
		if d := delta(before, after, "keyclic_notification_sends_total", sent(ch)); d < 1 {
			t.Errorf("keyclic_notification_sends_total{channel=%q} grew by %v, want at least 1", ch, d)
		}
	}
	if d := delta(before, after, "keyclic_notification_sends_total", sent("wall")); d < 2 {
		t.Errorf("wall notifications grew by %v, want at least 2 (the admin's and the citizen's)", d)
	}

	// The Temporal SDK's own client and worker metrics.
	for _, c := range []struct {
		family string
		labels map[string]string
	}{
		{"temporal_request_total", nil},
		{"temporal_workflow_task_execution_latency_seconds", map[string]string{"workflow_type": "Report"}},
		{"temporal_activity_execution_latency_seconds", map[string]string{"activity_type": "AttemptDelivery"}},
		{"temporal_workflow_task_queue_poll_succeed_total", nil},
	} {
		if d := delta(before, after, c.family, c.labels); d < 1 {
			t.Errorf("%s%v grew by %v, want at least 1", c.family, c.labels, d)
		}
	}
	if d := delta(before, after, "temporal_activity_execution_latency_seconds", map[string]string{"activity_type": "AttemptDelivery"}); d < 3 {
		t.Errorf("AttemptDelivery ran %v times more, want at least 3 (503, then two deliveries)", d)
	}

	// The pgx pool: its size as configured, and the connections the lifecycle acquired.
	if got, want := after.Sum("keyclic_pgx_pool_max_conns", nil), float64(stack.App.Store.Pool.Config().MaxConns); got != want {
		t.Errorf("keyclic_pgx_pool_max_conns = %v, want %v", got, want)
	}
	if d := delta(before, after, "keyclic_pgx_pool_acquire_count_total", nil); d < 10 {
		t.Errorf("keyclic_pgx_pool_acquire_count_total grew by %v, want the lifecycle's queries", d)
	}
	if after.Sum("keyclic_pgx_pool_total_conns", nil) < 1 {
		t.Errorf("keyclic_pgx_pool_total_conns = %v, want open connections", after.Sum("keyclic_pgx_pool_total_conns", nil))
	}

	// The outbox: both gauges, read from Postgres at the scrape.
	for _, f := range []string{"keyclic_outbox_pending", "keyclic_outbox_oldest_age_seconds"} {
		if !after.Has(f) || after.Sum(f, nil) < 0 {
			t.Errorf("%s: missing or negative", f)
		}
	}

	// The API's address does not serve the metrics.
	stack.Client(t).Get("/metrics").ExpectError(http.StatusNotFound)
}
