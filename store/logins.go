package store

import (
	"context"
	"crypto/sha256"
	"strings"
	"time"
)

func loginHash(login string) []byte {
	h := sha256.Sum256([]byte(strings.ToLower(strings.TrimSpace(login))))
	return h[:]
}

// RecentLoginFailures counts the failed logins of a login name since the given time.
func (s *Store) RecentLoginFailures(ctx context.Context, login string, since time.Time) (int, error) {
	var n int
	err := s.Pool.QueryRow(ctx, `SELECT count(*) FROM login_failures WHERE login_hash = $1 AND at >= $2`, loginHash(login), since).Scan(&n)
	return n, err
}

// RecordLoginFailure notes a failed login, and forgets failures older than the window.
func (s *Store) RecordLoginFailure(ctx context.Context, login string, window time.Duration) error {
	_, err := s.Pool.Exec(ctx, `WITH old AS (DELETE FROM login_failures WHERE at < now() - make_interval(secs => $2))
		INSERT INTO login_failures (login_hash) VALUES ($1)`, loginHash(login), window.Seconds())
	return err
}

// ClearLoginFailures forgets a login name's failures after a successful login.
func (s *Store) ClearLoginFailures(ctx context.Context, login string) error {
	_, err := s.Pool.Exec(ctx, `DELETE FROM login_failures WHERE login_hash = $1`, loginHash(login))
	return err
}
