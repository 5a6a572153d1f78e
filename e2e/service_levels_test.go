package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/keyclic/keyclic/hal"
	"github.com/keyclic/keyclic/internal/testkit"
)

func serviceLevelsPath(org string) string { return "/organizations/" + org + "/service-levels" }

// reportClock is where a report's service-level clocks stand, as its workflow writes them.
type reportClock struct {
	AcceptBy, CloseBy   *time.Time
	AcceptMet, CloseMet *bool
}

// setReportClock writes a report's service-level columns straight into the database, standing
// in for the report workflow that keeps them, so that the reads can be checked at chosen times.
func setReportClock(t *testing.T, report string, c reportClock) {
	t.Helper()
	_, err := stack.App.Store.Pool.Exec(context.Background(), `UPDATE reports SET service_terms = '{}', accept_by = $2, close_by = $3,
		accept_met = $4, close_met = $5 WHERE id = $1`, report, c.AcceptBy, c.CloseBy, c.AcceptMet, c.CloseMet)
	if err != nil {
		t.Fatal(err)
	}
}

func boolean(b bool) *bool { return &b }

func TestServiceLevelsRoundTrip(t *testing.T) {
	d := stack.NewDesk(t, "Levels")
	path := serviceLevelsPath(d.Org)
	d.Admin.Get(path).ExpectError(http.StatusNotFound)

	lights := d.Admin.CreateCategory(d.Org, testkit.Unique("Eclairage "), "#ffcc00", "fa-lightbulb")
	roads := d.Admin.CreateCategory(d.Org, testkit.Unique("Voirie "), "#aa0000", "fa-road")
	body := map[string]any{
		"timeZone": "Europe/Paris",
		"hoursAvailable": []map[string]any{
			{"dayOfWeek": "Friday", "opens": "09:00", "closes": "17:00"},
			{"dayOfWeek": "monday", "opens": "09:00", "closes": "17:00"},
		},
		"holidays": []string{"2026-12-25", "2027-01-01"},
		"default":  map[string]any{"acceptWithin": "8h", "closeWithin": "PT40H"},
		"categories": []map[string]any{
			{"category": lights, "acceptWithin": "2h30m"},
			{"category": roads, "acceptWithin": "4h", "closeWithin": "16h"},
		},
	}
	put := d.Admin.Do(http.MethodPut, path, body).Expect(http.StatusOK)
	got := d.Admin.Get(path).Expect(http.StatusOK)
	for _, r := range []*testkit.Response{put, got} {
		if r.Str("timeZone") != "Europe/Paris" || r.Str("_links.self.href") != path || r.Str("_links.organization.href") != "/organizations/"+d.Org {
			t.Fatalf("answer %s", r.Body)
		}
		// The week's hours Monday first, as services list them; durations as Go writes them.
		if days := []string{r.Str("hoursAvailable.0.dayOfWeek"), r.Str("hoursAvailable.1.dayOfWeek")}; !slices.Equal(days, []string{"Monday", "Friday"}) ||
			r.Str("hoursAvailable.0.opens") != "09:00" || r.Str("hoursAvailable.0.closes") != "17:00" {
			t.Errorf("hours %v: %s", days, r.Body)
		}
		if !slices.Equal(r.Strings("holidays"), []string{"2026-12-25", "2027-01-01"}) {
			t.Errorf("holidays %v", r.Strings("holidays"))
		}
		if r.Str("default.acceptWithin") != "8h" || r.Str("default.closeWithin") != "40h" {
			t.Errorf("default %v", r.At("default"))
		}
		if r.Str("categories.0.category") != lights || r.Str("categories.0.acceptWithin") != "2h30m" || r.At("categories.0.closeWithin") != nil ||
			r.Str("categories.1.category") != roads || r.Str("categories.1.closeWithin") != "16h" || len(r.List("categories")) != 2 {
			t.Errorf("categories %v", r.At("categories"))
		}
	}

	// Replacing is whole: what is not sent any more is gone; no hours is every hour.
	d.Admin.Do(http.MethodPut, path, map[string]any{"timeZone": "UTC", "default": map[string]any{"closeWithin": "24h"}}).Expect(http.StatusOK)
	r := d.Admin.Get(path).Expect(http.StatusOK)
	if r.Str("timeZone") != "UTC" || len(r.List("hoursAvailable")) != 0 || len(r.List("holidays")) != 0 || len(r.List("categories")) != 0 ||
		r.At("default.acceptWithin") != nil || r.Str("default.closeWithin") != "24h" {
		t.Errorf("replaced: %s", r.Body)
	}
}

func TestServiceLevelsAccess(t *testing.T) {
	d := stack.NewDesk(t, "Levels access")
	path := serviceLevelsPath(d.Org)
	body := map[string]any{"timeZone": "Europe/Paris", "default": map[string]any{"acceptWithin": "8h"}}
	d.Admin.Do(http.MethodPut, path, body).Expect(http.StatusOK)

	analyst, _ := d.Member(testkit.RoleAnalytics)
	outsider := stack.NewUser(t)
	for _, c := range []*testkit.Client{analyst, outsider} {
		c.Get(path).ExpectError(http.StatusForbidden)
		c.Do(http.MethodPut, path, body).ExpectError(http.StatusForbidden)
	}
	d.Admin.Get(serviceLevelsPath(uuid.NewString())).ExpectError(http.StatusNotFound)
	d.Admin.Do(http.MethodPut, serviceLevelsPath(uuid.NewString()), body).ExpectError(http.StatusNotFound)
	d.Admin.Get("/organizations/not-an-id/service-levels").ExpectError(http.StatusNotFound)
}

func TestServiceLevelsValidation(t *testing.T) {
	d := stack.NewDesk(t, "Levels validation")
	path := serviceLevelsPath(d.Org)
	mine := d.Admin.CreateCategory(d.Org, testkit.Unique("Voirie "), "#aa0000", "fa-road")
	other := stack.NewDesk(t, "Levels other")
	theirs := other.Admin.CreateCategory(other.Org, testkit.Unique("Voirie "), "#aa0000", "fa-road")

	for _, c := range []struct {
		name  string
		body  any
		paths []string
	}{
		{"empty", map[string]any{}, []string{"timeZone"}},
		{"unknown zone", map[string]any{"timeZone": "Mars/Olympus"}, []string{"timeZone"}},
		{"bad hours", map[string]any{"timeZone": "UTC", "hoursAvailable": []map[string]any{
			{"dayOfWeek": "Funday", "opens": "09:00", "closes": "17:00"},
			{"dayOfWeek": "Monday", "opens": "9h", "closes": "24:01"},
			{"dayOfWeek": "Tuesday", "opens": "10:00", "closes": "10:00"},
			{"dayOfWeek": "Wednesday", "opens": "09:00", "closes": "17:00"},
			{"dayOfWeek": "Wednesday", "opens": "12:00", "closes": "13:00"},
		}}, []string{"hoursAvailable[0].dayOfWeek", "hoursAvailable[1].opens", "hoursAvailable[1].closes", "hoursAvailable[2].closes", "hoursAvailable[4]"}},
		{"bad holidays", map[string]any{"timeZone": "UTC", "holidays": []any{"2026-02-30", "25/12/2026", "2026-12-25", "2026-12-25", ""}},
			[]string{"holidays[0]", "holidays[1]", "holidays[3]", "holidays[4]"}},
		{"too many holidays", map[string]any{"timeZone": "UTC", "holidays": manyHolidays(401)}, []string{"holidays"}},
		{"bad durations", map[string]any{"timeZone": "UTC", "default": map[string]any{"acceptWithin": "0h", "closeWithin": "9000h"}},
			[]string{"default.acceptWithin", "default.closeWithin"}},
		{"words and negative", map[string]any{"timeZone": "UTC", "default": map[string]any{"acceptWithin": "soon", "closeWithin": "-2h"}},
			[]string{"default.acceptWithin", "default.closeWithin"}},
		{"ISO days", map[string]any{"timeZone": "UTC", "default": map[string]any{"acceptWithin": "P1D"}}, []string{"default.acceptWithin"}},
		{"bad categories", map[string]any{"timeZone": "UTC", "categories": []map[string]any{
			{"category": theirs, "acceptWithin": "2h"},
			{"category": mine, "acceptWithin": "2h"},
			{"category": mine, "closeWithin": "0s"},
			{"category": "not-an-id"},
			{"acceptWithin": "1h"},
			{"category": uuid.NewString()},
		}}, []string{"categories[0].category", "categories[2].category", "categories[2].closeWithin", "categories[3].category", "categories[4].category", "categories[5].category"}},
		{"wrong type", map[string]any{"timeZone": "UTC", "default": map[string]any{"acceptWithin": 8}}, nil},
		{"not an object", []string{"UTC"}, nil},
	} {
		t.Run(c.name, func(t *testing.T) {
			r := d.Admin.Do(http.MethodPut, path, c.body).ExpectError(http.StatusBadRequest, c.paths...)
			if c.paths == nil && len(r.List("_embedded.errors")) == 0 && r.Str("message") == "" {
				t.Errorf("no reason: %s", r.Body)
			}
		})
	}
	// Nothing was stored by the refused attempts.
	d.Admin.Get(path).ExpectError(http.StatusNotFound)
}

func manyHolidays(n int) []string {
	out := make([]string, n)
	day := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	for i := range out {
		out[i] = day.AddDate(0, 0, i).Format("2006-01-02")
	}
	return out
}

// expectServiceLevel checks a report's _embedded.serviceLevel in an answer, at prefix.
func expectServiceLevel(t *testing.T, r *testkit.Response, prefix string, acceptBy, closeBy *time.Time, acceptMet, closeMet *bool, overdue bool) {
	t.Helper()
	at := func(f string) any { return r.At(prefix + "_embedded.serviceLevel." + f) }
	checkTime := func(f string, want *time.Time) {
		got := at(f)
		if want == nil {
			if got != nil {
				t.Errorf("%s%s = %v, want null", prefix, f, got)
			}
			return
		}
		s, _ := got.(string)
		v, err := time.Parse(time.RFC3339Nano, s)
		if err != nil || !v.Equal(want.Truncate(time.Microsecond)) || !strings.HasSuffix(s, "+00:00") {
			t.Errorf("%s%s = %v, want %s in UTC", prefix, f, got, want.UTC())
		}
	}
	checkBool := func(f string, want *bool) {
		got := at(f)
		if want == nil {
			if got != nil {
				t.Errorf("%s%s = %v, want null", prefix, f, got)
			}
			return
		}
		if b, ok := got.(bool); !ok || b != *want {
			t.Errorf("%s%s = %v, want %v", prefix, f, got, *want)
		}
	}
	checkTime("acceptBy", acceptBy)
	checkTime("closeBy", closeBy)
	checkBool("acceptMet", acceptMet)
	checkBool("closeMet", closeMet)
	if b, ok := at("overdue").(bool); !ok || b != overdue {
		t.Errorf("%soverdue = %v, want %v", prefix, at("overdue"), overdue)
	}
}

func TestServiceLevelReadsAndOverdueFilter(t *testing.T) {
	d := stack.NewDesk(t, "Overdue")
	now := time.Now().UTC()
	past, past2, future := now.Add(-2*time.Hour), now.Add(-time.Hour), now.Add(3*time.Hour)

	none := d.ReportIn()
	lateToAccept := d.ReportIn()
	setReportClock(t, lateToAccept, reportClock{AcceptBy: &past, CloseBy: &future})
	inTime := d.ReportIn()
	setReportClock(t, inTime, reportClock{AcceptBy: &future, CloseBy: &future})
	lateToClose := d.ReportIn("accept")
	setReportClock(t, lateToClose, reportClock{AcceptBy: &past, AcceptMet: boolean(true), CloseBy: &past2})
	closedLate := d.ReportIn("accept", "progress", "close")
	setReportClock(t, closedLate, reportClock{AcceptBy: &past, AcceptMet: boolean(false), CloseBy: &past2, CloseMet: boolean(false)})
	held := d.ReportIn("accept", "hold")
	setReportClock(t, held, reportClock{AcceptBy: &future, AcceptMet: boolean(true)})
	// Refused before its deadline (nothing decided), and refused after it (the workflow records
	// the deadline missed): a report that ended shows only what was decided.
	refused := d.ReportIn("refuse")
	setReportClock(t, refused, reportClock{AcceptBy: &past})
	refusedLate := d.ReportIn("refuse")
	setReportClock(t, refusedLate, reportClock{AcceptBy: &past, AcceptMet: boolean(false)})

	get := func(id string) *testkit.Response { return d.Admin.Get("/reports/" + id).Expect(http.StatusOK) }
	expectServiceLevel(t, get(none), "", nil, nil, nil, nil, false)
	expectServiceLevel(t, get(lateToAccept), "", &past, &future, boolean(false), nil, true)
	expectServiceLevel(t, get(inTime), "", &future, &future, nil, nil, false)
	expectServiceLevel(t, get(lateToClose), "", &past, &past2, boolean(true), boolean(false), true)
	expectServiceLevel(t, get(closedLate), "", &past, &past2, boolean(false), boolean(false), false)
	expectServiceLevel(t, get(held), "", &future, nil, boolean(true), nil, false)
	expectServiceLevel(t, get(refused), "", &past, nil, nil, nil, false)
	expectServiceLevel(t, get(refusedLate), "", &past, nil, boolean(false), nil, false)

	// The list renders each report the same way.
	list := d.Admin.Reports(d.Org, "").Expect(http.StatusOK)
	for i, id := range list.IDs() {
		if id == lateToClose {
			expectServiceLevel(t, list, fmt.Sprintf("_embedded.items.%d.", i), &past, &past2, boolean(true), boolean(false), true)
		}
	}

	d.Admin.Reports(d.Org, "overdue=true").Expect(http.StatusOK).ExpectIDSet(lateToAccept, lateToClose)
	d.Admin.Reports(d.Org, "overdue=1").Expect(http.StatusOK).ExpectIDSet(lateToAccept, lateToClose)
	d.Admin.Reports(d.Org, "overdue=false").Expect(http.StatusOK).ExpectIDSet(none, inTime, closedLate, held, refused, refusedLate)
	d.Admin.Reports(d.Org, "overdue=true&state=NEW").Expect(http.StatusOK).ExpectIDSet(lateToAccept)
	if total := d.Admin.Reports(d.Org, "overdue=true").Num("total"); total != 2 {
		t.Errorf("overdue total %v, want 2", total)
	}
	d.Admin.Reports(d.Org, "overdue=maybe").ExpectError(http.StatusBadRequest, "overdue")

	// A webhook's payload is the report as GET answers it, service level included.
	raw, err := hal.Payloads{Store: stack.App.Store}.ReportJSON(context.Background(), uuid.MustParse(lateToAccept))
	if err != nil {
		t.Fatal(err)
	}
	var payload struct {
		Embedded struct {
			ServiceLevel map[string]any `json:"serviceLevel"`
		} `json:"_embedded"`
	}
	if err := json.Unmarshal(raw, &payload); err != nil {
		t.Fatal(err)
	}
	if sl := payload.Embedded.ServiceLevel; sl["overdue"] != true || sl["acceptMet"] != false || sl["closeMet"] != nil || sl["acceptBy"] == nil {
		t.Errorf("payload's serviceLevel %v", sl)
	}
}

func TestServiceLevelAnalytics(t *testing.T) {
	d := stack.NewDesk(t, "Levels analytics")
	alpha, beta := testkit.Unique("Alpha "), testkit.Unique("Beta ")
	alphaID := d.Admin.CreateCategory(d.Org, alpha, "#aa0000", "fa-a")
	betaID := d.Admin.CreateCategory(d.Org, beta, "#00bb00", "fa-b")
	report := func(category string, c reportClock) string {
		extra := map[string]any{}
		if category != "" {
			extra["category"] = category
		}
		r := d.Admin.ReportOf(d.Org, d.Citizen.Issue(d.Inside(), extra))
		setReportClock(t, r, c)
		return r
	}
	at := time.Now().UTC()
	ids := []string{
		report(alphaID, reportClock{AcceptBy: &at, AcceptMet: boolean(true), CloseBy: &at, CloseMet: boolean(true)}),
		report(alphaID, reportClock{AcceptBy: &at, AcceptMet: boolean(false), CloseBy: &at}),
		report(betaID, reportClock{AcceptBy: &at, AcceptMet: boolean(true)}),
		report("", reportClock{CloseBy: &at, CloseMet: boolean(false)}),
		report(betaID, reportClock{AcceptBy: &at, CloseBy: &at}), // nothing decided: counted nowhere
		report("", reportClock{}), // no terms
	}

	analyst, _ := d.Member(testkit.RoleAnalytics)
	read := func(c *testkit.Client, query string) *testkit.Response {
		return c.Get("/organizations/" + d.Org + "/analytics/service-levels?" + query).Expect(http.StatusOK)
	}
	r := read(analyst, "")
	expectSeries(t, r, "labels", []any{"Sans catégorie", alpha, beta})
	expectSeries(t, r, "accepted", []any{0.0, 2.0, 1.0})
	expectSeries(t, r, "acceptedOnTime", []any{nil, 0.5, 1.0})
	expectSeries(t, r, "closed", []any{1.0, 1.0, 0.0})
	expectSeries(t, r, "closedOnTime", []any{0.0, 1.0, nil})

	english := analyst.With(func(c *testkit.Client) { c.Lang = "en-US" })
	r = read(english, "options[property]=category&options[sort]=desc&category="+alphaID)
	expectSeries(t, r, "labels", []any{alpha})
	expectSeries(t, r, "acceptedOnTime", []any{0.5})
	r = read(english, "options[sort]=desc")
	expectSeries(t, r, "labels", []any{beta, alpha, "No category"})

	// By period of creation (UTC): computed from the reports' own times.
	var created []time.Time
	for _, id := range ids[:4] {
		v, err := time.Parse(time.RFC3339Nano, d.Admin.Get("/reports/"+id).Expect(http.StatusOK).Str("createdAt"))
		if err != nil {
			t.Fatal(err)
		}
		created = append(created, v.UTC())
	}
	days := map[string]bool{}
	for _, v := range created {
		days[v.Format("2006-01-02")] = true
	}
	if len(days) == 1 { // the usual case; across midnight the shares split
		r = read(d.Admin, "options[property]=period&options[period]=day")
		expectSeries(t, r, "labels", []any{created[0].Format("2006-01-02")})
		expectSeries(t, r, "accepted", []any{3.0})
		expectSeries(t, r, "acceptedOnTime", []any{2.0 / 3.0})
		expectSeries(t, r, "closed", []any{2.0})
		expectSeries(t, r, "closedOnTime", []any{0.5})
	}
	r = read(d.Admin, "after="+time.Now().Add(time.Hour).UTC().Format(time.RFC3339))
	expectSeries(t, r, "labels", []any{})

	// Admins and analysts only; bad options are named.
	plain, _ := d.Member()
	plain.Get("/organizations/" + d.Org + "/analytics/service-levels").ExpectError(http.StatusForbidden)
	analyst.Get("/organizations/"+d.Org+"/analytics/service-levels?options[property]=state&options[period]=year").
		ExpectError(http.StatusBadRequest, "options[property]", "options[period]")
}

func expectSeries(t *testing.T, r *testkit.Response, field string, want []any) {
	t.Helper()
	got := r.List(field)
	if got == nil {
		got = []any{}
	}
	if len(got) != len(want) {
		t.Errorf("%s = %v, want %v", field, got, want)
		return
	}
	for i := range want {
		w, g := want[i], got[i]
		if wf, ok := w.(float64); ok {
			if gf, ok := g.(float64); !ok || gf < wf-1e-9 || gf > wf+1e-9 {
				t.Errorf("%s = %v, want %v", field, got, want)
				return
			}
			continue
		}
		if g != w {
			t.Errorf("%s = %v, want %v", field, got, want)
			return
		}
	}
}
