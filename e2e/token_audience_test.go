package e2e

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"github.com/google/uuid"

	"github.com/keyclic/keyclic/internal/testkit"
)

// exportLinkToken is the token of an emailed export link, as the service signs it.
func exportLinkToken(t *testing.T, exportID string) string {
	t.Helper()
	link, err := stack.App.API.ExportDownloadLink(context.Background(), uuid.MustParse(exportID))
	if err != nil {
		t.Fatal(err)
	}
	prefix := "/organizations/"
	if !strings.HasPrefix(link, prefix) || !strings.Contains(link, "/exports/") {
		t.Fatalf("export link %q: not /organizations/{organization}/exports/{token}", link)
	}
	return link[strings.LastIndexByte(link, '/')+1:]
}

// organizationCount is how many organizations the database holds.
func organizationCount(t *testing.T) int {
	t.Helper()
	var n int
	if err := stack.App.Store.Pool.QueryRow(context.Background(), `SELECT count(*) FROM organizations`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// A download link's token opens that export's archive and nothing else: as a bearer token it is
// refused everywhere, and no handler runs for it.
func TestExportLinkTokenIsNoAccessToken(t *testing.T) {
	d := stack.NewDesk(t, "Export token audience")
	d.ReportIn("accept")
	id := d.Admin.Post(exportsPath(d.Org), nil).Expect(http.StatusAccepted).Str("id")
	d.Admin.WaitExport(d.Org, id, "DONE")
	linkToken := exportLinkToken(t, id)

	// Control: the token opens its archive, as the emailed link does.
	resp, err := http.Get(stack.HTTP.URL + "/exports/" + id + "/download?token=" + linkToken)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("the link's own token: status %d, want 200", resp.StatusCode)
	}

	before := organizationCount(t)
	asBearer := withToken(d.Admin, linkToken)
	asBearer.Get("/people?search%5Bemail%5D=" + url.QueryEscape(d.Admin.Email)).ExpectError(http.StatusUnauthorized)
	asBearer.Get("/organizations/" + d.Org).ExpectError(http.StatusUnauthorized)
	asBearer.Get(exportsPath(d.Org) + "/" + id + "/download").ExpectError(http.StatusUnauthorized)
	asBearer.Post("/organizations", map[string]any{"name": testkit.Unique("Stolen"), "businessActivity": businessActivityCleaning}).
		ExpectError(http.StatusUnauthorized)
	if after := organizationCount(t); after != before {
		t.Fatalf("organizations: %d before, %d after the refused creation", before, after)
	}

	// And an access token is no download link.
	resp, err = http.Get(stack.HTTP.URL + "/exports/" + id + "/download?token=" + d.Admin.Token)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusUnauthorized {
		t.Fatalf("an access token as the link's token: status %d, want 401", resp.StatusCode)
	}
}

// A token signed with the service's key is still refused when its subject is no account, or when
// it does not say it is an access token.
func TestSignedTokensThatAreNoAccessTokens(t *testing.T) {
	u := stack.NewUser(t)
	key := stack.SigningKey(t)
	sign := func(claims jwt.MapClaims) string {
		t.Helper()
		now := time.Now()
		base := jwt.MapClaims{"iss": "keyclic", "iat": now.Unix(), "exp": now.Add(time.Hour).Unix(), "jti": uuid.NewString()}
		for k, v := range claims {
			if v == nil {
				delete(base, k)
			} else {
				base[k] = v
			}
		}
		s, err := jwt.NewWithClaims(jwt.SigningMethodRS256, base).SignedString(key)
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	// Control: the service's own claims, signed here, are accepted.
	withToken(u, sign(jwt.MapClaims{"aud": "keyclic-api", "sub": u.PersonID})).Get(protectedPath).Expect(http.StatusOK)

	before := organizationCount(t)
	for name, token := range map[string]string{
		"subject is no account":           sign(jwt.MapClaims{"aud": "keyclic-api", "sub": uuid.NewString()}),
		"subject is not an id":            sign(jwt.MapClaims{"aud": "keyclic-api", "sub": "admin"}),
		"no subject":                      sign(jwt.MapClaims{"aud": "keyclic-api"}),
		"no audience":                     sign(jwt.MapClaims{"sub": u.PersonID}),
		"the download link's audience":    sign(jwt.MapClaims{"aud": "export-download", "sub": u.PersonID}),
		"another audience":                sign(jwt.MapClaims{"aud": "someone-else", "sub": u.PersonID}),
		"two audiences, ours among them":  sign(jwt.MapClaims{"aud": []string{"keyclic-api", "export-download"}, "sub": u.PersonID}),
		"expired download link as bearer": sign(jwt.MapClaims{"aud": "export-download", "sub": u.PersonID, "exp": time.Now().Add(-time.Hour).Unix()}),
	} {
		t.Run(name, func(t *testing.T) {
			c := withToken(u, token).With(func(c *testkit.Client) { c.T = t })
			c.Get(protectedPath).ExpectError(http.StatusUnauthorized)
			c.Post("/organizations", map[string]any{"name": testkit.Unique("Ghost"), "businessActivity": businessActivityCleaning}).
				ExpectError(http.StatusUnauthorized)
		})
	}
	if after := organizationCount(t); after != before {
		t.Fatalf("organizations: %d before, %d after the refused creations", before, after)
	}
}
