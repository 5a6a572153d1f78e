package activities

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"time"

	"github.com/google/uuid"

	"github.com/keyclic/keyclic/domain"
	"github.com/keyclic/keyclic/internal/failure"
)

// SendPasswordResetEmailInput names the request; the token is made here, never passed through
// workflow history, so that reading the history in the Temporal UI does not reveal it.
type SendPasswordResetEmailInput struct {
	RequestID     uuid.UUID
	PersonID      uuid.UUID
	ApplicationID *uuid.UUID // chooses the reset link's base; nil uses the configured default
	Language      domain.Lang
}

// SendPasswordResetEmail generates the one-time token, stores its hash and emails the link.
// Once the email is delivered, a retry does nothing (a new token would invalidate the link sent).
func (a *Activities) SendPasswordResetEmail(ctx context.Context, in SendPasswordResetEmailInput) error {
	key := "password-reset/" + in.RequestID.String()
	if e, err := a.Store.EmailByKey(ctx, key); err == nil && e.Status != "PENDING" {
		return nil
	}
	person, err := a.Store.Person(ctx, in.PersonID)
	if err != nil {
		return failure.ToTemporal(err)
	}
	base := a.Settings.PasswordResetURL
	if in.ApplicationID != nil {
		if app, err := a.Store.ApplicationByID(ctx, *in.ApplicationID); err == nil && app.PasswordResetURL != "" {
			base = app.PasswordResetURL
		}
	}
	token, hash, err := newResetToken()
	if err != nil {
		return err
	}
	if err := a.Store.SetPasswordResetToken(ctx, in.RequestID, hash); err != nil {
		return failure.ToTemporal(err)
	}
	reset, err := a.Store.PasswordReset(ctx, in.RequestID)
	if err != nil {
		return err
	}
	return a.deliverEmail(ctx, key, person.Email, in.Language, "password_reset", map[string]string{
		"Link":      base + token,
		"ExpiresAt": reset.ExpiresAt.UTC().Format(time.RFC1123),
	})
}

func newResetToken() (string, []byte, error) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", nil, err
	}
	t := base64.RawURLEncoding.EncodeToString(b)
	return t, domain.HashResetToken(t), nil
}

// ExpirePasswordResetInput names the request whose timer fired.
type ExpirePasswordResetInput struct{ RequestID uuid.UUID }

// ExpirePasswordReset marks the request expired unless it was used meanwhile.
func (a *Activities) ExpirePasswordReset(ctx context.Context, in ExpirePasswordResetInput) error {
	return a.Store.ExpirePasswordReset(ctx, in.RequestID)
}

// UsePasswordResetInput carries the new password's hash (never the password itself).
type UsePasswordResetInput struct {
	RequestID    uuid.UUID
	PasswordHash string
}

// UsePasswordReset sets the new password and consumes the request, atomically.
func (a *Activities) UsePasswordReset(ctx context.Context, in UsePasswordResetInput) error {
	return failure.ToTemporal(a.Store.UsePasswordReset(ctx, in.RequestID, in.PasswordHash))
}
