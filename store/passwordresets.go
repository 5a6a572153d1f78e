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

// CreatePasswordReset records a request, with no throttle (see StartPasswordReset).
func (s *Store) CreatePasswordReset(ctx context.Context, r PasswordReset) error {
	_, err := s.StartPasswordReset(ctx, r, 0)
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

// UsedPasswordResetByToken finds the request a token was used for.
func (s *Store) UsedPasswordResetByToken(ctx context.Context, tokenHash []byte) (PasswordReset, error) {
	var r PasswordReset
	err := s.Pool.QueryRow(ctx, `SELECT id, person_id, state, expires_at FROM password_resets
		WHERE token_hash = $1 AND state = 'USED'`, tokenHash).Scan(&r.ID, &r.PersonID, &r.State, &r.ExpiresAt)
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
		// The used request keeps its token's hash: a client's retry of the change (same
		// Idempotency-Key) finds which request it used.
		if _, err := tx.Exec(ctx, `UPDATE password_resets SET state = 'USED', updated_at = now() WHERE id = $1`, id); err != nil {
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

// StartPasswordReset records a reset request unless the person was given one within throttle,
// and reports whether it did. It takes the person's throttle slot and records the request in one
// transaction: of concurrent requests, the first holds the slot's row lock until it commits and
// the others then find the slot taken, on every API instance. A zero throttle records every request.
func (s *Store) StartPasswordReset(ctx context.Context, r PasswordReset, throttle time.Duration) (bool, error) {
	recorded := false
	err := s.InTx(ctx, func(tx pgx.Tx) error {
		if throttle > 0 {
			tag, err := tx.Exec(ctx, `INSERT INTO password_reset_throttles AS t (person_id, request_id, claimed_at) VALUES ($1, $2, now())
				ON CONFLICT (person_id) DO UPDATE SET request_id = excluded.request_id, claimed_at = excluded.claimed_at
				WHERE t.claimed_at <= now() - make_interval(secs => $3)`, r.PersonID, r.ID, throttle.Seconds())
			if err != nil || tag.RowsAffected() == 0 {
				return err
			}
		}
		_, err := tx.Exec(ctx, `INSERT INTO password_resets (id, person_id, expires_at) VALUES ($1, $2, $3)`, r.ID, r.PersonID, r.ExpiresAt)
		recorded = err == nil
		return err
	})
	return recorded && err == nil, err
}

// ReleasePasswordReset withdraws a request whose workflow could not be started (it is expired,
// so a workflow started all the same can no longer make its token) and gives the person's
// throttle slot back, so that the next request sends the email. When the workflow did start and
// has already made the token, the email is on its way: nothing changes and it returns false.
func (s *Store) ReleasePasswordReset(ctx context.Context, r PasswordReset) (bool, error) {
	released := false
	err := s.InTx(ctx, func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, `UPDATE password_resets SET state = 'EXPIRED', updated_at = now()
			WHERE id = $1 AND state = 'PENDING' AND token_hash IS NULL`, r.ID)
		if err != nil || tag.RowsAffected() == 0 {
			return err
		}
		_, err = tx.Exec(ctx, `DELETE FROM password_reset_throttles WHERE person_id = $1 AND request_id = $2`, r.PersonID, r.ID)
		released = err == nil
		return err
	})
	return released && err == nil, err
}
