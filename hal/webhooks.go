package hal

import (
	"encoding/json"

	"github.com/google/uuid"

	"github.com/keyclic/keyclic/domain"
)

type Webhook struct {
	Resource
	Event          string `json:"event"`
	PayloadURL     string `json:"payloadUrl"`
	Enabled        bool   `json:"enabled"`
	DisabledReason string `json:"disabledReason,omitempty"`
	// Secret is shown once, when the webhook is created: consumers verify signatures with it.
	Secret string `json:"secret,omitempty"`
	Links  Links  `json:"_links"`
}

func WebhookLink(id uuid.UUID) *Link {
	return NewLink("/webhooks/"+id.String(), "webhook", id.String())
}

func RenderWebhook(w domain.Webhook) Webhook {
	id := w.ID.String()
	return Webhook{
		Resource: NewResource("Webhook", id, w.CreatedAt, w.UpdatedAt),
		Event:    w.Event, PayloadURL: w.PayloadURL, Enabled: w.Enabled, DisabledReason: w.DisabledReason,
		Links: Links{
			"self":         WebhookLink(w.ID),
			"organization": OrganizationLink(w.OrganizationID),
			"deliveries":   NewLink("/webhooks/"+id+"/deliveries", "webhook", id),
		},
	}
}

type Delivery struct {
	Type        string          `json:"type"`
	ID          string          `json:"id"`
	Event       string          `json:"event"`
	State       string          `json:"state"`
	CreatedAt   Time            `json:"createdAt"`
	DeliveredAt *Time           `json:"deliveredAt"`
	Body        json.RawMessage `json:"body"`
	Attempts    []Attempt       `json:"attempts"`
	Links       Links           `json:"_links"`
}

type Attempt struct {
	Number     int    `json:"number"`
	Time       Time   `json:"time"`
	StatusCode *int   `json:"statusCode"`
	DurationMS int64  `json:"durationMs"`
	Error      string `json:"error"`
}

func RenderDelivery(d domain.Delivery) Delivery {
	wid, id := d.WebhookID.String(), d.ID.String()
	out := Delivery{Type: "WebhookDelivery", ID: id, Event: d.Event, State: d.State, CreatedAt: Time(d.CreatedAt),
		DeliveredAt: TimePtr(d.DeliveredAt), Body: json.RawMessage(d.Body), Attempts: make([]Attempt, len(d.Attempts)),
		Links: Links{
			"webhook":   WebhookLink(d.WebhookID),
			"redeliver": NewLink("/webhooks/"+wid+"/deliveries/"+id+"/redeliver", "webhook", wid, "delivery", id),
		}}
	for i, a := range d.Attempts {
		out.Attempts[i] = Attempt{Number: a.Number, Time: Time(a.StartedAt), StatusCode: a.StatusCode, DurationMS: a.Duration.Milliseconds(), Error: a.Error}
	}
	return out
}
