package e2e

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/keyclic/keyclic/internal/testkit"
)

// Every bad input of the specification's parameters is answered with the specification's errors
// (a list of {code, description}) in the requested format: 400 for bad input, 403 for a missing
// or bad key, 404 for an unknown service or request; never a 500, and nothing is created.
func TestOpen311Errors(t *testing.T) {
	activity := metadataActivity(t)
	j := newJurisdiction(t, activity)
	keyID, key := j.newKey("City CRM", true)
	o := j.client(key)
	other := newJurisdiction(t, testkit.BusinessActivityRoads)
	_, otherKey := other.newKey("Other city", true)
	revokedID, revoked := j.newKey("Former client", true)
	if _, err := stack.App.Store.RevokeOpen311Key(context.Background(), revokedID); err != nil {
		t.Fatal(err)
	}
	in := j.inside()
	ok := func(pairs ...string) url.Values {
		return form(in, activity, append([]string{"attribute[kind]", "off"}, pairs...)...)
	}
	without := func(f url.Values, names ...string) url.Values {
		for _, n := range names {
			f.Del(n)
		}
		return f
	}

	for _, tc := range []struct {
		name     string
		client   *o311
		form     url.Values
		status   int
		contains string
	}{
		{"no key", o.with(func(o *o311) { o.key = "" }), ok(), http.StatusForbidden, "api_key was not provided"},
		{"unknown key", o.with(func(o *o311) { o.key = "o311_nope" }), ok(), http.StatusForbidden, "api_key is invalid"},
		{"revoked key", o.with(func(o *o311) { o.key = revoked }), ok(), http.StatusForbidden, "api_key is invalid"},
		{"another jurisdiction's key", o.with(func(o *o311) { o.key = otherKey }), ok(), http.StatusForbidden, "api_key is invalid"},
		{"no jurisdiction", o.with(func(o *o311) { o.jurisdiction = "" }), ok(), http.StatusBadRequest, "jurisdiction_id was not provided"},
		{"unknown jurisdiction", o.with(func(o *o311) { o.jurisdiction = "org.example.nowhere" }), ok(), http.StatusNotFound, "jurisdiction_id was not found"},
		{"key given twice", o, ok("api_key", key, "api_key", key), http.StatusBadRequest, "api_key: This parameter may be given once only"},
		{"no service", o, without(ok(), "service_code"), http.StatusBadRequest, "service_code: This value should not be blank"},
		{"unknown service", o, form(in, "potholes"), http.StatusNotFound, "service_code was not found: potholes"},
		{"no location", o, without(ok(), "lat", "long"), http.StatusBadRequest, "lat: The location is required"},
		{"an address only", o, without(ok("address_string", "1 rue Sainte-Catherine"), "lat", "long"), http.StatusBadRequest, "does not geocode"},
		{"lat only", o, without(ok(), "long"), http.StatusBadRequest, "long: This value should not be blank"},
		{"lat given twice", o, ok("lat", "44"), http.StatusBadRequest, "lat: This parameter may be given once only"},
		{"lat out of range", o, setForm(ok(), "lat", "91"), http.StatusBadRequest, "lat: This value should be between -90 and 90"},
		{"lat too big", o, setForm(ok(), "lat", "1e400"), http.StatusBadRequest, "lat: This value should be between -90 and 90"},
		{"lat NaN", o, setForm(ok(), "lat", "NaN"), http.StatusBadRequest, "lat: This value should be between -90 and 90"},
		{"long text", o, setForm(ok(), "long", "east"), http.StatusBadRequest, "long: This value should be between -180 and 180"},
		{"long out of range", o, setForm(ok(), "long", "-180.5"), http.StatusBadRequest, "long: This value should be between -180 and 180"},
		{"description too long", o, ok("description", strings.Repeat("é", 4001)), http.StatusBadRequest, "description: This value is too long"},
		{"NUL in description", o, ok("description", strings.Repeat("a", 100)+"\x00"), http.StatusBadRequest, "description: This value contains a NUL"},
		{"description not UTF-8", o, ok("description", "caf\xe9"), http.StatusBadRequest, "description: This value contains a NUL character or badly encoded text"},
		{"bad email", o, ok("email", "jeanne@"), http.StatusBadRequest, "email: This value is not a valid email address"},
		{"bad phone", o, ok("phone", "call me"), http.StatusBadRequest, "phone: This value is not a telephone number"},
		{"media_url not a URL", o, ok("media_url", "javascript:alert(1)"), http.StatusBadRequest, "media_url: This value is not a valid URL"},
		{"huge first name", o, ok("first_name", strings.Repeat("x", 300)), http.StatusBadRequest, "first_name: This value is too long"},
		{"unknown attribute", o, ok("attribute[colour]", "red"), http.StatusBadRequest, "attribute[colour]: This service defines no such attribute"},
		{"attribute not a choice", o, setForm(ok(), "attribute[kind]", "broken"), http.StatusBadRequest, "attribute[kind]: The value you selected is not a valid choice: off, flickering, on by day"},
		{"required attribute missing", o, form(in, activity), http.StatusBadRequest, "attribute[kind]: This value should not be blank"},
		{"attribute not a number", o, ok("attribute[height]", "tall"), http.StatusBadRequest, "attribute[height]: This value should be a number"},
		{"attribute not a whole number", o, ok("attribute[count]", "1.5"), http.StatusBadRequest, "attribute[count]: This value should be an integer"},
		{"attribute not a boolean", o, ok("attribute[urgent]", "yes"), http.StatusBadRequest, "attribute[urgent]: The value you selected is not a valid choice: true, false"},
		{"attribute not a date", o, ok("attribute[seen]", "yesterday"), http.StatusBadRequest, "attribute[seen]: This value is not a W3C date"},
		{"attribute list not a choice", o, ok("attribute[sides][]", "east"), http.StatusBadRequest, "attribute[sides]: The value you selected is not a valid choice: north, south"},
		{"attribute malformed", o, ok("attribute[kind", "off"), http.StatusBadRequest, "An attribute is given as attribute[code]"},
		{"a point no organization covers", o, form(testkit.RandomArea(), activity, "attribute[kind]", "off"), http.StatusBadRequest,
			"The request was not created: No organization handles this location."},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := tc.client.with(func(o *o311) { o.t = t })
			for _, f := range []string{"json", "xml"} {
				c.post(f, tc.form).expectError(tc.status, tc.contains)
			}
		})
	}
	// None of them created anything for the client.
	var n int
	if err := stack.App.Store.Pool.QueryRow(context.Background(), `SELECT count(*) FROM open311_requests q JOIN feedbacks f ON f.id = q.feedback_id
		WHERE q.key_id = $1 AND f.state = 'DELIVERED'`, keyID).Scan(&n); err != nil || n != 0 {
		t.Fatalf("requests delivered by refused posts: %d (%v)", n, err)
	}

	// Bodies that are no form.
	raw := func(format, contentType, body string) *o311Answer {
		return o.do(http.MethodPost, "/open311/v2/requests."+format, contentType, strings.NewReader(body))
	}
	for _, f := range []string{"json", "xml"} {
		raw(f, "application/json", `{"service_code": "general"}`).expectError(http.StatusBadRequest, "application/x-www-form-urlencoded")
		raw(f, "application/x-www-form-urlencoded", "service_code=%zz").expectError(http.StatusBadRequest, "The form is malformed")
		raw(f, "application/x-www-form-urlencoded", "description=\xff\xfe").expectError(http.StatusBadRequest, "badly encoded")
		raw(f, "application/x-www-form-urlencoded", strings.Repeat("a", 2<<20)).expectError(http.StatusBadRequest, "too large")
	}

	// Reads.
	for _, tc := range []struct {
		name     string
		resource string
		q        url.Values
		status   int
		contains string
	}{
		{"bad start_date", "requests", url.Values{"start_date": {"yesterday"}}, http.StatusBadRequest, "start_date: This value is not a W3C date"},
		{"date out of range", "requests", url.Values{"end_date": {"10000-01-01T00:00:00Z"}}, http.StatusBadRequest, "end_date: This value is not a W3C date"},
		{"start after end", "requests", url.Values{"start_date": {"2026-02-01T00:00:00Z"}, "end_date": {"2026-01-01T00:00:00Z"}}, http.StatusBadRequest, "start_date must not be after end_date"},
		{"bad status", "requests", url.Values{"status": {"open,pending"}}, http.StatusBadRequest, "status: The value you selected is not a valid choice: open, closed"},
		{"page zero", "requests", url.Values{"page": {"0"}}, http.StatusBadRequest, "page: This value should be between 1 and 10000000"},
		{"huge page", "requests", url.Values{"page": {"99999999999999999999"}}, http.StatusBadRequest, "page: This value should be between"},
		{"page_size over the cap", "requests", url.Values{"page_size": {"1001"}}, http.StatusBadRequest, "page_size: This value should be between 1 and 1000"},
		{"unknown service", "requests", url.Values{"service_code": {"general,potholes"}}, http.StatusNotFound, "service_code was not found: potholes"},
		{"query not UTF-8", "requests", url.Values{"service_code": {"caf\xe9"}}, http.StatusBadRequest, "service_code: This value contains"},
		{"NUL in a query", "services", url.Values{"jurisdiction_id": {"a\x00b"}}, http.StatusBadRequest, "jurisdiction_id: This value contains"},
		{"bad updates date", "servicerequestupdates", url.Values{"end_date": {"2026-13-01T00:00:00Z"}}, http.StatusBadRequest, "end_date: This value is not a W3C date"},
		{"updates with a bad key", "servicerequestupdates", url.Values{"api_key": {"o311_nope"}}, http.StatusForbidden, "api_key is invalid"},
		{"unknown request", "requests/5f0c1f7e-0000-4000-8000-000000000000", nil, http.StatusNotFound, "service_request_id was not found"},
		{"request id not an id", "requests/42", nil, http.StatusNotFound, "service_request_id was not found: 42"},
		{"unknown token", "tokens/5f0c1f7e-0000-4000-8000-000000000000", nil, http.StatusNotFound, "token was not found"},
		{"token not a token", "tokens/abc", nil, http.StatusNotFound, "token was not found: abc"},
		{"unknown method", "nothing", nil, http.StatusNotFound, "No route matches this request"},
	} {
		t.Run(tc.name, func(t *testing.T) { o.with(func(o *o311) { o.t = t }).fails(tc.resource, tc.q, tc.status, tc.contains) })
	}
	// A method the resource does not have: 405, in the requested format.
	for _, f := range []string{"json", "xml"} {
		o.do(http.MethodDelete, "/open311/v2/requests."+f, "", nil).expectError(http.StatusMethodNotAllowed, "Method not allowed")
	}
	// Messages follow Accept-Language (French by default).
	o.with(func(o *o311) { o.lang = "" }).post("json", without(ok(), "service_code")).expectError(http.StatusBadRequest, "service_code: Cette valeur ne doit pas être vide.")
}

// setForm replaces a form's value.
func setForm(f url.Values, name, value string) url.Values {
	f.Set(name, value)
	return f
}
