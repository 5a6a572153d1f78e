package api

import (
	"net/http"
	"strings"
	"testing"

	oa "github.com/keyclic/keyclic/api/openapi"
)

// The checker the e2e suite runs on every answer refuses what the document does not allow.
func TestOpenAPICheckerRefusesDrift(t *testing.T) {
	b, err := OpenAPIDocument()
	if err != nil {
		t.Fatal(err)
	}
	c, err := oa.NewChecker(b)
	if err != nil {
		t.Fatal(err)
	}
	hal := http.Header{"Content-Type": {"application/hal+json; charset=utf-8"}}
	vnd := http.Header{"Content-Type": {"application/vnd.error+json; charset=utf-8"}}
	const target = "/feedbacks/0a7d2a0e-0000-4000-8000-000000000000/tracking?x=1"
	const tracking = `{"state":"NEW","progression":{"resolved":0,"total":0},"time":0,"checkpoints":[{"createdAt":"2026-12-04T10:00:00.000000+00:00","state":"NEW"}]}`
	if err := c.Check("GET", target, 200, hal, []byte(tracking)); err != nil {
		t.Fatalf("a right answer was refused: %v", err)
	}
	errBody := `{"@context":"https://github.com/blongden/vnd.error","@type":"Error","message":"Not found"}`
	if err := c.Check("GET", target, 404, vnd, []byte(errBody)); err != nil {
		t.Fatalf("a right error was refused: %v", err)
	}
	for _, bad := range []struct {
		why    string
		status int
		header http.Header
		body   string
		want   string
	}{
		{"a string where an integer is", 200, hal, strings.Replace(tracking, `"time":0`, `"time":"0"`, 1), "getTrackingByFeedback"},
		{"a field the schema does not have", 200, hal, strings.Replace(tracking, `"time":0`, `"time":0,"extra":1`, 1), "extra"},
		{"a required field missing", 200, hal, strings.Replace(tracking, `"time":0,`, ``, 1), "time"},
		{"a status not declared", 418, hal, tracking, "418"},
		{"another media type", 200, http.Header{"Content-Type": {"text/html"}}, tracking, "text/html"},
		{"an error that is not vnd.error", 404, vnd, `{"error":"nope"}`, "getTrackingByFeedback"},
	} {
		err := c.Check("GET", target, bad.status, bad.header, []byte(bad.body))
		if err == nil {
			t.Errorf("%s passed", bad.why)
		} else if !strings.Contains(err.Error(), bad.want) {
			t.Errorf("%s: the message does not say %q: %v", bad.why, bad.want, err)
		}
	}
	// A literal path wins over a template: POST /feedbacks/issues is postIssue, not a feedback's.
	if err := c.Check("POST", "/feedbacks/issues", 201, hal, []byte(`{}`)); err == nil || !strings.Contains(err.Error(), "postIssue") {
		t.Errorf("POST /feedbacks/issues was not checked as postIssue: %v", err)
	}
}
