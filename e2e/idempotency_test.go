package e2e

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/keyclic/keyclic/internal/testkit"
)

// A POST sent again with its Idempotency-Key is answered with the first answer, marked as a
// replay, and nothing is done twice; the same key with another request is a 422 naming the header.
func TestIdempotencyKeyAnswersTheFirstOutcomeAgain(t *testing.T) {
	desk := stack.NewDesk(t, "Idempotence")
	citizen := stack.NewUser(t)
	key := uuid.NewString()
	body := testkit.IssueBody(desk.Inside(), nil)

	first := citizen.WithKey(key).Post("/feedbacks/issues", body).Expect(http.StatusCreated)
	if first.Str("state") != "DELIVERED" || first.Header.Get("Idempotent-Replayed") != "" {
		t.Fatalf("first answer: %s %v", first.Body, first.Header)
	}
	again := citizen.WithKey(key).Post("/feedbacks/issues", body).Expect(http.StatusCreated)
	if !bytes.Equal(again.Body, first.Body) || again.Header.Get("Idempotent-Replayed") != "true" ||
		again.Header.Get("Content-Type") != first.Header.Get("Content-Type") {
		t.Fatalf("replay: %s %v, want the first answer %s", again.Body, again.Header, first.Body)
	}
	// The same values, spaced and ordered otherwise, are the same request.
	reordered := `{"visibility": "VISIBILITY_PRIVATE", "description": "` + body["description"].(string) + `",
		"geo": {"point": {"longitude": ` + jsonNumber(desk.Inside().Lon) + `, "latitude": ` + jsonNumber(desk.Inside().Lat) + `}}}`
	citizen.WithKey(key).Post("/feedbacks/issues", reordered).Expect(http.StatusCreated)
	if ids := stack.FeedbackIDsOf(t, citizen.PersonID); len(ids) != 1 || ids[0] != first.Str("id") {
		t.Fatalf("feedbacks %v, want only %s", ids, first.Str("id"))
	}
	if got := desk.Admin.ReportsOfFeedback(desk.Org, first.Str("id")); len(got) != 1 {
		t.Fatalf("reports of the feedback: %v", got)
	}

	// Another body, another path or another application with the same key: 422, nothing done.
	other := testkit.IssueBody(desk.Inside(), nil)
	citizen.WithKey(key).Post("/feedbacks/issues", other).ExpectError(http.StatusUnprocessableEntity, "Idempotency-Key")
	citizen.WithKey(key).Post("/feedbacks/"+first.Str("id")+"/contributions", nil).ExpectError(http.StatusUnprocessableEntity, "Idempotency-Key")
	citizen.WithKey(key).With(func(c *testkit.Client) { c.App = "com.keyclic.city" }).Post("/feedbacks/issues", body).
		ExpectError(http.StatusUnprocessableEntity, "Idempotency-Key")
	if ids := stack.FeedbackIDsOf(t, citizen.PersonID); len(ids) != 1 {
		t.Fatalf("feedbacks after refused requests: %v", ids)
	}

	// A key belongs to its caller: another person's same key is theirs.
	neighbour := stack.NewUser(t)
	theirs := neighbour.WithKey(key).Post("/feedbacks/issues", body).Expect(http.StatusCreated)
	if theirs.Str("id") == first.Str("id") || theirs.Header.Get("Idempotent-Replayed") != "" {
		t.Fatalf("another caller's key answered with the first caller's feedback: %s", theirs.Body)
	}
}

// Transitions, operations and anonymous registrations are made once per key; a refusal (4xx)
// is an answer too, kept like the others.
func TestIdempotencyKeyMakesEachChangeOnce(t *testing.T) {
	desk := stack.NewDesk(t, "Idempotence")
	_, report := desk.NewReport()
	admin := desk.Admin

	accept := admin.WithKey(uuid.NewString())
	accept.TransitionReport(report, "accept", false).Expect(http.StatusOK)
	replayed := accept.TransitionReport(report, "accept", false).Expect(http.StatusOK)
	if replayed.Str("state") != "ACCEPTED" || replayed.Header.Get("Idempotent-Replayed") != "true" {
		t.Fatalf("replayed transition: %s", replayed.Body)
	}
	if got := admin.Get("/reports/" + report).Expect(http.StatusOK).CheckpointStates(); !slices.Equal(got, []string{"NEW", "ACCEPTED"}) {
		t.Fatalf("report checkpoints %v", got)
	}

	create := admin.WithKey(uuid.NewString())
	op := create.Post("/operations", map[string]any{"report": report, "name": "Reboucher"}).Expect(http.StatusCreated)
	if again := create.Post("/operations", map[string]any{"report": report, "name": "Reboucher"}).Expect(http.StatusCreated); again.Str("id") != op.Str("id") {
		t.Fatalf("operation created again: %s, then %s", op.Str("id"), again.Str("id"))
	}
	if ops := admin.Get("/reports/" + report + "/operations").Expect(http.StatusOK).List("_embedded.items"); len(ops) != 1 {
		t.Fatalf("%d operations, want 1", len(ops))
	}
	if got := admin.LogActions(op.Str("id")); !slices.Equal(got, []string{"create"}) {
		t.Fatalf("operation log %v", got)
	}

	// A refusal is kept: the same request with the same key is refused again, from the record.
	refused := admin.WithKey(uuid.NewString())
	refused.TransitionReport(report, "teleport", false).ExpectError(http.StatusBadRequest, "transition")
	if r := refused.TransitionReport(report, "teleport", false).ExpectError(http.StatusBadRequest, "transition"); r.Header.Get("Idempotent-Replayed") != "true" {
		t.Fatalf("refusal not replayed: %v", r.Header)
	}

	// Anonymous: a registration sent twice makes one account.
	anon := stack.Client(t).WithKey(uuid.NewString())
	email := "idem-" + uuid.NewString()[:8] + "@example.com"
	reg := map[string]string{"email": email, "password": "a long password"}
	person := anon.Post("/security/register", reg).Expect(http.StatusCreated)
	if again := anon.Post("/security/register", reg).Expect(http.StatusCreated); again.Str("id") != person.Str("id") {
		t.Fatalf("registered again: %s", again.Body)
	}
	anon.Post("/security/register", map[string]string{"email": "x" + email, "password": "a long password"}).
		ExpectError(http.StatusUnprocessableEntity, "Idempotency-Key")

	// A login's answer (a token) is never kept: the header is accepted and each login runs.
	login := stack.Client(t).WithKey(uuid.NewString())
	login.Post("/security/login", map[string]string{"login": email, "password": "wrong password"}).Expect(http.StatusUnauthorized)
	if r := login.Post("/security/login", map[string]string{"login": email, "password": "a long password"}).Expect(http.StatusOK); r.Str("accessToken") == "" {
		t.Fatalf("login: %s", r.Body)
	}
}

func TestIdempotencyKeyMustBeShortVisibleASCII(t *testing.T) {
	user := stack.NewUser(t)
	for _, key := range []string{"", strings.Repeat("k", 256), "with space", "tab\there", "é"} {
		user.WithKey(key).Post("/organizations", map[string]string{"name": testkit.Unique("Org ")}).
			ExpectError(http.StatusBadRequest, "Idempotency-Key")
	}
	user.WithKey(strings.Repeat("k", 255)).Post("/organizations", map[string]string{"name": testkit.Unique("Org ")}).Expect(http.StatusCreated)
	// GET and DELETE ignore it.
	user.WithKey("with space").Get("/people/" + user.PersonID).Expect(http.StatusOK)
}

// While the first request with a key runs, the same request is answered 409 with Retry-After,
// not run a second time; once the first has answered, it is answered with that answer.
func TestIdempotencyKeyInProgressIs409(t *testing.T) {
	settings := stack.App.APISettings()
	settings.FaultPauseBeforeAnswer = 2 * time.Second
	slow := httptest.NewServer(stack.App.NewAPI(settings).Handler())
	defer slow.Close()
	desk := stack.NewDesk(t, "Idempotence")
	admin := desk.Admin.WithKey(uuid.NewString())
	body := map[string]string{"name": testkit.Unique("Category "), "color": "#112233", "icon": "road"}
	path := "/organizations/" + desk.Org + "/categories"

	firstDone := make(chan *testkit.Response, 1)
	go func() { firstDone <- admin.With(func(c *testkit.Client) { c.Base = slow.URL }).Post(path, body) }()
	if !testkit.Eventually(5*time.Second, func() bool { return keyState(t, admin) == "RUNNING" }) {
		t.Fatal("the first request did not take its key")
	}
	busy := admin.Post(path, body).ExpectError(http.StatusConflict)
	if ra := busy.Header.Get("Retry-After"); ra == "" || ra == "0" {
		t.Fatalf("409 without Retry-After: %v", busy.Header)
	}
	first := (<-firstDone).Expect(http.StatusCreated)
	if again := admin.Post(path, body).Expect(http.StatusCreated); again.Str("id") != first.Str("id") {
		t.Fatalf("after the first answer: %s, want %s", again.Body, first.Body)
	}
	if n := len(admin.Get(path).Expect(http.StatusOK).List("_embedded.items")); n != 1 {
		t.Fatalf("%d categories, want 1", n)
	}
}

// keyState is the state of the idempotency key c sends, read from the database.
func keyState(t *testing.T, c *testkit.Client) string {
	var state string
	_ = stack.App.Store.Pool.QueryRow(t.Context(), `SELECT state FROM idempotency_keys WHERE key = $1`,
		c.Header.Get("Idempotency-Key")).Scan(&state)
	return state
}

// jsonNumber writes f as encoding/json does.
func jsonNumber(f float64) string {
	b, _ := json.Marshal(f)
	return string(b)
}
