package e2e

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/keyclic/keyclic/internal/testkit"
)

// expectActivity checks activity i of an activity page (its results; the activities of its
// first group for an aggregated page).
func expectActivity(t *testing.T, r *testkit.Response, i int, verb, actor, objectHref, object, message string) {
	t.Helper()
	p := fmt.Sprintf("results.%d.", i)
	if r.At("results.0.activities") != nil {
		p = fmt.Sprintf("results.0.activities.%d.", i)
	}
	if r.Str(p+"type") != "Activity" || r.Str(p+"verb") != verb || r.Str(p+"actor") != actor ||
		r.Str(p+"object") != object || r.Str(p+"message") != message || r.Str(p+"id") == "" ||
		r.Str(p+"_links.actor.href") != "/people/"+actor || r.Str(p+"_links.object.href") != objectHref {
		t.Fatalf("activity %d: want %s by %s on %s (%q); body: %s", i, verb, actor, object, message, r.Body)
	}
	if _, err := time.Parse(time.RFC3339, r.Str(p+"time")); err != nil {
		t.Fatalf("activity %d time %q: %v", i, r.Str(p+"time"), err)
	}
}

func TestFeedbackComments(t *testing.T) {
	d := stack.NewDesk(t, "Comments")
	reporter, neighbour := d.Citizen, stack.NewUser(t)
	f := reporter.Issue(d.Inside(), testkit.Visibility(true, testkit.Unique("Commented ")))
	path := "/feedbacks/" + f + "/comments"
	if n := reporter.ActivityTotal(path); n != 0 {
		t.Fatalf("a new feedback has %d comments", n)
	}

	// Anyone who sees a public feedback comments on it: 201 with the feedback.
	first, second := testkit.Unique("Pareil devant chez moi "), testkit.Unique("Merci ")
	r := neighbour.Post(path, map[string]string{"text": first}).Expect(http.StatusCreated)
	if r.Str("type") != "Feedback" || r.Str("id") != f {
		t.Fatalf("answer to a comment: %s", r.Body)
	}
	reporter.Post(path, map[string]string{"text": second}).Expect(http.StatusCreated)

	// Listed newest first, as activities.
	l := neighbour.Get(path).Expect(http.StatusOK)
	if len(l.List("results")) != 2 || l.Str("next") != "" {
		t.Fatalf("comments: %s", l.Body)
	}
	expectActivity(t, l, 0, "comment", reporter.PersonID, "/feedbacks/"+f, f, second)
	expectActivity(t, l, 1, "comment", neighbour.PersonID, "/feedbacks/"+f, f, first)
	l = neighbour.Get(path + "?order=asc&limit=1").Expect(http.StatusOK)
	if len(l.List("results")) != 1 || !strings.Contains(l.Str("next"), "page=2") {
		t.Fatalf("first page of one: %s", l.Body)
	}
	expectActivity(t, l, 0, "comment", neighbour.PersonID, "/feedbacks/"+f, f, first)
	l = neighbour.Get(l.Str("next")).Expect(http.StatusOK)
	if len(l.List("results")) != 1 || l.Str("next") != "" {
		t.Fatalf("second and last page of one: %s", l.Body)
	}
	expectActivity(t, l, 0, "comment", reporter.PersonID, "/feedbacks/"+f, f, second)

	// Text is required: 400 on text, and nothing is added.
	for _, body := range []any{map[string]string{}, map[string]string{"text": ""}, map[string]string{"text": "  \n "},
		map[string]any{"text": 5}, map[string]any{"text": nil}, map[string]string{"text": strings.Repeat("é", 10001)}} {
		neighbour.Post(path, body).ExpectError(http.StatusBadRequest, "text")
	}
	if n := neighbour.ActivityTotal(path); n != 2 {
		t.Fatalf("refused comments changed the list: %d comments", n)
	}

	// Unknown, malformed, or in another application: 404.
	neighbour.Post("/feedbacks/"+uuid.NewString()+"/comments", map[string]string{"text": "x"}).ExpectError(http.StatusNotFound)
	neighbour.Get("/feedbacks/nope/comments").ExpectError(http.StatusNotFound)
	city := asApp(neighbour, "com.keyclic.city")
	city.Post(path, map[string]string{"text": "x"}).ExpectError(http.StatusNotFound)
	city.Get(path).ExpectError(http.StatusNotFound)
	if n := reporter.ActivityTotal(path); n != 2 {
		t.Fatalf("refused comments changed the list: %d comments", n)
	}
}

func TestPrivateFeedbackComments(t *testing.T) {
	d := stack.NewDesk(t, "Private comments")
	reporter, outsider := d.Citizen, stack.NewUser(t)
	f := reporter.Issue(d.Inside(), testkit.Visibility(false, testkit.Unique("Private ")))
	path := "/feedbacks/" + f + "/comments"

	// Nobody comments on a private feedback: 409 for those who see it (its reporter, the
	// receiving organization), 404 for the others.
	reporter.With(func(c *testkit.Client) { c.Lang = "en-US" }).Post(path, map[string]string{"text": "Ajout"}).
		ExpectError(http.StatusConflict).ExpectMessageContains("Only public feedbacks")
	d.Admin.Post(path, map[string]string{"text": "Vu"}).ExpectError(http.StatusConflict)
	outsider.Post(path, map[string]string{"text": "Hello"}).ExpectError(http.StatusNotFound)
	outsider.Get(path).ExpectError(http.StatusNotFound)
	// The message is translated.
	reporter.With(func(c *testkit.Client) { c.Lang = "fr-FR" }).Post(path, map[string]string{"text": "Ajout"}).
		ExpectError(http.StatusConflict).ExpectMessageContains("signalements publics")
	if n := reporter.ActivityTotal(path); n != 0 {
		t.Fatalf("refused comments were stored: %d", n)
	}
	if n := d.Admin.ActivityTotal(path); n != 0 {
		t.Fatalf("refused comments were stored: %d", n)
	}
}

// operationDesk is a desk with a report, an operation on it, an operator assigned to it, another
// member of the organization and an outsider.
type operationDesk struct {
	*testkit.Desk
	feedback, report, op string
	operator, member     *testkit.Client
	outsider             *testkit.Client
}

func newOperationDesk(t *testing.T, name string) *operationDesk {
	t.Helper()
	d := &operationDesk{Desk: stack.NewDesk(t, name), outsider: stack.NewUser(t)}
	d.feedback, d.report = d.NewReport()
	d.Admin.DriveReport(d.report, "accept")
	d.op = d.Admin.CreateOperation(d.report, testkit.Unique("Reboucher "))
	var operatorMember string
	d.operator, operatorMember = d.Member(testkit.RoleOperator)
	d.member, _ = d.Member(testkit.RoleOperator)
	d.Admin.Assign(d.op, operatorMember).Expect(http.StatusOK)
	return d
}

func TestOperationComments(t *testing.T) {
	d := newOperationDesk(t, "Operation comments")
	path := "/operations/" + d.op + "/comments"
	if n := d.member.ActivityTotal(path); n != 0 {
		t.Fatalf("a new operation has %d comments", n)
	}
	logs := d.Admin.LogActions(d.op)

	// Any member of the organization comments: 201 with the operation, and a log entry.
	first, second := testkit.Unique("Matériel commandé "), testkit.Unique("Intervention lundi ")
	r := d.member.Post(path, map[string]string{"text": first}).Expect(http.StatusCreated)
	if r.Str("type") != "Operation" || r.Str("id") != d.op {
		t.Fatalf("answer to an operation comment: %s", r.Body)
	}
	d.operator.Post(path, map[string]string{"text": second}).Expect(http.StatusCreated)
	l := d.Admin.Get(path).Expect(http.StatusOK)
	if len(l.List("results")) != 2 {
		t.Fatalf("operation comments: %s", l.Body)
	}
	expectActivity(t, l, 0, "comment", d.operator.PersonID, "/operations/"+d.op, d.op, second)
	expectActivity(t, l, 1, "comment", d.member.PersonID, "/operations/"+d.op, d.op, first)

	after := d.Admin.LogActions(d.op)
	if len(after) != len(logs)+2 || after[len(after)-1] != "comment" || after[len(after)-2] != "comment" {
		t.Fatalf("log actions %v before, %v after two comments", logs, after)
	}
	entries := d.Admin.Get("/operations/" + d.op + "/logs?limit=100").Expect(http.StatusOK)
	last := fmt.Sprintf("_embedded.items.%d.", len(after)-1)
	if entries.Str(last+"data.text") != second || entries.Str(last+"data.comment") != l.Str("results.0.id") ||
		entries.Str(last+"_links.actor.href") != "/people/"+d.operator.PersonID {
		t.Fatalf("comment log entry: %s", entries.Body)
	}

	// Refused: blank text (400), outsiders and other applications (404); nothing changes.
	d.member.Post(path, map[string]string{"text": " "}).ExpectError(http.StatusBadRequest, "text")
	d.member.Post(path, map[string]string{}).ExpectError(http.StatusBadRequest, "text")
	d.outsider.Post(path, map[string]string{"text": "Hello"}).ExpectError(http.StatusNotFound)
	d.outsider.Get(path).ExpectError(http.StatusNotFound)
	d.Citizen.Post(path, map[string]string{"text": "Alors ?"}).ExpectError(http.StatusNotFound)
	asApp(d.Admin, "com.keyclic.city").Post(path, map[string]string{"text": "x"}).ExpectError(http.StatusNotFound)
	d.member.Post("/operations/"+uuid.NewString()+"/comments", map[string]string{"text": "x"}).ExpectError(http.StatusNotFound)
	d.member.Get("/operations/nope/comments").ExpectError(http.StatusNotFound)
	if n := d.Admin.ActivityTotal(path); n != 2 {
		t.Fatalf("refused comments changed the list: %d", n)
	}
	if got := d.Admin.LogActions(d.op); len(got) != len(after) {
		t.Fatalf("refused comments changed the log: %v, was %v", got, after)
	}

	// A removed operation takes no more comments.
	d.Admin.Delete("/operations/" + d.op).Expect(http.StatusNoContent)
	d.member.Post(path, map[string]string{"text": "Encore ?"}).ExpectError(http.StatusNotFound)
}
