package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"go.temporal.io/api/serviceerror"
	"go.temporal.io/sdk/client"

	"github.com/keyclic/keyclic/api"
	"github.com/keyclic/keyclic/internal/testkit"
)

// Throttles decide in Postgres, atomically: requests arriving together are counted one by one,
// as they would be one after the other, whichever API instance answers them.

// answer is one response of a burst.
type answer struct {
	status     int
	retryAfter string
	body       string
}

// burst sends n copies of a JSON POST to base+path at the same moment and returns the answers.
// Plain HTTP: t.Fatal must not run off the test goroutine.
func burst(t *testing.T, n int, base, path string, body any) []answer {
	t.Helper()
	payload, err := json.Marshal(body)
	if err != nil {
		t.Fatal(err)
	}
	answers := make([]answer, n)
	errs := make([]error, n)
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			resp, err := http.Post(base+path, "application/json", bytes.NewReader(payload))
			if err != nil {
				errs[i] = err
				return
			}
			defer resp.Body.Close()
			b, err := io.ReadAll(resp.Body)
			answers[i], errs[i] = answer{status: resp.StatusCode, retryAfter: resp.Header.Get("Retry-After"), body: string(b)}, err
		}()
	}
	close(start)
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	return answers
}

// statuses counts the answers by status.
func statuses(answers []answer) map[int]int {
	out := map[int]int{}
	for _, a := range answers {
		out[a.status]++
	}
	return out
}

func TestConcurrentWrongLoginsStopAtTheLimit(t *testing.T) {
	max, window := stack.App.Config.LoginMaxFailures, stack.App.Config.LoginFailureWindow
	u := stack.NewUser(t)
	unknown := uniqueEmail("nobody")
	for _, login := range []string{u.Email, unknown} {
		answers := burst(t, 2*max, stack.HTTP.URL, "/security/login", map[string]string{"login": login, "password": "wrong guess"})
		if got := statuses(answers); got[http.StatusUnauthorized] != max || got[http.StatusTooManyRequests] != max {
			t.Fatalf("%d concurrent wrong logins of %s: %v, want %d answered 401 and %d answered 429", 2*max, login, got, max, max)
		}
		for _, a := range answers {
			if !strings.Contains(a.body, "vnd.error") {
				t.Fatalf("%d without a vnd.error body: %s", a.status, a.body)
			}
			if a.status != http.StatusTooManyRequests {
				continue
			}
			if s, err := strconv.Atoi(a.retryAfter); err != nil || s < 1 || s > int(window.Seconds()) {
				t.Fatalf("429 with Retry-After %q, want seconds within the window (%s)", a.retryAfter, window)
			}
		}
		// The right password waits too.
		r := u.Post("/security/login", map[string]string{"login": login, "password": u.Password}).ExpectError(http.StatusTooManyRequests)
		if r.Header.Get("Retry-After") == "" {
			t.Fatalf("429 without Retry-After for %s", login)
		}
	}
}

// throttledAPI serves the stack's API with one reset email per person per hour, starting
// workflows through tc.
func throttledAPI(t *testing.T, tc client.Client) *httptest.Server {
	t.Helper()
	settings := stack.App.APISettings()
	settings.PasswordResetThrottle = time.Hour
	srv := httptest.NewServer(api.NewServer(stack.App.Store, tc, stack.App.Tokens, settings, testkit.Logger()).Handler())
	t.Cleanup(srv.Close)
	return srv
}

// expectOneResetEmail checks that the person of u got exactly one reset email, once another
// person's request, sent after, has had its email.
func expectOneResetEmail(t *testing.T, srv *httptest.Server, u *testkit.Client) {
	t.Helper()
	stack.WaitEmails(t, u.Email, "password_reset", 1)
	other := stack.NewUser(t)
	other.With(func(c *testkit.Client) { c.Base = srv.URL }).
		Post("/security/password/change-request", map[string]string{"email": other.Email}).Expect(http.StatusNoContent)
	stack.WaitEmails(t, other.Email, "password_reset", 1)
	if got := stack.WaitEmails(t, u.Email, "password_reset", 1); len(got) != 1 {
		t.Fatalf("%d reset emails to %s, want 1", len(got), u.Email)
	}
}

func TestConcurrentPasswordChangeRequestsSendOneEmail(t *testing.T) {
	srv := throttledAPI(t, stack.App.Temporal)
	u := stack.NewUser(t)
	answers := burst(t, 20, srv.URL, "/security/password/change-request", map[string]string{"email": u.Email})
	if got := statuses(answers); got[http.StatusNoContent] != len(answers) {
		t.Fatalf("concurrent reset requests: %v, want every one answered 204", got)
	}
	if n := len(stack.PasswordResets(t, u.PersonID)); n != 1 {
		t.Fatalf("%d reset requests recorded for 20 concurrent ones, want 1", n)
	}
	expectOneResetEmail(t, srv, u)
}

// flakyStarts is a Temporal client whose next workflow starts fail: not started at all, or
// started but answered with an error (the answer lost on its way back).
type flakyStarts struct {
	client.Client
	mu      sync.Mutex
	failing int
	started bool // start the workflow before failing
}

func (c *flakyStarts) ExecuteWorkflow(ctx context.Context, opts client.StartWorkflowOptions, wf any, args ...any) (client.WorkflowRun, error) {
	c.mu.Lock()
	fail := c.failing > 0
	if fail {
		c.failing--
	}
	c.mu.Unlock()
	if !fail {
		return c.Client.ExecuteWorkflow(ctx, opts, wf, args...)
	}
	if c.started {
		if _, err := c.Client.ExecuteWorkflow(ctx, opts, wf, args...); err != nil {
			return nil, err
		}
	}
	return nil, serviceerror.NewUnavailable("temporal is away")
}

// A request whose workflow could not be started sent nothing, so it does not hold the throttle:
// the next request sends the email.
func TestPasswordChangeRequestNotStartedReleasesTheThrottle(t *testing.T) {
	srv := throttledAPI(t, &flakyStarts{Client: stack.App.Temporal, failing: 1})
	u := stack.NewUser(t).With(func(c *testkit.Client) { c.Base = srv.URL })
	u.Post("/security/password/change-request", map[string]string{"email": u.Email}).ExpectError(http.StatusServiceUnavailable)
	u.Post("/security/password/change-request", map[string]string{"email": u.Email}).Expect(http.StatusNoContent)
	expectOneResetEmail(t, srv, u)
}

// A start answered with an error although the workflow did start: one email in all, whether the
// first request's workflow sends it or the next request's.
func TestPasswordChangeRequestStartedDespiteAnErrorSendsOneEmail(t *testing.T) {
	srv := throttledAPI(t, &flakyStarts{Client: stack.App.Temporal, failing: 1, started: true})
	u := stack.NewUser(t).With(func(c *testkit.Client) { c.Base = srv.URL })
	first := u.Post("/security/password/change-request", map[string]string{"email": u.Email})
	if first.Status != http.StatusNoContent && first.Status != http.StatusServiceUnavailable {
		t.Fatalf("first request: %d %s, want 204 or 503", first.Status, first.Body)
	}
	u.Post("/security/password/change-request", map[string]string{"email": u.Email}).Expect(http.StatusNoContent)
	expectOneResetEmail(t, srv, u)
}
