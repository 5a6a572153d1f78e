package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"strconv"
	"testing"

	"github.com/google/uuid"

	"github.com/keyclic/keyclic/internal/testkit"
)

// badText is what an attacker sent: bytes that are not UTF-8 inside a JSON string. encoding/json
// would store them as U+FFFD.
const badText = "ab\xff\xfe(cd"

// withBadText marshals body and puts badText where the value "@BAD@" is.
func withBadText(t *testing.T, body map[string]any) []byte {
	t.Helper()
	b, err := json.Marshal(body)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(b, []byte(`"@BAD@"`)) {
		t.Fatalf("no @BAD@ placeholder in %s", b)
	}
	return bytes.ReplaceAll(b, []byte(`@BAD@`), []byte(badText))
}

// Text that is not UTF-8 is refused in every field that takes text, naming the field, before
// anything is decoded or written: the resource reads the same afterwards.
func TestInvalidUTF8RefusedInEveryTextField(t *testing.T) {
	d := stack.NewDesk(t, "Invalid UTF-8")
	_, report := d.NewReport()
	op := d.Admin.CreateOperation(report, "Reboucher")
	public := d.Citizen.Issue(d.Inside(), testkit.Visibility(true, testkit.Unique("Public ")))
	category := d.Admin.CreateCategory(d.Org, "Voirie", "#ff0000", "road")
	at := d.Inside()
	geo := map[string]any{"point": map[string]any{"latitude": at.Lat, "longitude": at.Lon}}
	ring := []map[string]any{}
	for _, p := range []testkit.LatLon{d.Corner, d.Corner.Offset(0, d.Size), d.Corner.Offset(d.Size, d.Size), d.Corner.Offset(d.Size, 0), d.Corner} {
		ring = append(ring, map[string]any{"latitude": p.Lat, "longitude": p.Lon})
	}
	polygon := map[string]any{"srid": 4326, "rings": []any{map[string]any{"points": ring}}}
	anon := stack.Client(t)

	// snapshots read what a refused request could have changed.
	get := func(c *testkit.Client, path string) func() string {
		return func() string { return string(c.Get(path).Expect(http.StatusOK).Body) }
	}
	total := func(c *testkit.Client, path string) func() string {
		return func() string { return strconv.Itoa(int(c.Get(path).Expect(http.StatusOK).Num("total"))) }
	}
	orgs := func() string { return strconv.Itoa(organizationCount(t)) }
	feedbacks := func() string { return strconv.Itoa(len(stack.FeedbackIDsOf(t, d.Citizen.PersonID))) }
	devices := func() string {
		ds, err := stack.App.Store.Devices(context.Background(), uuid.MustParse(d.Citizen.PersonID), nil)
		if err != nil {
			t.Fatal(err)
		}
		return strconv.Itoa(len(ds))
	}

	cases := []struct {
		name   string
		client *testkit.Client
		path   string
		method string
		body   map[string]any
		field  string
		same   func() string
	}{
		{"organization name", d.Admin, "/organizations", http.MethodPost, map[string]any{"name": "@BAD@", "businessActivity": testkit.BusinessActivityRoads}, "name", orgs},
		{"organization alternateName", d.Admin, "/organizations/" + d.Org, http.MethodPatch, map[string]any{"alternateName": "@BAD@"}, "alternateName", get(d.Admin, "/organizations/"+d.Org)},
		{"organization description", d.Admin, "/organizations/" + d.Org, http.MethodPatch, map[string]any{"description": "@BAD@"}, "description", get(d.Admin, "/organizations/"+d.Org)},
		{"organization name, changed", d.Admin, "/organizations/" + d.Org, http.MethodPatch, map[string]any{"name": "@BAD@"}, "name", get(d.Admin, "/organizations/"+d.Org)},
		{"place name", d.Admin, "/organizations/" + d.Org + "/places", http.MethodPost, map[string]any{"name": "@BAD@", "polygon": polygon}, "name", total(d.Admin, "/organizations/"+d.Org+"/places")},
		{"place branchCode", d.Admin, "/organizations/" + d.Org + "/places", http.MethodPost, map[string]any{"name": "Ouest", "branchCode": "@BAD@", "polygon": polygon}, "branchCode", total(d.Admin, "/organizations/"+d.Org+"/places")},
		{"place name, changed", d.Admin, "/places/" + d.Place, http.MethodPatch, map[string]any{"name": "@BAD@"}, "name", get(d.Admin, "/places/"+d.Place)},
		{"category name", d.Admin, "/organizations/" + d.Org + "/categories", http.MethodPost, map[string]any{"name": "@BAD@", "color": "#00ff00", "icon": "x"}, "name", total(d.Admin, "/organizations/"+d.Org+"/categories")},
		{"category icon", d.Admin, "/categories/" + category, http.MethodPatch, map[string]any{"icon": "@BAD@"}, "icon", get(d.Admin, "/categories/"+category)},
		{"category identificationNumber", d.Admin, "/categories/" + category, http.MethodPatch, map[string]any{"identificationNumber": "@BAD@"}, "identificationNumber", get(d.Admin, "/categories/"+category)},
		{"feedback description", d.Citizen, "/feedbacks/issues", http.MethodPost, map[string]any{"geo": geo, "description": "@BAD@"}, "description", feedbacks},
		{"feedback comment", d.Citizen, "/feedbacks/" + public + "/comments", http.MethodPost, map[string]any{"text": "@BAD@"}, "text", total(d.Citizen, "/feedbacks/"+public+"/comments")},
		{"operation comment", d.Admin, "/operations/" + op + "/comments", http.MethodPost, map[string]any{"text": "@BAD@"}, "text", total(d.Admin, "/operations/"+op+"/comments")},
		{"operation name", d.Admin, "/operations", http.MethodPost, map[string]any{"report": report, "name": "@BAD@"}, "name", total(d.Admin, "/organizations/"+d.Org+"/operations")},
		{"operation description", d.Admin, "/operations/" + op, http.MethodPatch, map[string]any{"description": "@BAD@"}, "description", get(d.Admin, "/operations/"+op)},
		{"operation identificationNumber", d.Admin, "/operations/" + op, http.MethodPatch, map[string]any{"identificationNumber": "@BAD@"}, "identificationNumber", get(d.Admin, "/operations/"+op)},
		{"report description", d.Admin, "/reports/" + report, http.MethodPatch, map[string]any{"description": "@BAD@"}, "description", get(d.Admin, "/reports/"+report)},
		{"report identificationNumber", d.Admin, "/reports/" + report, http.MethodPatch, map[string]any{"identificationNumber": "@BAD@"}, "identificationNumber", get(d.Admin, "/reports/"+report)},
		{"report tags", d.Admin, "/reports/" + report, http.MethodPatch, map[string]any{"tags": []any{"ok", "@BAD@"}}, "tags[1]", get(d.Admin, "/reports/"+report)},
		{"person givenName", d.Citizen, "/people/" + d.Citizen.PersonID, http.MethodPatch, map[string]any{"givenName": "@BAD@"}, "givenName", get(d.Citizen, "/people/"+d.Citizen.PersonID)},
		{"person familyName", d.Citizen, "/people/" + d.Citizen.PersonID, http.MethodPatch, map[string]any{"familyName": "@BAD@"}, "familyName", get(d.Citizen, "/people/"+d.Citizen.PersonID)},
		{"person jobTitle", d.Citizen, "/people/" + d.Citizen.PersonID, http.MethodPatch, map[string]any{"jobTitle": "@BAD@"}, "jobTitle", get(d.Citizen, "/people/"+d.Citizen.PersonID)},
		{"device token", d.Citizen, "/people/" + d.Citizen.PersonID + "/devices", http.MethodPost, map[string]any{"token": "@BAD@", "platform": "ios"}, "token", devices},
		{"device platform", d.Citizen, "/people/" + d.Citizen.PersonID + "/devices", http.MethodPost, map[string]any{"token": "tok", "platform": "@BAD@"}, "platform", devices},
		{"register email", anon, "/security/register", http.MethodPost, map[string]any{"email": "@BAD@", "password": "long enough"}, "email", nil},
		{"register password", anon, "/security/register", http.MethodPost, map[string]any{"email": testkit.Unique("utf8") + "@example.com", "password": "@BAD@"}, "password", nil},
		{"login login", anon, "/security/login", http.MethodPost, map[string]any{"login": "@BAD@", "password": "long enough"}, "login", nil},
		{"login password", anon, "/security/login", http.MethodPost, map[string]any{"login": d.Citizen.Email, "password": "@BAD@"}, "password", nil},
		{"password change request email", anon, "/security/password/change-request", http.MethodPost, map[string]any{"email": "@BAD@"}, "email", nil},
		{"password change password", anon, "/security/password/change/some-token", http.MethodPost, map[string]any{"password": "@BAD@"}, "password", nil},
		{"a field the endpoint ignores", d.Admin, "/organizations/" + d.Org, http.MethodPatch, map[string]any{"unknown": "@BAD@"}, "unknown", get(d.Admin, "/organizations/"+d.Org)},
		{"a key", d.Admin, "/organizations/" + d.Org, http.MethodPatch, map[string]any{"@BAD@": "x"}, "ab\uFFFD(cd", get(d.Admin, "/organizations/"+d.Org)},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c := tc.client.With(func(c *testkit.Client) { c.T = t })
			var before string
			if tc.same != nil {
				before = tc.same()
			}
			r := c.Do(tc.method, tc.path, withBadText(t, tc.body)).ExpectError(http.StatusBadRequest, tc.field)
			if got := r.Str("_embedded.errors.0.message"); got == "" {
				t.Errorf("no message for the field: %s", r.Body)
			}
			if tc.same != nil {
				if after := tc.same(); after != before {
					t.Errorf("changed by a refused request:\nbefore %s\nafter  %s", before, after)
				}
			}
		})
	}
	// The citizen's account still logs in with its password (the refused change did nothing), and
	// nothing was left FAILED by the refused feedback.
	if s := loginStatus(d.Citizen, d.Citizen.Email, d.Citizen.Password); s != http.StatusOK {
		t.Fatalf("login after the refused requests: %d", s)
	}
	if got := d.Citizen.Get("/people/" + d.Citizen.PersonID + "/feedbacks?state=FAILED").Expect(http.StatusOK).Num("total"); got != 0 {
		t.Fatalf("FAILED feedbacks left behind: %v", got)
	}
}
