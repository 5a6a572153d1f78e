package open311

import (
	"encoding/json"
	"net/url"
	"testing"
	"time"

	"github.com/keyclic/keyclic/domain"
)

// The parsers of untrusted Open311 input answer a value or a validation error (a 400), never a
// panic nor another kind of error.

func invalidOnly(t *testing.T, err error) {
	t.Helper()
	if err != nil && !domain.IsKind(err, domain.KindInvalid) {
		t.Fatalf("not a validation error: %v", err)
	}
}

// FuzzParseNewRequest reads a POST requests body, then checks its attributes against a schema
// that defines one attribute of each kind.
func FuzzParseNewRequest(f *testing.F) {
	for _, s := range []string{
		"service_code=general&lat=44.85&long=-0.57&description=Nid+de+poule",
		"api_key=k&jurisdiction_id=com.keyclic.app&service_code=x&lat=1e400&long=NaN",
		"service_code=x&address_string=1+rue+Sainte-Catherine",
		"service_code=x&lat=44&long=-0.5&email=a%40b.fr&phone=%2B33+5+56&media_url=https%3A%2F%2Fx.fr%2Fa.jpg",
		"service_code=x&lat=44&long=-0.5&attribute[kind]=off&attribute[sides][]=north&attribute[sides][]=south&attribute[count]=2",
		"service_code=x&lat=44&long=-0.5&attribute[count]=1.5&attribute[seen]=2026-01-01&attribute[urgent]=yes&attribute[",
		"description=caf%E9&first_name=%00&lat=-90&long=180",
		"service_code=a&service_code=b&lat=&long=",
	} {
		f.Add(s)
	}
	schema := json.RawMessage(`{"properties": {"kind": {"type": "string", "enum": ["off", "on"]}, "count": {"type": "integer"},
		"height": {"type": "number"}, "urgent": {"type": "boolean"}, "seen": {"type": "string", "format": "date-time"},
		"sides": {"type": "array", "items": {"enum": ["north", "south"]}}, "note": {"type": "string"}}, "required": ["kind"]}`)
	f.Fuzz(func(t *testing.T, body string) {
		form, err := url.ParseQuery(body)
		if err != nil {
			return // answered 400 by the handler before parsing
		}
		r, err := ParseNewRequest(form)
		invalidOnly(t, err)
		if err != nil {
			return
		}
		if r.Lat == nil || r.Long == nil || *r.Lat < -90 || *r.Lat > 90 || *r.Long < -180 || *r.Long > 180 {
			t.Fatalf("accepted a point out of range: %v %v", r.Lat, r.Long)
		}
		meta, err := Metadata(schema, r.Attributes)
		invalidOnly(t, err)
		if err == nil && meta != nil {
			var m map[string]string // metadata values are strings, as Keyclic's clients read them
			if err := json.Unmarshal(meta, &m); err != nil {
				t.Fatalf("metadata %s: %v", meta, err)
			}
		}
	})
}

// FuzzParseRequestsQuery reads the query of GET requests and of servicerequestupdates.
func FuzzParseRequestsQuery(f *testing.F) {
	for _, s := range []string{
		"", "service_request_id=1,2,3&service_code=general&status=open,closed",
		"start_date=2010-05-24T00:00:00Z&end_date=2010-06-24T00:00:00+02:00", "start_date=2010-05-24&page=2&page_size=10",
		"start_date=0000-01-01T00:00:00Z", "end_date=9999-12-31T23:59:59Z&start_date=9999-12-31", "status=pending&page=0&page_size=5000",
		"page=99999999999999999999", "start_date=2010-05-24T00:00:00 02:00", "service_code=%FF", "status=,,,",
	} {
		f.Add(s)
	}
	now := time.Date(2026, 12, 5, 0, 0, 0, 0, time.UTC)
	f.Fuzz(func(t *testing.T, raw string) {
		q, err := url.ParseQuery(raw)
		if err != nil {
			return
		}
		r, err := ParseRequestsQuery(q, now)
		invalidOnly(t, err)
		if err == nil {
			if r.Page < 1 || r.Page > domain.MaxPage || r.PageSize < 1 || r.PageSize > MaxPageSize || r.From.After(r.To) {
				t.Fatalf("accepted %+v", r)
			}
			if len(r.IDs) > MaxListItems || len(r.ServiceCodes) > MaxListItems {
				t.Fatalf("accepted lists of %d and %d", len(r.IDs), len(r.ServiceCodes))
			}
		}
		_, err = ParseUpdatesQuery(q, now)
		invalidOnly(t, err)
	})
}

// FuzzAttributes reads any metadata schema: attributes or none, never a panic.
func FuzzAttributes(f *testing.F) {
	for _, s := range []string{
		`{}`, `{"properties": {"a": {"type": "string"}}}`, `{"properties": {"a": {"enum": [1, "x", null, true]}}, "required": ["a", "b"]}`,
		`{"properties": {"a": {"type": "array", "items": {"enum": []}}}}`, `{"properties": []}`, `[]`, `{"properties": {"": {}}}`,
	} {
		f.Add(s, "a", "x")
	}
	f.Fuzz(func(t *testing.T, schema, code, value string) {
		for _, a := range Attributes(json.RawMessage(schema)) {
			if a.Code == "" || a.Datatype == "" || a.Order < 1 {
				t.Fatalf("attribute %+v", a)
			}
		}
		_, err := Metadata(json.RawMessage(schema), []AttributeValue{{Code: code, Values: []string{value}}})
		invalidOnly(t, err)
	})
}
