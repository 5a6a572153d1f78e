package e2e

import (
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/keyclic/keyclic/internal/testkit"
)

// Services (the Swagger file's GET /organizations/{organization}/services): what an organization
// offers the public, with a contact point whose isOpen follows the weekly hours its admins set,
// read in the service's time zone.

func servicesPath(org string) string { return "/organizations/" + org + "/services" }

// hours builds hoursAvailable from (day, opens, closes) triples.
func hours(triples ...string) []map[string]string {
	out := []map[string]string{}
	for i := 0; i+2 < len(triples); i += 3 {
		out = append(out, map[string]string{"dayOfWeek": triples[i], "opens": triples[i+1], "closes": triples[i+2]})
	}
	return out
}

func serviceBody(name, zone string, hoursAvailable []map[string]string) map[string]any {
	return map[string]any{
		"name": name, "description": "Nids de poule, signalisation, chaussée.",
		"contactPoint": map[string]any{"telephone": "+33 5 56 10 20 30", "timeZone": zone, "hoursAvailable": hoursAvailable},
	}
}

// expectHours checks the hoursAvailable of a service answer, as "Day opens-closes" in order.
func expectHours(t *testing.T, r *testkit.Response, want ...string) {
	t.Helper()
	got := []string{}
	for _, it := range r.List("contactPoint.hoursAvailable") {
		h := it.(map[string]any)
		got = append(got, h["dayOfWeek"].(string)+" "+h["opens"].(string)+"-"+h["closes"].(string))
	}
	if !slices.Equal(got, want) {
		t.Fatalf("hoursAvailable %v, want %v; body: %s", got, want, r.Body)
	}
}

func TestServices(t *testing.T) {
	d := stack.NewDesk(t, "Services")
	operator, _ := d.Member(testkit.RoleOperator)
	other := stack.NewDesk(t, "Services voisins")
	path := servicesPath(d.Org)

	// An admin creates a service: 201 with the Swagger file's Service, its hours in week order
	// and in one form.
	name := testkit.Unique("Allô voirie ")
	r := d.Admin.Post(path, serviceBody(name, "Europe/Paris", hours(
		"tuesday", "14:00", "17:30", "Monday", "08:30:00", "12:00", "MONDAY", "14:00", "17:30"))).Expect(http.StatusCreated)
	id := r.Str("id")
	if r.Str("type") != "Service" || id == "" || r.Str("name") != name || r.Str("description") != "Nids de poule, signalisation, chaussée." ||
		r.Str("contactPoint.telephone") != "+33 5 56 10 20 30" || r.Str("contactPoint.timeZone") != "Europe/Paris" ||
		r.Str("_links.self.href") != "/services/"+id || r.Str("_links.organization.href") != "/organizations/"+d.Org ||
		r.MappingOf("_links.organization", "organization") != d.Org || r.Str("createdAt") == "" {
		t.Fatalf("created service: %s", r.Body)
	}
	if _, ok := r.At("contactPoint.isOpen").(bool); !ok {
		t.Fatalf("contactPoint.isOpen is not a boolean: %s", r.Body)
	}
	expectHours(t, r, "Monday 08:30-12:00", "Monday 14:00-17:30", "Tuesday 14:00-17:30")
	second := d.Admin.Post(path, serviceBody(testkit.Unique("Espaces verts "), "UTC", nil)).Expect(http.StatusCreated)
	expectHours(t, second)
	if second.At("contactPoint.isOpen") != false {
		t.Fatalf("a service without hours is open: %s", second.Body)
	}

	// Everyone of the application reads them, as a HAL page.
	for _, c := range []*testkit.Client{d.Citizen, operator, other.Admin} {
		l := c.Get(path).Expect(http.StatusOK).ExpectIDSet(id, second.Str("id"))
		if l.Num("page") != 1 || l.Num("limit") != 10 || l.Num("pages") != 1 || l.Num("total") != 2 ||
			!strings.HasPrefix(l.Str("_links.self.href"), path+"?") || l.Str("_links.first.href") == "" || l.Str("_links.last.href") == "" {
			t.Fatalf("service page: %s", l.Body)
		}
		one := c.Get("/services/" + id).Expect(http.StatusOK)
		if one.Str("name") != name || one.Str("contactPoint.telephone") != "+33 5 56 10 20 30" {
			t.Fatalf("service read by %s: %s", c.Email, one.Body)
		}
	}
	d.Citizen.Get(path + "?search%5Bname%5D=" + strings.ToLower(name[len(name)-8:])).ExpectIDSet(id)
	if first := d.Citizen.Get(path + "?limit=1&order=asc").Expect(http.StatusOK); !slices.Equal(first.IDs(), []string{id}) || first.Num("pages") != 2 {
		t.Fatalf("first page of one, oldest first: %s", first.Body)
	}

	// The admin changes what is sent and nothing else; hoursAvailable replaces every range.
	r = d.Admin.Patch("/services/"+id, map[string]any{"name": "  Allô chaussée  "}).Expect(http.StatusOK)
	if r.Str("name") != "Allô chaussée" || r.Str("contactPoint.telephone") != "+33 5 56 10 20 30" || r.Str("contactPoint.timeZone") != "Europe/Paris" {
		t.Fatalf("name changed: %s", r.Body)
	}
	expectHours(t, r, "Monday 08:30-12:00", "Monday 14:00-17:30", "Tuesday 14:00-17:30")
	r = d.Admin.Patch("/services/"+id, map[string]any{"contactPoint": map[string]any{"telephone": "05.56.99.00.00"}}).Expect(http.StatusOK)
	if r.Str("contactPoint.telephone") != "05.56.99.00.00" || r.Str("name") != "Allô chaussée" {
		t.Fatalf("telephone changed: %s", r.Body)
	}
	expectHours(t, r, "Monday 08:30-12:00", "Monday 14:00-17:30", "Tuesday 14:00-17:30")
	r = d.Admin.Patch("/services/"+id, map[string]any{"contactPoint": map[string]any{"timeZone": "America/Cayenne", "hoursAvailable": hours("Friday", "22:00", "06:00")}}).
		Expect(http.StatusOK)
	expectHours(t, r, "Friday 22:00-06:00")
	if r.Str("contactPoint.timeZone") != "America/Cayenne" || r.Str("description") != "Nids de poule, signalisation, chaussée." {
		t.Fatalf("hours changed: %s", r.Body)
	}
	expectHours(t, d.Admin.Patch("/services/"+id, map[string]any{"contactPoint": map[string]any{"hoursAvailable": []any{}}}).Expect(http.StatusOK))
	d.Admin.Patch("/services/"+id, map[string]any{"contactPoint": map[string]any{"hoursAvailable": hours("Friday", "22:00", "06:00")}}).Expect(http.StatusOK)

	// Refused, and nothing is written.
	before := d.Admin.Get("/services/" + id).Expect(http.StatusOK)
	count := func() float64 { return d.Admin.Get(path).Expect(http.StatusOK).Num("total") }
	total := count()
	// Not an admin of the organization: 403.
	for _, c := range []*testkit.Client{operator, d.Citizen, other.Admin} {
		c.Post(path, serviceBody("Pirate", "UTC", nil)).ExpectError(http.StatusForbidden)
		c.Patch("/services/"+id, map[string]any{"name": "Pirate"}).ExpectError(http.StatusForbidden)
		c.Delete("/services/" + id).ExpectError(http.StatusForbidden)
	}
	// Bad input: 400 naming each field at fault, on creation and on change (where only what is
	// sent must be there: change is nil when the body would be a valid change).
	badHours := func(triples ...string) any { return serviceBody("x", "UTC", hours(triples...)) }
	for _, tc := range []struct {
		body           any
		create, change []string
	}{
		{map[string]any{}, []string{"name", "contactPoint.telephone", "contactPoint.timeZone"}, nil},
		{map[string]any{"name": "  ", "contactPoint": map[string]any{}}, []string{"name", "contactPoint.telephone", "contactPoint.timeZone"}, []string{"name"}},
		{serviceBody("x", "Mars/Olympus", nil), []string{"contactPoint.timeZone"}, []string{"contactPoint.timeZone"}},
		{serviceBody("x", "Local", nil), []string{"contactPoint.timeZone"}, []string{"contactPoint.timeZone"}},
		{serviceBody("x", "europe/paris", nil), []string{"contactPoint.timeZone"}, []string{"contactPoint.timeZone"}},
		{map[string]any{"name": "x", "contactPoint": map[string]any{"telephone": "call me", "timeZone": "UTC"}}, []string{"contactPoint.telephone"}, []string{"contactPoint.telephone"}},
		{map[string]any{"name": strings.Repeat("n", 256), "contactPoint": map[string]any{"telephone": "112", "timeZone": "UTC"}}, []string{"name"}, []string{"name"}},
		{badHours("Lundi", "08:00", "12:00"), []string{"contactPoint.hoursAvailable[0].dayOfWeek"}, []string{"contactPoint.hoursAvailable[0].dayOfWeek"}},
		{badHours("Monday", "25:00", "12:00", "Tuesday", "08:00", "8h"), []string{"contactPoint.hoursAvailable[0].opens", "contactPoint.hoursAvailable[1].closes"},
			[]string{"contactPoint.hoursAvailable[0].opens", "contactPoint.hoursAvailable[1].closes"}},
		{badHours("Monday", "24:00", "24:30"), []string{"contactPoint.hoursAvailable[0].opens", "contactPoint.hoursAvailable[0].closes"},
			[]string{"contactPoint.hoursAvailable[0].opens", "contactPoint.hoursAvailable[0].closes"}},
		{badHours("Monday", "08:00", "08:00"), []string{"contactPoint.hoursAvailable[0].closes"}, []string{"contactPoint.hoursAvailable[0].closes"}},
		{badHours("Monday", "08:00", "12:00", "Monday", "22:00", "02:00", "Tuesday", "01:00", "03:00"), []string{"contactPoint.hoursAvailable[2]"},
			[]string{"contactPoint.hoursAvailable[2]"}},
		{serviceBody("x", "UTC", []map[string]string{{"opens": "08:00"}}), []string{"contactPoint.hoursAvailable[0].dayOfWeek", "contactPoint.hoursAvailable[0].closes"},
			[]string{"contactPoint.hoursAvailable[0].dayOfWeek", "contactPoint.hoursAvailable[0].closes"}},
		{map[string]any{"name": "x", "contactPoint": map[string]any{"telephone": "112", "timeZone": "UTC", "hoursAvailable": "Monday 8-12"}},
			[]string{"contactPoint.hoursAvailable"}, []string{"contactPoint.hoursAvailable"}},
	} {
		d.Admin.Post(path, tc.body).ExpectError(http.StatusBadRequest, tc.create...)
		if tc.change != nil {
			d.Admin.Patch("/services/"+id, tc.body).ExpectError(http.StatusBadRequest, tc.change...)
		}
	}
	d.Admin.Patch("/services/"+id, map[string]any{"name": ""}).ExpectError(http.StatusBadRequest, "name")
	d.Admin.Patch("/services/"+id, map[string]any{"contactPoint": map[string]any{"telephone": " ", "timeZone": ""}}).
		ExpectError(http.StatusBadRequest, "contactPoint.telephone", "contactPoint.timeZone")
	d.Admin.Post(path, `{"name": `).ExpectError(http.StatusBadRequest)
	if after := d.Admin.Get("/services/" + id).Expect(http.StatusOK); string(after.Body) != string(before.Body) || count() != total {
		t.Fatalf("a refused request changed the services: before %s, after %s (total %v, then %v)", before.Body, after.Body, total, count())
	}

	// Another application sees neither the organization nor its services: 404, like unknown ids.
	city := asApp(d.Admin, cityApp)
	city.Get(path).ExpectError(http.StatusNotFound)
	city.Post(path, serviceBody("Ailleurs", "UTC", nil)).ExpectError(http.StatusNotFound)
	city.Get("/services/" + id).ExpectError(http.StatusNotFound)
	city.Patch("/services/"+id, map[string]any{"name": "Ailleurs"}).ExpectError(http.StatusNotFound)
	city.Delete("/services/" + id).ExpectError(http.StatusNotFound)
	d.Admin.Get(servicesPath(uuid.NewString())).ExpectError(http.StatusNotFound)
	d.Admin.Get("/organizations/nope/services").ExpectError(http.StatusNotFound)
	d.Admin.Get("/services/" + uuid.NewString()).ExpectError(http.StatusNotFound)
	d.Admin.Patch("/services/nope", map[string]any{"name": "x"}).ExpectError(http.StatusNotFound)
	stack.Client(t).Get(path).ExpectError(http.StatusUnauthorized)
	if after := d.Admin.Get("/services/" + id).Expect(http.StatusOK); string(after.Body) != string(before.Body) {
		t.Fatalf("a refused request changed the service: %s", after.Body)
	}

	// Deleted: 204, then gone from the list and 404.
	d.Admin.Delete("/services/" + id).Expect(http.StatusNoContent)
	d.Admin.Get("/services/" + id).ExpectError(http.StatusNotFound)
	d.Admin.Delete("/services/" + id).ExpectError(http.StatusNotFound)
	d.Citizen.Get(path).Expect(http.StatusOK).ExpectIDSet(second.Str("id"))
}

// isOpen is computed when the service is read, on the wall clock of the service's time zone:
// the day is that zone's day, and a range closing before it opens runs past midnight.
func TestServiceIsOpenAcrossTimeZoneAndMidnight(t *testing.T) {
	var clock atomic.Int64
	srv := stack.App.NewAPI(stack.App.APISettings())
	srv.SetClock(func() time.Time { return time.Unix(clock.Load(), 0) })
	h := httptest.NewServer(srv.Handler())
	defer h.Close()
	d := stack.NewDesk(t, "Services horaires")
	admin := d.Admin.With(func(c *testkit.Client) { c.Base = h.URL })
	citizen := d.Citizen.With(func(c *testkit.Client) { c.Base = h.URL })

	// A night line in Auckland (UTC+13 in January), Monday 22:00 to Tuesday 02:00, and the same
	// hours in Los Angeles (UTC-8).
	night := hours("Monday", "22:00", "02:00")
	auckland := admin.Post(servicesPath(d.Org), serviceBody("Veille de nuit", "Pacific/Auckland", night)).Expect(http.StatusCreated).Str("id")
	angeles := admin.Post(servicesPath(d.Org), serviceBody("Night watch", "America/Los_Angeles", night)).Expect(http.StatusCreated).Str("id")
	isOpen := func(at, service string) bool {
		t.Helper()
		clock.Store(mustTime(t, at).Unix())
		one := citizen.Get("/services/" + service).Expect(http.StatusOK).At("contactPoint.isOpen")
		var inList any
		for _, it := range citizen.Get(servicesPath(d.Org)).Expect(http.StatusOK).List("_embedded.items") {
			if s := it.(map[string]any); s["id"] == service {
				inList = s["contactPoint"].(map[string]any)["isOpen"]
			}
		}
		if one != inList {
			t.Fatalf("%s at %s: isOpen %v read alone, %v in the list", service, at, one, inList)
		}
		return one == true
	}
	for _, tc := range []struct {
		at       string
		auckland bool // its local time
		angeles  bool
	}{
		{"2026-01-05T08:59:00Z", false, false}, // Monday 21:59 in Auckland (Monday 00:59 in LA)
		{"2026-01-05T09:00:00Z", true, false},  // Monday 22:00 in Auckland
		{"2026-01-05T11:30:00Z", true, false},  // Tuesday 00:30 in Auckland: past midnight
		{"2026-01-05T12:59:00Z", true, false},  // Tuesday 01:59 in Auckland
		{"2026-01-05T13:00:00Z", false, false}, // Tuesday 02:00 in Auckland
		{"2026-01-06T06:00:00Z", false, true},  // Monday 22:00 in LA (Tuesday 19:00 in Auckland)
		{"2026-01-06T08:30:00Z", false, true},  // Tuesday 00:30 in LA: past midnight
		{"2026-01-06T10:00:00Z", false, false}, // Tuesday 02:00 in LA
	} {
		if got := isOpen(tc.at, auckland); got != tc.auckland {
			t.Errorf("Auckland line at %s: isOpen %v, want %v", tc.at, got, tc.auckland)
		}
		if got := isOpen(tc.at, angeles); got != tc.angeles {
			t.Errorf("Los Angeles line at %s: isOpen %v, want %v", tc.at, got, tc.angeles)
		}
	}

	// Moved to Los Angeles time, the Auckland line answers on Los Angeles hours at once.
	admin.Patch("/services/"+auckland, map[string]any{"contactPoint": map[string]any{"timeZone": "America/Los_Angeles"}}).Expect(http.StatusOK)
	if !isOpen("2026-01-06T08:30:00Z", auckland) || isOpen("2026-01-05T11:30:00Z", auckland) {
		t.Error("isOpen did not follow the new time zone")
	}
}

func mustTime(t *testing.T, s string) time.Time {
	t.Helper()
	at, err := time.Parse(time.RFC3339, s)
	if err != nil {
		t.Fatal(err)
	}
	return at
}
