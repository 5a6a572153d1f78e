package workflows

import (
	"time"

	"github.com/google/uuid"
	"go.temporal.io/sdk/workflow"

	"github.com/keyclic/keyclic/activities"
	"github.com/keyclic/keyclic/domain"
	"github.com/keyclic/keyclic/internal/failure"
)

// ReviewRequestWorkflowName is the registered type name of a review request's workflow.
const ReviewRequestWorkflowName = "ReviewRequest"

// UpdateReview answers a review request with a rating and a text.
const UpdateReview = "review"

// ReviewRequestWorkflowID is the workflow id of a review request's lifecycle.
func ReviewRequestWorkflowID(id uuid.UUID) string { return "review-request/" + id.String() }

// ReviewRequestInput starts a review request: the feedback's, made by the closing of the report.
type ReviewRequestInput struct {
	RequestID  uuid.UUID
	FeedbackID uuid.UUID
	ReportID   uuid.UUID
	ClosedBy   *uuid.UUID // who closed the report: never notified of their own action
}

// ReviewRequestResult tells how the request ended: REVIEWED (with its review) or EXPIRED.
type ReviewRequestResult struct {
	State    domain.State
	ReviewID *uuid.UUID
}

// ReviewAnswer is the update answering the request.
type ReviewAnswer struct {
	ReviewID uuid.UUID // chosen by the caller, so that a resent update names the same review
	AuthorID uuid.UUID
	Rating   int
	Body     string
}

// ReviewRequestWorkflow records the request, tells the reviewer (push and wall), then waits for
// the answer until the request expires, on a durable timer. Validators refuse, without writing,
// an answer by anyone but the reviewer, a second answer, one after the expiry and a bad one.
func ReviewRequestWorkflow(ctx workflow.Context, in ReviewRequestInput) (ReviewRequestResult, error) {
	r := &reviewRequest{in: in}
	if err := workflow.SetUpdateHandlerWithOptions(ctx, UpdateReview, r.answer,
		workflow.UpdateHandlerOptions{Validator: r.validateAnswer}); err != nil {
		return ReviewRequestResult{}, err
	}
	var rec domain.ReviewRequest
	if err := workflow.ExecuteLocalActivity(withLocalActivityDefaults(ctx), act.RecordReviewRequest, activities.RecordReviewRequestInput{
		RequestID: in.RequestID, FeedbackID: in.FeedbackID, ReportID: in.ReportID, At: workflow.Now(ctx),
	}).Get(ctx, &rec); err != nil {
		return ReviewRequestResult{}, err
	}
	if rec.State != domain.ReviewPending {
		// An earlier run of this id (its history since deleted) already saw the request to its end.
		return ReviewRequestResult{State: rec.State, ReviewID: rec.ReviewID}, nil
	}
	r.rec = &rec

	reviewer := rec.ReviewerID
	if err := notify(ctx, domain.Notice{
		Action: domain.ActionFeedbackToReview, Key: ReviewRequestWorkflowID(in.RequestID) + "/" + domain.ActionFeedbackToReview,
		ActorID: in.ClosedBy, FeedbackID: &in.FeedbackID, ReportID: &in.ReportID, PersonID: &reviewer,
	}); err != nil {
		workflow.GetLogger(ctx).Error("review request not notified", "request", in.RequestID, "error", err)
	}

	// A durable timer: the request expires at its time whatever restarts meanwhile.
	if wait := rec.ExpiresAt.Sub(workflow.Now(ctx)); wait > 0 {
		if _, err := workflow.AwaitWithTimeout(ctx, wait, func() bool { return r.reviewID != nil }); err != nil {
			return ReviewRequestResult{}, err
		}
	}
	r.closing = true // refuse answers that arrive from now on
	// Let an answer already running finish before deciding the request expired.
	if err := workflow.Await(ctx, func() bool { return workflow.AllHandlersFinished(ctx) }); err != nil {
		return ReviewRequestResult{}, err
	}
	if r.reviewID != nil {
		return ReviewRequestResult{State: domain.ReviewReviewed, ReviewID: r.reviewID}, nil
	}
	if err := workflow.ExecuteLocalActivity(withLocalActivityDefaults(ctx), act.ExpireReviewRequest, activities.ExpireReviewRequestInput{
		RequestID: in.RequestID, At: workflow.Now(ctx),
	}).Get(ctx, nil); err != nil {
		return ReviewRequestResult{}, err
	}
	if err := workflow.UpsertTypedSearchAttributes(ctx, SAState.ValueSet(string(domain.ReviewExpired))); err != nil {
		return ReviewRequestResult{}, err
	}
	return ReviewRequestResult{State: domain.ReviewExpired}, nil
}

type reviewRequest struct {
	in        ReviewRequestInput
	rec       *domain.ReviewRequest // nil until recorded
	reviewID  *uuid.UUID
	answering bool
	closing   bool
}

func (r *reviewRequest) validateAnswer(ctx workflow.Context, a ReviewAnswer) error {
	switch {
	case r.rec == nil:
		return failure.ToTemporal(domain.NotFound())
	case a.AuthorID != r.rec.ReviewerID:
		return failure.ToTemporal(&domain.Error{Kind: domain.KindForbidden, Msg: domain.Msg(domain.MsgNotReviewer)})
	case r.reviewID != nil || r.answering:
		return failure.ToTemporal(domain.Conflict(domain.MsgAlreadyReviewed))
	case r.closing || !workflow.Now(ctx).Before(r.rec.ExpiresAt):
		return failure.ToTemporal(domain.Conflict(domain.MsgReviewRequestExpired, r.rec.ExpiresAt.UTC().Format(time.RFC3339)))
	}
	var vs domain.Violations
	vs.CheckReview(a.Rating, a.Body)
	return failure.ToTemporal(vs.Err())
}

func (r *reviewRequest) answer(ctx workflow.Context, a ReviewAnswer) (domain.Review, error) {
	r.answering = true
	defer func() { r.answering = false }()
	var rv domain.Review
	if err := workflow.ExecuteLocalActivity(withLocalActivityDefaults(ctx), act.RecordReview, activities.RecordReviewInput{Review: domain.Review{
		ID: a.ReviewID, ReviewRequestID: r.in.RequestID, FeedbackID: r.in.FeedbackID, AuthorID: a.AuthorID,
		Rating: a.Rating, Body: a.Body, CreatedAt: workflow.Now(ctx),
	}}).Get(ctx, &rv); err != nil {
		return domain.Review{}, err
	}
	r.reviewID = &rv.ID
	if err := workflow.UpsertTypedSearchAttributes(ctx, SAState.ValueSet(string(domain.ReviewReviewed))); err != nil {
		return domain.Review{}, err
	}
	return rv, nil
}
