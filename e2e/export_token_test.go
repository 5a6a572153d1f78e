package e2e

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/keyclic/keyclic/api"
	"github.com/keyclic/keyclic/internal/testkit"
)

// doneExport has the desk's admin export its reports and waits until the archive is ready.
func doneExport(d *testkit.Desk) string {
	d.T.Helper()
	id := d.Admin.Post(exportsPath(d.Org), nil).Expect(http.StatusAccepted).Str("id")
	d.Admin.WaitExport(d.Org, id, "DONE")
	return id
}

// tokenPath is the Swagger file's GET /organizations/{organization}/exports/{token}.
func tokenPath(org, token string) string { return "/organizations/" + org + "/exports/" + token }

// downloadToken signs an export-download token for subject, as the service does, valid for ttl
// from now (a negative ttl gives one that expired).
func downloadToken(t *testing.T, subject string, ttl time.Duration) string {
	t.Helper()
	tokens := stack.App.Tokens
	if ttl < 0 {
		issued := time.Now().Add(2 * ttl)
		tokens = tokens.WithClock(func() time.Time { return issued })
		ttl = -ttl
	}
	s, _, err := tokens.IssueFor(api.AudienceExportDownload, subject, ttl)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// The token of an export opens that export's archive under its organization's path, with no
// bearer token and no application key (as a mail client opens the emailed link), and nothing else.
func TestExportDownloadByToken(t *testing.T) {
	d := stack.NewDesk(t, "Export par jeton")
	d.ReportIn("accept")
	id, second := doneExport(d), doneExport(d)
	other := stack.NewDesk(t, "Export par jeton, autre")
	other.ReportIn("accept")
	foreign := doneExport(other)
	token := exportLinkToken(t, id)
	browser := stack.Client(t).With(func(c *testkit.Client) { c.App = "" }) // no app key, no bearer token

	// Happy path: the archive of that export, as an attachment named after it.
	r := browser.Get(tokenPath(d.Org, token)).Expect(http.StatusOK)
	if ct, cd := r.Header.Get("Content-Type"), r.Header.Get("Content-Disposition"); ct != "application/zip" ||
		!strings.Contains(cd, "attachment") || !strings.Contains(cd, id[:8]) {
		t.Fatalf("download: Content-Type %q, Content-Disposition %q", ct, cd)
	}
	if files := testkit.Unzip(t, r.Body); len(files["reports.xlsx"]) == 0 {
		t.Fatalf("archive entries: %v", len(files))
	}
	// The same with the application's key (the Swagger file's header); another application's
	// key does not see the organization, an unknown key is a bad request.
	d.Citizen.With(func(c *testkit.Client) { c.Token = "" }).Get(tokenPath(d.Org, token)).Expect(http.StatusOK)
	browser.With(func(c *testkit.Client) { c.App = cityApp }).Get(tokenPath(d.Org, token)).ExpectError(http.StatusNotFound)
	browser.With(func(c *testkit.Client) { c.App = "com.example.nope" }).Get(tokenPath(d.Org, token)).ExpectError(http.StatusBadRequest, "X-Keyclic-App")

	// The token of another export of the organization opens that export, not this one.
	cd := browser.Get(tokenPath(d.Org, exportLinkToken(t, second))).Expect(http.StatusOK).Header.Get("Content-Disposition")
	if !strings.Contains(cd, second[:8]) || strings.Contains(cd, id[:8]) {
		t.Fatalf("token of the second export served %q", cd)
	}
	// Another organization's export, through this organization's path; this export through
	// another organization's path (or one that does not exist, or is no id): 404.
	browser.Get(tokenPath(d.Org, exportLinkToken(t, foreign))).ExpectError(http.StatusNotFound)
	browser.Get(tokenPath(other.Org, token)).ExpectError(http.StatusNotFound)
	browser.Get(tokenPath(uuid.NewString(), token)).ExpectError(http.StatusNotFound)
	browser.Get(tokenPath("nope", token)).ExpectError(http.StatusNotFound)
	// A token of the right kind for an export that does not exist: 404.
	browser.Get(tokenPath(d.Org, downloadToken(t, uuid.NewString(), time.Hour))).ExpectError(http.StatusNotFound)

	// Tampered, expired, about something that is no export id, or an access token: 401.
	browser.Get(tokenPath(d.Org, token[:len(token)-3]+"abc")).ExpectError(http.StatusUnauthorized)
	browser.Get(tokenPath(d.Org, "not-a-token")).ExpectError(http.StatusUnauthorized)
	expired := browser.Get(tokenPath(d.Org, downloadToken(t, id, -time.Hour))).ExpectError(http.StatusUnauthorized)
	if !strings.Contains(expired.Str("message"), "expir") {
		t.Fatalf("expired token: %s", expired.Body)
	}
	browser.Get(tokenPath(d.Org, downloadToken(t, "admin", time.Hour))).ExpectError(http.StatusUnauthorized)
	browser.Get(tokenPath(d.Org, d.Admin.Token)).ExpectError(http.StatusUnauthorized)
	// A bearer token does not stand for the path's token either.
	d.Admin.Get(tokenPath(d.Org, "not-a-token")).ExpectError(http.StatusUnauthorized)
}
