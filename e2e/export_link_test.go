package e2e

import (
	"context"
	"errors"
	"io"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"os"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/keyclic/keyclic/activities"
	"github.com/keyclic/keyclic/internal/testkit"
)

var signedLink = regexp.MustCompile(`https?://[^\s"<]+/organizations/[0-9a-f-]{36}/exports/[A-Za-z0-9._-]+`)

// An archive too large to attach is emailed as a link (GET /organizations/{organization}/exports/{token})
// that works from a mail client (no headers), for that export only and not once tampered with;
// links of the earlier form (/exports/{export}/download?token=) keep working.
func TestExportEmailLinksALargeArchive(t *testing.T) {
	// Exports run on a worker of their own whose every archive is "too large" to attach.
	iso := stack.NewIsolated(t, nil)
	iso.RunWorker(t, func(a *activities.Activities) { a.Exports.AttachmentMax = 1 })

	d := stack.NewDesk(t, "Export link")
	d.ReportIn("accept")
	admin := iso.On(d.Admin)
	id := admin.Post(exportsPath(d.Org), nil).Expect(http.StatusAccepted).Str("id")
	admin.WaitExport(d.Org, id, "DONE")
	var link string
	for _, e := range stack.WaitEmails(t, d.Admin.Email, "export_ready", 1) {
		if e.IdempotencyKey == "export/"+id {
			link = signedLink.FindString(e.TextBody)
		}
	}
	if link == "" || !strings.Contains(link, "/organizations/"+d.Org+"/exports/") {
		t.Fatalf("no signed link to export %s in the email", id)
	}
	path := link[strings.Index(link, "/organizations/"):]
	token := path[strings.LastIndexByte(path, '/')+1:]

	get := func(p string) (int, []byte) {
		resp, err := http.Get(stack.HTTP.URL + p) // as a browser opening the link: no app key, no token header
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		observe(t, http.MethodGet, p, resp, b)
		return resp.StatusCode, b
	}
	status, body := get(path)
	if status != http.StatusOK || len(testkit.Unzip(t, body)) == 0 {
		t.Fatalf("signed link: %d", status)
	}
	if status, _ := get(path[:len(path)-3] + "abc"); status != http.StatusUnauthorized {
		t.Fatalf("tampered token: %d, want 401", status)
	}
	// The earlier form of link, with the same token.
	old := "/exports/" + id + "/download?token=" + token
	if status, body := get(old); status != http.StatusOK || len(testkit.Unzip(t, body)) == 0 {
		t.Fatalf("link of the earlier form: %d", status)
	}
	other := admin.Post(exportsPath(d.Org), nil).Expect(http.StatusAccepted).Str("id")
	admin.WaitExport(d.Org, other, "DONE")
	if status, _ := get(strings.Replace(old, id, other, 1)); status != http.StatusUnauthorized {
		t.Fatalf("token of another export: %d, want 401", status)
	}
	if status, _ := get("/exports/" + id + "/download"); status != http.StatusUnauthorized {
		t.Fatalf("no token: %d, want 401", status)
	}
}

// Once its retention period is over, an archive is deleted and its downloads answer 410.
func TestExportArchiveExpires(t *testing.T) {
	settings := stack.App.APISettings()
	settings.ExportRetention = time.Second
	srv := httptest.NewServer(stack.App.NewAPI(settings).Handler())
	defer srv.Close()
	d := stack.NewDesk(t, "Export expiry")
	admin := d.Admin.With(func(c *testkit.Client) { c.Base = srv.URL })
	d.ReportIn("accept")
	id := admin.Post(exportsPath(d.Org), nil).Expect(http.StatusAccepted).Str("id")
	admin.WaitExport(d.Org, id, "DONE")
	e, err := stack.App.Store.ExportByID(context.Background(), uuid.MustParse(id))
	if err != nil || e.FilePath == "" {
		t.Fatalf("export %s: %v %+v", id, err, e)
	}
	admin.WaitExport(d.Org, id, "EXPIRED")
	if _, err := os.Stat(e.FilePath); !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("archive %s still on disk: %v", e.FilePath, err)
	}
	admin.Get(exportsPath(d.Org) + "/" + id + "/download").ExpectError(http.StatusGone)
}
