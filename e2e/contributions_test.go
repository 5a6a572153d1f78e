package e2e

import (
	"net/http"
	"testing"

	"github.com/google/uuid"

	"github.com/keyclic/keyclic/internal/testkit"
)

func TestContributions(t *testing.T) {
	d := stack.NewDesk(t, "Contributions")
	reporter, first, second := d.Citizen, stack.NewUser(t), stack.NewUser(t)
	f := reporter.Issue(d.Inside(), testkit.Visibility(true, testkit.Unique("Supported ")))
	path := "/feedbacks/" + f + "/contributions"
	if l := first.Get(path).Expect(http.StatusOK); len(l.List("results")) != 0 {
		t.Fatalf("a new feedback's supports: %s", l.Body)
	}

	// A support has no body: 201 with the feedback.
	r := first.Post(path, nil).Expect(http.StatusCreated)
	if r.Str("type") != "Feedback" || r.Str("id") != f {
		t.Fatalf("answer to a support: %s", r.Body)
	}
	// Once per person: a second time is 409 and there is still one.
	first.Post(path, nil).ExpectError(http.StatusConflict)
	first.Post(path, map[string]string{}).ExpectError(http.StatusConflict)
	l := reporter.Get(path).Expect(http.StatusOK)
	if l.Num("results.0.activity_count") != 1 {
		t.Fatalf("supports after a repeated one: %s", l.Body)
	}
	expectActivity(t, l, 0, "contribute", first.PersonID, "/feedbacks/"+f, f, "")

	// Another person supports it too: listed newest first.
	second.Post(path, nil).Expect(http.StatusCreated)
	l = first.Get(path).Expect(http.StatusOK)
	if l.Num("results.0.activity_count") != 2 {
		t.Fatalf("supports: %s", l.Body)
	}
	expectActivity(t, l, 0, "contribute", second.PersonID, "/feedbacks/"+f, f, "")
	expectActivity(t, l, 1, "contribute", first.PersonID, "/feedbacks/"+f, f, "")
	l = first.Get(path + "?order=asc").Expect(http.StatusOK)
	expectActivity(t, l, 0, "contribute", first.PersonID, "/feedbacks/"+f, f, "")

	// Unknown, malformed, or in another application: 404, and nothing changes.
	first.Post("/feedbacks/"+uuid.NewString()+"/contributions", nil).ExpectError(http.StatusNotFound)
	first.Post("/feedbacks/nope/contributions", nil).ExpectError(http.StatusNotFound)
	city := asApp(stack.NewUser(t), "com.keyclic.city")
	city.Post(path, nil).ExpectError(http.StatusNotFound)
	city.Get(path).ExpectError(http.StatusNotFound)
	if n := reporter.ActivityTotal(path); n != 2 {
		t.Fatalf("refused supports changed the list: %d", n)
	}
}

func TestContributionsOnPrivateFeedback(t *testing.T) {
	d := stack.NewDesk(t, "Private contributions")
	reporter, outsider := d.Citizen, stack.NewUser(t)
	f := reporter.Issue(d.Inside(), testkit.Visibility(false, testkit.Unique("Private supported ")))
	path := "/feedbacks/" + f + "/contributions"
	reporter.Post(path, nil).ExpectError(http.StatusConflict)
	d.Admin.Post(path, nil).ExpectError(http.StatusConflict)
	outsider.Post(path, nil).ExpectError(http.StatusNotFound)
	outsider.Get(path).ExpectError(http.StatusNotFound)
	if n := reporter.ActivityTotal(path); n != 0 {
		t.Fatalf("refused supports were stored: %d", n)
	}
}
