package activities

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"time"

	"github.com/google/uuid"
	"go.opentelemetry.io/contrib/instrumentation/net/http/otelhttp"

	"github.com/keyclic/keyclic/domain"
	"github.com/keyclic/keyclic/internal/netguard"
	"github.com/keyclic/keyclic/store"
)

// Renderer serializes resources exactly as the API answers them: a webhook payload is the
// resource as a client would GET it, HAL links and embedded included.
type Renderer interface {
	ReportJSON(ctx context.Context, id uuid.UUID) (json.RawMessage, error)
	OperationJSON(ctx context.Context, id uuid.UUID) (json.RawMessage, error)
}

// LinkSigner makes the signed links emails carry (the API's tokens sign them).
type LinkSigner interface {
	ExportDownloadLink(ctx context.Context, exportID uuid.UUID) (string, error)
}

// WebhookSettings configure deliveries.
type WebhookSettings struct {
	Timeout       time.Duration   // per attempt
	Schedule      []time.Duration // waits between attempts; the delivery fails after the last
	RetryAfterCap time.Duration   // the longest Retry-After honoured
	Jitter        int             // percent each wait of the schedule varies by
	DisableAfter  time.Duration   // a webhook failing for this long is disabled
	AllowInternal bool            // allow loopback and private targets (tests, development)
}

// Retry is how the deliveries started now are retried.
func (s WebhookSettings) Retry() domain.DeliveryRetry {
	return domain.NewDeliveryRetry(s.Schedule, s.RetryAfterCap, s.Jitter)
}

// NewWebhookClient is the HTTP client deliveries use: bounded in time, never following
// redirects (a 3xx is a failure), and unable to reach internal addresses unless allowed.
func NewWebhookClient(s WebhookSettings) *http.Client {
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.DialContext = netguard.DialContext(s.Timeout, s.AllowInternal)
	tr.Proxy = nil
	return &http.Client{
		Timeout:       s.Timeout,
		Transport:     otelhttp.NewTransport(tr), // a span per attempt; traceparent tells the consumer
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
}

// EventInput is a change that webhooks may subscribe to.
type EventInput struct {
	Event       string
	ReportID    uuid.UUID
	OperationID *uuid.UUID // for operation events
	Key         string     // unique per occurrence: a retry finds the deliveries it made
}

// PreparedEvent lists the deliveries to make, and how to retry them.
type PreparedEvent struct {
	Deliveries []uuid.UUID
	WebhookIDs []uuid.UUID
	domain.DeliveryRetry
}

// PrepareEvent finds the webhooks of the organizations concerned (the report's whole delegation
// chain) subscribed to the event, renders the resource once, and records one delivery each.
func (a *Activities) PrepareEvent(ctx context.Context, in EventInput) (PreparedEvent, error) {
	out := PreparedEvent{DeliveryRetry: a.Webhooks.Retry()}
	r, err := a.Store.ReportByID(ctx, in.ReportID)
	if err != nil {
		return out, err
	}
	hooks, err := a.Store.SubscribedWebhooks(ctx, r.Chain, in.Event)
	if err != nil || len(hooks) == 0 {
		return out, err
	}
	var payload json.RawMessage
	if in.OperationID != nil {
		payload, err = a.Renderer.OperationJSON(ctx, *in.OperationID)
	} else {
		payload, err = a.Renderer.ReportJSON(ctx, in.ReportID)
	}
	if err != nil {
		return out, err
	}
	resource := in.ReportID
	if in.OperationID != nil {
		resource = *in.OperationID
	}
	sequence, err := a.Store.EventSequence(ctx, resource, in.Key)
	if err != nil {
		return out, err
	}
	body, err := json.Marshal(struct {
		Event    string          `json:"event"`
		Sequence int64           `json:"sequence"`
		Payload  json.RawMessage `json:"payload"`
	}{in.Event, sequence, payload})
	if err != nil {
		return out, err
	}
	ds := make([]store.NewDelivery, len(hooks))
	for i, h := range hooks {
		ds[i] = store.NewDelivery{ID: uuid.New(), WebhookID: h.ID, Event: in.Event, EventKey: in.Key, Body: string(body)}
		out.WebhookIDs = append(out.WebhookIDs, h.ID)
	}
	out.Deliveries, err = a.Store.InsertDeliveries(ctx, ds)
	return out, err
}

// AttemptInput names one attempt of a delivery.
type AttemptInput struct {
	DeliveryID uuid.UUID
	Number     int
}

// AttemptOutput tells the delivery workflow what to do next.
type AttemptOutput struct {
	Delivered  bool
	Stop       bool            // the webhook was deleted, disabled, or answered 410 Gone
	RetryAfter domain.Duration // what the consumer asked for, if anything
	StatusCode int
	Error      string
}

// AttemptDelivery POSTs the delivery's body once, signed (Standard Webhooks headers), and
// records the attempt. Any 2xx is success; anything else, a timeout or a refused connection is a
// failed attempt, which the workflow retries on its schedule. A webhook failing for longer than
// DisableAfter is disabled and its organization's admins are told.
func (a *Activities) AttemptDelivery(ctx context.Context, in AttemptInput) (AttemptOutput, error) {
	d, err := a.Store.DeliveryByID(ctx, in.DeliveryID)
	if err != nil {
		return AttemptOutput{}, err
	}
	if d.State == domain.DeliveryDelivered {
		return AttemptOutput{Delivered: true}, nil
	}
	w, deleted, err := a.Store.WebhookByID(ctx, d.WebhookID)
	if err != nil {
		return AttemptOutput{}, err
	}
	if deleted || !w.Enabled {
		return AttemptOutput{Stop: true, Error: "webhook disabled or deleted"}, nil
	}
	started := a.Now()
	stop := keepAlive(ctx)
	out, outcome := a.post(ctx, w, d, started)
	stop()
	a.counters().WebhookAttempt(d.Event, outcome)
	attempt := domain.Attempt{Number: in.Number, StartedAt: started, Duration: a.Now().Sub(started), Error: out.Error}
	if out.StatusCode != 0 {
		code := out.StatusCode
		attempt.StatusCode = &code
	}
	failingSince, err := a.Store.RecordAttempt(ctx, d, store.AttemptResult{Attempt: attempt, Delivered: out.Delivered})
	if err != nil {
		return AttemptOutput{}, err
	}
	a.Log.Info("webhook attempt", "delivery", d.ID, "webhook", w.ID, "number", in.Number, "status", out.StatusCode, "error", out.Error)
	switch {
	case out.Delivered:
	case out.StatusCode == http.StatusGone:
		out.Stop = true
		err = a.disableWebhook(ctx, w, "the endpoint answered 410 Gone")
	case failingSince != nil && a.Now().Sub(*failingSince) >= a.Webhooks.DisableAfter:
		out.Stop = true
		err = a.disableWebhook(ctx, w, fmt.Sprintf("deliveries have failed since %s", failingSince.UTC().Format(time.RFC3339)))
	}
	return out, err
}

// post makes one attempt; it returns its outcome as the metrics count it.
func (a *Activities) post(ctx context.Context, w domain.Webhook, d domain.Delivery, at time.Time) (AttemptOutput, string) {
	body := []byte(d.Body)
	sig, err := domain.SignWebhookWith(w.SigningSecrets(at), d.ID.String(), at, body)
	if err != nil {
		return AttemptOutput{Error: err.Error()}, OutcomeError
	}
	ctx, cancel := context.WithTimeout(ctx, a.Webhooks.Timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, w.PayloadURL, bytes.NewReader(body))
	if err != nil {
		return AttemptOutput{Error: err.Error()}, OutcomeError
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "Keyclic-Webhooks/1.0")
	req.Header.Set("webhook-id", d.ID.String())
	req.Header.Set("webhook-timestamp", strconv.FormatInt(at.Unix(), 10))
	req.Header.Set("webhook-signature", sig)
	resp, err := a.WebhookClient.Do(req)
	if err != nil {
		return AttemptOutput{Error: err.Error()}, errorOutcome(err)
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	out := AttemptOutput{StatusCode: resp.StatusCode, Delivered: resp.StatusCode/100 == 2}
	if !out.Delivered {
		out.Error = resp.Status
		out.RetryAfter = domain.Duration(retryAfter(resp.Header.Get("Retry-After"), at))
	}
	return out, statusOutcome(resp.StatusCode)
}

// retryAfter reads a Retry-After header: seconds, or an HTTP date.
func retryAfter(v string, now time.Time) time.Duration {
	if v == "" {
		return 0
	}
	if s, err := strconv.Atoi(v); err == nil && s > 0 {
		return time.Duration(s) * time.Second
	}
	if t, err := http.ParseTime(v); err == nil && t.After(now) {
		return t.Sub(now)
	}
	return 0
}

func (a *Activities) disableWebhook(ctx context.Context, w domain.Webhook, reason string) error {
	changed, err := a.Store.DisableWebhook(ctx, w.ID, reason)
	if err != nil || !changed {
		return err
	}
	a.Log.Warn("webhook disabled", "webhook", w.ID, "reason", reason)
	admins, err := a.Store.AdminsOf(ctx, w.OrganizationID)
	if err != nil {
		return err
	}
	return a.emailPeople(ctx, "webhook-disabled/"+w.ID.String()+"/"+w.UpdatedAt.UTC().Format(time.RFC3339Nano), admins,
		"webhook_disabled", map[string]any{"URL": w.PayloadURL, "Event": w.Event, "Reason": reason, "WebhookID": w.ID.String()})
}

// FailDeliveryInput names a delivery given up.
type FailDeliveryInput struct{ DeliveryID uuid.UUID }

// FailDelivery marks the delivery FAILED (it can still be redelivered by hand).
func (a *Activities) FailDelivery(ctx context.Context, in FailDeliveryInput) error {
	return a.Store.FailDelivery(ctx, in.DeliveryID)
}
