package testkit

import (
	"context"
	"crypto/rsa"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"github.com/google/uuid"

	"github.com/keyclic/keyclic/store"
)

// EmailTimeout bounds how long tests wait for a workflow to record an email: generous, because
// a slow machine only makes the wait longer, it never makes a test wrong.
const EmailTimeout = 30 * time.Second

// WaitEmails waits until at least n emails of the template ("password_reset", "notification"…)
// were recorded to address and returns them, oldest first. Emails are sent by workflows after
// the request returns, so tests must wait for them.
func (s *Stack) WaitEmails(t testing.TB, address, template string, n int) []store.Email {
	t.Helper()
	var got []store.Email
	var err error
	ok := Eventually(EmailTimeout, func() bool {
		var all []store.Email
		all, err = s.App.Store.EmailsTo(context.Background(), address)
		got = got[:0]
		for _, e := range all {
			if e.Template == template {
				got = append(got, e)
			}
		}
		return err == nil && len(got) >= n
	})
	if err != nil {
		t.Fatalf("read emails to %s: %v", address, err)
	}
	if !ok {
		t.Fatalf("want %d %s email(s) to %s, got %d", n, template, address, len(got))
	}
	return got
}

// ResetLink returns the password-reset link in an email's text: the line that starts with http.
func ResetLink(t testing.TB, text string) string {
	t.Helper()
	for _, line := range strings.Split(text, "\n") {
		if line = strings.TrimSpace(line); strings.HasPrefix(line, "http://") || strings.HasPrefix(line, "https://") {
			return line
		}
	}
	t.Fatalf("no link in email text:\n%s", text)
	return ""
}

// ResetToken returns the token of the reset link in an email's text (the link's last segment).
func ResetToken(t testing.TB, text string) string {
	t.Helper()
	link := ResetLink(t, text)
	tok := link[strings.LastIndexByte(link, '/')+1:]
	if tok == "" {
		t.Fatalf("reset link %q has no token", link)
	}
	return tok
}

// PasswordResets lists a person's password reset requests, oldest first.
func (s *Stack) PasswordResets(t testing.TB, personID string) []store.PasswordReset {
	t.Helper()
	rows, err := s.App.Store.Pool.Query(context.Background(),
		`SELECT id, person_id, state, expires_at FROM password_resets WHERE person_id = $1 ORDER BY created_at, id`, uuid.MustParse(personID))
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []store.PasswordReset
	for rows.Next() {
		var r store.PasswordReset
		if err := rows.Scan(&r.ID, &r.PersonID, &r.State, &r.ExpiresAt); err != nil {
			t.Fatal(err)
		}
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// SigningKey reads the RSA key the stack signs access tokens with (the development key the app
// generated in its data directory), so tests can build tokens an attacker could not.
func (s *Stack) SigningKey(t testing.TB) *rsa.PrivateKey {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(s.App.Config.DataDir, "jwt-dev-key.pem"))
	if err != nil {
		t.Fatal(err)
	}
	key, err := jwt.ParseRSAPrivateKeyFromPEM(b)
	if err != nil {
		t.Fatal(err)
	}
	return key
}
