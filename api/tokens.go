package api

import (
	"crypto/rand"
	"crypto/rsa"
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

// Tokens issues and verifies the RS256 access tokens clients send as "Authorization: Bearer".
type Tokens struct {
	key *rsa.PrivateKey
	ttl time.Duration
	now func() time.Time
}

// NewTokens uses key to sign tokens valid for ttl.
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
	Username string   `json:"username"`
	Roles    []string `json:"roles"`
	jwt.RegisteredClaims
}

// Issue signs a token for the person.
func (t *Tokens) Issue(p domain.Person) (string, time.Time, error) {
	now := t.now()
	exp := now.Add(t.ttl)
	tok := jwt.NewWithClaims(jwt.SigningMethodRS256, claims{
		Username: p.Email,
		Roles:    []string{"ROLE_USER"},
		RegisteredClaims: jwt.RegisteredClaims{
			Issuer:    tokenIssuer,
			Subject:   p.ID.String(),
			IssuedAt:  jwt.NewNumericDate(now),
			ExpiresAt: jwt.NewNumericDate(exp),
			ID:        uuid.NewString(),
		},
	})
	s, err := tok.SignedString(t.key)
	return s, exp, err
}

// Verify checks a token's signature (RS256 only: "none" and HMAC tricks are refused), issuer and
// expiry, and returns the person it was issued to.
func (t *Tokens) Verify(raw string) (uuid.UUID, error) {
	var c claims
	_, err := jwt.ParseWithClaims(raw, &c, func(*jwt.Token) (any, error) { return &t.key.PublicKey, nil },
		jwt.WithValidMethods([]string{jwt.SigningMethodRS256.Alg()}),
		jwt.WithIssuer(tokenIssuer),
		jwt.WithExpirationRequired(),
		jwt.WithTimeFunc(t.now),
	)
	if errors.Is(err, jwt.ErrTokenExpired) {
		return uuid.Nil, domain.Unauthorized(domain.MsgTokenExpired)
	}
	if err != nil {
		return uuid.Nil, domain.Unauthorized(domain.MsgTokenInvalid)
	}
	id, ok := domain.ParseUUID(c.Subject)
	if !ok {
		return uuid.Nil, domain.Unauthorized(domain.MsgTokenInvalid)
	}
	return id, nil
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
