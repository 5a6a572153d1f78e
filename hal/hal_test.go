package hal

import (
	"encoding/json"
	"testing"
	"time"
)

// Keyclic's clients parse dates with an explicit offset and read ids from each link's IRI
// template mapping; payloads keep &, < and > as they are.
func TestShapesClientsParse(t *testing.T) {
	paris := time.FixedZone("CET", 3600)
	at := time.Date(2026, 12, 5, 10, 30, 0, 123456000, paris)
	got, err := Marshal(struct {
		Resource
		Links Links  `json:"_links"`
		Note  string `json:"note"`
	}{
		Resource: NewResource("Report", "r1", at, at),
		Links:    Links{"self": NewLink("/reports/r1", "report", "r1")},
		Note:     "a & b <c>",
	})
	if err != nil {
		t.Fatal(err)
	}
	want := `{"type":"Report","id":"r1","createdAt":"2026-12-05T09:30:00.123456+00:00","updatedAt":"2026-12-05T09:30:00.123456+00:00",` +
		`"_links":{"self":{"href":"/reports/r1","iriTemplate":{"mapping":{"report":"r1"}}}},"note":"a & b <c>"}`
	if string(got) != want {
		t.Fatalf("got  %s\nwant %s", got, want)
	}
	var back map[string]any
	if err := json.Unmarshal(got, &back); err != nil {
		t.Fatal(err)
	}
}
