package store

import (
	"context"
	"time"

	"github.com/google/uuid"
)

// Email statuses.
const (
	EmailRecorded = "RECORDED" // no provider configured: the row is the delivery
	EmailPending  = "PENDING"  // handed to the provider, not yet confirmed
	EmailSent     = "SENT"
)

// Email is one message the service sends.
type Email struct {
	ID             uuid.UUID
	IdempotencyKey string
	To             string
	Language       string
	Template       string
	Subject        string
	TextBody       string
	HTMLBody       string
	Status         string
	ProviderID     string
	Attachments    []Attachment // files sent with the message, read from disk by the mailer
	CreatedAt      time.Time
}

// Attachment is a file sent with an email. Only its description is stored with the email; the
// file stays at Path, where the mailer reads it.
type Attachment struct {
	Name        string `json:"name"`
	ContentType string `json:"contentType"`
	Size        int64  `json:"size"`
	Path        string `json:"path"`
}

// ClaimEmail stores the email under its idempotency key and reports whether it must be sent:
// true when the key is new, or when an earlier attempt left it PENDING (its content is then
// replaced by this attempt's); false when it was already delivered or recorded.
func (s *Store) ClaimEmail(ctx context.Context, e Email) (stored Email, mustSend bool, err error) {
	atts := e.Attachments
	if atts == nil {
		atts = []Attachment{}
	}
	tag, err := s.Pool.Exec(ctx, `INSERT INTO emails (id, idempotency_key, to_address, language, template, subject, text_body, html_body, status, attachments)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
		ON CONFLICT (idempotency_key) DO UPDATE SET to_address = excluded.to_address, language = excluded.language,
			subject = excluded.subject, text_body = excluded.text_body, html_body = excluded.html_body, attachments = excluded.attachments
		WHERE emails.status = 'PENDING'`,
		e.ID, e.IdempotencyKey, e.To, e.Language, e.Template, e.Subject, e.TextBody, e.HTMLBody, e.Status, atts)
	if err != nil {
		return Email{}, false, err
	}
	stored, err = s.EmailByKey(ctx, e.IdempotencyKey)
	return stored, tag.RowsAffected() == 1, err
}

// MarkEmailSent records the provider's acceptance.
func (s *Store) MarkEmailSent(ctx context.Context, id uuid.UUID, providerID string) error {
	_, err := s.Pool.Exec(ctx, `UPDATE emails SET status = 'SENT', provider_id = $2, sent_at = now() WHERE id = $1`, id, providerID)
	return err
}

const emailCols = `id, idempotency_key, to_address, language, template, subject, text_body, html_body, status, provider_id, attachments, created_at`

type scanner interface{ Scan(dest ...any) error }

func scanEmail(r scanner) (Email, error) {
	var e Email
	err := r.Scan(&e.ID, &e.IdempotencyKey, &e.To, &e.Language, &e.Template, &e.Subject, &e.TextBody, &e.HTMLBody, &e.Status, &e.ProviderID, &e.Attachments, &e.CreatedAt)
	return e, err
}

// EmailByKey loads an email by its idempotency key.
func (s *Store) EmailByKey(ctx context.Context, key string) (Email, error) {
	e, err := scanEmail(s.Pool.QueryRow(ctx, `SELECT `+emailCols+` FROM emails WHERE idempotency_key = $1`, key))
	return e, notFound(err)
}

// EmailsTo lists the emails sent to an address, oldest first (the development outbox).
func (s *Store) EmailsTo(ctx context.Context, address string) ([]Email, error) {
	rows, err := s.Pool.Query(ctx, `SELECT `+emailCols+` FROM emails WHERE lower(to_address) = lower($1) ORDER BY created_at, id`, address)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Email
	for rows.Next() {
		e, err := scanEmail(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	return out, rows.Err()
}
