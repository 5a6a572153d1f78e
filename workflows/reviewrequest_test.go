package workflows_test

import (
	"context"
	"log/slog"
	"strings"
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

// reviewTTL is the request's lifetime in these tests: the default of REVIEW_REQUEST_TTL.
const reviewTTL = 30 * 24 * time.Hour

type reviewTest struct {
	t        *testing.T
	env      *testsuite.TestWorkflowEnvironment
	in       workflows.ReviewRequestInput
	reviewer uuid.UUID
	start    time.Time
	notices  []domain.Notice
	expired  []time.Time // workflow times of the ExpireReviewRequest calls
	recorded []domain.Review
}

// newReviewTest runs the workflow with its activities mocked: the request is recorded with an
// expiry reviewTTL after the start, notices are collected, expiries and reviews counted.
// recordDelay and expireDelay make recording a review, and the expiry, take that long (a slow
// database).
func newReviewTest(t *testing.T, recordDelay, expireDelay time.Duration) *reviewTest {
	var s testsuite.WorkflowTestSuite
	s.SetLogger(tlog.NewStructuredLogger(slog.New(slog.DiscardHandler)))
	env := s.NewTestWorkflowEnvironment()
	env.RegisterWorkflowWithOptions(workflows.ReviewRequestWorkflow, workflow.RegisterOptions{Name: workflows.ReviewRequestWorkflowName})
	env.RegisterActivity(acts)
	closer, feedback := uuid.New(), uuid.New()
	rt := &reviewTest{t: t, env: env, reviewer: uuid.New(), start: env.Now(), in: workflows.ReviewRequestInput{
		RequestID: domain.ReviewRequestID(feedback), FeedbackID: feedback, ReportID: uuid.New(), ClosedBy: &closer,
	}}
	env.OnActivity(acts.RecordReviewRequest, mock.Anything, mock.Anything).Return(
		func(_ context.Context, in activities.RecordReviewRequestInput) (domain.ReviewRequest, error) {
			return domain.ReviewRequest{
				ID: in.RequestID, FeedbackID: in.FeedbackID, ReviewerID: rt.reviewer, ReportID: in.ReportID, ApplicationID: uuid.New(),
				State: domain.ReviewPending, ExpiresAt: in.At.Add(reviewTTL), CreatedAt: in.At, UpdatedAt: in.At,
			}, nil
		}).Once()
	env.OnActivity(acts.Notify, mock.Anything, mock.Anything).Return(func(_ context.Context, in activities.NotifyInput) error {
		rt.notices = append(rt.notices, in.Notice)
		return nil
	})
	env.OnActivity(acts.ExpireReviewRequest, mock.Anything, mock.Anything).Return(
		func(context.Context, activities.ExpireReviewRequestInput) error {
			rt.expired = append(rt.expired, env.Now())
			return nil
		}).After(expireDelay).Maybe()
	env.OnActivity(acts.RecordReview, mock.Anything, mock.Anything).Return(
		func(_ context.Context, in activities.RecordReviewInput) (domain.Review, error) {
			rt.recorded = append(rt.recorded, in.Review)
			return in.Review, nil
		}).After(recordDelay).Maybe()
	return rt
}

func (rt *reviewTest) run() workflows.ReviewRequestResult {
	rt.t.Helper()
	rt.env.ExecuteWorkflow(workflows.ReviewRequestWorkflowName, rt.in)
	if !rt.env.IsWorkflowCompleted() {
		rt.t.Fatal("workflow did not complete")
	}
	if err := rt.env.GetWorkflowError(); err != nil {
		rt.t.Fatalf("workflow failed: %v", err)
	}
	var res workflows.ReviewRequestResult
	if err := rt.env.GetWorkflowResult(&res); err != nil {
		rt.t.Fatal(err)
	}
	return res
}

// answerAt sends an answer after d of workflow time.
func (rt *reviewTest) answerAt(d time.Duration, a workflows.ReviewAnswer) *update {
	u := &update{}
	rt.env.RegisterDelayedCallback(func() {
		rt.env.UpdateWorkflow(workflows.UpdateReview, uuid.NewString(), &testsuite.TestUpdateCallback{
			OnAccept:   func() { u.accepted = true },
			OnReject:   func(err error) { u.rejected, u.rejectErr = true, err },
			OnComplete: func(_ any, err error) { u.completed, u.completeErr = true, err },
		}, a)
	}, d)
	return u
}

func (rt *reviewTest) answer(rating int, body string) workflows.ReviewAnswer {
	return workflows.ReviewAnswer{ReviewID: uuid.New(), AuthorID: rt.reviewer, Rating: rating, Body: body}
}

// refusedWith checks the answer was refused by the validator with an error of kind and key.
func refusedWith(t *testing.T, name string, u *update, kind domain.Kind, key string) {
	t.Helper()
	de := failure.FromTemporal(u.rejectErr)
	if !u.rejected || u.accepted || de == nil || de.Kind != kind || (key != "" && de.Msg.Key != key) {
		t.Errorf("%s: accepted %v, rejected with %v (%+v); want a refusal of kind %v, %q", name, u.accepted, u.rejectErr, de, kind, key)
	}
}

// Unanswered, the request expires on its durable timer, not before: the SDK's test environment
// skips the thirty days. The reviewer was told once (push and wall are chosen by the activity),
// and not by the person who closed the report.
func TestReviewRequestExpiresOnItsTimer(t *testing.T) {
	rt := newReviewTest(t, 0, 0)
	res := rt.run()
	if res.State != domain.ReviewExpired || res.ReviewID != nil {
		t.Fatalf("result %+v, want EXPIRED without a review", res)
	}
	if len(rt.expired) != 1 || rt.expired[0].Sub(rt.start) < reviewTTL {
		t.Fatalf("expired at %v after the start, want once, not before %v", rt.expired, reviewTTL)
	}
	if len(rt.notices) != 1 {
		t.Fatalf("notices %+v, want one", rt.notices)
	}
	n := rt.notices[0]
	if n.Action != domain.ActionFeedbackToReview || n.PersonID == nil || *n.PersonID != rt.reviewer ||
		n.ActorID == nil || *n.ActorID != *rt.in.ClosedBy || n.FeedbackID == nil || *n.FeedbackID != rt.in.FeedbackID ||
		!strings.HasPrefix(n.Key, workflows.ReviewRequestWorkflowID(rt.in.RequestID)+"/") {
		t.Fatalf("notice %+v, want %s to the reviewer %s, acted by %s", n, domain.ActionFeedbackToReview, rt.reviewer, *rt.in.ClosedBy)
	}
	if len(rt.recorded) != 0 {
		t.Fatalf("reviews recorded without an answer: %+v", rt.recorded)
	}
}

// The reviewer answers once, before the expiry: the review is recorded, the request ends
// REVIEWED at once and never expires.
func TestReviewRequestAnsweredBeforeExpiry(t *testing.T) {
	rt := newReviewTest(t, 0, 0)
	a := rt.answer(4, "Rapide et efficace")
	u := rt.answerAt(reviewTTL-time.Hour, a)
	res := rt.run()
	if !u.accepted || !u.completed || u.completeErr != nil {
		t.Fatalf("answer %+v, want accepted and completed", u)
	}
	if res.State != domain.ReviewReviewed || res.ReviewID == nil || *res.ReviewID != a.ReviewID {
		t.Fatalf("result %+v, want REVIEWED with review %s", res, a.ReviewID)
	}
	if len(rt.recorded) != 1 || rt.recorded[0].Rating != 4 || rt.recorded[0].Body != a.Body || rt.recorded[0].AuthorID != rt.reviewer ||
		rt.recorded[0].ReviewRequestID != rt.in.RequestID {
		t.Fatalf("reviews recorded %+v, want the answer once", rt.recorded)
	}
	if len(rt.expired) != 0 {
		t.Fatalf("an answered request expired at %v", rt.expired)
	}
}

// Validators refuse, with nothing written: someone other than the reviewer, a rating outside
// 1..5, a text longer than 255 characters, and a second answer while the first is being stored.
// A refusal does not use the request up: a good answer afterwards goes through.
func TestReviewRequestRefusals(t *testing.T) {
	rt := newReviewTest(t, 10*time.Minute, 0)
	stranger := rt.answer(5, "")
	stranger.AuthorID = uuid.New()
	refusals := map[string]*update{
		"not the reviewer": rt.answerAt(time.Hour, stranger),
		"rating 0":         rt.answerAt(2*time.Hour, rt.answer(0, "")),
		"rating 6":         rt.answerAt(3*time.Hour, rt.answer(6, "")),
		"body too long":    rt.answerAt(4*time.Hour, rt.answer(3, strings.Repeat("é", domain.MaxReviewBody+1))),
	}
	good := rt.answerAt(5*time.Hour, rt.answer(3, strings.Repeat("é", domain.MaxReviewBody)))
	twice := rt.answerAt(5*time.Hour+time.Minute, rt.answer(1, "encore"))
	res := rt.run()

	refusedWith(t, "not the reviewer", refusals["not the reviewer"], domain.KindForbidden, domain.MsgNotReviewer)
	for _, name := range []string{"rating 0", "rating 6"} {
		refusedWith(t, name, refusals[name], domain.KindInvalid, domain.MsgValidationFailed)
		if de := failure.FromTemporal(refusals[name].rejectErr); de == nil || len(de.Violations) != 1 || de.Violations[0].Path != "reviewRating" {
			t.Errorf("%s: refusal %+v, want it to name reviewRating", name, de)
		}
	}
	if de := failure.FromTemporal(refusals["body too long"].rejectErr); de == nil || len(de.Violations) != 1 || de.Violations[0].Path != "reviewBody" {
		t.Errorf("body too long: refusal %+v, want it to name reviewBody", de)
	}
	refusedWith(t, "twice", twice, domain.KindConflict, domain.MsgAlreadyReviewed)
	if !good.accepted || good.completeErr != nil || res.State != domain.ReviewReviewed {
		t.Fatalf("good answer %+v, result %+v; want it accepted and the request REVIEWED", good, res)
	}
	if len(rt.recorded) != 1 {
		t.Fatalf("reviews recorded %+v, want only the good answer", rt.recorded)
	}
}

// An answer that arrives once the timer has fired, while the expiry is being stored, is refused
// as expired; the request ends EXPIRED with no review.
func TestReviewRequestRefusesAnswersAfterExpiry(t *testing.T) {
	rt := newReviewTest(t, 0, time.Hour)
	late := rt.answerAt(reviewTTL+time.Minute, rt.answer(5, "trop tard"))
	res := rt.run()
	refusedWith(t, "after expiry", late, domain.KindConflict, domain.MsgReviewRequestExpired)
	if res.State != domain.ReviewExpired || len(rt.recorded) != 0 {
		t.Fatalf("result %+v, reviews %+v; want EXPIRED and none", res, rt.recorded)
	}
}

// An answer accepted just before the expiry still wins over the timer.
func TestReviewRequestAnswerInFlightAtExpiry(t *testing.T) {
	rt := newReviewTest(t, 10*time.Minute, 0)
	u := rt.answerAt(reviewTTL-time.Minute, rt.answer(2, ""))
	res := rt.run()
	if !u.accepted || !u.completed || u.completeErr != nil || res.State != domain.ReviewReviewed {
		t.Fatalf("answer %+v, result %+v; want accepted and REVIEWED", u, res)
	}
	if len(rt.expired) != 0 {
		t.Fatalf("an answered request expired at %v", rt.expired)
	}
}
