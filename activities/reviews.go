package activities

import (
	"context"
	"time"

	"github.com/google/uuid"

	"github.com/keyclic/keyclic/domain"
	"github.com/keyclic/keyclic/internal/failure"
)

// ReviewSettings are the review requests' part of the configuration.
type ReviewSettings struct {
	RequestTTL time.Duration // how long a request waits for its answer (REVIEW_REQUEST_TTL)
}

// DefaultReviewRequestTTL is used when no lifetime is configured.
const DefaultReviewRequestTTL = 30 * 24 * time.Hour

// RecordReviewRequestInput names the request to record: the feedback's, made by the closing of
// the report at workflow time At.
type RecordReviewRequestInput struct {
	RequestID  uuid.UUID
	FeedbackID uuid.UUID
	ReportID   uuid.UUID
	At         time.Time
}

// RecordReviewRequest records the request for the feedback's reporter and returns it as stored: a
// retry, or the closing of another report of the feedback, finds it unchanged. Its ExpiresAt
// (At plus the configured lifetime) is what the workflow's timer waits for.
func (a *Activities) RecordReviewRequest(ctx context.Context, in RecordReviewRequestInput) (domain.ReviewRequest, error) {
	ttl := a.Reviews.RequestTTL
	if ttl <= 0 {
		ttl = DefaultReviewRequestTTL
	}
	rr, err := a.Store.RecordReviewRequest(ctx, in.RequestID, in.FeedbackID, in.ReportID, in.At, ttl)
	return rr, failure.ToTemporal(err)
}

// RecordReviewInput is the reviewer's answer, as the workflow accepted it.
type RecordReviewInput struct {
	Review domain.Review
}

// RecordReview stores the answer and marks the request REVIEWED; a retry returns the review stored
// by the first attempt.
func (a *Activities) RecordReview(ctx context.Context, in RecordReviewInput) (domain.Review, error) {
	r, err := a.Store.AddReview(ctx, in.Review)
	return r, failure.ToTemporal(err)
}

// ExpireReviewRequestInput names the request whose timer fired.
type ExpireReviewRequestInput struct {
	RequestID uuid.UUID
	At        time.Time
}

// ExpireReviewRequest marks the request EXPIRED unless it was answered meanwhile.
func (a *Activities) ExpireReviewRequest(ctx context.Context, in ExpireReviewRequestInput) error {
	return a.Store.ExpireReviewRequest(ctx, in.RequestID, in.At)
}

// composeReview tells the reviewer that their feedback was dealt with and asks for their review:
// on the channels of the notification table's "Feedback to review" row (push and wall). The
// notice names the feedback and the reviewer; its object is the request.
func (a *Activities) composeReview(ctx context.Context, n domain.Notice, nt notification) (notification, error) {
	rr, err := a.Store.ReviewRequestOf(ctx, *n.FeedbackID, *n.PersonID)
	if err != nil {
		return nt, err
	}
	_, f, org, err := a.reportOf(ctx, rr.ReportID)
	if err != nil {
		return nt, err
	}
	nt.recipients = []uuid.UUID{rr.ReviewerID}
	nt.objectType, nt.objectID, nt.application = "ReviewRequest", rr.ID, &rr.ApplicationID
	nt.args = []any{excerpt(f.Description), org.Name}
	return nt, nil
}
