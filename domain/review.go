package domain

import (
	"time"
	"unicode/utf8"

	"github.com/google/uuid"
)

// Review request states: PENDING until the reviewer answers (REVIEWED) or its time runs out
// (EXPIRED).
const (
	ReviewPending  State = "PENDING"
	ReviewReviewed State = "REVIEWED"
	ReviewExpired  State = "EXPIRED"
)

// A review's rating is 1 to 5; its text at most 255 characters (the Swagger file's maxLength).
const (
	MinReviewRating = 1
	MaxReviewRating = 5
	MaxReviewBody   = 255
)

// ReviewRequest asks a feedback's reporter to rate how it was handled, once one of its reports
// was closed.
type ReviewRequest struct {
	ID            uuid.UUID
	FeedbackID    uuid.UUID
	ReviewerID    uuid.UUID
	ReportID      uuid.UUID // the report whose closing made the request
	ApplicationID uuid.UUID
	State         State
	ExpiresAt     time.Time
	ReviewID      *uuid.UUID // the answer, once there is one
	CreatedAt     time.Time
	UpdatedAt     time.Time
}

// Review is the reviewer's answer to a request.
type Review struct {
	ID              uuid.UUID
	ReviewRequestID uuid.UUID
	FeedbackID      uuid.UUID
	AuthorID        uuid.UUID
	ApplicationID   uuid.UUID
	Rating          int
	Body            string
	CreatedAt       time.Time
	UpdatedAt       time.Time
}

// reviewRequestSpace makes request ids from feedback ids.
var reviewRequestSpace = uuid.MustParse("6f0d3c1e-52a4-4b8e-9a51-3d7c2f9e4b10")

// ReviewRequestID derives the id of a feedback's review request. A feedback has one reviewer (its
// reporter), so one request: when several of its reports close, the first one makes it, and the
// others find it already there (same id, same workflow id).
func ReviewRequestID(feedbackID uuid.UUID) uuid.UUID {
	return uuid.NewSHA1(reviewRequestSpace, feedbackID[:])
}

// CheckReview records what is wrong with a rating and a text, under their field names.
func (vs *Violations) CheckReview(rating int, body string) {
	if rating < MinReviewRating || rating > MaxReviewRating {
		vs.Add("reviewRating", MsgOutOfRange, MinReviewRating, MaxReviewRating)
	}
	if utf8.RuneCountInString(body) > MaxReviewBody {
		vs.Add("reviewBody", MsgTooLong, MaxReviewBody)
	}
}
