package api

import (
	"crypto/hmac"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"errors"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"github.com/google/uuid"

	"github.com/keyclic/keyclic/domain"
)

const tokenIssuer = "keyclic"

// Every token this service signs names what it is for in its audience, and each endpoint accepts
// only its own: an emailed export link cannot be replayed as an access token, nor the reverse.
const (
	AudienceAccess         = "keyclic-api"     // "Authorization: Bearer" on the API
	AudienceExportDownload = "export-download" // one export's emailed download link
)

// Tokens issues and verifies the RS256 tokens of the service: access tokens clients send as
// "Authorization: Bearer", and the signed links emails carry.
type Tokens struct {
	key *rsa.PrivateKey
	ttl time.Duration
	now func() time.Time
}

// NewTokens uses key to sign access tokens valid for ttl.
func NewTokens(key *rsa.PrivateKey, ttl time.Duration) *Tokens {
	return &Tokens{key: key, ttl: ttl, now: time.Now}
}

// WithClock returns tokens that read the time from now (tests issue already-expired tokens).
func (t *Tokens) WithClock(now func() time.Time) *Tokens {
	cp := *t
	cp.now = now
	return &cp
}

type claims struct {
	Username string   `json:"username,omitempty"`
	Roles    []string `json:"roles,omitempty"`
	jwt.RegisteredClaims
}

// accessRoles are the roles of every account (the seeds: a registered user "gets the role
// ROLE_USER"); roles in organizations are the memberships'.
var accessRoles = []string{"ROLE_USER"}

// Issue signs an access token for the person.
func (t *Tokens) Issue(p domain.Person) (string, time.Time, error) {
	return t.sign(AudienceAccess, p.ID.String(), t.ttl, p.Email, accessRoles)
}

// IssueFor signs a token for another audience (a download link), naming subject, valid for ttl.
func (t *Tokens) IssueFor(audience, subject string, ttl time.Duration) (string, time.Time, error) {
	if audience == AudienceAccess {
		return "", time.Time{}, errors.New("access tokens are issued to people only")
	}
	return t.sign(audience, subject, ttl, "", nil)
}

func (t *Tokens) sign(audience, subject string, ttl time.Duration, username string, roles []string) (string, time.Time, error) {
	now := t.now()
	exp := now.Add(ttl)
	tok := jwt.NewWithClaims(jwt.SigningMethodRS256, claims{
		Username: username,
		Roles:    roles,
		RegisteredClaims: jwt.RegisteredClaims{
			Issuer:    tokenIssuer,
			Audience:  jwt.ClaimStrings{audience},
			Subject:   subject,
			IssuedAt:  jwt.NewNumericDate(now),
			ExpiresAt: jwt.NewNumericDate(exp),
			ID:        uuid.NewString(),
		},
	})
	s, err := tok.SignedString(t.key)
	return s, exp, err
}

// Verify checks an access token and returns the person it was issued to. It does not check that
// the person exists: the API's authentication does.
func (t *Tokens) Verify(raw string) (uuid.UUID, error) {
	sub, err := t.VerifyFor(raw, AudienceAccess)
	if err != nil {
		return uuid.Nil, err
	}
	id, ok := domain.ParseUUID(sub)
	if !ok {
		return uuid.Nil, domain.Unauthorized(domain.MsgTokenInvalid)
	}
	return id, nil
}

// VerifyFor checks a token's signature (RS256 only: "none" and HMAC tricks are refused), issuer,
// expiry and audience (exactly one, the expected one), and returns its subject.
func (t *Tokens) VerifyFor(raw, audience string) (string, error) {
	var c claims
	_, err := jwt.ParseWithClaims(raw, &c, func(*jwt.Token) (any, error) { return &t.key.PublicKey, nil },
		jwt.WithValidMethods([]string{jwt.SigningMethodRS256.Alg()}),
		jwt.WithIssuer(tokenIssuer),
		jwt.WithAudience(audience),
		jwt.WithExpirationRequired(),
		jwt.WithTimeFunc(t.now),
	)
	if errors.Is(err, jwt.ErrTokenExpired) && !errors.Is(err, jwt.ErrTokenInvalidAudience) && !errors.Is(err, jwt.ErrTokenInvalidIssuer) {
		return "", domain.Unauthorized(domain.MsgTokenExpired)
	}
	// A token meant for several audiences is meant for none of ours.
	if err != nil || len(c.Audience) != 1 || c.Subject == "" {
		return "", domain.Unauthorized(domain.MsgTokenInvalid)
	}
	return c.Subject, nil
}

// derivedKey is a secret for purpose, derived from the signing key: every instance sharing the
// signing key derives the same one.
func (t *Tokens) derivedKey(purpose string) []byte {
	mac := hmac.New(sha256.New, x509.MarshalPKCS1PrivateKey(t.key))
	mac.Write([]byte(purpose))
	return mac.Sum(nil)
}
