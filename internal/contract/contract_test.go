package contract

import (
	"net/http"
	"strings"
	"testing"
)

func load(t *testing.T) *Contract {
	t.Helper()
	file, err := File()
	if err != nil {
		t.Fatal(err)
	}
	c, err := Load(file)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

var hal = http.Header{"Content-Type": {"application/hal+json; charset=utf-8"}}
var vnd = http.Header{"Content-Type": {"application/vnd.error+json; charset=utf-8"}}

const report = `{"type":"Report","id":"r","priority":0,"createdAt":"2026-12-04T10:00:00.000000+00:00","updatedAt":"2026-12-04T10:00:00.000000+00:00",
	"state":"NEW","_links":{"self":{"href":"/reports/r"}},"_embedded":{"stateTransitions":["accept"],"tracking":{"state":"NEW","progression":{"resolved":0,"total":0},"time":0,"checkpoints":[{"createdAt":"2026-12-04T10:00:00.000000+00:00","state":"NEW"}]}}}`

func TestTheFileHasItsOperations(t *testing.T) {
	if n := len(load(t).Operations()); n != 87 {
		t.Fatalf("%d operations, want 87", n)
	}
}

// A drift names the operation, the field and the type the file expects.
func TestCheckNamesTheDrift(t *testing.T) {
	c := load(t)
	body := strings.Replace(report, `"priority":0`, `"priority":"high"`, 1)
	err := c.Check(http.MethodGet, "/reports/0a7d2a0e-0000-4000-8000-000000000000", 200, hal, []byte(body))
	if err == nil {
		t.Fatal("a string priority passed")
	}
	for _, want := range []string{"getReport", "GET /reports/{report}", "/priority", "integer", `"high"`} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("the message does not say %q: %v", want, err)
		}
	}
	body = strings.Replace(report, `"time":0`, `"time":"2026-12-04T10:00:00+00:00"`, 1)
	if err := c.Check(http.MethodGet, "/reports/r", 200, hal, []byte(body)); err == nil || !strings.Contains(err.Error(), "/_embedded/tracking/time") {
		t.Errorf("a date as tracking time: %v", err)
	}
	body = strings.Replace(report, `"_links":{`, `"_links":{"delegatedTo":[],`, 1)
	if err := c.Check(http.MethodGet, "/reports/r", 200, hal, []byte(body)); err == nil || !strings.Contains(err.Error(), "/_links/delegatedTo") {
		t.Errorf("an array of delegation links: %v", err)
	}
}

// The deliberate differences pass; the rest of the file still holds.
func TestDeliberateDifferences(t *testing.T) {
	c := load(t)
	ok := []struct {
		name, method, target string
		status               int
		header               http.Header
		body                 string
	}{
		{"string state, embedded tracking", "GET", "/reports/r", 200, hal, report},
		{"a 409 as a vnd.error", "POST", "/reports/r/workflow/transition", 409, vnd,
			`{"@context":"https://github.com/blongden/vnd.error","@type":"Error","message":"no","total":1,"_embedded":{"errors":[{"@type":"Error","message":"no"}]}}`},
		{"201 for a creation the file answers 200", "POST", "/organizations/o/members", 201, hal, `{"type":"Member","id":"m","createdAt":"2026-12-04T10:00:00+00:00","roles":[]}`},
		{"204 for a removal the file answers 200", "DELETE", "/organizations/o/members/m", 204, http.Header{}, ``},
		{"a place without elevation", "GET", "/places/p", 200, hal,
			`{"id":"p","name":"n","createdAt":"2026-12-04T10:00:00+00:00","updatedAt":"2026-12-04T10:00:00+00:00","geo":{"polygon":{"type":"FeatureCollection","features":[{"type":"Feature"}]}}}`},
		{"the export's 202", "POST", "/organizations/o/reports/exports", 202, hal, `{"type":"Export","id":"e","state":"PENDING"}`},
		{"an image", "GET", "/people/p/image/10/10", 200, http.Header{"Content-Type": {"image/png"}}, "\x89PNG"},
	}
	for _, tc := range ok {
		if err := c.Check(tc.method, tc.target, tc.status, tc.header, []byte(tc.body)); err != nil {
			t.Errorf("%s: %v", tc.name, err)
		}
	}
	if err := c.Check("GET", "/reports/r", 200, hal, []byte(strings.Replace(report, `"state":"NEW"`, `"state":7`, 1))); err == nil {
		t.Error("a number as state passed")
	}
	if err := c.Check("GET", "/reports/r", 200, vnd, []byte(report)); err == nil {
		t.Error("a report as vnd.error passed")
	}
	if err := c.Check("GET", "/reports/r", 302, hal, nil); err == nil {
		t.Error("a redirection passed")
	}
}

// Routes the file does not have are counted, not validated.
func TestAddedRoutesAreCounted(t *testing.T) {
	c := load(t)
	if err := c.Check("GET", "/webhooks/w/deliveries?page=2", 200, hal, []byte(`[1]`)); err != nil {
		t.Fatal(err)
	}
	if err := c.Check("GET", "/reports/r", 200, hal, []byte(report)); err != nil {
		t.Fatal(err)
	}
	s := c.Summary([]string{"GET /reports/:report", "GET /webhooks/:webhook/deliveries"})
	for _, want := range []string{"1 of the Swagger file's 87 operations are served, 1 were exercised", "1 answers validated", "1 answers of routes the file does not have"} {
		if !strings.Contains(s, want) {
			t.Errorf("summary does not say %q:\n%s", want, s)
		}
	}
}
