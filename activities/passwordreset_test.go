package activities_test

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/keyclic/keyclic/activities"
	"github.com/keyclic/keyclic/domain"
	"github.com/keyclic/keyclic/internal/failure"
	"github.com/keyclic/keyclic/internal/testkit"
	"github.com/keyclic/keyclic/store"
)

const resetURL = "https://example.test/reset/"

// Seeded applications (store/migrations/00001_foundation.sql).
var cityAppID = uuid.MustParse("0b9ac7b8-7c1e-4f38-9d0c-6f1d2a000002")

type fixture struct {
	t      *testing.T
	ctx    context.Context
	st     *store.Store
	acts   *activities.Activities
	person domain.Person
}

// newFixture gives a test its own database, one person, and activities that record emails.
func newFixture(t *testing.T, mailer activities.Mailer) *fixture {
	t.Helper()
	st := testkit.StoreForTest(t)
	if mailer == nil {
		mailer = activities.RecordingMailer{Log: testkit.Logger()}
	}
	f := &fixture{t: t, ctx: context.Background(), st: st, acts: &activities.Activities{
		Store: st, Mailer: mailer, Settings: activities.Settings{PasswordResetURL: resetURL}, Log: testkit.Logger(), Now: time.Now,
	}}
	f.person = f.newPerson("marie.curie@example.com")
	return f
}

func (f *fixture) newPerson(email string) domain.Person {
	f.t.Helper()
	p, err := f.st.CreatePerson(f.ctx, domain.Person{ID: uuid.New(), Email: email, PasswordHash: "old-hash", Language: domain.French})
	if err != nil {
		f.t.Fatal(err)
	}
	return p
}

// newRequest records a pending request for the person, valid for the next hour.
func (f *fixture) newRequest(personID uuid.UUID) uuid.UUID {
	f.t.Helper()
	return f.newRequestExpiring(personID, time.Now().Add(time.Hour))
}

func (f *fixture) newRequestExpiring(personID uuid.UUID, expiresAt time.Time) uuid.UUID {
	f.t.Helper()
	id := uuid.New()
	if err := f.st.CreatePasswordReset(f.ctx, store.PasswordReset{ID: id, PersonID: personID, ExpiresAt: expiresAt}); err != nil {
		f.t.Fatal(err)
	}
	return id
}

func (f *fixture) send(requestID uuid.UUID, appID *uuid.UUID, lang domain.Lang) error {
	f.t.Helper()
	return f.acts.SendPasswordResetEmail(f.ctx, activities.SendPasswordResetEmailInput{
		RequestID: requestID, PersonID: f.person.ID, ApplicationID: appID, Language: lang,
	})
}

// sendOK sends the request's email and returns the token it carries.
func (f *fixture) sendOK(requestID uuid.UUID) string {
	f.t.Helper()
	if err := f.send(requestID, nil, domain.French); err != nil {
		f.t.Fatal(err)
	}
	e, err := f.st.EmailByKey(f.ctx, "password-reset/"+requestID.String())
	if err != nil {
		f.t.Fatal(err)
	}
	return testkit.ResetToken(f.t, e.TextBody)
}

func (f *fixture) emails() []store.Email {
	f.t.Helper()
	es, err := f.st.EmailsTo(f.ctx, f.person.Email)
	if err != nil {
		f.t.Fatal(err)
	}
	return es
}

func (f *fixture) state(requestID uuid.UUID) string {
	f.t.Helper()
	r, err := f.st.PasswordReset(f.ctx, requestID)
	if err != nil {
		f.t.Fatal(err)
	}
	return r.State
}

func (f *fixture) passwordHash() string {
	f.t.Helper()
	p, err := f.st.Person(f.ctx, f.person.ID)
	if err != nil {
		f.t.Fatal(err)
	}
	return p.PasswordHash
}

// tokenValid reports whether a token from an email still opens its request.
func (f *fixture) tokenValid(token string, requestID uuid.UUID) bool {
	f.t.Helper()
	r, err := f.st.PendingPasswordResetByToken(f.ctx, domain.HashResetToken(token))
	if domain.IsKind(err, domain.KindNotFound) {
		return false
	}
	if err != nil {
		f.t.Fatal(err)
	}
	return r.ID == requestID
}

// refusedOnToken checks err is the non-retryable "invalid token" error the workflow stops on.
func refusedOnToken(t *testing.T, err error) {
	t.Helper()
	de := failure.FromTemporal(err)
	if de == nil || de.Kind != domain.KindInvalid || len(de.Violations) != 1 || de.Violations[0].Path != "token" {
		t.Fatalf("error %v, want a non-retryable validation error on token", err)
	}
}

func TestSendPasswordResetEmailTwiceSendsOnce(t *testing.T) {
	f := newFixture(t, nil)
	req := f.newRequest(f.person.ID)
	// A retried activity: the second run must neither send again nor change the token.
	for range 2 {
		if err := f.send(req, nil, domain.French); err != nil {
			t.Fatal(err)
		}
	}
	es := f.emails()
	if len(es) != 1 {
		t.Fatalf("%d emails recorded, want 1", len(es))
	}
	e := es[0]
	if e.To != f.person.Email || e.Status != store.EmailRecorded {
		t.Errorf("email to %q with status %q", e.To, e.Status)
	}
	link := testkit.ResetLink(t, e.TextBody)
	if !strings.HasPrefix(link, resetURL) {
		t.Errorf("link %q does not start with the configured reset URL %q", link, resetURL)
	}
	token := testkit.ResetToken(t, e.TextBody)
	if !f.tokenValid(token, req) {
		t.Fatal("the token in the email does not open the request")
	}
	// Only the token's hash is stored.
	var stored []byte
	if err := f.st.Pool.QueryRow(f.ctx, `SELECT token_hash FROM password_resets WHERE id = $1`, req).Scan(&stored); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(stored, domain.HashResetToken(token)) || bytes.Contains(stored, []byte(token)) {
		t.Errorf("stored token_hash %x is not the SHA-256 of the emailed token", stored)
	}
}

func TestSendPasswordResetEmailLinkFollowsApplication(t *testing.T) {
	f := newFixture(t, nil)
	city := f.newRequest(f.person.ID)
	if err := f.send(city, &cityAppID, domain.French); err != nil {
		t.Fatal(err)
	}
	unknownApp := uuid.New()
	fallback := f.newRequest(f.person.ID)
	if err := f.send(fallback, &unknownApp, domain.French); err != nil {
		t.Fatal(err)
	}
	links := map[uuid.UUID]string{}
	for _, req := range []uuid.UUID{city, fallback} {
		e, err := f.st.EmailByKey(f.ctx, "password-reset/"+req.String())
		if err != nil {
			t.Fatal(err)
		}
		links[req] = testkit.ResetLink(t, e.TextBody)
	}
	if !strings.HasPrefix(links[city], "https://city.keyclic.com/#/password-reset/") {
		t.Errorf("com.keyclic.city link %q", links[city])
	}
	if !strings.HasPrefix(links[fallback], resetURL) {
		t.Errorf("unknown application: link %q, want the configured %q", links[fallback], resetURL)
	}
}

func TestSendPasswordResetEmailRefusedOnceSuperseded(t *testing.T) {
	f := newFixture(t, nil)
	used, late := f.newRequest(f.person.ID), f.newRequest(f.person.ID)
	if err := f.acts.UsePasswordReset(f.ctx, activities.UsePasswordResetInput{RequestID: used, PasswordHash: "new-hash"}); err != nil {
		t.Fatal(err)
	}
	// The late request's email was not sent yet: it must not go out with a token.
	refusedOnToken(t, f.send(late, nil, domain.French))
	if es := f.emails(); len(es) != 0 {
		t.Fatalf("%d emails sent for a superseded request", len(es))
	}
}

func TestUsePasswordResetTwiceIsNoOp(t *testing.T) {
	f := newFixture(t, nil)
	first, other := f.newRequest(f.person.ID), f.newRequest(f.person.ID)
	otherToken := f.sendOK(other)
	if !f.tokenValid(otherToken, other) {
		t.Fatal("setup: the other request's token should be valid")
	}

	in := activities.UsePasswordResetInput{RequestID: first, PasswordHash: "new-hash"}
	if err := f.acts.UsePasswordReset(f.ctx, in); err != nil {
		t.Fatal(err)
	}
	if got := f.passwordHash(); got != "new-hash" {
		t.Fatalf("password hash %q, want the new one", got)
	}
	// A retry of the same activity succeeds without doing anything.
	if err := f.acts.UsePasswordReset(f.ctx, in); err != nil {
		t.Fatalf("retry: %v", err)
	}
	if s := f.state(first); s != store.ResetUsed {
		t.Errorf("request %s, want USED", s)
	}
	// Nor can a used request set a password again.
	if err := f.acts.UsePasswordReset(f.ctx, activities.UsePasswordResetInput{RequestID: first, PasswordHash: "other-hash"}); err != nil {
		t.Fatalf("second use: %v", err)
	}
	if got := f.passwordHash(); got != "new-hash" {
		t.Fatalf("password hash %q after a second use, want it unchanged", got)
	}

	// The person's other pending request is superseded: its emailed token no longer works.
	if s := f.state(other); s != store.ResetSuperseded {
		t.Errorf("other request %s, want SUPERSEDED", s)
	}
	if f.tokenValid(otherToken, other) {
		t.Error("the other request's token still opens it")
	}
	refusedOnToken(t, f.acts.UsePasswordReset(f.ctx, activities.UsePasswordResetInput{RequestID: other, PasswordHash: "sneaky-hash"}))
	if got := f.passwordHash(); got != "new-hash" {
		t.Fatalf("a superseded request changed the password to %q", got)
	}
}

func TestUsePasswordResetLeavesOtherPeopleAlone(t *testing.T) {
	f := newFixture(t, nil)
	someoneElse := f.newPerson("pierre.curie@example.com")
	theirs := f.newRequest(someoneElse.ID)
	if err := f.acts.UsePasswordReset(f.ctx, activities.UsePasswordResetInput{RequestID: f.newRequest(f.person.ID), PasswordHash: "new-hash"}); err != nil {
		t.Fatal(err)
	}
	if s := f.state(theirs); s != store.ResetPending {
		t.Errorf("another person's request became %s", s)
	}
	p, err := f.st.Person(f.ctx, someoneElse.ID)
	if err != nil {
		t.Fatal(err)
	}
	if p.PasswordHash != "old-hash" {
		t.Errorf("another person's password changed")
	}
}

func TestUsePasswordResetRefusesExpiredRequests(t *testing.T) {
	f := newFixture(t, nil)
	// Past its lifetime, even if the workflow's timer has not marked it yet.
	overdue := f.newRequestExpiring(f.person.ID, time.Now().Add(-time.Minute))
	refusedOnToken(t, f.acts.UsePasswordReset(f.ctx, activities.UsePasswordResetInput{RequestID: overdue, PasswordHash: "new-hash"}))

	expired := f.newRequest(f.person.ID)
	if err := f.acts.ExpirePasswordReset(f.ctx, activities.ExpirePasswordResetInput{RequestID: expired}); err != nil {
		t.Fatal(err)
	}
	refusedOnToken(t, f.acts.UsePasswordReset(f.ctx, activities.UsePasswordResetInput{RequestID: expired, PasswordHash: "new-hash"}))
	if got := f.passwordHash(); got != "old-hash" {
		t.Fatalf("an expired request changed the password to %q", got)
	}
}

func TestExpirePasswordReset(t *testing.T) {
	f := newFixture(t, nil)
	pending := f.newRequest(f.person.ID)
	token := f.sendOK(pending)
	for range 2 { // idempotent: the timer's activity may be retried
		if err := f.acts.ExpirePasswordReset(f.ctx, activities.ExpirePasswordResetInput{RequestID: pending}); err != nil {
			t.Fatal(err)
		}
	}
	if s := f.state(pending); s != store.ResetExpired {
		t.Errorf("request %s, want EXPIRED", s)
	}
	if f.tokenValid(token, pending) {
		t.Error("an expired request's token still opens it")
	}
}

func TestExpirePasswordResetKeepsUsedRequest(t *testing.T) {
	f := newFixture(t, nil)
	req := f.newRequest(f.person.ID)
	if err := f.acts.UsePasswordReset(f.ctx, activities.UsePasswordResetInput{RequestID: req, PasswordHash: "new-hash"}); err != nil {
		t.Fatal(err)
	}
	if err := f.acts.ExpirePasswordReset(f.ctx, activities.ExpirePasswordResetInput{RequestID: req}); err != nil {
		t.Fatal(err)
	}
	if s := f.state(req); s != store.ResetUsed {
		t.Errorf("used request became %s", s)
	}
	if got := f.passwordHash(); got != "new-hash" {
		t.Errorf("password hash %q, want the one set by the used request", got)
	}
}

// Two links of the same person used at the same moment: one wins, the other is refused as a
// rule (non-retryable), never with a transient database error such as a deadlock.
func TestUsePasswordResetConcurrentRequestsOfOnePerson(t *testing.T) {
	f := newFixture(t, nil)
	for round := range 20 {
		reqs := []uuid.UUID{f.newRequest(f.person.ID), f.newRequest(f.person.ID)}
		errs := make([]error, len(reqs))
		var wg sync.WaitGroup
		start := make(chan struct{})
		for i, req := range reqs {
			wg.Add(1)
			go func() {
				defer wg.Done()
				<-start
				errs[i] = f.acts.UsePasswordReset(f.ctx, activities.UsePasswordResetInput{RequestID: req, PasswordHash: fmt.Sprintf("hash-%d-%d", round, i)})
			}()
		}
		close(start)
		wg.Wait()
		won := -1
		for i, err := range errs {
			if err == nil {
				if won != -1 {
					t.Fatalf("round %d: both requests were used", round)
				}
				won = i
				continue
			}
			refusedOnToken(t, err)
		}
		if won == -1 {
			t.Fatalf("round %d: no request was used: %v", round, errs)
		}
		if got, want := f.passwordHash(), fmt.Sprintf("hash-%d-%d", round, won); got != want {
			t.Fatalf("round %d: password hash %q, want the winner's %q", round, got, want)
		}
	}
}
