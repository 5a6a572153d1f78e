package workflows_test

import (
	"context"
	"errors"
	"log/slog"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/mock"
	tlog "go.temporal.io/sdk/log"
	"go.temporal.io/sdk/testsuite"
	"go.temporal.io/sdk/workflow"

	"github.com/keyclic/keyclic/activities"
	"github.com/keyclic/keyclic/domain"
	"github.com/keyclic/keyclic/internal/failure"
	"github.com/keyclic/keyclic/workflows"
)

const ttl = time.Hour

// acts is only a method set for the mocks: every activity a test lets run is mocked.
var acts = &activities.Activities{}

type resetTest struct {
	t     *testing.T
	env   *testsuite.TestWorkflowEnvironment
	in    workflows.PasswordResetInput
	start time.Time
}

// newResetTest registers the workflow under its stable name and the activities (only mocked ones
// may run: the real ones would need a database).
func newResetTest(t *testing.T) *resetTest {
	var s testsuite.WorkflowTestSuite
	s.SetLogger(tlog.NewStructuredLogger(slog.New(slog.DiscardHandler))) // failures speak for themselves
	env := s.NewTestWorkflowEnvironment()
	env.RegisterWorkflowWithOptions(workflows.PasswordResetWorkflow, workflow.RegisterOptions{Name: workflows.PasswordResetWorkflowName})
	env.RegisterActivity(acts)
	appID := uuid.New()
	return &resetTest{t: t, env: env, start: env.Now(), in: workflows.PasswordResetInput{
		RequestID: uuid.New(), PersonID: uuid.New(), ApplicationID: &appID, Language: domain.English, TTL: domain.Duration(ttl),
	}}
}

// emailSent mocks the email activity as succeeding once, for exactly this request's input.
func (rt *resetTest) emailSent() {
	rt.env.OnActivity(acts.SendPasswordResetEmail, mock.Anything, activities.SendPasswordResetEmailInput{
		RequestID: rt.in.RequestID, PersonID: rt.in.PersonID, ApplicationID: rt.in.ApplicationID, Language: rt.in.Language,
	}).Return(nil).Once()
}

// expireAllowed lets ExpirePasswordReset run for this request (tests count the calls) and returns
// where the workflow time of the call is recorded.
func (rt *resetTest) expireAllowed() *time.Time {
	var at time.Time
	rt.env.OnActivity(acts.ExpirePasswordReset, mock.Anything, activities.ExpirePasswordResetInput{RequestID: rt.in.RequestID}).
		Return(func(context.Context, activities.ExpirePasswordResetInput) error { at = rt.env.Now(); return nil }).Maybe()
	return &at
}

// useAllowed mocks UsePasswordReset for this request and hash; tests tune the count and delay.
func (rt *resetTest) useAllowed(hash string) *testsuite.MockCallWrapper {
	return rt.env.OnActivity(acts.UsePasswordReset, mock.Anything,
		activities.UsePasswordResetInput{RequestID: rt.in.RequestID, PasswordHash: hash}).Return(nil)
}

func (rt *resetTest) run() workflows.PasswordResetResult {
	rt.t.Helper()
	rt.env.ExecuteWorkflow(workflows.PasswordResetWorkflowName, rt.in)
	if !rt.env.IsWorkflowCompleted() {
		rt.t.Fatal("workflow did not complete")
	}
	if err := rt.env.GetWorkflowError(); err != nil {
		rt.t.Fatalf("workflow failed: %v", err)
	}
	var res workflows.PasswordResetResult
	if err := rt.env.GetWorkflowResult(&res); err != nil {
		rt.t.Fatal(err)
	}
	rt.env.AssertExpectations(rt.t)
	return res
}

// update records what became of one change-password update.
type update struct {
	accepted, rejected, completed bool
	rejectErr, completeErr        error
}

func (rt *resetTest) sendUpdate(id, hash string) *update {
	u := &update{}
	rt.sendUpdateTo(u, id, hash)
	return u
}

func (rt *resetTest) sendUpdateTo(u *update, id, hash string) {
	rt.env.UpdateWorkflow(workflows.UpdateChangePassword, id, &testsuite.TestUpdateCallback{
		OnAccept: func() { u.accepted = true },
		OnReject: func(err error) { u.rejected, u.rejectErr = true, err },
		OnComplete: func(_ any, err error) {
			u.completed, u.completeErr = true, err
		},
	}, workflows.ChangePasswordRequest{PasswordHash: hash})
}

// sendUpdateAt sends the update after d of workflow time.
func (rt *resetTest) sendUpdateAt(d time.Duration, id, hash string) *update {
	u := &update{}
	rt.env.RegisterDelayedCallback(func() { rt.sendUpdateTo(u, id, hash) }, d)
	return u
}

// rejectedOn checks the update was refused by the validator, naming the field at fault.
func rejectedOn(t *testing.T, u *update, path string) {
	t.Helper()
	if !u.rejected || u.accepted {
		t.Fatalf("update accepted=%v rejected=%v, want rejected", u.accepted, u.rejected)
	}
	de := failure.FromTemporal(u.rejectErr)
	if de == nil || de.Kind != domain.KindInvalid || len(de.Violations) != 1 || de.Violations[0].Path != path {
		t.Fatalf("rejection %v (domain error %+v), want a validation error on %q", u.rejectErr, de, path)
	}
}

func TestPasswordResetExpiresAfterTTL(t *testing.T) {
	rt := newResetTest(t)
	rt.emailSent()
	expiredAt := rt.expireAllowed()

	res := rt.run()
	if res.Outcome != workflows.ResetOutcomeExpired {
		t.Fatalf("outcome %q, want %q", res.Outcome, workflows.ResetOutcomeExpired)
	}
	rt.env.AssertActivityNumberOfCalls(t, "ExpirePasswordReset", 1)
	rt.env.AssertActivityNumberOfCalls(t, "UsePasswordReset", 0)
	// Workflow (virtual) time: the request is not expired before its lifetime is over.
	if expiredAt.Sub(rt.start) < ttl {
		t.Errorf("expired %v after the start, before the TTL of %v", expiredAt.Sub(rt.start), ttl)
	}
}

func TestPasswordResetChangeBeforeTTL(t *testing.T) {
	rt := newResetTest(t)
	rt.emailSent()
	rt.expireAllowed()
	rt.useAllowed("$2a$04$new-hash").Once()
	u := rt.sendUpdateAt(ttl/2, "change-1", "$2a$04$new-hash")

	res := rt.run()
	if !u.accepted || !u.completed || u.completeErr != nil {
		t.Fatalf("update %+v, want accepted and completed without error", u)
	}
	if res.Outcome != workflows.ResetOutcomeUsed {
		t.Fatalf("outcome %q, want %q", res.Outcome, workflows.ResetOutcomeUsed)
	}
	rt.env.AssertActivityNumberOfCalls(t, "ExpirePasswordReset", 0)
}

func TestPasswordResetSecondChangeRejected(t *testing.T) {
	rt := newResetTest(t)
	rt.emailSent()
	rt.expireAllowed()
	// The first change takes a while to apply: a second one (a double submit, or the link opened
	// twice) sent meanwhile is refused by the validator, so the password is set once.
	rt.useAllowed("$2a$04$first").Once().After(10 * time.Minute)
	first := rt.sendUpdateAt(ttl/4, "change-1", "$2a$04$first")
	second := rt.sendUpdateAt(ttl/4+time.Minute, "change-2", "$2a$04$second")

	res := rt.run()
	if !first.accepted || first.completeErr != nil {
		t.Fatalf("first update %+v, want accepted and completed", first)
	}
	rejectedOn(t, second, "token")
	if res.Outcome != workflows.ResetOutcomeUsed {
		t.Fatalf("outcome %q, want %q", res.Outcome, workflows.ResetOutcomeUsed)
	}
	rt.env.AssertActivityNumberOfCalls(t, "UsePasswordReset", 1)
}

// Once the password is changed the request is over: an update that comes afterwards (a replayed
// link) is not applied. The workflow has ended by then, so it may be refused without reaching the
// validator; when it does reach it, the validator must refuse it on "token".
func TestPasswordResetChangeAfterUseNotApplied(t *testing.T) {
	rt := newResetTest(t)
	rt.emailSent()
	rt.expireAllowed()
	rt.useAllowed("$2a$04$first").Once()
	var second *update
	rt.env.RegisterDelayedCallback(func() {
		rt.env.UpdateWorkflow(workflows.UpdateChangePassword, "change-1", &testsuite.TestUpdateCallback{
			OnAccept: func() {}, OnReject: func(err error) { t.Errorf("first update rejected: %v", err) },
			// Sent as soon as the first completes.
			OnComplete: func(any, error) { second = rt.sendUpdate("change-2", "$2a$04$second") },
		}, workflows.ChangePasswordRequest{PasswordHash: "$2a$04$first"})
	}, ttl/2)

	res := rt.run()
	if second == nil {
		t.Fatal("second update never sent")
	}
	if second.accepted {
		t.Fatal("an update after use was accepted")
	}
	if second.rejected {
		rejectedOn(t, second, "token")
	}
	if res.Outcome != workflows.ResetOutcomeUsed {
		t.Fatalf("outcome %q, want %q", res.Outcome, workflows.ResetOutcomeUsed)
	}
	rt.env.AssertActivityNumberOfCalls(t, "UsePasswordReset", 1)
}

func TestPasswordResetEmptyHashRejected(t *testing.T) {
	rt := newResetTest(t)
	rt.emailSent()
	rt.expireAllowed()
	rt.useAllowed("$2a$04$valid").Once()
	empty := rt.sendUpdateAt(ttl/4, "change-empty", "")
	// The refusal does not consume the request: a proper change afterwards goes through.
	valid := rt.sendUpdateAt(ttl/2, "change-valid", "$2a$04$valid")

	res := rt.run()
	rejectedOn(t, empty, "password")
	if !valid.accepted || valid.completeErr != nil {
		t.Fatalf("valid update after a rejected one: %+v", valid)
	}
	if res.Outcome != workflows.ResetOutcomeUsed {
		t.Fatalf("outcome %q, want %q", res.Outcome, workflows.ResetOutcomeUsed)
	}
}

func TestPasswordResetEmptyHashThenExpiry(t *testing.T) {
	rt := newResetTest(t)
	rt.emailSent()
	rt.expireAllowed()
	empty := rt.sendUpdateAt(ttl/4, "change-empty", "")

	res := rt.run()
	rejectedOn(t, empty, "password")
	rt.env.AssertActivityNumberOfCalls(t, "UsePasswordReset", 0)
	if res.Outcome != workflows.ResetOutcomeExpired {
		t.Fatalf("outcome %q, want %q", res.Outcome, workflows.ResetOutcomeExpired)
	}
}

// A change accepted just before the TTL ends still wins: the request is used, not expired.
func TestPasswordResetChangeInFlightAtTTL(t *testing.T) {
	rt := newResetTest(t)
	rt.emailSent()
	rt.expireAllowed()
	rt.useAllowed("$2a$04$late").Once().After(10 * time.Minute)
	u := rt.sendUpdateAt(ttl-time.Minute, "change-late", "$2a$04$late")

	res := rt.run()
	if !u.accepted || !u.completed || u.completeErr != nil {
		t.Fatalf("update %+v, want accepted and completed", u)
	}
	if res.Outcome != workflows.ResetOutcomeUsed {
		t.Fatalf("outcome %q, want %q", res.Outcome, workflows.ResetOutcomeUsed)
	}
	rt.env.AssertActivityNumberOfCalls(t, "ExpirePasswordReset", 0)
}

// An outage while sending the email delays it; it does not lose the request.
func TestPasswordResetEmailRetried(t *testing.T) {
	rt := newResetTest(t)
	in := activities.SendPasswordResetEmailInput{
		RequestID: rt.in.RequestID, PersonID: rt.in.PersonID, ApplicationID: rt.in.ApplicationID, Language: rt.in.Language,
	}
	rt.env.OnActivity(acts.SendPasswordResetEmail, mock.Anything, in).Return(errors.New("connection refused")).Once()
	rt.env.OnActivity(acts.SendPasswordResetEmail, mock.Anything, in).Return(nil).Once()
	rt.expireAllowed()

	if res := rt.run(); res.Outcome != workflows.ResetOutcomeExpired {
		t.Fatalf("outcome %q, want %q", res.Outcome, workflows.ResetOutcomeExpired)
	}
	rt.env.AssertActivityNumberOfCalls(t, "SendPasswordResetEmail", 2)
	rt.env.AssertActivityNumberOfCalls(t, "ExpirePasswordReset", 1)
}

// When the rules refuse the email (the request was superseded first), the workflow ends at once
// instead of retrying forever or waiting for a token nobody received.
func TestPasswordResetEmailRefused(t *testing.T) {
	rt := newResetTest(t)
	rt.env.OnActivity(acts.SendPasswordResetEmail, mock.Anything, mock.Anything).
		Return(failure.ToTemporal(domain.Invalid("token", domain.MsgResetTokenInvalid))).Once()
	rt.expireAllowed()
	late := rt.sendUpdateAt(ttl/2, "change-late", "$2a$04$hash")

	if res := rt.run(); res.Outcome != workflows.ResetOutcomeExpired {
		t.Fatalf("outcome %q, want %q", res.Outcome, workflows.ResetOutcomeExpired)
	}
	if late.accepted {
		t.Error("an update was accepted by a request whose email was never sent")
	}
	rt.env.AssertActivityNumberOfCalls(t, "SendPasswordResetEmail", 1)
	rt.env.AssertActivityNumberOfCalls(t, "UsePasswordReset", 0)
}
