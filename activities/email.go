package activities

import (
	"context"
	"fmt"

	"github.com/google/uuid"

	"github.com/keyclic/keyclic/domain"
	"github.com/keyclic/keyclic/store"
)

// emailOption adds something to an email beyond its rendered template (attachments).
type emailOption func(*store.Email)

// withAttachments sends files with the email; each is read from its path when the mailer sends.
func withAttachments(atts ...store.Attachment) emailOption {
	return func(e *store.Email) { e.Attachments = append(e.Attachments, atts...) }
}

// deliverEmail sends a rendered template once per idempotency key: the row is claimed in
// Postgres first, so a retried activity finds it and does not send again. Only a crash between
// the provider accepting the message and the row being marked SENT can repeat a send.
func (a *Activities) deliverEmail(ctx context.Context, key, to string, lang domain.Lang, tpl string, data any, opts ...emailOption) error {
	r, err := render(tpl, lang, data)
	if err != nil {
		return err
	}
	status := store.EmailPending
	if a.Mailer.Records() {
		status = store.EmailRecorded
	}
	claim := store.Email{
		ID: uuid.New(), IdempotencyKey: key, To: to, Language: string(lang), Template: tpl,
		Subject: r.Subject, TextBody: r.Text, HTMLBody: r.HTML, Status: status,
	}
	for _, o := range opts {
		o(&claim)
	}
	e, mustSend, err := a.Store.ClaimEmail(ctx, claim)
	if err != nil {
		return fmt.Errorf("record email: %w", err)
	}
	if !mustSend {
		return nil // already delivered by an earlier attempt
	}
	providerID, err := a.Mailer.Send(ctx, e)
	a.countSend(ChannelEmail, err)
	if err != nil {
		return err
	}
	if a.Mailer.Records() {
		return nil
	}
	return a.Store.MarkEmailSent(ctx, e.ID, providerID)
}
