package e2e

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"net/http"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"github.com/google/uuid"

	"github.com/keyclic/keyclic/internal/testkit"
)

// protectedPath is an endpoint that needs both an application key and a bearer token.
const protectedPath = "/people"

// forgeToken signs claims like the service's own (issuer, subject, expiry) with any method and key,
// so that a refusal can only come from the method or the key.
func forgeToken(t *testing.T, method jwt.SigningMethod, key any, personID string) string {
	t.Helper()
	now := time.Now()
	s, err := jwt.NewWithClaims(method, jwt.MapClaims{
		"iss": "keyclic", "aud": "keyclic-api", "sub": personID, "username": "someone@example.com", "roles": []string{"ROLE_USER"},
		"iat": now.Unix(), "exp": now.Add(time.Hour).Unix(), "jti": uuid.NewString(),
	}).SignedString(key)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func withToken(c *testkit.Client, token string) *testkit.Client {
	return c.With(func(c *testkit.Client) { c.Token = token })
}

func TestAppKeyRequired(t *testing.T) {
	u := stack.NewUser(t)
	missing := u.With(func(c *testkit.Client) { c.App = "" }).Get(protectedPath).ExpectError(http.StatusBadRequest)
	if got := missing.Str("_embedded.errors.0.message"); got != "L'en-tête X-Keyclic-App est obligatoire." {
		t.Errorf("missing key message %q", got)
	}
	unknown := u.With(func(c *testkit.Client) { c.App = "com.example.unknown" }).Get(protectedPath).ExpectError(http.StatusBadRequest)
	if got := unknown.Str("_embedded.errors.0.message"); got != "Application inconnue." {
		t.Errorf("unknown key message %q", got)
	}
	// The key is checked before the token: a bad key with no token is still a 400.
	u.With(func(c *testkit.Client) { c.App, c.Token = "", "" }).Get(protectedPath).ExpectError(http.StatusBadRequest)
	// Every seeded application's key is accepted.
	for _, app := range []string{"com.keyclic.app", "com.keyclic.city", "com.keyclic.highway"} {
		u.With(func(c *testkit.Client) { c.App = app }).Get(protectedPath).Expect(http.StatusOK)
	}
}

func TestBearerTokenRequired(t *testing.T) {
	u := stack.NewUser(t)
	u.Get(protectedPath).Expect(http.StatusOK)

	missing := withToken(u, "").Get(protectedPath).ExpectError(http.StatusUnauthorized)
	if got := missing.Str("message"); got != "Authentification requise." {
		t.Errorf("missing token message %q", got)
	}
	invalid := withToken(u, "garbage").Get(protectedPath).ExpectError(http.StatusUnauthorized)
	if got := invalid.Str("message"); got != "Jeton d'accès invalide." {
		t.Errorf("invalid token message %q", got)
	}
	// A token in another scheme is no bearer token.
	for _, h := range []string{"Basic " + u.Token, u.Token, "Bearer "} {
		req, err := http.NewRequest(http.MethodGet, u.Base+protectedPath, nil)
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("X-Keyclic-App", u.App)
		req.Header.Set("Authorization", h)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusUnauthorized {
			t.Errorf("Authorization %.12q…: status %d, want 401", h, resp.StatusCode)
		}
	}
}

func TestForgedTokensRefused(t *testing.T) {
	u := stack.NewUser(t)
	serviceKey := stack.SigningKey(t)

	// Control: the forging helper makes tokens the service accepts when signed with its key.
	withToken(u, forgeToken(t, jwt.SigningMethodRS256, serviceKey, u.PersonID)).Get(protectedPath).Expect(http.StatusOK)

	otherKey, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	pkix, err := x509.MarshalPKIXPublicKey(&serviceKey.PublicKey)
	if err != nil {
		t.Fatal(err)
	}
	pkixPEM := pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: pkix})
	pkcs1PEM := pem.EncodeToMemory(&pem.Block{Type: "RSA PUBLIC KEY", Bytes: x509.MarshalPKCS1PublicKey(&serviceKey.PublicKey)})

	for name, token := range map[string]string{
		"signed by another RSA key":           forgeToken(t, jwt.SigningMethodRS256, otherKey, u.PersonID),
		"alg none":                            forgeToken(t, jwt.SigningMethodNone, jwt.UnsafeAllowNoneSignatureType, u.PersonID),
		"HS256 keyed with the public key":     forgeToken(t, jwt.SigningMethodHS256, pkixPEM, u.PersonID),
		"HS256 keyed with the PKCS#1 key":     forgeToken(t, jwt.SigningMethodHS256, pkcs1PEM, u.PersonID),
		"HS256 keyed with the DER of the key": forgeToken(t, jwt.SigningMethodHS256, pkix, u.PersonID),
	} {
		t.Run(name, func(t *testing.T) {
			withToken(u.With(func(c *testkit.Client) { c.T = t }), token).Get(protectedPath).ExpectError(http.StatusUnauthorized)
		})
	}
	t.Run("valid signature but another issuer", func(t *testing.T) {
		tok, err := jwt.NewWithClaims(jwt.SigningMethodRS256, jwt.MapClaims{
			"iss": "someone-else", "sub": u.PersonID, "exp": time.Now().Add(time.Hour).Unix(),
		}).SignedString(serviceKey)
		if err != nil {
			t.Fatal(err)
		}
		withToken(u.With(func(c *testkit.Client) { c.T = t }), tok).Get(protectedPath).ExpectError(http.StatusUnauthorized)
	})
	t.Run("valid signature but no expiry", func(t *testing.T) {
		tok, err := jwt.NewWithClaims(jwt.SigningMethodRS256, jwt.MapClaims{"iss": "keyclic", "sub": u.PersonID}).SignedString(serviceKey)
		if err != nil {
			t.Fatal(err)
		}
		withToken(u.With(func(c *testkit.Client) { c.T = t }), tok).Get(protectedPath).ExpectError(http.StatusUnauthorized)
	})
}

func TestExpiredTokenRefused(t *testing.T) {
	u := stack.NewUser(t)
	p, err := stack.App.Store.Person(context.Background(), uuid.MustParse(u.PersonID))
	if err != nil {
		t.Fatal(err)
	}
	old, _, err := stack.App.Tokens.WithClock(func() time.Time { return time.Now().Add(-48 * time.Hour) }).Issue(p)
	if err != nil {
		t.Fatal(err)
	}
	fr := withToken(u, old).Get(protectedPath).ExpectError(http.StatusUnauthorized)
	if got := fr.Str("message"); got != "Jeton d'accès expiré." {
		t.Errorf("expired token message %q", got)
	}
	en := withToken(u, old).With(func(c *testkit.Client) { c.Lang = "en-US" }).Get(protectedPath).ExpectError(http.StatusUnauthorized)
	if got := en.Str("message"); got != "Expired access token." {
		t.Errorf("expired token message in en-US %q", got)
	}
	// A fresh token issued by the same means works: the refusal was the expiry.
	fresh, _, err := stack.App.Tokens.Issue(p)
	if err != nil {
		t.Fatal(err)
	}
	withToken(u, fresh).Get(protectedPath).Expect(http.StatusOK)
}

func TestErrorLanguage(t *testing.T) {
	anon := stack.Client(t)
	for _, tc := range []struct{ header, want string }{
		{"", "Authentification requise."},
		{"fr-FR", "Authentification requise."},
		{"en-US", "Authentication required."},
		{"en-US,en;q=0.9,fr;q=0.8", "Authentication required."},
		{"en", "Authentication required."},
		{"de-DE", "Authentification requise."},
		{"fr-FR,en;q=0.5", "Authentification requise."},
	} {
		r := anon.With(func(c *testkit.Client) { c.Lang = tc.header }).Get(protectedPath).ExpectError(http.StatusUnauthorized)
		if got := r.Str("message"); got != tc.want {
			t.Errorf("Accept-Language %q: message %q, want %q", tc.header, got, tc.want)
		}
	}
	en := anon.With(func(c *testkit.Client) { c.App, c.Lang = "", "en-US" }).Get(protectedPath).ExpectError(http.StatusBadRequest)
	if got := en.Str("_embedded.errors.0.message"); got != "The X-Keyclic-App header is required." {
		t.Errorf("missing key message in en-US %q", got)
	}
}

func TestGetApplication(t *testing.T) {
	u := stack.NewUser(t)
	r := u.Get("/applications/com.keyclic.app").Expect(http.StatusOK)
	if r.Str("type") != "Application" || r.Str("name") != "Keyclic" || r.Str("token") != "com.keyclic.app" || r.Str("version") != "1.0.0" {
		t.Errorf("unexpected application: %s", r.Body)
	}
	// Applications do not see each other.
	u.Get("/applications/com.keyclic.city").ExpectError(http.StatusNotFound)
	city := u.With(func(c *testkit.Client) { c.App = "com.keyclic.city" }).Get("/applications/com.keyclic.city").Expect(http.StatusOK)
	if city.Str("name") != "Keyclic City" {
		t.Errorf("unexpected application: %s", city.Body)
	}
	u.Get("/applications/com.example.unknown").ExpectError(http.StatusNotFound)
}

// The clients read their application before anyone logs in: the application header alone
// opens it (the Swagger file declares no bearer token for it), and only its own.
func TestGetApplicationWithoutToken(t *testing.T) {
	anon := stack.Client(t)
	r := anon.Get("/applications/com.keyclic.app").Expect(http.StatusOK)
	if r.Str("type") != "Application" || r.Str("token") != "com.keyclic.app" || r.Str("name") != "Keyclic" || r.Str("id") == "" {
		t.Errorf("application read without a token: %s", r.Body)
	}
	anon.Get("/applications/com.keyclic.city").ExpectError(http.StatusNotFound)
	anon.With(func(c *testkit.Client) { c.App = "" }).Get("/applications/com.keyclic.app").ExpectError(http.StatusBadRequest, "X-Keyclic-App")
	anon.With(func(c *testkit.Client) { c.App = "com.example.unknown" }).Get("/applications/com.example.unknown").
		ExpectError(http.StatusBadRequest, "X-Keyclic-App")
}

func TestUnknownRoute(t *testing.T) {
	u := stack.NewUser(t)
	u.Get("/no/such/route").ExpectError(http.StatusNotFound)
	stack.Client(t).With(func(c *testkit.Client) { c.App = "" }).Get("/no/such/route").ExpectError(http.StatusNotFound)
	u.Get("/security/nothing-here").ExpectError(http.StatusNotFound)
}

func TestFacebookConnectNotImplemented(t *testing.T) {
	c := stack.Client(t)
	r := c.Post("/security/connect/facebook", map[string]string{"accessToken": "EAAB-some-facebook-token"}).ExpectError(http.StatusNotImplemented)
	if got := r.Str("message"); got != "La connexion avec Facebook n'est pas disponible sur ce service." {
		t.Errorf("message %q", got)
	}
}
