package e2e

import (
	"net/http"
	"slices"
	"sync"
	"testing"

	"github.com/google/uuid"

	"github.com/keyclic/keyclic/internal/testkit"
)

// Matching: which organizations receive a report of a feedback (lifecycles.md, Feedback).

func TestMatchingNoPlaceFails(t *testing.T) {
	reporter := stack.NewUser(t)
	// A desk next door: its place does not cover the point.
	d := stack.NewDesk(t, "Voisin")
	id := stack.ExpectFailedIssue(t, reporter, d.Corner.Offset(-0.05, -0.05), nil)
	d.ExpectNoReports()
	if got := stack.WorkflowStatus(t, "feedback/"+id); got != "Completed" {
		t.Fatalf("workflow feedback/%s: %q, want Completed", id, got)
	}
	// A private feedback stays hidden from others.
	stack.NewUser(t).Get("/feedbacks/" + id).ExpectError(http.StatusNotFound)
	d.Admin.Get("/feedbacks/" + id).ExpectError(http.StatusNotFound)
}

func TestMatchingOnePlace(t *testing.T) {
	d := stack.NewDesk(t, "Voirie")
	// A neighbour whose place touches nothing of d's.
	other := stack.NewDeskIn(t, "Voisin", testkit.BusinessActivityRoads, d.Corner.Offset(0.5, 0.5), 0.1)
	r := d.Citizen.PostIssue(d.Inside(), nil).Expect(http.StatusCreated).ExpectState("DELIVERED")
	feedback := r.Str("id")
	if got := r.CheckpointStates(); !slices.Equal(got, []string{"NEW", "PUBLISHED", "PENDING_MATCHING", "SUCCEED", "OUT_FOR_DELIVERY", "DELIVERED"}) {
		t.Fatalf("checkpoints of a delivered feedback: %v; body: %s", got, r.Body)
	}
	d.Citizen.ExpectFeedback(feedback, "DELIVERED")
	report := d.Admin.ReportOf(d.Org, feedback)
	d.ExpectReport(report, feedback, d.Place, "NEW", "accept", "refuse")
	other.ExpectNoReports()
	// The receiving organization's members now see the private feedback; others do not.
	d.Admin.Get("/feedbacks/" + feedback).Expect(http.StatusOK)
	other.Admin.Get("/feedbacks/" + feedback).ExpectError(http.StatusNotFound)
	other.Admin.Get("/reports/" + report).ExpectError(http.StatusNotFound)
}

func TestMatchingSeveralOrganizations(t *testing.T) {
	corner := testkit.RandomArea()
	// Three organizations whose places (of different sizes) all cover the point, and a fourth
	// whose place lies beside it.
	desks := []*testkit.Desk{
		stack.NewDeskIn(t, "Ville", testkit.BusinessActivityRoads, corner, 0.4),
		stack.NewDeskIn(t, "Métropole", testkit.BusinessActivityRoads, corner.Offset(0.1, 0.1), 0.2),
		stack.NewDeskIn(t, "Propreté", testkit.BusinessActivityCleaningID, corner.Offset(0.15, 0.15), 0.1),
	}
	beside := stack.NewDeskIn(t, "À côté", testkit.BusinessActivityRoads, corner.Offset(0, 0.5), 0.4)
	point := corner.Offset(0.2, 0.2)
	reporter := stack.NewUser(t)
	feedback := reporter.Issue(point, nil)
	seen := map[string]bool{}
	for _, d := range desks {
		report := d.Admin.ReportOf(d.Org, feedback)
		if seen[report] {
			t.Fatalf("report %s listed by two organizations", report)
		}
		seen[report] = true
		d.ExpectReport(report, feedback, d.Place, "NEW", "accept", "refuse")
	}
	beside.ExpectNoReports()
}

func TestMatchingBusinessActivity(t *testing.T) {
	corner := testkit.RandomArea()
	roads := stack.NewDeskIn(t, "Voirie", testkit.BusinessActivityRoads, corner, 0.2)
	cleaning := stack.NewDeskIn(t, "Propreté", testkit.BusinessActivityCleaningID, corner, 0.2)
	point := corner.Offset(0.1, 0.1)
	reporter := stack.NewUser(t)

	onlyCleaning := reporter.Issue(point, map[string]any{"businessActivity": testkit.BusinessActivityCleaningID})
	cleaning.Admin.ReportOf(cleaning.Org, onlyCleaning)
	if got := roads.Admin.ReportsOfFeedback(roads.Org, onlyCleaning); len(got) != 0 {
		t.Fatalf("roads received %v for a cleaning feedback", got)
	}

	onlyRoads := reporter.Issue(point, map[string]any{"businessActivity": testkit.BusinessActivityRoads})
	report := roads.Admin.ReportOf(roads.Org, onlyRoads)
	roads.ExpectReport(report, onlyRoads, roads.Place, "NEW", "accept", "refuse")
	if got := cleaning.Admin.ReportsOfFeedback(cleaning.Org, onlyRoads); len(got) != 0 {
		t.Fatalf("cleaning received %v for a roads feedback", got)
	}

	both := reporter.Issue(point, nil)
	roads.Admin.ReportOf(roads.Org, both)
	cleaning.Admin.ReportOf(cleaning.Org, both)

	// Where only a roads organization acts, a cleaning feedback finds nobody.
	alone := stack.NewDesk(t, "Seule")
	stack.ExpectFailedIssue(t, alone.Citizen, alone.Inside(), map[string]any{"businessActivity": testkit.BusinessActivityCleaningID})
	alone.ExpectNoReports()
}

// An organization created without a business activity receives the feedbacks that name none, and
// none of those that name one.
func TestMatchingOrganizationWithoutBusinessActivity(t *testing.T) {
	corner := testkit.RandomArea()
	roads := stack.NewDeskIn(t, "Voirie", testkit.BusinessActivityRoads, corner, 0.2)
	general := stack.NewDeskIn(t, "Sans activité", "", corner, 0.2)
	point := corner.Offset(0.1, 0.1)
	reporter := stack.NewUser(t)

	unnamed := reporter.Issue(point, nil)
	roads.Admin.ReportOf(roads.Org, unnamed)
	report := general.Admin.ReportOf(general.Org, unnamed)
	general.ExpectReport(report, unnamed, general.Place, "NEW", "accept", "refuse")

	onlyRoads := reporter.Issue(point, map[string]any{"businessActivity": testkit.BusinessActivityRoads})
	roads.Admin.ReportOf(roads.Org, onlyRoads)
	if got := general.Admin.ReportsOfFeedback(general.Org, onlyRoads); len(got) != 0 {
		t.Fatalf("the organization without business activity received %v for a roads feedback", got)
	}

	alone := stack.NewDeskIn(t, "Seule sans activité", "", testkit.RandomArea(), 0.1)
	stack.ExpectFailedIssue(t, alone.Citizen, alone.Inside(), map[string]any{"businessActivity": testkit.BusinessActivityRoads})
	alone.ExpectNoReports()
}

func TestMatchingCategory(t *testing.T) {
	corner := testkit.RandomArea()
	a := stack.NewDeskIn(t, "Ville", testkit.BusinessActivityRoads, corner, 0.2)
	b := stack.NewDeskIn(t, "Métropole", testkit.BusinessActivityRoads, corner, 0.2)
	elsewhere := stack.NewDesk(t, "Ailleurs")
	categoryB := b.Admin.CreateCategory(b.Org, testkit.Unique("Éclairage "), "#ffcc00", "fa-lightbulb-o")
	categoryElsewhere := elsewhere.Admin.CreateCategory(elsewhere.Org, testkit.Unique("Tags "), "#00ff00", "fa-paint-brush")
	point := corner.Offset(0.1, 0.1)
	reporter := stack.NewUser(t)

	feedback := reporter.Issue(point, map[string]any{"category": categoryB})
	report := b.Admin.ReportOf(b.Org, feedback)
	r := b.ExpectReport(report, feedback, b.Place, "NEW", "accept", "refuse")
	if r.Str("_links.category.href") != "/categories/"+categoryB {
		t.Fatalf("report's category: %s", r.Body)
	}
	a.ExpectNoReports()

	// A category of an organization that does not act on the point: nobody receives it.
	stack.ExpectFailedIssue(t, reporter, point, map[string]any{"category": categoryElsewhere})
	a.ExpectNoReports()
	elsewhere.ExpectNoReports()
	b.Admin.Reports(b.Org, "").ExpectIDSet(report)
}

func TestMatchingPolygonEdge(t *testing.T) {
	corner := testkit.ExactArea()
	const size = 0.125 // a power of two: corner + size is exact
	d := stack.NewDeskIn(t, "Bord", testkit.BusinessActivityRoads, corner, size)
	reporter := stack.NewUser(t)
	onWest := corner.Offset(size/2, 0)
	onNorth := corner.Offset(size, size/4)
	onCorner := corner.Offset(size, size)
	var reports []string
	for _, p := range []testkit.LatLon{onWest, onNorth, onCorner} {
		feedback := reporter.Issue(p, nil)
		reports = append(reports, d.Admin.ReportOf(d.Org, feedback))
	}
	// Just beyond the west edge: outside.
	stack.ExpectFailedIssue(t, reporter, corner.Offset(size/2, -1.0/1024), nil)
	d.Admin.Reports(d.Org, "").ExpectIDSet(reports...)
}

func TestMatchingHole(t *testing.T) {
	corner := testkit.ExactArea()
	admin := stack.NewUser(t)
	org := admin.CreateOrganization(testkit.Unique("Anneau "))
	place := admin.CreatePlace(org, "Couronne",
		testkit.Box(corner.Lat, corner.Lon, corner.Lat+0.25, corner.Lon+0.25),
		testkit.Box(corner.Lat+0.0625, corner.Lon+0.0625, corner.Lat+0.1875, corner.Lon+0.1875))
	d := &testkit.Desk{T: t, Stack: stack, Admin: admin, Org: org, Place: place}
	reporter := stack.NewUser(t)

	// In the hole: no organization.
	stack.ExpectFailedIssue(t, reporter, corner.Offset(0.125, 0.125), nil)
	d.ExpectNoReports()
	// In the ring around it: the organization.
	feedback := reporter.Issue(corner.Offset(0.03125, 0.125), nil)
	d.ExpectReport(admin.ReportOf(org, feedback), feedback, place, "NEW", "accept", "refuse")
}

func TestMatchingOverlappingPlacesOfOneOrganization(t *testing.T) {
	corner := testkit.RandomArea()
	d := stack.NewDeskIn(t, "Ville", testkit.BusinessActivityRoads, corner, 0.4) // the big place
	small := d.Admin.CreatePlace(d.Org, testkit.Unique("Quartier "), testkit.Box(corner.Lat+0.1, corner.Lon+0.1, corner.Lat+0.2, corner.Lon+0.2))
	reporter := stack.NewUser(t)

	// In both places: one report, for the more specific (smaller) place.
	inBoth := reporter.Issue(corner.Offset(0.15, 0.15), nil)
	reports := d.Admin.ReportsOfFeedback(d.Org, inBoth)
	if len(reports) != 1 {
		t.Fatalf("two overlapping places of one organization gave reports %v, want one", reports)
	}
	d.ExpectReport(reports[0], inBoth, small, "NEW", "accept", "refuse")

	// In the big place only.
	inBig := reporter.Issue(corner.Offset(0.3, 0.3), nil)
	d.ExpectReport(d.Admin.ReportOf(d.Org, inBig), inBig, d.Place, "NEW", "accept", "refuse")
	if n := d.Admin.Reports(d.Org, "").Num("total"); n != 2 {
		t.Fatalf("organization lists %v reports, want 2", n)
	}
}

func TestMatchingProMode(t *testing.T) {
	corner := testkit.RandomArea()
	own := stack.NewDeskIn(t, "Ville", testkit.BusinessActivityRoads, corner, 0.2)
	// Another organization covers the agent's place and more.
	other := stack.NewDeskIn(t, "Région", testkit.BusinessActivityRoads, corner, 0.6)
	agent, _ := own.Member(testkit.RoleAgent)
	pro := map[string]any{"proMode": true}

	t.Run("inside its organization's place", func(t *testing.T) {
		r := agent.PostIssue(corner.Offset(0.1, 0.1), pro).Expect(http.StatusCreated).ExpectState("DELIVERED")
		feedback := r.Str("id")
		report := own.Admin.ReportOf(own.Org, feedback)
		own.ExpectReport(report, feedback, own.Place, "ACCEPTED", "refuse", "hold", "progress")
		if got := other.Admin.ReportsOfFeedback(other.Org, feedback); len(got) != 0 {
			t.Fatalf("a pro-mode feedback reached another organization: %v", got)
		}
	})

	t.Run("outside its organization's places", func(t *testing.T) {
		before := len(own.Admin.Reports(own.Org, "").IDs())
		feedback := stack.ExpectFailedIssue(t, agent, corner.Offset(0.4, 0.4), pro) // in other's place only
		if got := other.Admin.ReportsOfFeedback(other.Org, feedback); len(got) != 0 {
			t.Fatalf("a refused pro-mode feedback reached another organization: %v", got)
		}
		if got := own.Admin.ReportsOfFeedback(own.Org, feedback); len(got) != 0 || len(own.Admin.Reports(own.Org, "").IDs()) != before {
			t.Fatalf("a refused pro-mode feedback gave its organization a report: %v", got)
		}
	})

	t.Run("not an agent", func(t *testing.T) {
		operator, _ := own.Member(testkit.RoleOperator)
		citizen := stack.NewUser(t)
		ownBefore, otherBefore := own.Admin.Reports(own.Org, "").IDs(), other.Admin.Reports(other.Org, "").IDs()
		for _, c := range []*testkit.Client{operator, citizen, own.Admin} {
			c.PostIssue(corner.Offset(0.1, 0.1), pro).ExpectError(http.StatusForbidden)
			if got := stack.FeedbackIDsOf(t, c.PersonID); len(got) != 0 {
				t.Fatalf("a refused pro-mode post created feedbacks %v", got)
			}
		}
		own.Admin.Reports(own.Org, "").ExpectIDSet(ownBefore...)
		other.Admin.Reports(other.Org, "").ExpectIDSet(otherBefore...)
	})

	t.Run("normal mode by the agent", func(t *testing.T) {
		feedback := agent.Issue(corner.Offset(0.1, 0.1), map[string]any{"proMode": false})
		own.ExpectReport(own.Admin.ReportOf(own.Org, feedback), feedback, own.Place, "NEW", "accept", "refuse")
		other.Admin.ReportOf(other.Org, feedback)
	})
}

func TestFeedbackRetry(t *testing.T) {
	area := testkit.RandomArea()
	point := area.Offset(0.05, 0.05)
	reporter := stack.NewUser(t)
	stranger := stack.NewUser(t)

	public := stack.ExpectFailedIssue(t, reporter, point, map[string]any{"visibility": "VISIBILITY_PUBLIC"})
	private := stack.ExpectFailedIssue(t, reporter, point, map[string]any{"visibility": "VISIBILITY_PRIVATE"})
	processBody := map[string]string{"transition": "process"}

	// Someone else: 403 on a public feedback, 404 on a private one; nothing changes.
	stranger.Post("/feedbacks/"+public+"/workflow/transition", processBody).ExpectError(http.StatusForbidden)
	stranger.Patch("/feedbacks/"+public+"/state", processBody).ExpectError(http.StatusForbidden)
	stranger.Post("/feedbacks/"+private+"/workflow/transition", processBody).ExpectError(http.StatusNotFound)
	reporter.ExpectFeedback(public, "FAILED", "process")
	reporter.ExpectFeedback(private, "FAILED", "process")

	// Bad transitions: unknown (400), or one only the workflow performs (409).
	reporter.Post("/feedbacks/"+public+"/workflow/transition", map[string]string{"transition": "explode"}).ExpectError(http.StatusBadRequest, "transition")
	reporter.Post("/feedbacks/"+public+"/workflow/transition", map[string]string{}).ExpectError(http.StatusBadRequest, "transition")
	reporter.Post("/feedbacks/"+public+"/workflow/transition", map[string]string{"transition": "deliver"}).ExpectError(http.StatusConflict)
	reporter.ExpectFeedback(public, "FAILED", "process")

	// A retry while still no organization acts there: 409 again, still FAILED.
	reporter.Post("/feedbacks/"+public+"/workflow/transition", processBody).ExpectError(http.StatusConflict)
	reporter.ExpectFeedback(public, "FAILED", "process")

	// An organization now acts there: the retry delivers.
	d := stack.NewDeskIn(t, "Nouvelle", testkit.BusinessActivityRoads, area, 0.1)
	d.ExpectNoReports()
	r := reporter.Post("/feedbacks/"+public+"/workflow/transition", processBody).Expect(http.StatusOK).ExpectState("DELIVERED")
	if r.Str("id") != public {
		t.Fatalf("retry answered another feedback: %s", r.Body)
	}
	if got := r.CheckpointStates(); !slices.Equal(got, []string{"NEW", "PUBLISHED", "PENDING_MATCHING", "FAILED",
		"PENDING_MATCHING", "FAILED", "PENDING_MATCHING", "SUCCEED", "OUT_FOR_DELIVERY", "DELIVERED"}) {
		t.Fatalf("checkpoints after two retries: %v", got)
	}
	report := d.Admin.ReportOf(d.Org, public)
	d.ExpectReport(report, public, d.Place, "NEW", "accept", "refuse")
	reporter.ExpectFeedback(public, "DELIVERED")

	// Delivered: processing again is refused and changes nothing.
	reporter.Post("/feedbacks/"+public+"/workflow/transition", processBody).ExpectError(http.StatusConflict)
	reporter.Patch("/feedbacks/"+public+"/state", processBody).ExpectError(http.StatusConflict)
	reporter.ExpectFeedback(public, "DELIVERED")

	// The other form of the endpoint retries the private one.
	reporter.Patch("/feedbacks/"+private+"/state", processBody).Expect(http.StatusOK).ExpectState("DELIVERED")
	privateReport := d.Admin.ReportOf(d.Org, private)
	d.Admin.Reports(d.Org, "").ExpectIDSet(report, privateReport)
}

func TestPostIssueValidation(t *testing.T) {
	d := stack.NewDesk(t, "Validation")
	in := d.Inside()
	point := map[string]any{"latitude": in.Lat, "longitude": in.Lon}
	withPoint := func(p map[string]any) map[string]any { return map[string]any{"geo": map[string]any{"point": p}} }
	merge := func(extra map[string]any) map[string]any {
		body := withPoint(point)
		for k, v := range extra {
			body[k] = v
		}
		return body
	}
	cases := []struct {
		name  string
		body  any
		paths []string
	}{
		{"no geo", map[string]any{"description": "x"}, []string{"geo.point"}},
		{"geo without point", map[string]any{"geo": map[string]any{"elevation": 3}}, []string{"geo.point"}},
		{"no latitude", withPoint(map[string]any{"longitude": in.Lon}), []string{"geo.point.latitude"}},
		{"no longitude", withPoint(map[string]any{"latitude": in.Lat}), []string{"geo.point.longitude"}},
		{"latitude 91", withPoint(map[string]any{"latitude": 91, "longitude": in.Lon}), []string{"geo.point.latitude"}},
		{"latitude -90.5", withPoint(map[string]any{"latitude": -90.5, "longitude": in.Lon}), []string{"geo.point.latitude"}},
		{"longitude 180.5", withPoint(map[string]any{"latitude": in.Lat, "longitude": 180.5}), []string{"geo.point.longitude"}},
		{"both out of range", withPoint(map[string]any{"latitude": 91, "longitude": -181}), []string{"geo.point.latitude", "geo.point.longitude"}},
		{"longitude abc", withPoint(map[string]any{"latitude": in.Lat, "longitude": "abc"}), []string{"geo.point.longitude"}},
		{"visibility SECRET", merge(map[string]any{"visibility": "SECRET"}), []string{"visibility"}},
		{"unknown category", merge(map[string]any{"category": uuid.NewString()}), []string{"category"}},
		{"malformed category", merge(map[string]any{"category": "not-a-uuid"}), []string{"category"}},
		{"unknown business activity", merge(map[string]any{"businessActivity": uuid.NewString()}), []string{"businessActivity"}},
		{"several faults", func() map[string]any {
			b := withPoint(map[string]any{"latitude": 91, "longitude": in.Lon})
			b["visibility"] = "SECRET"
			b["businessActivity"] = uuid.NewString()
			return b
		}(), []string{"geo.point.latitude", "visibility", "businessActivity"}},
		{"malformed JSON", `{"geo": {"point": {"latitude": 1,`, nil},
		{"not an object", `[1, 2]`, nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			d.Citizen.Post("/feedbacks/issues", tc.body).ExpectError(http.StatusBadRequest, tc.paths...)
		})
	}
	// Nothing was created: no feedback for the reporter, no report for the organization.
	if got := stack.FeedbackIDsOf(t, d.Citizen.PersonID); len(got) != 0 {
		t.Fatalf("refused posts created feedbacks %v", got)
	}
	d.ExpectNoReports()
	// Signed-out: 401.
	stack.Client(t).Post("/feedbacks/issues", merge(nil)).ExpectError(http.StatusUnauthorized)
	// The same body, valid, is accepted: the refusals above were the faults'.
	d.Citizen.Post("/feedbacks/issues", merge(nil)).Expect(http.StatusCreated)
	if n := d.Admin.Reports(d.Org, "").Num("total"); n != 1 {
		t.Fatalf("after a valid post the organization lists %v reports", n)
	}
}

func TestFeedbackRetryConcurrent(t *testing.T) {
	area := testkit.RandomArea()
	reporter := stack.NewUser(t)
	feedback := stack.ExpectFailedIssue(t, reporter, area.Offset(0.05, 0.05), nil)
	d := stack.NewDeskIn(t, "Course", testkit.BusinessActivityRoads, area, 0.1)

	// The reporter's app retries several times at once: the feedback is delivered once.
	statuses := make([]int, 4)
	var wg sync.WaitGroup
	for i := range statuses {
		wg.Add(1)
		go func() {
			defer wg.Done()
			statuses[i] = reporter.Post("/feedbacks/"+feedback+"/workflow/transition", map[string]string{"transition": "process"}).Status
		}()
	}
	wg.Wait()
	ok := 0
	for _, st := range statuses {
		switch st {
		case http.StatusOK:
			ok++
		case http.StatusConflict:
		default:
			t.Fatalf("concurrent retries answered %v", statuses)
		}
	}
	if ok == 0 {
		t.Fatalf("concurrent retries answered %v: none delivered", statuses)
	}
	reporter.ExpectFeedback(feedback, "DELIVERED")
	report := d.Admin.ReportOf(d.Org, feedback)
	d.Admin.Reports(d.Org, "").ExpectIDSet(report)
	d.ExpectReport(report, feedback, d.Place, "NEW", "accept", "refuse")
}
