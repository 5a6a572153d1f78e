package e2e

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"maps"
	"net/http"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	standardwebhooks "github.com/standard-webhooks/standard-webhooks/libraries/go"

	"github.com/keyclic/keyclic/internal/testkit"
)

// Webhook deliveries, received by a real HTTP consumer (lifecycles.md, Webhooks): each event
// to the webhooks subscribed to it, with the resource as the API serializes it, signed (checked
// with the Standard Webhooks reference library), retried until a 2xx, across worker restarts.

var webhookEvents = []string{"reportCreated", "reportStateChanged", "operationCreated", "operationStateChanged", "operationRemoved"}

// hook is a webhook as created: its id and its secret.
type hook struct{ id, secret string }

func newHook(t *testing.T, admin *testkit.Client, org, event, url string) hook {
	t.Helper()
	id, secret := admin.CreateWebhook(org, event, url)
	return hook{id, secret}
}

var signatureRE = regexp.MustCompile(`^v1,[A-Za-z0-9+/]{43}=$`)

// checkReceipt checks the request's form and headers, and that its signature verifies with the
// webhook's secret (and with nothing else). It returns the event and payload of the body.
func checkReceipt(t *testing.T, h hook, rec testkit.Receipt) (string, json.RawMessage) {
	t.Helper()
	if rec.Method != http.MethodPost || !strings.HasPrefix(rec.Header.Get("Content-Type"), "application/json") {
		t.Fatalf("delivery request: %s with Content-Type %q", rec.Method, rec.Header.Get("Content-Type"))
	}
	if _, err := uuid.Parse(rec.ID()); err != nil {
		t.Fatalf("webhook-id %q is not a delivery id", rec.ID())
	}
	ts, err := strconv.ParseInt(rec.Timestamp(), 10, 64)
	if err != nil {
		t.Fatalf("webhook-timestamp %q is not unix seconds", rec.Timestamp())
	}
	if d := rec.At.Sub(time.Unix(ts, 0)); d < -5*time.Second || d > 5*time.Minute {
		t.Fatalf("webhook-timestamp %d is not the time of sending (received at %d)", ts, rec.At.Unix())
	}
	if !signatureRE.MatchString(rec.Signature()) {
		t.Fatalf("webhook-signature %q: want v1,<base64 of 32 bytes>", rec.Signature())
	}
	verifier, err := standardwebhooks.NewWebhook(h.secret)
	if err != nil {
		t.Fatalf("secret %q: %v", h.secret, err)
	}
	if err := verifier.Verify(rec.Body, rec.Header); err != nil {
		t.Fatalf("signature does not verify: %v; headers %v", err, rec.Header)
	}
	// Anything tampered with fails: the body, the id, the timestamp; and so does another key.
	tampered := append(slices.Clone(rec.Body[:len(rec.Body)-1]), ' ', '}')
	if err := verifier.Verify(tampered, rec.Header); err == nil {
		t.Fatalf("a tampered body verifies")
	}
	for _, hd := range []struct{ name, value string }{{"webhook-id", uuid.NewString()}, {"webhook-timestamp", strconv.FormatInt(ts-1, 10)}} {
		h2 := rec.Header.Clone()
		h2.Set(hd.name, hd.value)
		if err := verifier.Verify(rec.Body, h2); err == nil {
			t.Fatalf("a tampered %s verifies", hd.name)
		}
	}
	key := make([]byte, 32)
	_, _ = rand.Read(key)
	wrong, _ := standardwebhooks.NewWebhook("whsec_" + base64.StdEncoding.EncodeToString(key))
	if err := wrong.Verify(rec.Body, rec.Header); err == nil {
		t.Fatalf("the signature verifies with another secret")
	}
	return testkit.SplitDelivery(t, rec.Body)
}

// expectPayload checks a received delivery: its form, its signature, its event, and that its
// payload is want (a GET answer).
func expectPayload(t *testing.T, h hook, rec testkit.Receipt, event string, want []byte) json.RawMessage {
	t.Helper()
	got, payload := checkReceipt(t, h, rec)
	if got != event {
		t.Fatalf("delivery of %q at %s: want %q; body: %s", got, rec.Path, event, rec.Body)
	}
	if d := testkit.JSONDiff(payload, want); d != "" {
		t.Fatalf("%s payload differs from the GET answer: %s\npayload: %s\nGET:     %s", event, d, payload, want)
	}
	return payload
}

// deliveryIDs lists the ids of a webhook's deliveries, newest first.
func deliveryIDs(admin *testkit.Client, webhook string) []string {
	admin.T.Helper()
	return admin.Deliveries(webhook).IDs()
}

// onlyDelivery waits for the webhook's one delivery and returns its id.
func onlyDelivery(t *testing.T, admin *testkit.Client, webhook string) string {
	t.Helper()
	var ids []string
	if !testkit.Eventually(testkit.WebhookTimeout, func() bool { ids = deliveryIDs(admin, webhook); return len(ids) > 0 }) {
		t.Fatalf("webhook %s: no delivery", webhook)
	}
	if len(ids) != 1 {
		t.Fatalf("webhook %s: deliveries %v, want one", webhook, ids)
	}
	return ids[0]
}

// checkAttempts checks the attempts of a delivery are numbered 1..n in time order and carry
// their details; it returns them.
func checkAttempts(t *testing.T, d map[string]any) []map[string]any {
	t.Helper()
	as := testkit.Attempts(d)
	var prev time.Time
	for i, a := range as {
		at, err := time.Parse(time.RFC3339, a["time"].(string))
		if err != nil {
			t.Fatalf("attempt %d time %v: %v", i+1, a["time"], err)
		}
		if a["number"] != float64(i+1) || at.Before(prev) {
			t.Fatalf("attempts not numbered 1..n in order: %v", as)
		}
		prev = at
		if ms, ok := a["durationMs"].(float64); !ok || ms < 0 {
			t.Fatalf("attempt %d durationMs %v", i+1, a["durationMs"])
		}
		if _, ok := a["error"].(string); !ok {
			t.Fatalf("attempt %d has no error field: %v", i+1, a)
		}
		if _, ok := a["statusCode"]; !ok {
			t.Fatalf("attempt %d has no statusCode field: %v", i+1, a)
		}
	}
	return as
}

func statusOf(a map[string]any) int {
	n, _ := a["statusCode"].(float64)
	return int(n)
}

// Each event reaches the webhooks subscribed to it, and only them, carrying the resource exactly
// as GET answers it right after the change.
func TestWebhookEachEventDeliversTheResource(t *testing.T) {
	desk := stack.NewDesk(t, "Webhooks événements")
	admin := desk.Admin
	consumer := testkit.NewConsumer(t)
	hooks := map[string]hook{}
	for _, ev := range webhookEvents {
		hooks[ev] = newHook(t, admin, desk.Org, ev, consumer.URL("/"+ev))
	}
	// An organization that has nothing to do with the report subscribes to everything.
	other := stack.NewDesk(t, "Webhooks étrangers")
	otherConsumer := testkit.NewConsumer(t)
	var otherHooks []string
	for _, ev := range webhookEvents {
		otherHooks = append(otherHooks, newHook(t, other.Admin, other.Org, ev, otherConsumer.URL("/"+ev)).id)
	}
	seen := map[string]int{}
	// expect waits for the next delivery of event and compares it with want.
	expect := func(event string, want []byte) json.RawMessage {
		t.Helper()
		seen[event]++
		recs := consumer.WaitDelivered(t, "/"+event, seen[event])
		return expectPayload(t, hooks[event], recs[seen[event]-1], event, want)
	}
	get := func(path string) []byte { t.Helper(); return admin.Get(path).Expect(http.StatusOK).Body }

	_, report := desk.NewReport()
	expect("reportCreated", get("/reports/"+report))
	admin.TransitionReport(report, "accept", false).Expect(http.StatusOK)
	expect("reportStateChanged", get("/reports/"+report))
	admin.TransitionReport(report, "progress", true).Expect(http.StatusOK)
	expect("reportStateChanged", get("/reports/"+report))

	op := admin.CreateOperation(report, testkit.Unique("Reboucher "))
	expect("operationCreated", get("/operations/"+op))
	admin.Assign(op, admin.MemberIDOf(desk.Org, admin)).Expect(http.StatusOK)
	expect("operationStateChanged", get("/operations/"+op))
	admin.TransitionOperation(op, "progress", false).Expect(http.StatusOK)
	expect("operationStateChanged", get("/operations/"+op))
	admin.TransitionOperation(op, "resolve", true).Expect(http.StatusOK)
	p := expect("operationStateChanged", get("/operations/"+op))
	if !strings.Contains(string(p), `"state":"RESOLVED"`) {
		t.Fatalf("resolved operation's payload: %s", p)
	}

	// Removed: the payload is the operation as GET answered it just before, but for updatedAt,
	// which the removal sets (state and everything else are unchanged; GET now answers 404).
	gone := admin.CreateOperation(report, testkit.Unique("Retirer "))
	expect("operationCreated", get("/operations/"+gone))
	before := get("/operations/" + gone)
	admin.Delete("/operations/" + gone).Expect(http.StatusNoContent)
	admin.Get("/operations/" + gone).ExpectError(http.StatusNotFound)
	seen["operationRemoved"]++
	rec := consumer.WaitDelivered(t, "/operationRemoved", 1)[0]
	_, payload := checkReceipt(t, hooks["operationRemoved"], rec)
	var was, is map[string]any
	_ = json.Unmarshal(before, &was)
	_ = json.Unmarshal(payload, &is)
	wasUpdated, _ := time.Parse(time.RFC3339, was["updatedAt"].(string))
	isUpdated, err := time.Parse(time.RFC3339, is["updatedAt"].(string))
	if err != nil || isUpdated.Before(wasUpdated) || rec.Event() != "operationRemoved" {
		t.Fatalf("operationRemoved: updatedAt %v then %v (%v): %s", was["updatedAt"], is["updatedAt"], err, rec.Body)
	}
	delete(was, "updatedAt")
	delete(is, "updatedAt")
	a, _ := json.Marshal(is)
	b, _ := json.Marshal(was)
	if d := testkit.JSONDiff(a, b); d != "" {
		t.Fatalf("operationRemoved payload differs from the operation before removal: %s\npayload: %s\nbefore:  %s", d, payload, before)
	}

	admin.TransitionReport(report, "close", false).Expect(http.StatusOK)
	p = expect("reportStateChanged", get("/reports/"+report))
	if !strings.Contains(string(p), `"state":"CLOSED"`) {
		t.Fatalf("closed report's payload: %s", p)
	}

	// Only to them: each URL got its event, as many times as it happened; each delivery is
	// listed DELIVERED under its webhook with the id the consumer saw.
	want := map[string]int{"reportCreated": 1, "reportStateChanged": 3, "operationCreated": 2, "operationStateChanged": 3, "operationRemoved": 1}
	for _, ev := range webhookEvents {
		recs := consumer.ReceiptsAt("/" + ev)
		if len(recs) != want[ev] || seen[ev] != want[ev] {
			t.Errorf("%s: %d requests (%d expected), want %d", ev, len(recs), seen[ev], want[ev])
		}
		var got []string
		for _, r := range recs {
			if r.Event() != ev {
				t.Errorf("%s received %s", ev, r.Body)
			}
			got = append(got, r.ID())
		}
		l := admin.Deliveries(hooks[ev].id)
		if !testkit.SameSet(l.IDs(), got) {
			t.Errorf("%s: deliveries listed %v, received %v", ev, l.IDs(), got)
		}
		for _, id := range l.IDs() {
			// The consumer has the request before the attempt is recorded: wait for the record.
			d := admin.WaitDeliveryState(hooks[ev].id, id, "DELIVERED")
			if d["event"] != ev || d["deliveredAt"] == nil || len(testkit.Attempts(d)) != 1 {
				t.Errorf("%s delivery: %v", ev, d)
			}
		}
	}
	if n := len(consumer.Receipts()); n != 10 {
		t.Errorf("consumer received %d requests, want 10", n)
	}
	// The other organization's webhooks were not even considered.
	for _, id := range otherHooks {
		other.Admin.Deliveries(id).ExpectIDSet()
	}
	if n := len(otherConsumer.Receipts()); n != 0 {
		t.Errorf("an organization outside the report received %d deliveries", n)
	}
}

// A consumer failing in every way (an error status, too slow, unreachable) gets the event once
// it answers 2xx: one successful receipt, every failed attempt listed.
func TestWebhookRetriedUntilDelivered(t *testing.T) {
	desk := stack.NewDesk(t, "Webhooks retentés")
	consumer := testkit.NewConsumer(t)
	h := newHook(t, desk.Admin, desk.Org, "reportStateChanged", consumer.URL("/retry"))
	timeout := stack.App.Config.WebhookTimeout
	consumer.Script(
		testkit.Answer{Status: http.StatusInternalServerError},
		// 200, but after the attempt's timeout; the consumer then goes down: refused connections.
		testkit.Answer{Delay: timeout + timeout/2, GoDown: true},
	)
	_, report := desk.NewReport()
	desk.Admin.TransitionReport(report, "accept", false).Expect(http.StatusOK)
	want := desk.Admin.Get("/reports/" + report).Expect(http.StatusOK).Body
	id := onlyDelivery(t, desk.Admin, h.id)

	// Up again once a connection was refused.
	if !testkit.Eventually(testkit.WebhookTimeout, func() bool {
		as := testkit.Attempts(desk.Admin.Delivery(h.id, id))
		return len(as) >= 3 && strings.Contains(as[len(as)-1]["error"].(string), "refused")
	}) {
		t.Fatalf("no refused attempt: %v", desk.Admin.Delivery(h.id, id))
	}
	consumer.Up()
	d := desk.Admin.WaitDeliveryState(h.id, id, "DELIVERED")
	as := checkAttempts(t, d)
	n := len(as)
	if n < 4 {
		t.Fatalf("attempts: %v", as)
	}
	if statusOf(as[0]) != 500 || as[0]["error"] == "" {
		t.Errorf("attempt 1 (500): %v", as[0])
	}
	if as[1]["statusCode"] != nil || !regexp.MustCompile(`(?i)timeout|deadline`).MatchString(as[1]["error"].(string)) {
		t.Errorf("attempt 2 (timeout): %v", as[1])
	}
	for _, a := range as[2 : n-1] {
		if a["statusCode"] != nil || !strings.Contains(a["error"].(string), "refused") {
			t.Errorf("attempt %v (refused): %v", a["number"], a)
		}
	}
	if statusOf(as[n-1]) != 200 || as[n-1]["error"] != "" {
		t.Errorf("last attempt: %v", as[n-1])
	}
	if d["deliveredAt"] == nil {
		t.Errorf("delivered without deliveredAt: %v", d)
	}

	// The consumer saw three requests (500, timed out, 200), all with the same webhook-id, each
	// signed afresh; one successful receipt.
	recs := consumer.Receipts()
	if len(recs) != 3 || recs[0].Status != 500 || recs[1].Answered || !recs[2].Delivered() {
		t.Fatalf("receipts: %+v", recs)
	}
	for _, r := range recs {
		if r.ID() != id || string(r.Body) != string(recs[0].Body) {
			t.Errorf("retry with webhook-id %s (want %s) or another body: %s", r.ID(), id, r.Body)
		}
		checkReceipt(t, h, r)
	}
	expectPayload(t, h, recs[2], "reportStateChanged", want)
	if got := consumer.DeliveredIDs(); len(got) != 1 || got[id] != 1 {
		t.Errorf("successful receipts by webhook-id: %v", got)
	}
	// The delivery's body, as listed, is what was sent.
	if body, _ := json.Marshal(d["body"]); testkit.JSONDiff(body, recs[2].Body) != "" {
		t.Errorf("listed body %s, sent %s", body, recs[2].Body)
	}
	// A working webhook: the next event arrives at the first attempt.
	desk.Admin.TransitionReport(report, "progress", false).Expect(http.StatusOK)
	rec := consumer.WaitDelivered(t, "/retry", 2)[1]
	expectPayload(t, h, rec, "reportStateChanged", desk.Admin.Get("/reports/"+report).Expect(http.StatusOK).Body)
	if d := desk.Admin.WaitDeliveryState(h.id, rec.ID(), "DELIVERED"); len(testkit.Attempts(d)) != 1 {
		t.Errorf("second delivery: %v", d)
	}
}

// A redirect is a failed attempt: it is not followed.
func TestWebhookRedirectIsAFailure(t *testing.T) {
	desk := stack.NewDesk(t, "Webhooks redirigés")
	consumer, elsewhere := testkit.NewConsumer(t), testkit.NewConsumer(t)
	h := newHook(t, desk.Admin, desk.Org, "reportCreated", consumer.URL("/moved"))
	consumer.Script(
		testkit.Answer{Status: http.StatusFound, Header: http.Header{"Location": {elsewhere.URL("/new")}}},
		testkit.Answer{Status: http.StatusPermanentRedirect, Header: http.Header{"Location": {elsewhere.URL("/new")}}},
	)
	desk.NewReport()
	id := onlyDelivery(t, desk.Admin, h.id)
	d := desk.Admin.WaitDeliveryState(h.id, id, "DELIVERED")
	as := checkAttempts(t, d)
	if len(as) != 3 || statusOf(as[0]) != 302 || statusOf(as[1]) != 308 || statusOf(as[2]) != 200 || as[0]["error"] == "" || as[1]["error"] == "" {
		t.Fatalf("attempts: %v", as)
	}
	if n := len(elsewhere.Receipts()); n != 0 {
		t.Fatalf("the redirect was followed: %d requests to its target", n)
	}
	if got := consumer.DeliveredIDs(); len(got) != 1 || got[id] != 1 || len(consumer.Receipts()) != 3 {
		t.Fatalf("receipts: %+v", consumer.Receipts())
	}
}

// 410 Gone: the endpoint is no more; the webhook is disabled at once and its organization's
// admins are told by email.
func TestWebhookGoneDisablesIt(t *testing.T) {
	desk := stack.NewDesk(t, "Webhooks disparus")
	admin2, _ := desk.Member(testkit.RoleAdmin)
	agent, _ := desk.Member(testkit.RoleAgent)
	consumer := testkit.NewConsumer(t)
	consumer.Always(testkit.Answer{Status: http.StatusGone})
	h := newHook(t, desk.Admin, desk.Org, "reportStateChanged", consumer.URL("/gone"))
	_, report := desk.NewReport()
	desk.Admin.TransitionReport(report, "accept", false).Expect(http.StatusOK)

	id := onlyDelivery(t, desk.Admin, h.id)
	d := desk.Admin.WaitDeliveryState(h.id, id, "FAILED")
	if as := checkAttempts(t, d); len(as) != 1 || statusOf(as[0]) != 410 {
		t.Fatalf("attempts after a 410: %v", as)
	}
	w := desk.Admin.Get("/webhooks/" + h.id).Expect(http.StatusOK)
	if w.At("enabled") != false || w.Str("disabledReason") == "" {
		t.Fatalf("webhook after a 410: %s", w.Body)
	}
	if n := len(consumer.Receipts()); n != 1 {
		t.Fatalf("%d requests after a 410, want 1", n)
	}
	for _, a := range []*testkit.Client{desk.Admin, admin2} {
		if got := webhookEmails(t, a.Email, h.id, true); len(got) != 1 {
			t.Fatalf("admin %s: %d webhook-disabled emails", a.Email, len(got))
		}
	}
	// (The admins' emails are written by the same activity: the agent's would be there by now.)
	if got := webhookEmails(t, agent.Email, h.id, false); len(got) != 0 {
		t.Fatalf("a member who is not an admin was told: %v", got)
	}
	// Disabled: the next event is not sent, and a redelivery is refused rather than promised.
	desk.Admin.TransitionReport(report, "progress", false).Expect(http.StatusOK)
	desk.Admin.Deliveries(h.id).ExpectIDSet(id)
	desk.Admin.Post("/webhooks/"+h.id+"/deliveries/"+id+"/redeliver", nil).ExpectError(http.StatusConflict)
	if d := desk.Admin.Delivery(h.id, id); d["state"] != "FAILED" {
		t.Fatalf("refused redelivery changed the delivery: %v", d)
	}
}

// webhookEmails lists the webhook-disabled emails about webhook sent to address, waiting for
// one when wait.
func webhookEmails(t *testing.T, address, webhook string, wait bool) []string {
	t.Helper()
	var keys []string
	read := func() bool {
		emails, err := stack.App.Store.EmailsTo(context.Background(), address)
		if err != nil {
			t.Fatal(err)
		}
		keys = nil
		for _, e := range emails {
			if e.Template == "webhook_disabled" && strings.Contains(e.IdempotencyKey, webhook) {
				keys = append(keys, e.IdempotencyKey)
			}
		}
		return len(keys) > 0
	}
	if wait {
		testkit.Eventually(testkit.EmailTimeout, read)
	} else {
		read()
	}
	return keys
}

// After the whole schedule the delivery is FAILED; a redelivery, once the consumer works,
// delivers it, its attempts numbered on.
func TestWebhookFailedThenRedelivered(t *testing.T) {
	desk := stack.NewDesk(t, "Webhooks renvoyés")
	consumer := testkit.NewConsumer(t)
	consumer.Always(testkit.Answer{Status: http.StatusServiceUnavailable})
	h := newHook(t, desk.Admin, desk.Org, "reportCreated", consumer.URL("/down"))
	desk.NewReport()
	id := onlyDelivery(t, desk.Admin, h.id)
	d := desk.Admin.WaitDeliveryState(h.id, id, "FAILED")
	tries := len(stack.App.Config.WebhookSchedule) + 1
	as := checkAttempts(t, d)
	if len(as) != tries {
		t.Fatalf("%d attempts, want %d (one, then one after each wait of the schedule): %v", len(as), tries, as)
	}
	for _, a := range as {
		if statusOf(a) != 503 || a["error"] == "" {
			t.Fatalf("attempt: %v", a)
		}
	}
	if s := stack.WorkflowStatus(t, "webhook-delivery/"+id); s != "Completed" {
		t.Fatalf("delivery workflow %s after failing", s)
	}
	if d["deliveredAt"] != nil {
		t.Fatalf("failed delivery has deliveredAt: %v", d)
	}
	// The webhook stays enabled (it has not failed for long).
	if w := desk.Admin.Get("/webhooks/" + h.id).Expect(http.StatusOK); w.At("enabled") != true {
		t.Fatalf("webhook after a failed delivery: %s", w.Body)
	}

	// Redelivery: admins only, of this webhook's deliveries.
	redeliver := "/webhooks/" + h.id + "/deliveries/" + id + "/redeliver"
	agent, _ := desk.Member(testkit.RoleAgent)
	agent.Post(redeliver, nil).ExpectError(http.StatusForbidden)
	stack.NewDesk(t, "Autre").Admin.Post(redeliver, nil).ExpectError(http.StatusNotFound)
	desk.Admin.Post("/webhooks/"+h.id+"/deliveries/"+uuid.NewString()+"/redeliver", nil).ExpectError(http.StatusNotFound)
	if n := len(consumer.Receipts()); n != tries {
		t.Fatalf("refused redeliveries sent something: %d requests", n)
	}

	consumer.Always(testkit.Answer{})
	r := desk.Admin.Post(redeliver, nil).Expect(http.StatusAccepted)
	if r.Str("id") != id || r.Str("state") == "FAILED" || r.Str("type") != "WebhookDelivery" {
		t.Fatalf("redeliver answer: %s", r.Body)
	}
	d = desk.Admin.WaitDeliveryState(h.id, id, "DELIVERED")
	as = checkAttempts(t, d)
	if len(as) != tries+1 || statusOf(as[tries]) != 200 || as[tries]["error"] != "" {
		t.Fatalf("attempts after the redelivery: %v", as)
	}
	recs := consumer.Receipts()
	if len(recs) != tries+1 {
		t.Fatalf("%d requests, want %d", len(recs), tries+1)
	}
	for _, rec := range recs {
		if rec.ID() != id {
			t.Fatalf("webhook-id %s, want %s throughout", rec.ID(), id)
		}
	}
	checkReceipt(t, h, recs[tries])
	if got := consumer.DeliveredIDs(); len(got) != 1 || got[id] != 1 {
		t.Fatalf("successful receipts by webhook-id: %v", got)
	}
}

// A disabled webhook gets nothing; enabled again, it gets the next events.
func TestWebhookDisabledGetsNothing(t *testing.T) {
	desk := stack.NewDesk(t, "Webhooks éteints")
	off, on := testkit.NewConsumer(t), testkit.NewConsumer(t)
	hOff := newHook(t, desk.Admin, desk.Org, "reportStateChanged", off.URL("/off"))
	hOn := newHook(t, desk.Admin, desk.Org, "reportStateChanged", on.URL("/on"))
	desk.Admin.Patch("/webhooks/"+hOff.id, map[string]any{"enabled": false}).Expect(http.StatusOK)

	_, report := desk.NewReport()
	desk.Admin.TransitionReport(report, "accept", false).Expect(http.StatusOK)
	// Once the enabled webhook has it, the event was prepared: the disabled one has nothing.
	on.WaitDelivered(t, "/on", 1)
	desk.Admin.Deliveries(hOff.id).ExpectIDSet()
	if n := len(off.Receipts()); n != 0 {
		t.Fatalf("a disabled webhook received %d requests", n)
	}

	desk.Admin.Patch("/webhooks/"+hOff.id, map[string]any{"enabled": true}).Expect(http.StatusOK)
	desk.Admin.TransitionReport(report, "progress", false).Expect(http.StatusOK)
	want := desk.Admin.Get("/reports/" + report).Expect(http.StatusOK).Body
	rec := off.WaitDelivered(t, "/off", 1)[0]
	expectPayload(t, hOff, rec, "reportStateChanged", want)
	expectPayload(t, hOn, on.WaitDelivered(t, "/on", 2)[1], "reportStateChanged", want)
	if n := len(off.Receipts()); n != 1 {
		t.Fatalf("re-enabled webhook received %d requests, want 1 (the event after)", n)
	}
	desk.Admin.Deliveries(hOff.id).ExpectIDSet(rec.ID())
}

// A delegated report's changes reach the webhooks of every organization of its chain.
func TestWebhookDelegationChainNotified(t *testing.T) {
	a := stack.NewDesk(t, "Webhooks A")
	b := stack.NewDesk(t, "Webhooks B")
	c := stack.NewDesk(t, "Webhooks C")
	outsider := stack.NewDesk(t, "Webhooks X")
	makePartner(a, b)
	makePartner(b, c)
	makePartner(a, outsider)
	consumer := testkit.NewConsumer(t)
	hooks := map[string]hook{}
	for name, d := range map[string]*testkit.Desk{"a": a, "b": b, "c": c, "x": outsider} {
		hooks[name] = newHook(t, d.Admin, d.Org, "reportStateChanged", consumer.URL("/"+name))
	}
	_, report := a.NewReport()
	delegate(a.Admin, a.Org, report, b.Org).Expect(http.StatusOK)
	delegate(b.Admin, b.Org, report, c.Org).Expect(http.StatusOK)
	c.Admin.TransitionReport(report, "accept", false).Expect(http.StatusOK)

	ids := map[string]bool{}
	for _, name := range []string{"a", "b", "c"} {
		d := map[string]*testkit.Desk{"a": a, "b": b, "c": c}[name]
		want := d.Admin.Get("/reports/" + report).Expect(http.StatusOK).Body
		rec := consumer.WaitDelivered(t, "/"+name, 1)[0]
		expectPayload(t, hooks[name], rec, "reportStateChanged", want)
		ids[rec.ID()] = true
		// Each webhook's delivery is its own, signed with its own secret.
		for other, h := range hooks {
			if other == name {
				continue
			}
			if v, _ := standardwebhooks.NewWebhook(h.secret); v.Verify(rec.Body, rec.Header) == nil {
				t.Fatalf("delivery to %s verifies with the secret of %s", name, other)
			}
		}
	}
	if len(ids) != 3 {
		t.Fatalf("deliveries share ids: %v", ids)
	}
	outsider.Admin.Deliveries(hooks["x"].id).ExpectIDSet()
	if got := len(consumer.ReceiptsAt("/x")); got != 0 {
		t.Fatalf("an organization outside the chain received %d deliveries", got)
	}
}

// The worker dies (SIGKILL) while a consumer is down, just after a change and in the middle of
// the retries: once both are back, every event arrives exactly once.
func TestWebhookSurvivesWorkerKill(t *testing.T) {
	iso := stack.NewIsolated(t, nil)
	worker := iso.StartWorker(t)
	desk := stack.NewDesk(t, "Webhooks redémarrage")
	admin, citizen := iso.On(desk.Admin), iso.On(desk.Citizen)
	consumer := testkit.NewConsumer(t)
	consumer.Down()
	h := newHook(t, desk.Admin, desk.Org, "reportStateChanged", consumer.URL("/restart"))
	report := admin.ReportOf(desk.Org, citizen.Issue(desk.Inside(), nil))

	refused := func(id string) func() bool {
		return func() bool {
			d := desk.Admin.Delivery(h.id, id)
			for _, a := range testkit.Attempts(d) {
				if strings.Contains(a["error"].(string), "refused") {
					return true
				}
			}
			return false
		}
	}
	// Killed right after the change is answered.
	admin.TransitionReport(report, "accept", false).Expect(http.StatusOK)
	accepted := admin.Get("/reports/" + report).Expect(http.StatusOK).Body
	worker.Kill()
	worker = iso.StartWorker(t)
	first := onlyDelivery(t, desk.Admin, h.id)
	if !testkit.Eventually(testkit.WebhookTimeout, refused(first)) {
		t.Fatalf("no refused attempt: %v", desk.Admin.Delivery(h.id, first))
	}
	// Killed while retrying.
	admin.TransitionReport(report, "progress", false).Expect(http.StatusOK)
	progressed := admin.Get("/reports/" + report).Expect(http.StatusOK).Body
	var second string
	if !testkit.Eventually(testkit.WebhookTimeout, func() bool {
		ids := deliveryIDs(desk.Admin, h.id)
		if len(ids) != 2 {
			return false
		}
		second = ids[0]
		if second == first {
			second = ids[1]
		}
		return refused(second)()
	}) {
		t.Fatalf("second delivery: %v", desk.Admin.Deliveries(h.id).Body)
	}
	worker.Kill()
	time.Sleep(time.Second) // a retry falls due while no worker runs
	iso.StartWorker(t)      // stopped by the test's cleanup
	consumer.Up()

	for _, id := range []string{first, second} {
		d := desk.Admin.WaitDeliveryState(h.id, id, "DELIVERED")
		as := checkAttempts(t, d)
		if last := as[len(as)-1]; statusOf(last) != 200 {
			t.Fatalf("delivery %s: %v", id, as)
		}
		if !testkit.Eventually(testkit.WebhookTimeout, func() bool { return stack.WorkflowStatus(t, "webhook-delivery/"+id) == "Completed" }) {
			t.Fatalf("delivery workflow %s: %s", id, stack.WorkflowStatus(t, "webhook-delivery/"+id))
		}
	}
	// Both workflows are over: nothing more can arrive. Exactly once each.
	if got := consumer.DeliveredIDs(); len(got) != 2 || got[first] != 1 || got[second] != 1 {
		t.Fatalf("successful receipts by webhook-id: %v (deliveries %s, %s)", got, first, second)
	}
	for _, rec := range consumer.DeliveredAt("/restart") {
		want := accepted
		if rec.ID() == second {
			want = progressed
		}
		expectPayload(t, h, rec, "reportStateChanged", want)
	}
	desk.Admin.Deliveries(h.id).ExpectIDSet(first, second)
}

// A worker killed while an attempt waits for the endpoint's answer: the attempt is noticed as
// lost (its heartbeats stop) and made again by the restarted worker, well before the attempt's
// own time limit; the endpoint, whose first answer never reached anyone, is delivered to once.
func TestWebhookAttemptCutByWorkerKillIsMadeAgain(t *testing.T) {
	iso := stack.NewIsolated(t, nil)
	worker := iso.StartWorker(t)
	desk := stack.NewDesk(t, "Webhooks coupure")
	admin, citizen := iso.On(desk.Admin), iso.On(desk.Citizen)
	consumer := testkit.NewConsumer(t)
	// Held for most of the worker's 2s HTTP timeout: the worker dies while it waits.
	consumer.Script(testkit.Answer{Delay: 1500 * time.Millisecond})
	h := newHook(t, desk.Admin, desk.Org, "reportStateChanged", consumer.URL("/cut"))
	report := admin.ReportOf(desk.Org, citizen.Issue(desk.Inside(), nil))
	admin.TransitionReport(report, "accept", false).Expect(http.StatusOK)
	consumer.WaitReceipts(t, "/cut", 1)
	worker.Kill()
	iso.StartWorker(t) // stopped by the test's cleanup

	id := onlyDelivery(t, desk.Admin, h.id)
	// The attempt's own time limit is a minute: waiting half of it tells the two apart.
	var d map[string]any
	if !testkit.Eventually(30*time.Second, func() bool { d = desk.Admin.Delivery(h.id, id); return d["state"] == "DELIVERED" }) {
		t.Fatalf("the cut attempt was not made again: %v", d)
	}
	if as := checkAttempts(t, d); len(as) != 1 || statusOf(as[0]) != 200 {
		t.Fatalf("attempts after the cut: %v", as)
	}
	recs := consumer.ReceiptsAt("/cut")
	if len(recs) != 2 || recs[0].Answered || !recs[1].Delivered() || recs[0].ID() != id || recs[1].ID() != id {
		t.Fatalf("receipts: %d, first answered %v (want 2: the cut one unanswered, then a delivered one)", len(recs), len(recs) > 0 && recs[0].Answered)
	}
}

// Changes in quick succession: each event carries the resource as it was right after its own
// change, not as a later change left it; the consumer can tell them apart and order them.
func TestWebhookQuickChangesEachCarryTheirOwnState(t *testing.T) {
	desk := stack.NewDesk(t, "Webhooks rapides")
	consumer := testkit.NewConsumer(t)
	h := newHook(t, desk.Admin, desk.Org, "reportStateChanged", consumer.URL("/quick"))
	_, report := desk.NewReport()
	var states []string
	var wants [][]byte
	for _, tr := range []string{"accept", "hold", "progress", "close"} {
		states = append(states, desk.Admin.TransitionReport(report, tr, false).Expect(http.StatusOK).Str("state"))
		wants = append(wants, desk.Admin.Get("/reports/"+report).Expect(http.StatusOK).Body)
	}
	recs := consumer.WaitDelivered(t, "/quick", len(states))
	// Deliveries are not ordered: match each to its state.
	byState := map[string]testkit.Receipt{}
	for _, rec := range recs {
		_, payload := checkReceipt(t, h, rec)
		var p struct{ State string }
		_ = json.Unmarshal(payload, &p)
		if _, dup := byState[p.State]; dup {
			t.Errorf("two deliveries carry state %s", p.State)
		}
		byState[p.State] = rec
	}
	for i, s := range states {
		rec, ok := byState[s]
		if !ok {
			t.Errorf("no delivery carries state %s (states sent: %v)", s, slices.Sorted(maps.Keys(byState)))
			continue
		}
		expectPayload(t, h, rec, "reportStateChanged", wants[i])
	}
}
