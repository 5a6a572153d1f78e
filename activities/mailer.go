package activities

import (
	"context"
	"encoding/base64"
	"fmt"
	"log/slog"
	"net/http"
	"os"

	"github.com/sendgrid/rest"
	"github.com/sendgrid/sendgrid-go"
	"github.com/sendgrid/sendgrid-go/helpers/mail"
	"go.opentelemetry.io/contrib/instrumentation/net/http/otelhttp"

	"github.com/keyclic/keyclic/store"
)

// Mailer hands one message to an email provider and returns the provider's message id.
type Mailer interface {
	Send(ctx context.Context, e store.Email) (providerID string, err error)
	// Records reports whether the mailer only records (the emails table is then the delivery).
	Records() bool
}

// RecordingMailer delivers nothing: the email row in Postgres and a log line are the delivery.
// It is the default when no SendGrid key is configured, so the service works on a laptop.
type RecordingMailer struct{ Log *slog.Logger }

func (m RecordingMailer) Send(_ context.Context, e store.Email) (string, error) {
	m.Log.Info("email recorded (no SENDGRID_API_KEY)", "to", e.To, "template", e.Template, "subject", e.Subject, "key", e.IdempotencyKey)
	for _, a := range e.Attachments {
		// The attachment is recorded with the email row; the file stays where it is.
		m.Log.Info("email attachment recorded", "key", e.IdempotencyKey, "name", a.Name, "content_type", a.ContentType, "size", a.Size, "path", a.Path)
	}
	return "", nil
}

func (RecordingMailer) Records() bool { return true }

// SendGridMailer sends through SendGrid's v3 API.
type SendGridMailer struct {
	APIKey   string
	Host     string // https://api.sendgrid.com, or a local fake
	From     string
	FromName string
}

func (m SendGridMailer) Send(ctx context.Context, e store.Email) (string, error) {
	msg := mail.NewSingleEmail(mail.NewEmail(m.FromName, m.From), e.Subject, mail.NewEmail("", e.To), e.TextBody, e.HTMLBody)
	for _, a := range e.Attachments {
		// SendGrid takes attachments inline, base64-encoded: the file is read whole, which the
		// sender bounds (EXPORT_ATTACHMENT_MAX for exports; SendGrid refuses messages over 30 MB).
		data, err := os.ReadFile(a.Path)
		if err != nil {
			return "", fmt.Errorf("attachment %s: %w", a.Name, err)
		}
		msg.AddAttachment(mail.NewAttachment().SetContent(base64.StdEncoding.EncodeToString(data)).
			SetType(a.ContentType).SetFilename(a.Name).SetDisposition("attachment"))
	}
	req := sendgrid.GetRequest(m.APIKey, "/v3/mail/send", m.Host)
	req.Method = http.MethodPost
	req.Body = mail.GetRequestBody(msg)
	resp, err := sendGridClient.SendWithContext(ctx, req)
	if err != nil {
		return "", fmt.Errorf("sendgrid: %w", err)
	}
	if resp.StatusCode/100 != 2 {
		return "", fmt.Errorf("sendgrid: status %d: %.200s", resp.StatusCode, resp.Body)
	}
	if ids := resp.Headers["X-Message-Id"]; len(ids) > 0 {
		return ids[0], nil
	}
	return "", nil
}

func (SendGridMailer) Records() bool { return false }

// sendGridClient is sendgrid-go's default client (no timeout of its own: the activity's context
// bounds each call) whose requests are spans of the activity's trace.
var sendGridClient = &rest.Client{HTTPClient: &http.Client{Transport: otelhttp.NewTransport(http.DefaultTransport)}}
