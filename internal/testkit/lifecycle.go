package testkit

import (
	"context"
	"errors"
	"fmt"
	"math"
	"net/http"
	"slices"
	"strings"
	"testing"

	"go.temporal.io/api/serviceerror"
)

// Helpers for the feedback, report, operation and delegation lifecycles.

// BusinessActivityCleaningID is the second business activity every database starts with.
const BusinessActivityCleaningID = "4bff7cb9-0fd2-4b44-9b0e-f6d17bb40002"

// Role names.
const (
	RoleAdmin    = "ORGANIZATION:ADMIN"
	RoleAgent    = "ORGANIZATION:AGENT"
	RoleOperator = "ORGANIZATION:OPERATOR"
)

// IssueBody is a POST /feedbacks/issues body at p, with extra fields (category, proMode…).
func IssueBody(p LatLon, extra map[string]any) map[string]any {
	body := map[string]any{
		"geo":         map[string]any{"point": map[string]any{"latitude": p.Lat, "longitude": p.Lon}},
		"visibility":  "VISIBILITY_PRIVATE",
		"description": "Nid de poule " + Unique(""),
	}
	for k, v := range extra {
		body[k] = v
	}
	return body
}

// PostIssue posts a feedback at p.
func (c *Client) PostIssue(p LatLon, extra map[string]any) *Response {
	c.T.Helper()
	return c.Post("/feedbacks/issues", IssueBody(p, extra))
}

// Issue posts a feedback at p that must be delivered, and returns its id.
func (c *Client) Issue(p LatLon, extra map[string]any) string {
	c.T.Helper()
	r := c.PostIssue(p, extra).Expect(http.StatusCreated)
	if r.Str("state") != "DELIVERED" || r.Str("type") != "Feedback" {
		c.T.Fatalf("posted feedback not delivered: %s", r.Body)
	}
	return r.Str("id")
}

// CreateOrganizationIn creates an organization of the given business activity ("": none)
// administered by c.
func (c *Client) CreateOrganizationIn(name, activity string) string {
	c.T.Helper()
	body := map[string]string{"name": name}
	if activity != "" {
		body["businessActivity"] = activity
	}
	return c.Post("/organizations", body).Expect(http.StatusCreated).Str("id")
}

// Strings reads an array of strings at path (nil when absent; fails on other items).
func (r *Response) Strings(path string) []string {
	r.T.Helper()
	v := r.At(path)
	if v == nil {
		return nil
	}
	l, ok := v.([]any)
	if !ok {
		r.T.Fatalf("%s: %s is not an array: %s", r.req, path, r.Body)
	}
	out := []string{}
	for _, it := range l {
		s, ok := it.(string)
		if !ok {
			r.T.Fatalf("%s: %s holds a non-string: %s", r.req, path, r.Body)
		}
		out = append(out, s)
	}
	return out
}

// Hrefs reads the hrefs of the links at path: an array of links, or a single link.
func (r *Response) Hrefs(path string) []string {
	r.T.Helper()
	var out []string
	switch v := r.At(path).(type) {
	case nil:
		return nil
	case map[string]any:
		out = append(out, fmt.Sprint(v["href"]))
	case []any:
		out = []string{}
		for _, it := range v {
			m, ok := it.(map[string]any)
			if !ok {
				r.T.Fatalf("%s: %s holds a non-link: %s", r.req, path, r.Body)
			}
			out = append(out, fmt.Sprint(m["href"]))
		}
	default:
		r.T.Fatalf("%s: %s is not a link: %s", r.req, path, r.Body)
	}
	return out
}

// ExpectState fails unless the resource is in state with exactly the given transitions allowed
// (in _embedded.stateTransitions, any order).
func (r *Response) ExpectState(state string, transitions ...string) *Response {
	r.T.Helper()
	got := r.Strings("_embedded.stateTransitions")
	if got == nil {
		r.T.Fatalf("%s: no _embedded.stateTransitions: %s", r.req, r.Body)
	}
	if r.Str("state") != state || !SameSet(got, transitions) {
		r.T.Fatalf("%s: state %q with transitions %v, want %q with %v; body: %s", r.req, r.Str("state"), got, state, transitions, r.Body)
	}
	return r
}

// ExpectIDSet fails unless the collection holds exactly ids (any order) and its total says so.
func (r *Response) ExpectIDSet(ids ...string) *Response {
	r.T.Helper()
	if got := r.IDs(); !SameSet(got, ids) || int(r.Num("total")) != len(ids) {
		r.T.Fatalf("%s: ids %v (total %v), want %v; body: %s", r.req, got, r.Num("total"), ids, r.Body)
	}
	return r
}

// ExpectMessageContains fails unless the error's message (or one of its items) contains each part.
func (r *Response) ExpectMessageContains(parts ...string) *Response {
	r.T.Helper()
	text := r.Str("message")
	for _, e := range r.List("_embedded.errors") {
		if m, ok := e.(map[string]any); ok {
			text += " " + fmt.Sprint(m["message"])
		}
	}
	for _, p := range parts {
		if !strings.Contains(text, p) {
			r.T.Fatalf("%s: error message %q does not name %q; body: %s", r.req, text, p, r.Body)
		}
	}
	return r
}

// SameSet reports whether a and b hold the same strings, ignoring order.
func SameSet(a, b []string) bool {
	x, y := slices.Clone(a), slices.Clone(b)
	slices.Sort(x)
	slices.Sort(y)
	return slices.Equal(x, y)
}

// MappingOf reads the id a link at path names in its IRI template mapping.
func (r *Response) MappingOf(path, key string) string {
	r.T.Helper()
	return r.Str(path + ".iriTemplate.mapping." + key)
}

// Reports lists org's reports (up to 100) with an optional query ("state=NEW&place=…").
func (c *Client) Reports(org, query string) *Response {
	c.T.Helper()
	path := "/organizations/" + org + "/reports?limit=100"
	if query != "" {
		path += "&" + query
	}
	return c.Get(path)
}

// ReportsOfFeedback lists the ids of the reports of feedback that org's list shows to c.
func (c *Client) ReportsOfFeedback(org, feedback string) []string {
	c.T.Helper()
	r := c.Reports(org, "").Expect(http.StatusOK)
	var out []string
	for _, it := range r.List("_embedded.items") {
		m := it.(map[string]any)
		links, _ := m["_links"].(map[string]any)
		fl, _ := links["feedback"].(map[string]any)
		if fl["href"] == "/feedbacks/"+feedback {
			out = append(out, fmt.Sprint(m["id"]))
		}
	}
	return out
}

// ReportOf returns the one report of feedback in org's list, failing unless there is exactly one.
func (c *Client) ReportOf(org, feedback string) string {
	c.T.Helper()
	ids := c.ReportsOfFeedback(org, feedback)
	if len(ids) != 1 {
		c.T.Fatalf("organization %s lists reports %v for feedback %s, want exactly one", org, ids, feedback)
	}
	return ids[0]
}

// TransitionReport applies a transition through POST /reports/{id}/workflow/transition, or
// through PATCH /reports/{id}/state when viaPatch.
func (c *Client) TransitionReport(id, transition string, viaPatch bool) *Response {
	c.T.Helper()
	body := map[string]string{"transition": transition}
	if viaPatch {
		return c.Patch("/reports/"+id+"/state", body)
	}
	return c.Post("/reports/"+id+"/workflow/transition", body)
}

// DriveReport applies transitions one after the other, each of which must succeed.
func (c *Client) DriveReport(id string, transitions ...string) *Response {
	c.T.Helper()
	var r *Response
	for _, tr := range transitions {
		r = c.TransitionReport(id, tr, false).Expect(http.StatusOK)
	}
	if r == nil {
		r = c.Get("/reports/" + id).Expect(http.StatusOK)
	}
	return r
}

// CreateOperation creates an operation named name on report and returns its id.
func (c *Client) CreateOperation(report, name string) string {
	c.T.Helper()
	r := c.Post("/operations", map[string]any{"report": report, "name": name}).Expect(http.StatusCreated)
	if r.Str("state") != "NEW" || r.Str("name") != name {
		c.T.Fatalf("created operation: %s", r.Body)
	}
	return r.Str("id")
}

// Assign assigns operation op to member.
func (c *Client) Assign(op, member string) *Response {
	c.T.Helper()
	return c.Post("/operations/"+op+"/assign", map[string]string{"member": member})
}

// TransitionOperation applies "progress" or "resolve" through POST …/workflow/transition, or
// through PATCH /operations/{id}/state when viaPatch.
func (c *Client) TransitionOperation(id, transition string, viaPatch bool) *Response {
	c.T.Helper()
	body := map[string]string{"transition": transition}
	if viaPatch {
		return c.Patch("/operations/"+id+"/state", body)
	}
	return c.Post("/operations/"+id+"/workflow/transition", body)
}

// FeedbackIDsOf lists, oldest first, the feedbacks person posted, read from the database: a 409
// answer to POST /feedbacks/issues does not carry the id of the FAILED feedback it created.
func (s *Stack) FeedbackIDsOf(t testing.TB, person string) []string {
	t.Helper()
	rows, err := s.App.Store.Pool.Query(context.Background(),
		`SELECT id::text FROM feedbacks WHERE reporter_id = $1 ORDER BY created_at, id`, person)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	out := []string{}
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			t.Fatal(err)
		}
		out = append(out, id)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// OnlyFeedbackOf returns the one feedback person posted, failing unless there is exactly one.
func (s *Stack) OnlyFeedbackOf(t testing.TB, person string) string {
	t.Helper()
	ids := s.FeedbackIDsOf(t, person)
	if len(ids) != 1 {
		t.Fatalf("person %s posted feedbacks %v, want exactly one", person, ids)
	}
	return ids[0]
}

// WorkflowStatus describes the workflow with that id: "Running", "Completed"…, or "" when
// Temporal knows no such workflow.
func (s *Stack) WorkflowStatus(t testing.TB, workflowID string) string {
	t.Helper()
	d, err := s.App.Temporal.DescribeWorkflowExecution(context.Background(), workflowID, "")
	var nf *serviceerror.NotFound
	if errors.As(err, &nf) {
		return ""
	}
	if err != nil {
		t.Fatalf("describe workflow %s: %v", workflowID, err)
	}
	return d.GetWorkflowExecutionInfo().GetStatus().String()
}

// Desk is an organization with one square place, its admin and a citizen: a place where
// feedbacks become reports.
type Desk struct {
	T        testing.TB
	Stack    *Stack
	Admin    *Client
	Org      string
	Place    string
	Corner   LatLon // south-west corner of the place, a square of Size degrees
	Size     float64
	Citizen  *Client
	Activity string
}

// NewDesk creates an organization (business activity Roads) with a square place in an area of
// its own, its admin, and a citizen who reports there.
func (s *Stack) NewDesk(t testing.TB, name string) *Desk {
	t.Helper()
	return s.NewDeskIn(t, name, BusinessActivityRoads, RandomArea(), 0.1)
}

// NewDeskIn creates a desk of the business activity, whose place is the square of size degrees
// with corner as its south-west corner.
func (s *Stack) NewDeskIn(t testing.TB, name, activity string, corner LatLon, size float64) *Desk {
	t.Helper()
	d := &Desk{T: t, Stack: s, Admin: s.NewUser(t), Corner: corner, Size: size, Citizen: s.NewUser(t), Activity: activity}
	d.Org = d.Admin.CreateOrganizationIn(Unique(name+" "), activity)
	d.Place = d.Admin.CreatePlace(d.Org, Unique("Place "), Box(corner.Lat, corner.Lon, corner.Lat+size, corner.Lon+size))
	return d
}

// Inside is the centre of the desk's place.
func (d *Desk) Inside() LatLon { return d.Corner.Offset(d.Size/2, d.Size/2) }

// NewReport has the citizen post a feedback inside the place and returns the feedback and the
// desk's report of it (NEW).
func (d *Desk) NewReport() (feedback, report string) {
	d.T.Helper()
	feedback = d.Citizen.Issue(d.Inside(), nil)
	report = d.Admin.ReportOf(d.Org, feedback)
	return feedback, report
}

// ReportIn returns a new report of the desk driven through transitions.
func (d *Desk) ReportIn(transitions ...string) string {
	d.T.Helper()
	_, r := d.NewReport()
	d.Admin.DriveReport(r, transitions...)
	return r
}

// Member registers a new person, adds them to the desk's organization with roles, and returns
// them with their member id.
func (d *Desk) Member(roles ...string) (*Client, string) {
	d.T.Helper()
	u := d.Stack.NewUser(d.T)
	return u, d.Admin.AddMember(d.Org, u.PersonID, roles...)
}

// ExactArea is a random south-west corner rounded to a multiple of 1/1024 degree, so that sums
// of it and small powers of two are exact: a point computed on an edge is on it, not beside it.
func ExactArea() LatLon {
	a := RandomArea()
	return Pt(math.Round(a.Lat*1024)/1024, math.Round(a.Lon*1024)/1024)
}

// CheckpointStates lists the states of a resource's tracking checkpoints, in order.
func (r *Response) CheckpointStates() []string {
	r.T.Helper()
	out := []string{}
	for _, cp := range r.List("_embedded.tracking.checkpoints") {
		m, _ := cp.(map[string]any)
		out = append(out, fmt.Sprint(m["state"]))
	}
	return out
}

// ExpectFeedback reads a feedback as c sees it and checks its state and allowed transitions.
func (c *Client) ExpectFeedback(id, state string, transitions ...string) *Response {
	c.T.Helper()
	return c.Get("/feedbacks/"+id).Expect(http.StatusOK).ExpectState(state, transitions...)
}

// ExpectFailedIssue posts a feedback that no organization may receive: 409, and the feedback
// exists, FAILED, with "process" (a retry) as its only transition. It returns the feedback's id.
func (s *Stack) ExpectFailedIssue(t testing.TB, c *Client, p LatLon, extra map[string]any) string {
	t.Helper()
	before := s.FeedbackIDsOf(t, c.PersonID)
	c.PostIssue(p, extra).ExpectError(http.StatusConflict)
	after := s.FeedbackIDsOf(t, c.PersonID)
	if len(after) != len(before)+1 {
		t.Fatalf("feedbacks of the reporter: %v before, %v after a 409; want one more", before, after)
	}
	id := after[len(after)-1]
	r := c.ExpectFeedback(id, "FAILED", "process")
	if got := r.CheckpointStates(); !slices.Equal(got, []string{"NEW", "PUBLISHED", "PENDING_MATCHING", "FAILED"}) {
		t.Fatalf("checkpoints of a failed feedback: %v; body: %s", got, r.Body)
	}
	return id
}

// ExpectNoReports fails unless the desk's organization lists no report.
func (d *Desk) ExpectNoReports() {
	d.T.Helper()
	d.Admin.Reports(d.Org, "").Expect(http.StatusOK).ExpectIDSet()
}

// ExpectReport checks a report as the desk's admin sees it: state and transitions, links to
// its feedback, to the desk's organization and (unless "") to place, and its running workflow.
func (d *Desk) ExpectReport(report, feedback, place, state string, transitions ...string) *Response {
	d.T.Helper()
	r := d.Admin.Get("/reports/"+report).Expect(http.StatusOK).ExpectState(state, transitions...)
	if r.Str("type") != "Report" || r.Str("id") != report ||
		r.Str("_links.feedback.href") != "/feedbacks/"+feedback ||
		r.Str("_links.organization.href") != "/organizations/"+d.Org ||
		(place != "" && r.Str("_links.place.href") != "/places/"+place) {
		d.T.Fatalf("report %s of feedback %s for organization %s (place %s): %s", report, feedback, d.Org, place, r.Body)
	}
	if got := d.Stack.WorkflowStatus(d.T, "report/"+report); got != "Running" {
		d.T.Fatalf("workflow report/%s: status %q, want Running", report, got)
	}
	return r
}
