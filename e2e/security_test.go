package e2e

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
	"go.temporal.io/api/enums/v1"

	"github.com/keyclic/keyclic/domain"
	"github.com/keyclic/keyclic/internal/testkit"
	"github.com/keyclic/keyclic/store"
	"github.com/keyclic/keyclic/workflows"
)

func uniqueEmail(prefix string) string {
	return prefix + "-" + uuid.NewString()[:12] + "@example.com"
}

// loginStatus tries the credentials and returns the status.
func loginStatus(c *testkit.Client, email, password string) int {
	c.T.Helper()
	return c.Post("/security/login", map[string]string{"login": email, "password": password}).Status
}

// --- POST /security/register ---

func TestRegisterReturnsPerson(t *testing.T) {
	c := stack.Client(t)
	email := uniqueEmail("Martin.Dupont")
	r := c.Post("/security/register", map[string]string{"email": email, "password": "correct horse"}).Expect(http.StatusCreated)
	if r.Str("type") != "Person" {
		t.Errorf("type %q, want Person", r.Str("type"))
	}
	if _, ok := domain.ParseUUID(r.Str("id")); !ok {
		t.Errorf("id %q is not a UUID", r.Str("id"))
	}
	// Emails are stored lowercased, and the username is the email.
	if want := strings.ToLower(email); r.Str("email") != want || r.Str("username") != want {
		t.Errorf("email %q, username %q, want both %q", r.Str("email"), r.Str("username"), want)
	}
	if r.Str("password") != "" || r.At("passwordHash") != nil {
		t.Errorf("the password leaks in the answer: %s", r.Body)
	}
	// The new account can log in with the original (mixed-case) address.
	if s := loginStatus(c, email, "correct horse"); s != http.StatusOK {
		t.Errorf("login after register: status %d", s)
	}
}

func TestRegisterDuplicateEmailInAnotherCase(t *testing.T) {
	c := stack.Client(t)
	email := uniqueEmail("dup")
	first := c.Post("/security/register", map[string]string{"email": email, "password": "first password"}).Expect(http.StatusCreated)
	c.Post("/security/register", map[string]string{"email": strings.ToUpper(email), "password": "second password"}).
		ExpectError(http.StatusBadRequest, "email")

	// Nothing was created or overwritten: the address still belongs to the first account, with its password.
	p, err := stack.App.Store.PersonByEmail(context.Background(), email)
	if err != nil {
		t.Fatal(err)
	}
	if p.ID.String() != first.Str("id") {
		t.Fatalf("email now belongs to %s, want %s", p.ID, first.Str("id"))
	}
	if s := loginStatus(c, email, "second password"); s != http.StatusUnauthorized {
		t.Errorf("login with the duplicate's password: status %d, want 401", s)
	}
	if s := loginStatus(c, email, "first password"); s != http.StatusOK {
		t.Errorf("login with the first password: status %d, want 200", s)
	}
}

func TestRegisterRejectsBadBodies(t *testing.T) {
	c := stack.Client(t)
	addr := uniqueEmail("bad")
	for _, tc := range []struct {
		name  string
		body  any
		paths []string
	}{
		{"malformed JSON", `{"email": "` + addr + `", "password": `, nil},
		{"JSON array", `[{"email": "` + addr + `", "password": "long enough"}]`, nil},
		{"missing fields", `{}`, []string{"email", "password"}},
		{"empty body", nil, []string{"email", "password"}},
		{"email of the wrong type", `{"email": 123, "password": "long enough"}`, []string{"email"}},
		{"password too short", map[string]string{"email": addr, "password": "1234567"}, []string{"password"}},
		{"invalid email", map[string]string{"email": "not-an-email", "password": "long enough"}, []string{"email"}},
		{"email with a display name", map[string]string{"email": "Bob <bob@example.com>", "password": "long enough"}, []string{"email"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := c.With(func(c *testkit.Client) { c.T = t })
			c.Post("/security/register", tc.body).ExpectError(http.StatusBadRequest, tc.paths...)
		})
	}
	// None of them created an account.
	if _, err := stack.App.Store.PersonByEmail(context.Background(), addr); !domain.IsKind(err, domain.KindNotFound) {
		t.Errorf("a rejected registration created an account (err %v)", err)
	}
}

func TestRegisterMessagesFollowAcceptLanguage(t *testing.T) {
	c := stack.Client(t)
	fr := c.Post("/security/register", map[string]string{"email": uniqueEmail("lang"), "password": "short"}).
		ExpectError(http.StatusBadRequest, "password")
	if got := fr.Str("_embedded.errors.0.message"); !strings.Contains(got, "trop courte") {
		t.Errorf("default message %q, want French", got)
	}
	en := c.With(func(c *testkit.Client) { c.Lang = "en-US" }).
		Post("/security/register", map[string]string{"email": uniqueEmail("lang"), "password": "short"}).
		ExpectError(http.StatusBadRequest, "password")
	if got := en.Str("_embedded.errors.0.message"); !strings.Contains(got, "too short") {
		t.Errorf("en-US message %q, want English", got)
	}
}

// --- POST /security/login ---

func TestLoginReturnsBearerToken(t *testing.T) {
	u := stack.NewUser(t)
	r := u.Post("/security/login", map[string]string{"login": u.Email, "password": u.Password}).Expect(http.StatusOK)
	if r.Str("accessToken") == "" || r.Str("tokenType") != "Bearer" {
		t.Fatalf("not a bearer login: %s", r.Body)
	}
	if r.Str("credentials.id") != u.PersonID {
		t.Errorf("credentials.id %q, want %q", r.Str("credentials.id"), u.PersonID)
	}
	// The token it returns opens the protectedPath API as that person.
	me := u.With(func(c *testkit.Client) { c.Token = r.Str("accessToken") }).Get("/people/" + u.PersonID).Expect(http.StatusOK)
	if me.Str("email") != u.Email {
		t.Errorf("GET /people/{me} with the new token: %s", me.Body)
	}
	// The login is not case-sensitive, as emails are not.
	if s := loginStatus(u, strings.ToUpper(u.Email), u.Password); s != http.StatusOK {
		t.Errorf("login with the uppercased email: status %d", s)
	}
}

func TestLoginDoesNotRevealWhetherEmailExists(t *testing.T) {
	u := stack.NewUser(t)
	wrongPassword := u.Post("/security/login", map[string]string{"login": u.Email, "password": "not the password"}).
		ExpectError(http.StatusUnauthorized)
	unknownEmail := u.Post("/security/login", map[string]string{"login": uniqueEmail("nobody"), "password": "not the password"}).
		ExpectError(http.StatusUnauthorized)
	if string(wrongPassword.Body) != string(unknownEmail.Body) {
		t.Fatalf("answers differ, revealing which emails exist:\nwrong password: %s\nunknown email:  %s", wrongPassword.Body, unknownEmail.Body)
	}
	if unknownEmail.Str("message") != "Identifiants invalides." {
		t.Errorf("message %q", unknownEmail.Str("message"))
	}
}

func TestLoginRejectsMissingFields(t *testing.T) {
	c := stack.Client(t)
	c.Post("/security/login", `{}`).ExpectError(http.StatusBadRequest, "login", "password")
	c.Post("/security/login", map[string]string{"login": "someone@example.com"}).ExpectError(http.StatusBadRequest, "password")
	c.Post("/security/login", `not json`).ExpectError(http.StatusBadRequest)
}

// --- POST /security/password/change-request ---

func requestReset(c *testkit.Client, email string) {
	c.T.Helper()
	r := c.Post("/security/password/change-request", map[string]string{"email": email}).Expect(http.StatusNoContent)
	if len(r.Body) != 0 {
		c.T.Fatalf("204 with a body: %s", r.Body)
	}
}

// resetToken asks for a reset and returns the token of the email it sends (the n-th to email).
func resetToken(t *testing.T, c *testkit.Client, email string, n int) string {
	t.Helper()
	requestReset(c, email)
	emails := stack.WaitEmails(t, email, "password_reset", n)
	return testkit.ResetToken(t, emails[n-1].TextBody)
}

func changePassword(c *testkit.Client, token, password string) *testkit.Response {
	c.T.Helper()
	return c.Post("/security/password/change/"+token, map[string]string{"password": password})
}

func TestPasswordChangeRequestForUnknownEmail(t *testing.T) {
	c := stack.Client(t)
	unknown := uniqueEmail("ghost")
	requestReset(c, unknown)

	// A known address requested afterwards gets its email; the worker has had every chance to
	// send one for the unknown address too, and must not have.
	u := stack.NewUser(t)
	requestReset(u, u.Email)
	stack.WaitEmails(t, u.Email, "password_reset", 1)
	emails, err := stack.App.Store.EmailsTo(context.Background(), unknown)
	if err != nil {
		t.Fatal(err)
	}
	if len(emails) != 0 {
		t.Fatalf("an email was recorded for an unknown address: %+v", emails)
	}
}

func TestPasswordChangeRequestSendsLinkAndStartsWorkflow(t *testing.T) {
	u := stack.NewUser(t)
	// The case of the address does not matter.
	requestReset(u, strings.ToUpper(u.Email))

	emails := stack.WaitEmails(t, u.Email, "password_reset", 1)
	if len(emails) != 1 {
		t.Fatalf("%d emails, want 1", len(emails))
	}
	e := emails[0]
	if e.To != u.Email {
		t.Errorf("email sent to %q, want %q", e.To, u.Email)
	}
	link := testkit.ResetLink(t, e.TextBody)
	if !strings.HasPrefix(link, "https://app.keyclic.com/#/password-reset/") {
		t.Errorf("link %q does not use com.keyclic.app's reset URL", link)
	}
	if !strings.Contains(e.HTMLBody, link) {
		t.Errorf("the HTML part lacks the link %q", link)
	}

	resets := stack.PasswordResets(t, u.PersonID)
	if len(resets) != 1 || resets[0].State != store.ResetPending {
		t.Fatalf("password resets: %+v, want one PENDING", resets)
	}
	desc, err := stack.App.Temporal.DescribeWorkflowExecution(context.Background(), workflows.PasswordResetWorkflowID(resets[0].ID), "")
	if err != nil {
		t.Fatalf("workflow of request %s: %v", resets[0].ID, err)
	}
	info := desc.GetWorkflowExecutionInfo()
	if info.GetType().GetName() != workflows.PasswordResetWorkflowName || info.GetStatus() != enums.WORKFLOW_EXECUTION_STATUS_RUNNING {
		t.Errorf("workflow %s: type %q, status %v; want a running %s", info.GetExecution().GetWorkflowId(),
			info.GetType().GetName(), info.GetStatus(), workflows.PasswordResetWorkflowName)
	}
}

func TestPasswordChangeRequestLinkFollowsApplication(t *testing.T) {
	u := stack.NewUser(t)
	requestReset(u.With(func(c *testkit.Client) { c.App = "com.keyclic.city" }), u.Email)
	link := testkit.ResetLink(t, stack.WaitEmails(t, u.Email, "password_reset", 1)[0].TextBody)
	if !strings.HasPrefix(link, "https://city.keyclic.com/#/password-reset/") {
		t.Errorf("link %q does not use com.keyclic.city's reset URL", link)
	}
}

func TestPasswordChangeRequestRejectsInvalidEmail(t *testing.T) {
	c := stack.Client(t)
	c.Post("/security/password/change-request", map[string]string{"email": "not-an-email"}).ExpectError(http.StatusBadRequest, "email")
	c.Post("/security/password/change-request", `{}`).ExpectError(http.StatusBadRequest, "email")
	c.Post("/security/password/change-request", `{"email": true}`).ExpectError(http.StatusBadRequest, "email")
}

func TestPasswordResetEmailLanguage(t *testing.T) {
	fr := stack.NewUser(t)
	requestReset(fr, fr.Email)
	if got := stack.WaitEmails(t, fr.Email, "password_reset", 1)[0]; got.Subject != "Réinitialisation de votre mot de passe Keyclic" || got.Language != "fr" {
		t.Errorf("default email: subject %q, language %q; want the French template", got.Subject, got.Language)
	}

	en := stack.NewUser(t)
	requestReset(en.With(func(c *testkit.Client) { c.Lang = "en-US" }), en.Email)
	if got := stack.WaitEmails(t, en.Email, "password_reset", 1)[0]; got.Subject != "Reset your Keyclic password" || got.Language != "en" {
		t.Errorf("en-US email: subject %q, language %q; want the English template", got.Subject, got.Language)
	}
}

// --- POST /security/password/change/{token} ---

func TestPasswordChangeWithEmailedToken(t *testing.T) {
	u := stack.NewUser(t)
	token := resetToken(t, u, u.Email, 1)
	changePassword(u, token, "brand new password").Expect(http.StatusNoContent)

	if s := loginStatus(u, u.Email, "brand new password"); s != http.StatusOK {
		t.Errorf("login with the new password: status %d, want 200", s)
	}
	if s := loginStatus(u, u.Email, u.Password); s != http.StatusUnauthorized {
		t.Errorf("login with the old password: status %d, want 401", s)
	}

	// The token is single-use: a second change is refused and leaves the password alone.
	changePassword(u, token, "another password").ExpectError(http.StatusBadRequest, "token")
	if s := loginStatus(u, u.Email, "another password"); s != http.StatusUnauthorized {
		t.Errorf("a reused token changed the password")
	}
	if s := loginStatus(u, u.Email, "brand new password"); s != http.StatusOK {
		t.Errorf("login with the password set by the token: status %d, want 200", s)
	}

	// The request is recorded as used, and its workflow ended that way.
	resets := stack.PasswordResets(t, u.PersonID)
	if len(resets) != 1 || resets[0].State != store.ResetUsed {
		t.Fatalf("password resets: %+v, want one USED", resets)
	}
	if got := resetOutcome(t, resets[0].ID); got != workflows.ResetOutcomeUsed {
		t.Errorf("workflow outcome %q, want %q", got, workflows.ResetOutcomeUsed)
	}
}

func TestPasswordChangeRejectsForgedToken(t *testing.T) {
	u := stack.NewUser(t)
	resetToken(t, u, u.Email, 1) // a real request is pending: a guess must still not match it
	changePassword(u, "forged-token-AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", "brand new password").ExpectError(http.StatusBadRequest, "token")
	changePassword(u, "x", "brand new password").ExpectError(http.StatusBadRequest, "token")
	if s := loginStatus(u, u.Email, u.Password); s != http.StatusOK {
		t.Errorf("password changed by a forged token")
	}
}

func TestPasswordChangeShortPasswordKeepsToken(t *testing.T) {
	u := stack.NewUser(t)
	token := resetToken(t, u, u.Email, 1)
	changePassword(u, token, "short").ExpectError(http.StatusBadRequest, "password")
	u.Post("/security/password/change/"+token, `{}`).ExpectError(http.StatusBadRequest, "password")
	if s := loginStatus(u, u.Email, u.Password); s != http.StatusOK {
		t.Errorf("a refused change altered the password")
	}
	// Refusals did not consume the token.
	changePassword(u, token, "long enough now").Expect(http.StatusNoContent)
	if s := loginStatus(u, u.Email, "long enough now"); s != http.StatusOK {
		t.Errorf("login with the new password: status %d", s)
	}
}

func TestPasswordChangeSupersedesOtherPendingRequests(t *testing.T) {
	u := stack.NewUser(t)
	first := resetToken(t, u, u.Email, 1)
	second := resetToken(t, u, u.Email, 2)
	if first == second {
		t.Fatal("two requests got the same token")
	}
	changePassword(u, first, "first new password").Expect(http.StatusNoContent)
	changePassword(u, second, "second new password").ExpectError(http.StatusBadRequest, "token")
	if s := loginStatus(u, u.Email, "first new password"); s != http.StatusOK {
		t.Errorf("login with the password of the used token: status %d", s)
	}
	states := map[string]int{}
	for _, r := range stack.PasswordResets(t, u.PersonID) {
		states[r.State]++
	}
	if states[store.ResetUsed] != 1 || states[store.ResetSuperseded] != 1 {
		t.Errorf("request states %v, want one USED and one SUPERSEDED", states)
	}
}

func TestPasswordChangeTokenExpires(t *testing.T) {
	settings := stack.App.APISettings()
	settings.PasswordResetTTL = time.Second
	srv := httptest.NewServer(stack.App.NewAPI(settings).Handler())
	defer srv.Close()

	u := stack.NewUser(t)
	short := u.With(func(c *testkit.Client) { c.Base = srv.URL })
	token := resetToken(t, short, u.Email, 1)
	resets := stack.PasswordResets(t, u.PersonID)
	if len(resets) != 1 {
		t.Fatalf("password resets: %+v, want one", resets)
	}
	// The workflow's timer, not the request, expires the row.
	if !testkit.Eventually(time.Minute, func() bool {
		return stack.PasswordResets(t, u.PersonID)[0].State == store.ResetExpired
	}) {
		t.Fatalf("request still %s a minute after its 1s lifetime", stack.PasswordResets(t, u.PersonID)[0].State)
	}
	changePassword(short, token, "too late password").ExpectError(http.StatusBadRequest, "token")
	changePassword(u, token, "too late password").ExpectError(http.StatusBadRequest, "token")
	if s := loginStatus(u, u.Email, u.Password); s != http.StatusOK {
		t.Errorf("an expired token changed the password")
	}
	if got := resetOutcome(t, resets[0].ID); got != workflows.ResetOutcomeExpired {
		t.Errorf("workflow outcome %q, want %q", got, workflows.ResetOutcomeExpired)
	}
}

// resetOutcome waits for a request's workflow to end and returns how it ended.
func resetOutcome(t *testing.T, requestID uuid.UUID) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	var res workflows.PasswordResetResult
	if err := stack.App.Temporal.GetWorkflow(ctx, workflows.PasswordResetWorkflowID(requestID), "").Get(ctx, &res); err != nil {
		t.Fatal(err)
	}
	return res.Outcome
}

// postConcurrently sends one password change per (token, password) pair at the same time and
// returns the statuses, in the same order. Plain HTTP: t.Fatal must not run off the test goroutine.
func postConcurrently(t *testing.T, tokens, passwords []string) []int {
	t.Helper()
	statuses := make([]int, len(tokens))
	errs := make([]error, len(tokens))
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i := range tokens {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			body := strings.NewReader(`{"password": "` + passwords[i] + `"}`)
			resp, err := http.Post(stack.HTTP.URL+"/security/password/change/"+tokens[i], "application/json", body)
			if err != nil {
				errs[i] = err
				return
			}
			resp.Body.Close()
			statuses[i] = resp.StatusCode
		}()
	}
	close(start)
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	return statuses
}

// expectOneWinner checks that exactly one change succeeded, the others were refused, and that
// the password now is the winner's (a client told 204 must be able to log in with what it sent).
func expectOneWinner(t *testing.T, u *testkit.Client, statuses []int, passwords []string) {
	t.Helper()
	won := -1
	for i, s := range statuses {
		switch {
		case s == http.StatusNoContent && won == -1:
			won = i
		case s == http.StatusNoContent:
			t.Errorf("two concurrent changes both answered 204: %v", statuses)
		case s != http.StatusBadRequest:
			t.Errorf("a concurrent change answered %d: %v", s, statuses)
		}
	}
	if won == -1 {
		t.Fatalf("no concurrent change succeeded: %v", statuses)
	}
	for i, pw := range passwords {
		want := http.StatusUnauthorized
		if i == won {
			want = http.StatusOK
		}
		if s := loginStatus(u, u.Email, pw); s != want {
			t.Errorf("login with password #%d (winner #%d): status %d, want %d", i, won, s, want)
		}
	}
}

func TestPasswordChangeSameTokenConcurrently(t *testing.T) {
	u := stack.NewUser(t)
	token := resetToken(t, u, u.Email, 1)
	var tokens, passwords []string
	for i := range 5 {
		tokens = append(tokens, token)
		passwords = append(passwords, fmt.Sprintf("concurrent password %d", i))
	}
	expectOneWinner(t, u, postConcurrently(t, tokens, passwords), passwords)
}

func TestPasswordChangeTwoTokensConcurrently(t *testing.T) {
	u := stack.NewUser(t)
	tokens := []string{resetToken(t, u, u.Email, 1), resetToken(t, u, u.Email, 2)}
	passwords := []string{"password of the first link", "password of the second link"}
	expectOneWinner(t, u, postConcurrently(t, tokens, passwords), passwords)
}

// A second reset request within the throttle period sends no second email, and answers the same.
func TestPasswordChangeRequestIsThrottled(t *testing.T) {
	settings := stack.App.APISettings()
	settings.PasswordResetThrottle = time.Hour
	srv := httptest.NewServer(stack.App.NewAPI(settings).Handler())
	defer srv.Close()
	u := stack.NewUser(t)
	c := u.With(func(c *testkit.Client) { c.Base = srv.URL })
	c.Post("/security/password/change-request", map[string]string{"email": u.Email}).Expect(http.StatusNoContent)
	stack.WaitEmails(t, u.Email, "password_reset", 1)
	c.Post("/security/password/change-request", map[string]string{"email": u.Email}).Expect(http.StatusNoContent)
	// Another person's request, sent after, arrives: the first person's second one would have too.
	other := stack.NewUser(t)
	c.Post("/security/password/change-request", map[string]string{"email": other.Email}).Expect(http.StatusNoContent)
	stack.WaitEmails(t, other.Email, "password_reset", 1)
	if n := len(stack.PasswordResets(t, u.PersonID)); n != 1 {
		t.Fatalf("%d reset requests recorded, want 1", n)
	}
	if got := stack.WaitEmails(t, u.Email, "password_reset", 1); len(got) != 1 {
		t.Fatalf("%d reset emails, want 1", len(got))
	}
}

// Password guessing is slowed down: after the allowed failures, even the right password waits
// (429 with Retry-After), for a known and an unknown login alike; other logins are unaffected.
func TestLoginThrottlesGuessing(t *testing.T) {
	max := stack.App.Config.LoginMaxFailures
	u, bystander := stack.NewUser(t), stack.NewUser(t)
	unknown := "nobody-" + uuid.NewString()[:8] + "@example.com"
	for _, login := range []string{u.Email, unknown} {
		for i := 0; i < max; i++ {
			u.Post("/security/login", map[string]string{"login": login, "password": "wrong guess"}).ExpectError(http.StatusUnauthorized)
		}
		r := u.Post("/security/login", map[string]string{"login": login, "password": u.Password}).ExpectError(http.StatusTooManyRequests)
		if r.Header.Get("Retry-After") == "" {
			t.Fatalf("429 without Retry-After for %s", login)
		}
	}
	bystander.Post("/security/login", map[string]string{"login": bystander.Email, "password": bystander.Password}).Expect(http.StatusOK)
}

// A successful login forgets the failures before it.
func TestLoginSuccessResetsFailures(t *testing.T) {
	max := stack.App.Config.LoginMaxFailures
	u := stack.NewUser(t)
	for round := 0; round < 2; round++ {
		for i := 0; i < max-1; i++ {
			u.Post("/security/login", map[string]string{"login": u.Email, "password": "wrong guess"}).ExpectError(http.StatusUnauthorized)
		}
		u.Post("/security/login", map[string]string{"login": u.Email, "password": u.Password}).Expect(http.StatusOK)
	}
}
