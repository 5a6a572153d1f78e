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

// staleLoginsPerAttempt bounds the rows of windows long over that one attempt deletes.
const staleLoginsPerAttempt = 100

// ClaimLoginAttempt counts an attempt to log in as login before its password is checked, and
// tells whether it may go on: at most max attempts per window, the window starting with the
// first attempt after the previous one ended. When it may not, retryAfter is the time left until
// the window ends. One statement decides, so concurrent attempts are counted one after the other
// on every API instance; a refused attempt is counted too, without going past max+1.
func (s *Store) ClaimLoginAttempt(ctx context.Context, login string, max int, window time.Duration) (ok bool, retryAfter time.Duration, err error) {
	var attempts, wait int
	err = s.Pool.QueryRow(ctx, `WITH stale AS (
			DELETE FROM login_throttles WHERE login_hash IN (SELECT login_hash FROM login_throttles
				WHERE window_start < now() - make_interval(secs => $3) AND login_hash <> $1 LIMIT $4 FOR UPDATE SKIP LOCKED))
		INSERT INTO login_throttles AS t (login_hash, attempts, window_start) VALUES ($1, 1, now())
		ON CONFLICT (login_hash) DO UPDATE SET
			attempts = CASE WHEN t.window_start <= now() - make_interval(secs => $3) THEN 1 ELSE least(t.attempts + 1, $2 + 1) END,
			window_start = CASE WHEN t.window_start <= now() - make_interval(secs => $3) THEN now() ELSE t.window_start END
		RETURNING attempts, greatest(1, ceil(extract(epoch FROM window_start + make_interval(secs => $3) - now())))::int`,
		loginHash(login), max, window.Seconds(), staleLoginsPerAttempt).Scan(&attempts, &wait)
	if err != nil || attempts <= max {
		return err == nil, 0, err
	}
	return false, time.Duration(wait) * time.Second, nil
}

// ClearLoginFailures forgets a login name's attempts after a successful login.
func (s *Store) ClearLoginFailures(ctx context.Context, login string) error {
	_, err := s.Pool.Exec(ctx, `DELETE FROM login_throttles WHERE login_hash = $1`, loginHash(login))
	return err
}
