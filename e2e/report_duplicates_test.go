package e2e

import (
	"net/http"
	"slices"
	"testing"

	"github.com/google/uuid"

	"github.com/keyclic/keyclic/domain"
	"github.com/keyclic/keyclic/internal/testkit"
)

// Duplicates: an admin of the organization treating a report refuses it as a duplicate of
// another report the organization treats. The duplicate is REFUSED, its tracking says why and
// names the original, the two link each other, and the people following the duplicate's
// feedback (its reporter, its supporters) are told of the original's outcome as its own
// followers are.

// markDuplicate asks, as c, that report be refused as a duplicate of of.
func markDuplicate(c *testkit.Client, report string, body any) *testkit.Response {
	c.T.Helper()
	return c.Post("/reports/"+report+"/duplicate", body)
}

func of(id string) map[string]string { return map[string]string{"of": id} }

// lastCheckpoint is the last checkpoint of a tracking at path ("" for a tracking answer).
func lastCheckpoint(t *testing.T, r *testkit.Response, path string) map[string]any {
	t.Helper()
	cps := r.List(path + "checkpoints")
	if len(cps) == 0 {
		t.Fatalf("no checkpoints at %scheckpoints: %s", path, r.Body)
	}
	return cps[len(cps)-1].(map[string]any)
}

// expectRefusedAsDuplicate checks that a tracking's last checkpoint is a refusal as a duplicate
// of original, and that no other checkpoint carries a reason.
func expectRefusedAsDuplicate(t *testing.T, r *testkit.Response, path, original string) {
	t.Helper()
	cps := r.List(path + "checkpoints")
	for _, c := range cps[:len(cps)-1] {
		if m := c.(map[string]any); m["reason"] != nil || m["_links"] != nil {
			t.Fatalf("a checkpoint before the refusal carries a reason: %s", r.Body)
		}
	}
	cp := lastCheckpoint(t, r, path)
	links, _ := cp["_links"].(map[string]any)
	dupOf, _ := links["duplicateOf"].(map[string]any)
	if cp["state"] != "REFUSED" || cp["reason"] != "duplicate" || dupOf["href"] != "/reports/"+original {
		t.Fatalf("last checkpoint %v: want REFUSED, reason duplicate, _links.duplicateOf /reports/%s; body: %s", cp, original, r.Body)
	}
}

func TestReportMarkedAsDuplicate(t *testing.T) {
	d := stack.NewDesk(t, "Doublons")
	admin2, _ := d.Member(testkit.RoleAdmin)
	dupReporter := withDevices(stack.NewUser(t), 1)
	supporter := withDevices(stack.NewUserIn(t, "en-US"), 1)
	supporter.SetPreferences(false, true) // no email: the notice comes on the wall and by push only
	outsider := stack.NewUser(t)
	org := d.Admin.OrganizationName(d.Org)

	origDescription := testkit.Unique("Lampadaire éteint ")
	original := d.Admin.ReportOf(d.Org, d.Citizen.Issue(d.Inside(), testkit.Visibility(true, origDescription)))
	dupDescription := testkit.Unique("Lampadaire toujours éteint ")
	dupFeedback := dupReporter.Issue(d.Inside(), testkit.Visibility(true, dupDescription))
	support(supporter, dupFeedback)
	duplicate := d.Admin.ReportOf(d.Org, dupFeedback)

	consumer := testkit.NewConsumer(t)
	h := newHook(t, d.Admin, d.Org, "reportStateChanged", consumer.URL("/duplicates"))

	// Marked: 200 with the refused report, which links its original.
	before := stack.Inboxes(t, d.Admin, admin2, dupReporter, supporter, d.Citizen, outsider)
	r := markDuplicate(d.Admin, duplicate, of(original)).Expect(http.StatusOK).ExpectState("REFUSED")
	if r.Str("id") != duplicate || r.Str("_links.duplicateOf.href") != "/reports/"+original || r.At("_links.duplicates") != nil {
		t.Fatalf("answer: want report %s linking its original %s: %s", duplicate, original, r.Body)
	}
	expectRefusedAsDuplicate(t, r, "_embedded.tracking.", original)
	if got := r.CheckpointStates(); !slices.Equal(got, []string{"NEW", "REFUSED"}) {
		t.Fatalf("checkpoints of the duplicate: %v", got)
	}

	// Its tracking says why; its page and the original's link each other.
	tracking := d.Admin.Get("/reports/" + duplicate + "/tracking").Expect(http.StatusOK)
	if tracking.Str("state") != "REFUSED" {
		t.Fatalf("tracking of the duplicate: %s", tracking.Body)
	}
	expectRefusedAsDuplicate(t, tracking, "", original)
	page := d.Admin.Get("/reports/" + duplicate).Expect(http.StatusOK).ExpectState("REFUSED")
	if page.Str("_links.duplicateOf.href") != "/reports/"+original {
		t.Fatalf("the duplicate does not link its original: %s", page.Body)
	}
	o := admin2.Get("/reports/"+original).Expect(http.StatusOK).ExpectState("NEW", "accept", "refuse")
	if got := o.Hrefs("_links.duplicates"); !slices.Equal(got, []string{"/reports/" + duplicate}) || o.At("_links.duplicateOf") != nil {
		t.Fatalf("the original's links: duplicates %v; body: %s", got, o.Body)
	}
	if cps := o.CheckpointStates(); !slices.Equal(cps, []string{"NEW"}) {
		t.Fatalf("the original changed: checkpoints %v", cps)
	}

	// The refusal is a refusal: the duplicate's followers hear of it, the admin who acted does not;
	// and the webhook receives the refused report as the API shows it.
	stack.ExpectNotes(t, before, testkit.Expect{
		Note: note(domain.ActionReportRefused, duplicate, dupDescription, org),
		To:   people(dupReporter, supporter), NotTo: people(d.Admin, admin2, d.Citizen, outsider),
	})
	rec := consumer.WaitDelivered(t, "/duplicates", 1)[0]
	expectPayload(t, h, rec, "reportStateChanged", page.Body)

	// The original accepted: its own reporter, and the duplicate's reporter and supporter, are
	// told; the admin who accepted and the other people are not.
	before = stack.Inboxes(t, d.Admin, admin2, dupReporter, supporter, d.Citizen, outsider)
	d.Admin.DriveReport(original, "accept")
	stack.ExpectNotes(t, before, testkit.Expect{
		Note: note(domain.ActionReportAccepted, original, origDescription, org),
		To:   people(d.Citizen, dupReporter, supporter), NotTo: people(d.Admin, admin2, outsider),
	})

	// Closed by the other admin: the same people again, the first admin is not a follower.
	before = stack.Inboxes(t, d.Admin, admin2, dupReporter, supporter, d.Citizen, outsider)
	d.Admin.DriveReport(original, "progress")
	admin2.DriveReport(original, "close")
	stack.ExpectNotes(t, before, testkit.Expect{
		Note: note(domain.ActionReportClosed, original, origDescription, org),
		To:   people(d.Citizen, dupReporter, supporter), NotTo: people(d.Admin, admin2, outsider),
	})
}

// The original refused: the duplicate's followers hear of it too.
func TestReportDuplicateFollowersHearOfTheOriginalsRefusal(t *testing.T) {
	d := stack.NewDesk(t, "Doublons refus")
	dupReporter := stack.NewUser(t)
	org := d.Admin.OrganizationName(d.Org)
	origDescription := testkit.Unique("Trou ")
	original := d.Admin.ReportOf(d.Org, d.Citizen.Issue(d.Inside(), testkit.Visibility(false, origDescription)))
	duplicate := d.Admin.ReportOf(d.Org, dupReporter.Issue(d.Inside(), nil))
	markDuplicate(d.Admin, duplicate, of(original)).Expect(http.StatusOK)

	before := stack.Inboxes(t, d.Admin, d.Citizen, dupReporter)
	d.Admin.DriveReport(original, "refuse")
	stack.ExpectNotes(t, before, testkit.Expect{
		Note: note(domain.ActionReportRefused, original, origDescription, org),
		To:   people(d.Citizen, dupReporter), NotTo: people(d.Admin),
	})
}

func TestReportDuplicateRules(t *testing.T) {
	d := stack.NewDesk(t, "Doublons règles")
	other := stack.NewDesk(t, "Doublons ailleurs")
	operator, _ := d.Member(testkit.RoleOperator)
	outsider := stack.NewUser(t)
	_, a := d.NewReport()
	_, b := d.NewReport()
	_, elsewhere := other.NewReport()

	expectUnchanged := func(report, state string, transitions ...string) {
		t.Helper()
		r := d.Admin.Get("/reports/"+report).Expect(http.StatusOK).ExpectState(state, transitions...)
		if r.At("_links.duplicateOf") != nil || r.At("_links.duplicates") != nil {
			t.Fatalf("report %s has duplicate links after a refused request: %s", report, r.Body)
		}
	}

	// The body: a valid uuid `of`, not the report itself.
	for _, body := range []any{map[string]any{}, of(""), of("not-a-uuid"), map[string]any{"of": 12}, of(a)} {
		markDuplicate(d.Admin, a, body).ExpectError(http.StatusBadRequest, "of")
	}

	// An original the organization does not treat, or none: the same 404, naming nothing more.
	unknown := uuid.NewString()
	markDuplicate(d.Admin, a, of(unknown)).ExpectError(http.StatusNotFound).ExpectMessageContains(unknown)
	markDuplicate(d.Admin, a, of(elsewhere)).ExpectError(http.StatusNotFound).ExpectMessageContains(elsewhere)

	// Only admins of the treating organization: members without admin 403, others 404.
	markDuplicate(operator, a, of(b)).ExpectError(http.StatusForbidden)
	for _, c := range []*testkit.Client{outsider, other.Admin, d.Citizen} {
		markDuplicate(c, a, of(b)).ExpectError(http.StatusNotFound)
	}
	stack.Client(t).Post("/reports/"+a+"/duplicate", of(b)).ExpectError(http.StatusUnauthorized)
	// The other organization's admin cannot make its report a duplicate of ours either.
	markDuplicate(other.Admin, elsewhere, of(a)).ExpectError(http.StatusNotFound)
	expectUnchanged(a, "NEW", "accept", "refuse")
	expectUnchanged(b, "NEW", "accept", "refuse")

	// The duplicate must be NEW or ACCEPTED; an ACCEPTED one may be marked.
	inProgress := d.ReportIn("accept", "progress")
	markDuplicate(d.Admin, inProgress, of(b)).ExpectError(http.StatusConflict).ExpectMessageContains("IN_PROGRESS")
	expectUnchanged(inProgress, "IN_PROGRESS", "close")
	accepted := d.ReportIn("accept")
	markDuplicate(d.Admin, accepted, of(b)).Expect(http.StatusOK).ExpectState("REFUSED")
	markDuplicate(d.Admin, accepted, of(b)).ExpectError(http.StatusConflict).ExpectMessageContains("REFUSED")

	// The original must be neither refused nor withdrawn, nor a duplicate itself.
	refused := d.ReportIn("refuse")
	markDuplicate(d.Admin, a, of(refused)).ExpectError(http.StatusConflict).ExpectMessageContains(refused, "REFUSED")
	markDuplicate(d.Admin, a, of(accepted)).ExpectError(http.StatusConflict).ExpectMessageContains(accepted, b)
	expectUnchanged(a, "NEW", "accept", "refuse")

	// A report with duplicates of its own is not made a duplicate (its duplicates would follow a
	// refused report): they are to be marked as duplicates of the new original first.
	markDuplicate(d.Admin, b, of(a)).ExpectError(http.StatusConflict).ExpectMessageContains(accepted)
	r := d.Admin.Get("/reports/"+b).Expect(http.StatusOK).ExpectState("NEW", "accept", "refuse")
	if got := r.Hrefs("_links.duplicates"); !slices.Equal(got, []string{"/reports/" + accepted}) {
		t.Fatalf("b's duplicates: %v; body: %s", got, r.Body)
	}
}
