package e2e

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"testing"
	"time"

	"github.com/google/uuid"
	"go.temporal.io/sdk/client"
	tlog "go.temporal.io/sdk/log"

	"github.com/keyclic/keyclic/api"
	"github.com/keyclic/keyclic/internal/testkit"
	"github.com/keyclic/keyclic/store"
)

// An API whose Postgres goes away (its connections cut, its port closed) answers every request,
// read or write, 503 with Retry-After and a vnd.error, never 500, and leaves no half change: what
// it could not start is not written, and the feedback whose workflow ran (the worker reaches
// Postgres) but whose answer could not be read is whole. A request with an Idempotency-Key could
// not even take its key: sent again where Postgres answers, it runs.
func TestPostgresAwayAnswers503(t *testing.T) {
	u, err := url.Parse(stack.DB.URL)
	if err != nil {
		t.Fatal(err)
	}
	proxy := testkit.NewProxy(t, u.Host)
	u.Host = proxy.Addr
	st, err := store.Open(t.Context(), u.String())
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	settings := stack.App.APISettings()
	settings.RequestTimeout = 5 * time.Second
	srv := httptest.NewServer(api.NewServer(st, stack.App.Temporal, stack.App.Tokens, settings, testkit.Logger()).Handler())
	defer srv.Close()
	on := func(c *testkit.Client) *testkit.Client { return c.With(func(c *testkit.Client) { c.Base = srv.URL }) }

	desk := stack.NewDesk(t, "Away")
	_, report := desk.NewReport()
	admin, citizen := on(desk.Admin), on(desk.Citizen)
	admin.Get("/reports/" + report).Expect(http.StatusOK)
	citizen.Get("/people/" + desk.Citizen.PersonID).Expect(http.StatusOK)

	proxy.Cut()
	name, key := testkit.Unique("Away "), uuid.NewString()
	for what, r := range map[string]*testkit.Response{
		"read":           admin.Get("/reports/" + report),
		"creation":       admin.Post("/organizations", map[string]string{"name": name}),
		"keyed creation": admin.WithKey(key).Post("/organizations", map[string]string{"name": name}),
		"transition":     admin.TransitionReport(report, "accept", false),
		"feedback":       citizen.PostIssue(desk.Inside(), nil),
		"registration":   stack.Client(t).With(func(c *testkit.Client) { c.Base = srv.URL }).Post("/security/register", map[string]string{"email": testkit.Unique("away") + "@example.com", "password": "a long password"}),
	} {
		expectUnavailable(t, what, r)
	}

	// Nothing written.
	if state := desk.Admin.Get("/reports/" + report).Expect(http.StatusOK).Str("state"); state != "NEW" {
		t.Errorf("report %s after a refused transition", state)
	}
	for _, f := range stack.FeedbackIDsOf(t, desk.Citizen.PersonID) {
		if r := desk.Citizen.Get("/feedbacks/" + f).Expect(http.StatusOK); r.Str("state") != "DELIVERED" || len(desk.Admin.ReportsOfFeedback(desk.Org, f)) != 1 {
			t.Errorf("feedback %s left %s, with reports %v", f, r.Str("state"), desk.Admin.ReportsOfFeedback(desk.Org, f))
		}
	}
	var orgs int
	if err := stack.App.Store.Pool.QueryRow(t.Context(), `SELECT count(*) FROM organizations WHERE name = $1`, name).Scan(&orgs); err != nil || orgs != 0 {
		t.Errorf("%d organizations named %q (%v)", orgs, name, err)
	}
	desk.Admin.WithKey(key).Post("/organizations", map[string]string{"name": name}).Expect(http.StatusCreated)
}

// An API whose Temporal frontend is away (nothing listens) answers the changes that go through
// workflows 503 with Retry-After, writes nothing, and keeps serving reads. A feedback posted with
// an Idempotency-Key is not recorded as answered: sent again to an API that reaches Temporal,
// it is made, once.
func TestTemporalAwayAnswers503(t *testing.T) {
	tc, err := client.NewLazyClient(client.Options{
		HostPort: freeAddress(t), Namespace: stack.App.Config.TemporalNamespace, Logger: tlog.NewStructuredLogger(testkit.Logger()),
	})
	if err != nil {
		t.Fatal(err)
	}
	defer tc.Close()
	settings := stack.App.APISettings()
	settings.RequestTimeout = 3 * time.Second
	srv := httptest.NewServer(api.NewServer(stack.App.Store, tc, stack.App.Tokens, settings, testkit.Logger()).Handler())
	defer srv.Close()
	on := func(c *testkit.Client) *testkit.Client { return c.With(func(c *testkit.Client) { c.Base = srv.URL }) }

	desk := stack.NewDesk(t, "Away")
	_, report := desk.NewReport()
	admin := on(desk.Admin)
	citizen := stack.NewUser(t)
	key := uuid.NewString()
	body := testkit.IssueBody(desk.Inside(), nil)
	for what, r := range map[string]*testkit.Response{
		"keyed feedback": on(citizen).WithKey(key).Post("/feedbacks/issues", body),
		"transition":     admin.TransitionReport(report, "accept", false),
		"operation":      admin.Post("/operations", map[string]any{"report": report, "name": "Reboucher"}),
	} {
		expectUnavailable(t, what, r)
	}
	admin.Get("/reports/" + report).Expect(http.StatusOK)

	if n := len(stack.FeedbackIDsOf(t, citizen.PersonID)); n != 0 {
		t.Errorf("%d feedbacks written while Temporal was away", n)
	}
	r := desk.Admin.Get("/reports/" + report).Expect(http.StatusOK)
	if r.Str("state") != "NEW" {
		t.Errorf("report %s after a refused transition", r.Str("state"))
	}
	if ops := desk.Admin.Get("/reports/" + report + "/operations").Expect(http.StatusOK).List("_embedded.items"); len(ops) != 0 {
		t.Errorf("%d operations written while Temporal was away", len(ops))
	}

	made := citizen.WithKey(key).Post("/feedbacks/issues", body).Expect(http.StatusCreated)
	if ids := stack.FeedbackIDsOf(t, citizen.PersonID); len(ids) != 1 || ids[0] != made.Str("id") || made.Header.Get("Idempotent-Replayed") != "" {
		t.Errorf("feedbacks %v, answered %s", ids, made.Body)
	}
}

func expectUnavailable(t *testing.T, what string, r *testkit.Response) {
	t.Helper()
	if r.Status != http.StatusServiceUnavailable || r.Header.Get("Retry-After") == "" ||
		r.Header.Get("Content-Type") != "application/vnd.error+json; charset=utf-8" || r.Str("message") == "" {
		t.Errorf("%s: %d, Retry-After %q, %s", what, r.Status, r.Header.Get("Retry-After"), r.Body)
	}
}
