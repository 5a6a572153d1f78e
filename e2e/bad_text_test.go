package e2e

import (
	"net/http"
	"testing"

	"github.com/keyclic/keyclic/internal/testkit"
)

// A NUL character (which Postgres cannot store) is refused as invalid input wherever it is
// sent, naming the field, and leaves the resource's workflow free for the next change.
func TestNULCharactersRefused(t *testing.T) {
	d := stack.NewDesk(t, "NUL")
	feedback, report := d.NewReport()
	op := d.Admin.CreateOperation(report, "Reboucher")
	const nul = "a\u0000b"

	cases := []struct {
		name, method, path string
		client             *testkit.Client
		body               any
		field              string
	}{
		{"organization name", http.MethodPost, "/organizations", d.Admin,
			map[string]any{"name": nul, "businessActivity": testkit.BusinessActivityRoads}, "name"},
		{"report description", http.MethodPatch, "/reports/" + report, d.Admin, map[string]any{"description": nul}, "description"},
		{"operation description", http.MethodPatch, "/operations/" + op, d.Admin, map[string]any{"description": nul}, "description"},
		{"feedback description", http.MethodPost, "/feedbacks/issues", d.Citizen, map[string]any{
			"geo": map[string]any{"point": map[string]any{"latitude": d.Inside().Lat, "longitude": d.Inside().Lon}}, "description": nul,
		}, "description"},
		{"feedback metadata", http.MethodPost, "/feedbacks/issues", d.Citizen, map[string]any{
			"geo": map[string]any{"point": map[string]any{"latitude": d.Inside().Lat, "longitude": d.Inside().Lon}}, "metadata": map[string]any{"k": nul},
		}, "metadata.k"},
		{"operation comment", http.MethodPost, "/operations/" + op + "/comments", d.Admin, map[string]any{"text": nul}, "text"},
		{"person name", http.MethodPatch, "/people/" + d.Citizen.PersonID, d.Citizen, map[string]any{"givenName": nul}, "givenName"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			tc.client.With(func(c *testkit.Client) { c.T = t }).Do(tc.method, tc.path, tc.body).
				ExpectError(http.StatusBadRequest, tc.field)
		})
	}
	if got := d.Citizen.Get("/people/" + d.Citizen.PersonID + "/feedbacks?state=DELIVERED").Expect(http.StatusOK).Num("total"); got != 1 {
		t.Fatalf("feedbacks of the citizen: %v, want only %s", got, feedback)
	}
	// Nothing is stuck behind the refused changes.
	d.Admin.Patch("/reports/"+report, map[string]any{"description": "Trou rebouché"}).Expect(http.StatusOK)
	if got := d.Admin.Patch("/operations/"+op, map[string]any{"description": "Avant lundi"}).Expect(http.StatusOK).Str("description"); got != "Avant lundi" {
		t.Fatalf("operation description %q", got)
	}
	d.Admin.DriveReport(report, "accept", "progress")
}

// Query parameters holding NUL or text that is not UTF-8 are refused, naming the parameter.
func TestBadTextInQueryRefused(t *testing.T) {
	admin := stack.NewUser(t)
	admin.Get("/organizations?search%5Bname%5D=a%00b").ExpectError(http.StatusBadRequest, "search[name]")
	admin.Get("/places?search%5Bname%5D=%FF").ExpectError(http.StatusBadRequest, "search[name]")
	admin.Get("/people?search%5Bemail%5D=%C3%28").ExpectError(http.StatusBadRequest, "search[email]")
	admin.Get("/organizations?search%5Bname%5D=%C3%A9").Expect(http.StatusOK) // é is fine
}

// A body is one JSON object: anything after it is malformed JSON, and nothing is changed.
func TestTrailingJSONRefused(t *testing.T) {
	admin := stack.NewUser(t)
	org := admin.CreateOrganization(testkit.Unique("Trailing "))
	name := admin.OrganizationName(org)
	admin.Patch("/organizations/"+org, `{"name":"Changed"}}`).ExpectError(http.StatusBadRequest)
	admin.Patch("/organizations/"+org, `{"name":"Changed"} x`).ExpectError(http.StatusBadRequest)
	if got := admin.OrganizationName(org); got != name {
		t.Fatalf("name changed to %q by a malformed body", got)
	}
	admin.Patch("/organizations/"+org, "{\"name\":\"Changed\"}\n").Expect(http.StatusOK)
}

// Pages far beyond any collection are refused, never an overflow.
func TestPageOutOfRange(t *testing.T) {
	admin := stack.NewUser(t)
	for _, path := range []string{"/organizations", "/feedbacks", "/places", "/people"} {
		admin.Get(path+"?page=9223372036854775807").ExpectError(http.StatusBadRequest, "page")
		if n := len(admin.Get(path + "?page=10000000").Expect(http.StatusOK).List("_embedded.items")); n != 0 {
			t.Fatalf("%s page 10000000: %d items", path, n)
		}
	}
}

// An image whose header is valid but whose pixels are missing is refused at upload.
func TestTruncatedImageRefused(t *testing.T) {
	d := stack.NewDesk(t, "Truncated image")
	feedback := d.Citizen.Issue(d.Inside(), nil)
	png := testkit.PNG(t, 200, 200)
	truncated := testkit.DataURI("image/png", png[:len(png)/2])
	d.Citizen.Post("/feedbacks/"+feedback+"/images", map[string]string{"image": truncated}).ExpectError(http.StatusBadRequest, "image")
	if got := d.Citizen.ImageHrefs("/feedbacks/" + feedback); len(got) != 0 {
		t.Fatalf("images stored: %v", got)
	}
}
