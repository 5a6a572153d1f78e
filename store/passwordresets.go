package store

import (
	"context"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/keyclic/keyclic/domain"
)

// Password reset request states.
const (
	ResetPending    = "PENDING"
	ResetUsed       = "USED"
	ResetExpired    = "EXPIRED"
	ResetSuperseded = "SUPERSEDED"
)

// PasswordReset is one change-request; the token itself is never stored, only its hash.
type PasswordReset struct {
	ID        uuid.UUID
	PersonID  uuid.UUID
	State     string
	ExpiresAt time.Time
}

// CreatePasswordReset records a request before its workflow starts.
func (s *Store) CreatePasswordReset(ctx context.Context, r PasswordReset) error {
	_, err := s.Pool.Exec(ctx, `INSERT INTO password_resets (id, person_id, expires_at) VALUES ($1, $2, $3)`, r.ID, r.PersonID, r.ExpiresAt)
	return err
}

// SetPasswordResetToken stores the hash of the token just generated for a pending request.
func (s *Store) SetPasswordResetToken(ctx context.Context, id uuid.UUID, tokenHash []byte) error {
	tag, err := s.Pool.Exec(ctx, `UPDATE password_resets SET token_hash = $2, updated_at = now() WHERE id = $1 AND state = 'PENDING'`, id, tokenHash)
	if err == nil && tag.RowsAffected() == 0 {
		return domain.Invalid("token", domain.MsgResetTokenInvalid)
	}
	return err
}

// PendingPasswordResetByToken finds the still-valid request a token belongs to.
func (s *Store) PendingPasswordResetByToken(ctx context.Context, tokenHash []byte) (PasswordReset, error) {
	var r PasswordReset
	err := s.Pool.QueryRow(ctx, `SELECT id, person_id, state, expires_at FROM password_resets
		WHERE token_hash = $1 AND state = 'PENDING' AND expires_at > now()`, tokenHash).Scan(&r.ID, &r.PersonID, &r.State, &r.ExpiresAt)
	return r, notFound(err)
}

// ExpirePasswordReset marks a request expired if it is still pending (idempotent).
func (s *Store) ExpirePasswordReset(ctx context.Context, id uuid.UUID) error {
	_, err := s.Pool.Exec(ctx, `UPDATE password_resets SET state = 'EXPIRED', updated_at = now() WHERE id = $1 AND state = 'PENDING'`, id)
	return err
}

// UsePasswordReset sets the new password and consumes the request, invalidating the person's
// other pending requests. Running it again for a request already used by the same change is a no-op.
func (s *Store) UsePasswordReset(ctx context.Context, id uuid.UUID, passwordHash string) error {
	return s.InTx(ctx, func(tx pgx.Tx) error {
		var personID uuid.UUID
		if err := tx.QueryRow(ctx, `SELECT person_id FROM password_resets WHERE id = $1`, id).Scan(&personID); err != nil {
			return notFound(err)
		}
		// Lock the person before any of their requests: two requests of one person used at once
		// then queue here, instead of each locking its own row and deadlocking on the other's
		// when superseding it. NO KEY UPDATE does not block inserts referencing the person.
		if _, err := tx.Exec(ctx, `SELECT 1 FROM people WHERE id = $1 FOR NO KEY UPDATE`, personID); err != nil {
			return err
		}
		var state string
		var expired bool
		err := tx.QueryRow(ctx, `SELECT state, expires_at <= now() FROM password_resets WHERE id = $1 FOR UPDATE`, id).Scan(&state, &expired)
		if err != nil {
			return notFound(err)
		}
		if state == ResetUsed {
			return nil // a retry of a change already applied
		}
		if state != ResetPending || expired {
			return domain.Invalid("token", domain.MsgResetTokenInvalid)
		}
		if _, err := tx.Exec(ctx, `UPDATE people SET password_hash = $2, updated_at = now() WHERE id = $1`, personID, passwordHash); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `UPDATE password_resets SET state = 'USED', token_hash = NULL, updated_at = now() WHERE id = $1`, id); err != nil {
			return err
		}
		_, err = tx.Exec(ctx, `UPDATE password_resets SET state = 'SUPERSEDED', token_hash = NULL, updated_at = now()
			WHERE person_id = $1 AND state = 'PENDING'`, personID)
		return err
	})
}

// PasswordReset loads a request.
func (s *Store) PasswordReset(ctx context.Context, id uuid.UUID) (PasswordReset, error) {
	var r PasswordReset
	err := s.Pool.QueryRow(ctx, `SELECT id, person_id, state, expires_at FROM password_resets WHERE id = $1`, id).Scan(&r.ID, &r.PersonID, &r.State, &r.ExpiresAt)
	return r, notFound(err)
}

// HasRecentPasswordReset reports whether the person asked for a reset since the given time and
// it is still pending (a new request then sends no second email).
func (s *Store) HasRecentPasswordReset(ctx context.Context, personID uuid.UUID, since time.Time) (bool, error) {
	var ok bool
	err := s.Pool.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM password_resets WHERE person_id = $1 AND state = 'PENDING' AND created_at >= $2)`,
		personID, since).Scan(&ok)
	return ok, err
}
