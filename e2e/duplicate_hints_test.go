package e2e

import (
	"fmt"
	"math"
	"net/http"
	"slices"
	"testing"

	"github.com/google/uuid"

	"github.com/keyclic/keyclic/internal/testkit"
)

// Duplicate hints: a single feedback's answer lists the open reports of the same category near
// it, recent, nearest first, at most five, with only what the caller may see of each.

// hint is one entry of _embedded.duplicateHints as a client reads it.
type hint struct {
	distance         float64
	feedback, report string // "" when absent
	feedbackHref     string
	reportHref       string
}

func hintsOf(t *testing.T, r *testkit.Response) []hint {
	t.Helper()
	raw, ok := r.At("_embedded.duplicateHints").([]any)
	if !ok {
		t.Fatalf("no _embedded.duplicateHints list: %s", r.Body)
	}
	out := make([]hint, len(raw))
	for i, e := range raw {
		m := e.(map[string]any)
		links, _ := m["_links"].(map[string]any)
		h := hint{distance: m["distance"].(float64)}
		h.feedback, _ = m["feedback"].(string)
		h.report, _ = m["report"].(string)
		if l, ok := links["feedback"].(map[string]any); ok {
			h.feedbackHref, _ = l["href"].(string)
		}
		if l, ok := links["report"].(map[string]any); ok {
			h.reportHref, _ = l["href"].(string)
		}
		if (h.feedback == "") != (h.feedbackHref == "") || (h.report == "") != (h.reportHref == "") {
			t.Fatalf("hint %d: an id without its link or a link without its id: %v", i, m)
		}
		if h.feedback != "" && h.feedbackHref != "/feedbacks/"+h.feedback || h.report != "" && h.reportHref != "/reports/"+h.report {
			t.Fatalf("hint %d: links do not point at the ids: %v", i, m)
		}
		if h.feedback == "" && h.report == "" {
			t.Fatalf("hint %d shows nothing: %v", i, m)
		}
		out[i] = h
	}
	return out
}

func hintFeedbacks(hs []hint) []string {
	out := make([]string, len(hs))
	for i, h := range hs {
		out[i] = h.feedback
	}
	return out
}

// north is the point metres north of p (a degree of latitude is 110.6 to 111.7 km: about 0.5%).
func north(p testkit.LatLon, metres float64) testkit.LatLon { return p.Offset(metres/111_000, 0) }

// expectDistances checks the hints' distances, in order, within a few metres.
func expectDistances(t *testing.T, hs []hint, want ...float64) {
	t.Helper()
	if len(hs) != len(want) {
		t.Fatalf("%d hints %v, want %d at %v m", len(hs), hs, len(want), want)
	}
	for i, w := range want {
		if d := hs[i].distance; d != math.Trunc(d) || math.Abs(d-w) > 3 {
			t.Fatalf("hint %d at %v m, want a whole number of metres near %v: %v", i, d, w, hs)
		}
	}
}

// publicIssue posts a public feedback of the category at p and returns its id.
func publicIssue(c *testkit.Client, p testkit.LatLon, category string) string {
	c.T.Helper()
	return c.Issue(p, map[string]any{"category": category, "visibility": "VISIBILITY_PUBLIC"})
}

func putHintSettings(c *testkit.Client, category string, body any) *testkit.Response {
	c.T.Helper()
	return c.Do(http.MethodPut, "/categories/"+category+"/duplicate-hints", body)
}

func TestDuplicateHintsNearestFirstAtMostFiveSameCategory(t *testing.T) {
	d := stack.NewDesk(t, "Voirie")
	potholes := d.Admin.CreateCategory(d.Org, "Nids de poule", "#aa0000", "fa-road")
	graffiti := d.Admin.CreateCategory(d.Org, "Tags", "#00aa00", "fa-paint-brush")
	centre := d.Inside()
	// Six potholes reported at 120, 100, …, 20 m: the farthest first, so that creation order is
	// not distance order.
	byDistance := map[float64]string{}
	for _, m := range []float64{120, 100, 80, 60, 40, 20} {
		byDistance[m] = publicIssue(d.Citizen, north(centre, m), potholes)
	}
	// Closer still, but of another category, or of none.
	publicIssue(d.Citizen, north(centre, 10), graffiti)
	d.Citizen.Issue(north(centre, 15), map[string]any{"visibility": "VISIBILITY_PUBLIC"})

	stranger := stack.NewUser(t)
	r := stranger.PostIssue(centre, map[string]any{"category": potholes}).Expect(http.StatusCreated).ExpectState("DELIVERED")
	mine := r.Str("id")
	posted := hintsOf(t, r)
	expectDistances(t, posted, 20, 40, 60, 80, 100)
	want := []string{byDistance[20], byDistance[40], byDistance[60], byDistance[80], byDistance[100]}
	if got := hintFeedbacks(posted); !slices.Equal(got, want) {
		t.Fatalf("hinted feedbacks %v, want the five nearest potholes %v", got, want)
	}
	for _, h := range posted {
		if h.report != "" {
			t.Fatalf("a person of no organization sees a report: %v", posted)
		}
	}
	if got := hintsOf(t, stranger.Get("/feedbacks/"+mine).Expect(http.StatusOK)); !slices.Equal(got, posted) {
		t.Fatalf("GET shows hints %v, POST answered %v", got, posted)
	}

	// The receiving organization's admin sees the reports too, and never the feedback's own.
	own := d.Admin.ReportOf(d.Org, mine)
	seen := hintsOf(t, d.Admin.Get("/feedbacks/"+mine).Expect(http.StatusOK))
	expectDistances(t, seen, 20, 40, 60, 80, 100)
	for i, h := range seen {
		if h.feedback != want[i] || h.report != d.Admin.ReportOf(d.Org, want[i]) || h.report == own {
			t.Fatalf("hint %d for the admin: %+v, want feedback %s with its report", i, h, want[i])
		}
	}

	// Lists carry no hints.
	items := stranger.Get("/feedbacks?geo_near=" + testkit.GeoNear(centre, 500)).Expect(http.StatusOK).List("_embedded.items")
	if len(items) == 0 {
		t.Fatal("no feedback listed near the centre")
	}
	for _, it := range items {
		if _, ok := it.(map[string]any)["_embedded"].(map[string]any)["duplicateHints"]; ok {
			t.Fatalf("a list item carries hints: %v", it)
		}
	}
}

func TestDuplicateHintsRadiusFollowsTheCategorySettings(t *testing.T) {
	d := stack.NewDesk(t, "Voirie")
	cat := d.Admin.CreateCategory(d.Org, "Éclairage", "#ffaa00", "fa-lightbulb")
	centre := d.Inside()
	at200 := publicIssue(d.Citizen, north(centre, 200), cat)
	at300 := publicIssue(d.Citizen, north(centre, 300), cat)

	settings := d.Admin.Get("/categories/" + cat + "/duplicate-hints").Expect(http.StatusOK)
	if settings.Num("radius") != 250 || settings.Num("windowDays") != 30 {
		t.Fatalf("default settings: %s, want radius 250 and windowDays 30", settings.Body)
	}
	reporter := stack.NewUser(t)
	mine := reporter.Issue(centre, map[string]any{"category": cat})
	hs := hintsOf(t, reporter.Get("/feedbacks/"+mine).Expect(http.StatusOK))
	expectDistances(t, hs, 200)
	if hs[0].feedback != at200 {
		t.Fatalf("hints %v, want the feedback at 200 m alone", hs)
	}

	put := putHintSettings(d.Admin, cat, map[string]any{"radius": 400, "windowDays": 30}).Expect(http.StatusOK)
	if put.Num("radius") != 400 || put.Num("windowDays") != 30 {
		t.Fatalf("PUT answered %s", put.Body)
	}
	if got := reporter.Get("/categories/" + cat + "/duplicate-hints").Expect(http.StatusOK); got.Num("radius") != 400 {
		t.Fatalf("settings after PUT: %s", got.Body)
	}
	hs = hintsOf(t, reporter.Get("/feedbacks/"+mine).Expect(http.StatusOK))
	expectDistances(t, hs, 200, 300)
	if got := hintFeedbacks(hs); !slices.Equal(got, []string{at200, at300}) {
		t.Fatalf("hints %v with a 400 m radius, want %v", got, []string{at200, at300})
	}
}

func TestDuplicateHintsOpenAndRecentReportsOnly(t *testing.T) {
	d := stack.NewDesk(t, "Voirie")
	cat := d.Admin.CreateCategory(d.Org, "Trottoirs", "#0000aa", "fa-road")
	centre := d.Inside()
	issue := func(metres float64, transitions ...string) (string, string) {
		f := publicIssue(d.Citizen, north(centre, metres), cat)
		r := d.Admin.ReportOf(d.Org, f)
		d.Admin.DriveReport(r, transitions...)
		return f, r
	}
	fresh, _ := issue(10)
	accepted, _ := issue(20, "accept")
	onHold, _ := issue(30, "accept", "hold")
	working, _ := issue(40, "accept", "progress")
	issue(50, "refuse")
	issue(60, "accept", "progress", "close")
	old, oldReport := issue(70)
	// A report from before the window (30 days by default).
	if _, err := stack.App.Store.Pool.Exec(t.Context(), `UPDATE reports SET created_at = now() - interval '31 days' WHERE id = $1`, oldReport); err != nil {
		t.Fatal(err)
	}

	reporter := stack.NewUser(t)
	r := reporter.PostIssue(centre, map[string]any{"category": cat}).Expect(http.StatusCreated)
	mine := r.Str("id")
	hs := hintsOf(t, r)
	expectDistances(t, hs, 10, 20, 30, 40)
	if got, want := hintFeedbacks(hs), []string{fresh, accepted, onHold, working}; !slices.Equal(got, want) {
		t.Fatalf("hints %v, want the NEW, ACCEPTED, ON_HOLD and IN_PROGRESS ones %v", got, want)
	}

	// A window of 40 days brings the older report back.
	putHintSettings(d.Admin, cat, map[string]any{"radius": 250, "windowDays": 40}).Expect(http.StatusOK)
	hs = hintsOf(t, reporter.Get("/feedbacks/"+mine).Expect(http.StatusOK))
	if got := hintFeedbacks(hs); len(got) != 5 || got[4] != old {
		t.Fatalf("hints %v with a 40-day window, want the 31-day-old one last", got)
	}
}

func TestDuplicateHintsShowOnlyWhatTheCallerMaySee(t *testing.T) {
	d := stack.NewDesk(t, "Voirie")
	cat := d.Admin.CreateCategory(d.Org, "Mobilier", "#aa00aa", "fa-chair")
	centre := d.Inside()
	// A private feedback (the default visibility) 100 m away, and its report.
	private := d.Citizen.Issue(north(centre, 100), map[string]any{"category": cat})
	report := d.Admin.ReportOf(d.Org, private)

	// A stranger's public feedback at the centre: the stranger may see nothing of the private
	// one, so no hint.
	stranger := stack.NewUser(t)
	r := stranger.PostIssue(centre, map[string]any{"category": cat, "visibility": "VISIBILITY_PUBLIC"}).Expect(http.StatusCreated)
	public := r.Str("id")
	if hs := hintsOf(t, r); len(hs) != 0 {
		t.Fatalf("a stranger gets hints of another's private feedback: %v", hs)
	}
	// Its reporter sees their own feedback, not the report (of no organization of theirs).
	hs := hintsOf(t, d.Citizen.Get("/feedbacks/"+public).Expect(http.StatusOK))
	if len(hs) != 1 || hs[0].feedback != private || hs[0].report != "" {
		t.Fatalf("the private feedback's reporter sees %+v, want their feedback without the report", hs)
	}
	// A member of the receiving organization sees the report (and so the feedback).
	member, _ := d.Member(testkit.RoleOperator)
	hs = hintsOf(t, member.Get("/feedbacks/"+public).Expect(http.StatusOK))
	if len(hs) != 1 || hs[0].report != report || hs[0].feedback != private {
		t.Fatalf("a member of the receiving organization sees %+v, want report %s of feedback %s", hs, report, private)
	}
	// A member of another organization sees nothing of it.
	other := stack.NewDesk(t, "Ailleurs")
	if hs := hintsOf(t, other.Admin.Get("/feedbacks/"+public).Expect(http.StatusOK)); len(hs) != 0 {
		t.Fatalf("a member of an unrelated organization sees %+v", hs)
	}
}

func TestDuplicateHintSettingsValidation(t *testing.T) {
	d := stack.NewDesk(t, "Voirie")
	cat := d.Admin.CreateCategory(d.Org, "Propreté", "#777777", "fa-trash")
	for _, c := range []struct {
		body  any
		paths []string
	}{
		{map[string]any{"radius": 0, "windowDays": 30}, []string{"radius"}},
		{map[string]any{"radius": 1001, "windowDays": 30}, []string{"radius"}},
		{map[string]any{"radius": -5, "windowDays": 30}, []string{"radius"}},
		{map[string]any{"radius": 250, "windowDays": -1}, []string{"windowDays"}},
		{map[string]any{"radius": 250, "windowDays": 0}, []string{"windowDays"}},
		{map[string]any{"radius": 250, "windowDays": 366}, []string{"windowDays"}},
		{map[string]any{}, []string{"radius", "windowDays"}},
		{map[string]any{"radius": "far", "windowDays": 30}, []string{"radius"}},
		{map[string]any{"radius": 250.5, "windowDays": 30}, []string{"radius"}},
		{"[]", nil},
	} {
		t.Run(fmt.Sprint(c.body), func(t *testing.T) {
			putHintSettings(d.Admin, cat, c.body).ExpectError(http.StatusBadRequest, c.paths...)
		})
	}
	// Nothing was stored.
	if got := d.Admin.Get("/categories/" + cat + "/duplicate-hints").Expect(http.StatusOK); got.Num("radius") != 250 {
		t.Fatalf("settings after refused PUTs: %s", got.Body)
	}
	valid := map[string]any{"radius": 1000, "windowDays": 365}
	member, _ := d.Member(testkit.RoleOperator)
	putHintSettings(member, cat, valid).ExpectError(http.StatusForbidden)
	putHintSettings(stack.NewUser(t), cat, valid).ExpectError(http.StatusForbidden)
	putHintSettings(d.Admin, uuid.NewString(), valid).ExpectError(http.StatusNotFound)
	d.Admin.Get("/categories/" + uuid.NewString() + "/duplicate-hints").ExpectError(http.StatusNotFound)
	putHintSettings(d.Admin, cat, valid).Expect(http.StatusOK)
	if got := d.Admin.Get("/categories/" + cat + "/duplicate-hints").Expect(http.StatusOK); got.Num("radius") != 1000 || got.Num("windowDays") != 365 {
		t.Fatalf("settings at their maximum: %s", got.Body)
	}
}

func TestDuplicateHintsWithoutCategoryUseTheBusinessActivity(t *testing.T) {
	corner := testkit.RandomArea()
	roads := stack.NewDeskIn(t, "Voirie", testkit.BusinessActivityRoads, corner, 0.2)
	// A cleaning organization there too, so that cleaning feedbacks are delivered.
	stack.NewDeskIn(t, "Propreté", testkit.BusinessActivityCleaningID, corner, 0.2)
	cat := roads.Admin.CreateCategory(roads.Org, "Chaussée", "#333333", "fa-road")
	centre := corner.Offset(0.1, 0.1)
	public := func(p testkit.LatLon, extra map[string]any) string {
		extra["visibility"] = "VISIBILITY_PUBLIC"
		return roads.Citizen.Issue(p, extra)
	}
	sameActivity := public(north(centre, 50), map[string]any{"businessActivity": testkit.BusinessActivityRoads})
	public(north(centre, 20), map[string]any{"businessActivity": testkit.BusinessActivityCleaningID})
	public(north(centre, 30), map[string]any{"businessActivity": testkit.BusinessActivityRoads, "category": cat})
	public(north(centre, 40), map[string]any{})

	reporter := stack.NewUser(t)
	hs := hintsOf(t, reporter.PostIssue(centre, map[string]any{"businessActivity": testkit.BusinessActivityRoads}).Expect(http.StatusCreated))
	expectDistances(t, hs, 50)
	if hs[0].feedback != sameActivity {
		t.Fatalf("hints %+v, want the roads feedback without a category alone", hs)
	}
	// With neither a category nor a business activity, there is nothing to compare with.
	if hs := hintsOf(t, reporter.PostIssue(centre, nil).Expect(http.StatusCreated)); len(hs) != 0 {
		t.Fatalf("hints of a feedback of no kind: %+v", hs)
	}
}
