package store

import (
	"bytes"
	"context"
	"errors"
	"math"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
)

// IdempotencyKey names one key of one caller, and the request it was first sent with.
type IdempotencyKey struct {
	Scope       string // the caller
	Key         string // the client's Idempotency-Key
	Fingerprint []byte // the request's keyed hash
}

// ClaimOutcome says what a request with an idempotency key does.
type ClaimOutcome int

const (
	ClaimRun      ClaimOutcome = iota // run the request: the key is new, expired, or its attempt died
	ClaimReplay                       // answer with the recorded answer
	ClaimMismatch                     // the key was used for another request
	ClaimBusy                         // an attempt with this key is running now
)

// Claim is the decision on a request with an idempotency key.
type Claim struct {
	Outcome ClaimOutcome
	// Seed is the key's seed: ids the request makes derive from it (ClaimRun).
	Seed uuid.UUID
	// Resumed is true when an earlier attempt stopped without an answer (its API died): what it
	// did is there, under the same ids (ClaimRun).
	Resumed bool
	// RetryAfter is how long the running attempt holds the key at most (ClaimBusy).
	RetryAfter time.Duration
	// Answer is the recorded answer (ClaimReplay).
	Answer RecordedAnswer
}

// RecordedAnswer is an answer kept for the requests repeating the first.
type RecordedAnswer struct {
	Status int
	Header map[string]string
	Body   []byte
}

// ClaimIdempotencyKey decides, in one transaction shared by every API instance, what a request
// with an idempotency key does. attempt names this attempt: it holds the key for lease (renewed
// by RenewIdempotencyLease) until it records its answer or releases the key. A key older than
// retention is forgotten: the request is a new one.
func (s *Store) ClaimIdempotencyKey(ctx context.Context, k IdempotencyKey, attempt uuid.UUID, lease, retention time.Duration) (Claim, error) {
	var claim Claim
	err := s.InTx(ctx, func(tx pgx.Tx) error {
		seed := uuid.New()
		tag, err := tx.Exec(ctx, `INSERT INTO idempotency_keys (scope, key, fingerprint, seed, state, attempt, lease_until)
			VALUES ($1, $2, $3, $4, 'RUNNING', $5, now() + make_interval(secs => $6)) ON CONFLICT (scope, key) DO NOTHING`,
			k.Scope, k.Key, k.Fingerprint, seed, attempt, lease.Seconds())
		if err != nil {
			return err
		}
		if tag.RowsAffected() == 1 {
			claim = Claim{Outcome: ClaimRun, Seed: seed}
			return nil
		}
		var (
			fingerprint []byte
			state       string
			leaseLeft   float64
			expired     bool
			status      *int
			header      map[string]string
			body        []byte
		)
		err = tx.QueryRow(ctx, `SELECT fingerprint, seed, state, coalesce(extract(epoch FROM lease_until - now()), 0)::float8,
				created_at <= now() - make_interval(secs => $3), status, header, body
			FROM idempotency_keys WHERE scope = $1 AND key = $2 FOR UPDATE`, k.Scope, k.Key, retention.Seconds()).
			Scan(&fingerprint, &claim.Seed, &state, &leaseLeft, &expired, &status, &header, &body)
		if errors.Is(err, pgx.ErrNoRows) {
			// Deleted as expired between the two statements: the caller asks again.
			return errClaimAgain
		}
		if err != nil {
			return err
		}
		switch {
		case expired:
			claim = Claim{Outcome: ClaimRun, Seed: seed}
			_, err = tx.Exec(ctx, `UPDATE idempotency_keys SET fingerprint = $3, seed = $4, state = 'RUNNING', attempt = $5,
					lease_until = now() + make_interval(secs => $6), status = NULL, header = NULL, body = NULL, created_at = now()
				WHERE scope = $1 AND key = $2`, k.Scope, k.Key, k.Fingerprint, seed, attempt, lease.Seconds())
			return err
		case !bytes.Equal(fingerprint, k.Fingerprint):
			claim = Claim{Outcome: ClaimMismatch}
		case state == "DONE" && status != nil:
			claim.Outcome, claim.Answer = ClaimReplay, RecordedAnswer{Status: *status, Header: header, Body: body}
		case leaseLeft > 0:
			claim.Outcome, claim.RetryAfter = ClaimBusy, time.Duration(math.Ceil(leaseLeft))*time.Second
		default:
			// The attempt holding the key stopped renewing its lease: its process died.
			claim.Outcome, claim.Resumed = ClaimRun, true
			_, err = tx.Exec(ctx, `UPDATE idempotency_keys SET attempt = $3, lease_until = now() + make_interval(secs => $4)
				WHERE scope = $1 AND key = $2`, k.Scope, k.Key, attempt, lease.Seconds())
		}
		return err
	})
	if errors.Is(err, errClaimAgain) {
		return s.ClaimIdempotencyKey(ctx, k, attempt, lease, retention)
	}
	return claim, err
}

var errClaimAgain = errors.New("idempotency key deleted meanwhile")

// RenewIdempotencyLease extends the lease of the attempt holding a key; false when another
// attempt holds it now.
func (s *Store) RenewIdempotencyLease(ctx context.Context, scope, key string, attempt uuid.UUID, lease time.Duration) (bool, error) {
	tag, err := s.Pool.Exec(ctx, `UPDATE idempotency_keys SET lease_until = now() + make_interval(secs => $4)
		WHERE scope = $1 AND key = $2 AND state = 'RUNNING' AND attempt = $3`, scope, key, attempt, lease.Seconds())
	return tag.RowsAffected() == 1, err
}

// RecordIdempotentAnswer keeps the answer of the attempt holding a key; false when another
// attempt holds it now (that one records its own).
func (s *Store) RecordIdempotentAnswer(ctx context.Context, scope, key string, attempt uuid.UUID, a RecordedAnswer) (bool, error) {
	tag, err := s.Pool.Exec(ctx, `UPDATE idempotency_keys SET state = 'DONE', status = $4, header = $5, body = $6, attempt = NULL, lease_until = NULL
		WHERE scope = $1 AND key = $2 AND state = 'RUNNING' AND attempt = $3`, scope, key, attempt, a.Status, a.Header, a.Body)
	return tag.RowsAffected() == 1, err
}

// ReleaseIdempotencyKey forgets a key whose attempt has no answer worth keeping (a dependency
// was away): the next request with it runs again, deriving the same ids.
//
// The row stays with its seed, as a RUNNING key whose lease is over, so that a retry finds what
// this attempt may have done all the same.
func (s *Store) ReleaseIdempotencyKey(ctx context.Context, scope, key string, attempt uuid.UUID) error {
	_, err := s.Pool.Exec(ctx, `UPDATE idempotency_keys SET attempt = NULL, lease_until = now()
		WHERE scope = $1 AND key = $2 AND state = 'RUNNING' AND attempt = $3`, scope, key, attempt)
	return err
}

// DeleteExpiredIdempotencyKeys deletes up to limit keys older than retention, and says how many.
func (s *Store) DeleteExpiredIdempotencyKeys(ctx context.Context, retention time.Duration, limit int) (int, error) {
	tag, err := s.Pool.Exec(ctx, `DELETE FROM idempotency_keys WHERE (scope, key) IN (SELECT scope, key FROM idempotency_keys
		WHERE created_at <= now() - make_interval(secs => $1) LIMIT $2 FOR UPDATE SKIP LOCKED)`, retention.Seconds(), limit)
	return int(tag.RowsAffected()), err
}
