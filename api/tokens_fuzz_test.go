package api

import (
	"crypto/rand"
	"crypto/rsa"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/keyclic/keyclic/domain"
)

// FuzzVerifyToken: whatever a client sends as a token, verification never panics, answers 401
// when it refuses, and accepts only what this service signed, for the audience it was signed for.
func FuzzVerifyToken(f *testing.F) {
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		f.Fatal(err)
	}
	tokens := NewTokens(key, time.Hour)
	person := domain.Person{ID: uuid.New(), Email: "someone@example.com"}
	access, _, err := tokens.Issue(person)
	if err != nil {
		f.Fatal(err)
	}
	export := uuid.New()
	link, _, err := tokens.IssueFor(AudienceExportDownload, export.String(), time.Hour)
	if err != nil {
		f.Fatal(err)
	}
	for _, s := range []string{access, link, "", ".", "..", "a.b.c", "eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.",
		"eyJhbGciOiJIUzI1NiJ9.e30.AAAA", access[:len(access)-4], access + "=", link + "." + link} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		id, err := tokens.Verify(raw)
		if err != nil {
			if !domain.IsKind(err, domain.KindUnauthorized) {
				t.Fatalf("Verify: %v is not a 401", err)
			}
		} else if id != person.ID {
			t.Fatalf("Verify accepted %q for %s", raw, id)
		}
		sub, err := tokens.VerifyFor(raw, AudienceExportDownload)
		if err != nil {
			if !domain.IsKind(err, domain.KindUnauthorized) {
				t.Fatalf("VerifyFor: %v is not a 401", err)
			}
		} else if sub != export.String() {
			t.Fatalf("VerifyFor accepted %q for %s", raw, sub)
		}
	})
}
