package e2e

import (
	"math"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/keyclic/keyclic/activities"
	"github.com/keyclic/keyclic/domain"
	"github.com/keyclic/keyclic/internal/testkit"
)

// Reviews (lifecycles.md, Reviews): when a report is closed, the feedback's reporter is asked to
// rate how it was handled (a review request, notified by push and on the wall, not by mail); they
// answer once, before the request expires; the review is readable by whoever may read the
// feedback, the organizations that received it included.

// reviewRequestOf waits for the review request of feedback to appear in c's list (its workflow
// records it just after the report is closed) and returns it.
func reviewRequestOf(c *testkit.Client, feedback string) map[string]any {
	c.T.Helper()
	want := domain.ReviewRequestID(uuid.MustParse(feedback)).String()
	var found map[string]any
	testkit.Eventually(testkit.NotifyTimeout, func() bool {
		r := c.Get("/people/" + c.PersonID + "/review-requests?limit=100").Expect(http.StatusOK)
		for _, it := range r.List("_embedded.items") {
			if m := it.(map[string]any); m["id"] == want {
				found = m
			}
		}
		return found != nil
	})
	if found == nil {
		c.T.Fatalf("no review request %s of feedback %s for %s", want, feedback, c.Email)
	}
	return found
}

// closedFeedback has the desk's citizen report inside the place (public or not) and the admin
// close the report; it returns the feedback, its description, the report and the review request id.
func closedFeedback(d *testkit.Desk, public bool) (feedback, description, report, request string) {
	d.T.Helper()
	description = testkit.Unique("Trottoir défoncé ")
	feedback = d.Citizen.Issue(d.Inside(), testkit.Visibility(public, description))
	report = d.Admin.ReportOf(d.Org, feedback)
	d.Admin.DriveReport(report, "accept", "progress", "close")
	request = reviewRequestOf(d.Citizen, feedback)["id"].(string)
	return feedback, description, report, request
}

// dig reads a value inside decoded JSON objects, key after key (nil when absent).
func dig(v any, keys ...string) any {
	for _, k := range keys {
		m, _ := v.(map[string]any)
		v = m[k]
	}
	return v
}

func reviewBody(rating any, body string) map[string]any {
	return map[string]any{"reviewRating": rating, "reviewBody": body}
}

// expectReview checks a Review as a client reads it.
func expectReview(r *testkit.Response, id, author string, rating int, body string) {
	r.T.Helper()
	if r.Str("type") != "Review" || (id != "" && r.Str("id") != id) || r.Num("reviewRating") != float64(rating) || r.Str("reviewBody") != body ||
		r.Str("_links.self.href") != "/reviews/"+r.Str("id") || r.MappingOf("_links.self", "review") != r.Str("id") ||
		r.Str("_links.author.href") != "/people/"+author || r.MappingOf("_links.author", "person") != author ||
		r.Str("createdAt") == "" || r.Str("updatedAt") == "" {
		r.T.Fatalf("review: want %s by %s, rated %d, %q; got %s", id, author, rating, body, r.Body)
	}
}

// noReviewYet checks that nothing was written: the request is still PENDING, the feedback has no review.
func noReviewYet(t *testing.T, reviewer, reader *testkit.Client, request, feedback string) {
	t.Helper()
	r := reviewer.Get("/review-requests/" + request).Expect(http.StatusOK)
	if r.Str("state") != "PENDING" || r.At("_links.review") != nil {
		t.Fatalf("request after a refusal: %s", r.Body)
	}
	if l := reader.Get("/feedbacks/" + feedback + "/reviews").Expect(http.StatusOK); l.Num("total") != 0 || len(l.IDs()) != 0 {
		t.Fatalf("reviews after a refusal: %s", l.Body)
	}
}

// A report is closed: its feedback's reporter gets a review request, told by push and on the
// wall (not by mail), answers it, and the review is listed on the feedback for the members of the
// organization that received it; others do not see a private feedback's review.
func TestReviewOfAClosedReport(t *testing.T) {
	d := stack.NewDesk(t, "Avis")
	reporter := withDevices(d.Citizen, 2)
	operator, _ := d.Member(testkit.RoleOperator)
	outsider := stack.NewUser(t)
	org := d.Admin.OrganizationName(d.Org)
	description := testkit.Unique("Trottoir défoncé ")
	feedback := reporter.Issue(d.Inside(), testkit.Visibility(false, description))
	report := d.Admin.ReportOf(d.Org, feedback)
	d.Admin.DriveReport(report, "accept", "progress")
	before := stack.Inboxes(t, reporter, d.Admin, operator, outsider)
	d.Admin.DriveReport(report, "close")

	request := domain.ReviewRequestID(uuid.MustParse(feedback)).String()
	stack.ExpectNotes(t, before, testkit.Expect{
		Note: note(domain.ActionFeedbackToReview, request, description, org),
		To:   people(reporter), NotTo: people(d.Admin, operator, outsider),
		Want: map[*testkit.Client]testkit.Channels{reporter: {Wall: 1, Push: 2}}, // no mail, by the table
	})
	var entry map[string]any
	for _, e := range reporter.WallEntries() {
		if e["verb"] == domain.ActionFeedbackToReview {
			entry = e
		}
	}
	if obj, _ := entry["object"].(map[string]any); obj["type"] != "ReviewRequest" || obj["id"] != request ||
		dig(entry, "_links", "object", "href") != "/review-requests/"+request ||
		dig(entry, "_links", "object", "iriTemplate", "mapping", "reviewRequest") != request {
		t.Fatalf("wall entry of the review request: %v", entry)
	}

	// The request: the reporter's, pending, expiring after REVIEW_REQUEST_TTL (30 days here).
	listed := reviewRequestOf(reporter, feedback)
	r := reporter.Get("/review-requests/" + request).Expect(http.StatusOK)
	if r.Str("type") != "ReviewRequest" || r.Str("id") != request || r.Str("state") != "PENDING" || listed["state"] != "PENDING" ||
		r.Str("_links.self.href") != "/review-requests/"+request || r.MappingOf("_links.self", "reviewRequest") != request ||
		r.Str("_links.reviewer.href") != "/people/"+reporter.PersonID || r.MappingOf("_links.reviewer", "person") != reporter.PersonID ||
		r.Str("_links.feedback.href") != "/feedbacks/"+feedback || r.At("_links.review") != nil {
		t.Fatalf("review request: %s", r.Body)
	}
	created, _ := time.Parse(time.RFC3339, r.Str("createdAt"))
	expires, _ := time.Parse(time.RFC3339, r.Str("expiresAt"))
	if d := expires.Sub(created); math.Abs(d.Hours()-30*24) > 0.01 {
		t.Fatalf("request created %s, expires %s: want 30 days later", r.Str("createdAt"), r.Str("expiresAt"))
	}
	if got := stack.WorkflowStatus(t, "review-request/"+request); got != "Running" {
		t.Fatalf("workflow review-request/%s: %q, want Running", request, got)
	}

	// The answer: a rating and a text of 255 characters, the most there may be.
	text := strings.Repeat("é", domain.MaxReviewBody)
	answer := reporter.Post("/review-requests/"+request+"/reviews", reviewBody(4, text)).Expect(http.StatusOK)
	expectReview(answer, "", reporter.PersonID, 4, text)
	review := answer.Str("id")
	if answer.Str("_links.reviewRequest.href") != "/review-requests/"+request || answer.Str("_links.feedback.href") != "/feedbacks/"+feedback {
		t.Fatalf("review links: %s", answer.Body)
	}
	r = reporter.Get("/review-requests/" + request).Expect(http.StatusOK)
	if r.Str("state") != "REVIEWED" || r.Str("_links.review.href") != "/reviews/"+review || r.MappingOf("_links.review", "review") != review {
		t.Fatalf("request once answered: %s", r.Body)
	}
	if !testkit.Eventually(30*time.Second, func() bool { return stack.WorkflowStatus(t, "review-request/"+request) == "Completed" }) {
		t.Fatalf("workflow review-request/%s did not complete once answered", request)
	}

	// The reporter and the organization's members (an operator too) read it; an outsider does
	// not see a private feedback, nor its review.
	for _, c := range people(reporter, d.Admin, operator) {
		expectReview(c.Get("/reviews/"+review).Expect(http.StatusOK), review, reporter.PersonID, 4, text)
		l := c.Get("/feedbacks/" + feedback + "/reviews").Expect(http.StatusOK)
		if l.Num("total") != 1 || len(l.IDs()) != 1 || l.IDs()[0] != review || l.Num("page") != 1 || l.Str("_links.self.href") == "" {
			t.Fatalf("reviews of the feedback as %s: %s", c.Email, l.Body)
		}
	}
	outsider.Get("/reviews/" + review).ExpectError(http.StatusNotFound)
	outsider.Get("/feedbacks/" + feedback + "/reviews").ExpectError(http.StatusNotFound)
}

// A public feedback's review is readable by anyone of the application; an organization the
// feedback was delegated to sees it too.
func TestReviewOfAPublicFeedbackIsPublic(t *testing.T) {
	d := stack.NewDesk(t, "Avis public")
	feedback, _, _, request := closedFeedback(d, true)
	review := d.Citizen.Post("/review-requests/"+request+"/reviews", reviewBody(5, "")).Expect(http.StatusOK).Str("id")
	outsider := stack.NewUser(t)
	expectReview(outsider.Get("/reviews/"+review).Expect(http.StatusOK), review, d.Citizen.PersonID, 5, "")
	if l := outsider.Get("/feedbacks/" + feedback + "/reviews").Expect(http.StatusOK); len(l.IDs()) != 1 || l.IDs()[0] != review {
		t.Fatalf("reviews of a public feedback as an outsider: %s", l.Body)
	}
	// The request stays its reviewer's own.
	outsider.Get("/review-requests/" + request).ExpectError(http.StatusForbidden)
}

// Every refusal answers a vnd.error and writes nothing: another person (403), a bad rating or
// text (400 naming the field), an unknown request (404), another application (404), and a second
// answer (409).
func TestReviewRefusals(t *testing.T) {
	d := stack.NewDesk(t, "Avis refus")
	feedback, _, _, request := closedFeedback(d, false)
	reviewer, outsider := d.Citizen, stack.NewUser(t)
	post := func(c *testkit.Client, body any) *testkit.Response {
		return c.Post("/review-requests/"+request+"/reviews", body)
	}

	// Not the reviewer: the organization's admin, an outsider.
	for _, c := range people(d.Admin, outsider) {
		post(c, reviewBody(5, "")).ExpectError(http.StatusForbidden).ExpectMessageContains("Seule la personne invitée")
		c.Get("/review-requests/" + request).ExpectError(http.StatusForbidden)
		c.Get("/people/" + reviewer.PersonID + "/review-requests").ExpectError(http.StatusForbidden)
	}
	noReviewYet(t, reviewer, d.Admin, request, feedback)

	// Bad input, each field named.
	for _, tc := range []struct {
		name  string
		body  any
		paths []string
	}{
		{"rating 0", reviewBody(0, ""), []string{"reviewRating"}},
		{"rating 6", reviewBody(6, ""), []string{"reviewRating"}},
		{"rating -1", reviewBody(-1, ""), []string{"reviewRating"}},
		{"rating 4.5", reviewBody(4.5, ""), []string{"reviewRating"}},
		{"rating as text", reviewBody("4", ""), []string{"reviewRating"}},
		{"no rating", map[string]any{"reviewBody": "Bien"}, []string{"reviewRating"}},
		{"null rating", map[string]any{"reviewRating": nil}, []string{"reviewRating"}},
		{"text of 256 characters", reviewBody(3, strings.Repeat("a", domain.MaxReviewBody+1)), []string{"reviewBody"}},
		{"text as a number", map[string]any{"reviewRating": 3, "reviewBody": 12}, []string{"reviewBody"}},
		{"both", reviewBody(9, strings.Repeat("a", domain.MaxReviewBody+1)), []string{"reviewRating", "reviewBody"}},
		{"not an object", "[4]", nil},
		{"text with a NUL", `{"reviewRating": 3, "reviewBody": "a\u0000b"}`, []string{"reviewBody"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			post(reviewer.With(func(c *testkit.Client) { c.T = t }), tc.body).ExpectError(http.StatusBadRequest, tc.paths...)
		})
	}
	noReviewYet(t, reviewer, d.Admin, request, feedback)

	// Unknown, or of another application: 404.
	unknown := uuid.NewString()
	reviewer.Post("/review-requests/"+unknown+"/reviews", reviewBody(3, "")).ExpectError(http.StatusNotFound)
	reviewer.Get("/review-requests/" + unknown).ExpectError(http.StatusNotFound)
	reviewer.Get("/review-requests/not-a-uuid").ExpectError(http.StatusNotFound)
	reviewer.Get("/reviews/" + unknown).ExpectError(http.StatusNotFound)
	reviewer.Get("/feedbacks/" + unknown + "/reviews").ExpectError(http.StatusNotFound)
	city := reviewer.With(func(c *testkit.Client) { c.App = cityApp })
	post(city, reviewBody(3, "")).ExpectError(http.StatusNotFound)
	city.Get("/review-requests/" + request).ExpectError(http.StatusNotFound)
	if l := city.Get("/people/" + reviewer.PersonID + "/review-requests").Expect(http.StatusOK); len(l.IDs()) != 0 || l.Num("total") != 0 {
		t.Fatalf("another application lists the request: %s", l.Body)
	}
	noReviewYet(t, reviewer, d.Admin, request, feedback)

	// Answered once; a second answer is refused and the first stays.
	review := post(reviewer, reviewBody(2, "Lent")).Expect(http.StatusOK).Str("id")
	post(reviewer, reviewBody(5, "Finalement bien")).ExpectError(http.StatusConflict).ExpectMessageContains("déjà reçu une réponse")
	reviewer.With(func(c *testkit.Client) { c.Lang = "en-US" }).Post("/review-requests/"+request+"/reviews", reviewBody(5, "")).
		ExpectError(http.StatusConflict).ExpectMessageContains("already answered")
	expectReview(d.Admin.Get("/reviews/"+review).Expect(http.StatusOK), review, reviewer.PersonID, 2, "Lent")
	if l := d.Admin.Get("/feedbacks/" + feedback + "/reviews").Expect(http.StatusOK); len(l.IDs()) != 1 || l.Num("total") != 1 {
		t.Fatalf("reviews after a second answer: %s", l.Body)
	}
	city.Get("/reviews/" + review).ExpectError(http.StatusNotFound)
}

// A request nobody answers expires on its workflow's timer (REVIEW_REQUEST_TTL, a few seconds on
// this worker): it shows EXPIRED and an answer is refused with 409, nothing written.
func TestReviewRequestExpires(t *testing.T) {
	iso := stack.NewIsolated(t, nil)
	iso.RunWorker(t, func(a *activities.Activities) { a.Reviews.RequestTTL = 3 * time.Second })
	d := stack.NewDesk(t, "Avis expiré")
	citizen, admin := iso.On(d.Citizen), iso.On(d.Admin)
	feedback := citizen.Issue(d.Inside(), nil)
	admin.DriveReport(admin.ReportOf(d.Org, feedback), "accept", "progress", "close")
	request := reviewRequestOf(citizen, feedback)["id"].(string)

	if !testkit.Eventually(30*time.Second, func() bool {
		return citizen.Get("/review-requests/"+request).Expect(http.StatusOK).Str("state") == "EXPIRED"
	}) {
		t.Fatalf("review request %s did not expire", request)
	}
	if !testkit.Eventually(30*time.Second, func() bool { return stack.WorkflowStatus(t, "review-request/"+request) == "Completed" }) {
		t.Fatalf("workflow of the expired request %s did not complete", request)
	}
	citizen.Post("/review-requests/"+request+"/reviews", reviewBody(4, "")).ExpectError(http.StatusConflict).ExpectMessageContains("a expiré")
	if l := admin.Get("/feedbacks/" + feedback + "/reviews").Expect(http.StatusOK); l.Num("total") != 0 {
		t.Fatalf("reviews of an expired request: %s", l.Body)
	}
}
