package api

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
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

// LoadSigningKey reads the RSA key from pemText or file; with neither, it uses (and on first use
// creates) a development key in dataDir, so tokens survive restarts on a laptop.
func LoadSigningKey(pemText, file, dataDir string, log *slog.Logger) (*rsa.PrivateKey, error) {
	if pemText != "" {
		return parseRSAKey([]byte(pemText))
	}
	if file != "" {
		b, err := os.ReadFile(file)
		if err != nil {
			return nil, fmt.Errorf("JWT_PRIVATE_KEY_FILE: %w", err)
		}
		return parseRSAKey(b)
	}
	path := filepath.Join(dataDir, "jwt-dev-key.pem")
	if b, err := os.ReadFile(path); err == nil {
		return parseRSAKey(b)
	}
	log.Warn("no JWT_PRIVATE_KEY configured: generating a development signing key", "path", path)
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		return nil, err
	}
	if err := os.MkdirAll(dataDir, 0o700); err != nil {
		return nil, err
	}
	der, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		return nil, err
	}
	// Two processes starting together may both generate a key; the rename makes one win whole.
	tmp := fmt.Sprintf("%s.%d.tmp", path, os.Getpid())
	if err := os.WriteFile(tmp, pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}), 0o600); err != nil {
		return nil, err
	}
	if _, err := os.Stat(path); err == nil {
		os.Remove(tmp)
		b, err := os.ReadFile(path)
		if err != nil {
			return nil, err
		}
		return parseRSAKey(b)
	}
	return key, os.Rename(tmp, path)
}

func parseRSAKey(b []byte) (*rsa.PrivateKey, error) {
	block, _ := pem.Decode(b)
	if block == nil {
		return nil, errors.New("JWT key: no PEM block found")
	}
	if k, err := x509.ParsePKCS1PrivateKey(block.Bytes); err == nil {
		return k, nil
	}
	k, err := x509.ParsePKCS8PrivateKey(block.Bytes)
	if err != nil {
		return nil, fmt.Errorf("JWT key: %w", err)
	}
	rk, ok := k.(*rsa.PrivateKey)
	if !ok {
		return nil, errors.New("JWT key: not an RSA key (RS256 needs one)")
	}
	return rk, nil
}

// derivedKey is a secret for purpose, derived from the signing key: every instance sharing the
// signing key derives the same one.
func (t *Tokens) derivedKey(purpose string) []byte {
	mac := hmac.New(sha256.New, x509.MarshalPKCS1PrivateKey(t.key))
	mac.Write([]byte(purpose))
	return mac.Sum(nil)
}
