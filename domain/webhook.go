package domain

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/google/uuid"
)

// Webhook events.
const (
	EventReportCreated         = "reportCreated"
	EventReportStateChanged    = "reportStateChanged"
	EventOperationCreated      = "operationCreated"
	EventOperationStateChanged = "operationStateChanged"
	EventOperationRemoved      = "operationRemoved"
	// EventReportOverdue: the report missed a service-level deadline (once per deadline and
	// organization); its payload is the report, its _embedded.serviceLevel saying which.
	EventReportOverdue = "reportOverdue"
)

// WebhookEvents lists every event a webhook may subscribe to.
var WebhookEvents = []string{EventReportCreated, EventReportStateChanged, EventOperationCreated, EventOperationStateChanged, EventOperationRemoved, EventReportOverdue}

// ValidWebhookEvent reports whether e is one of the events.
func ValidWebhookEvent(e string) bool { return slices.Contains(WebhookEvents, e) }

// Webhook is an organization's subscription to an event.
type Webhook struct {
	ID             uuid.UUID
	OrganizationID uuid.UUID
	Event          string
	PayloadURL     string
	Enabled        bool
	Secret         string
	// PreviousSecret is the secret a rotation replaced: deliveries are signed with it too until
	// PreviousSecretUntil, so consumers can switch secrets without a failed check.
	PreviousSecret      string
	PreviousSecretUntil *time.Time
	DisabledReason      string
	FailingSince        *time.Time
	CreatedAt           time.Time
	UpdatedAt           time.Time
}

// Delivery states.
const (
	DeliveryPending   = "PENDING"
	DeliveryDelivered = "DELIVERED"
	DeliveryFailed    = "FAILED"
)

// Delivery is one event sent (and re-sent until it arrives) to one webhook.
type Delivery struct {
	ID          uuid.UUID
	WebhookID   uuid.UUID
	Event       string
	Body        string
	State       string
	Attempts    []Attempt
	CreatedAt   time.Time
	DeliveredAt *time.Time
}

// DeliveryCursor is a place in a webhook's deliveries, in the order they were made.
type DeliveryCursor struct {
	CreatedAt time.Time
	ID        uuid.UUID
}

// RecoverableDelivery is a delivery a recovery sends again.
type RecoverableDelivery struct {
	ID       uuid.UUID
	Event    string
	Attempts int
	At       DeliveryCursor
}

// Attempt is one HTTP POST of a delivery.
type Attempt struct {
	Number     int
	StartedAt  time.Time
	Duration   time.Duration
	StatusCode *int
	Error      string
}

// CheckPayloadURL accepts an absolute http or https URL with a host.
func CheckPayloadURL(path, s string) error {
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.Hostname() == "" || u.User != nil {
		return Invalid(path, MsgInvalidURL)
	}
	if len(s) > 2048 {
		return Invalid(path, MsgTooLong, 2048)
	}
	return nil
}

// NewWebhookSecret makes a signing secret in the Standard Webhooks form: "whsec_" + base64 key.
func NewWebhookSecret() (string, error) {
	key := make([]byte, 32)
	if _, err := rand.Read(key); err != nil {
		return "", err
	}
	return "whsec_" + base64.StdEncoding.EncodeToString(key), nil
}

// SignWebhook computes the Standard Webhooks signature header value ("v1,<base64>") of a message:
// HMAC-SHA256, keyed with the secret's key, over "<id>.<unix timestamp>.<body>".
// SigningSecrets are the secrets a delivery attempted at "at" is signed with: the current one,
// and the one it replaced while the rotation's overlap lasts.
func (w Webhook) SigningSecrets(at time.Time) []string {
	if w.PreviousSecret != "" && w.PreviousSecretUntil != nil && at.Before(*w.PreviousSecretUntil) {
		return []string{w.Secret, w.PreviousSecret}
	}
	return []string{w.Secret}
}

// SignWebhookWith signs with each secret, the signatures separated by spaces, as the Standard
// Webhooks scheme lets a sender do while secrets are rotated.
func SignWebhookWith(secrets []string, id string, at time.Time, body []byte) (string, error) {
	sigs := make([]string, len(secrets))
	for i, s := range secrets {
		sig, err := SignWebhook(s, id, at, body)
		if err != nil {
			return "", err
		}
		sigs[i] = sig
	}
	return strings.Join(sigs, " "), nil
}

func SignWebhook(secret, id string, at time.Time, body []byte) (string, error) {
	key, err := base64.StdEncoding.DecodeString(strings.TrimPrefix(secret, "whsec_"))
	if err != nil {
		return "", fmt.Errorf("webhook secret: %w", err)
	}
	mac := hmac.New(sha256.New, key)
	fmt.Fprintf(mac, "%s.%d.", id, at.Unix())
	mac.Write(body)
	return "v1," + base64.StdEncoding.EncodeToString(mac.Sum(nil)), nil
}
