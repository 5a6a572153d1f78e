package store

import (
	"context"
	"errors"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/keyclic/keyclic/domain"
)

const (
	reviewRequestCols = `rr.id, rr.feedback_id, rr.reviewer_id, rr.report_id, rr.application_id, rr.state, rr.expires_at, rv.id,
	rr.created_at, rr.updated_at`
	reviewRequestFrom = `review_requests rr LEFT JOIN reviews rv ON rv.review_request_id = rr.id`

	reviewCols = `rv.id, rv.review_request_id, rv.feedback_id, rv.author_id, rr.application_id, rv.rating, rv.body,
	rv.created_at, rv.updated_at`
	reviewFrom = `reviews rv JOIN review_requests rr ON rr.id = rv.review_request_id`
)

func scanReviewRequest(row pgx.Row) (domain.ReviewRequest, error) {
	var r domain.ReviewRequest
	var state string
	err := row.Scan(&r.ID, &r.FeedbackID, &r.ReviewerID, &r.ReportID, &r.ApplicationID, &state, &r.ExpiresAt, &r.ReviewID,
		&r.CreatedAt, &r.UpdatedAt)
	r.State = domain.State(state)
	return r, err
}

func scanReview(row pgx.Row) (domain.Review, error) {
	var r domain.Review
	err := row.Scan(&r.ID, &r.ReviewRequestID, &r.FeedbackID, &r.AuthorID, &r.ApplicationID, &r.Rating, &r.Body, &r.CreatedAt, &r.UpdatedAt)
	return r, err
}

// RecordReviewRequest records the review request id of a feedback for its reporter, made by the
// closing of report at time at and open for ttl. Recording it again (a retried activity, another
// report of the feedback closed) changes nothing: the request is returned as it is.
func (s *Store) RecordReviewRequest(ctx context.Context, id, feedbackID, reportID uuid.UUID, at time.Time, ttl time.Duration) (domain.ReviewRequest, error) {
	_, err := s.Pool.Exec(ctx, `INSERT INTO review_requests (id, feedback_id, reviewer_id, report_id, application_id, state, expires_at, created_at, updated_at)
		SELECT $1, f.id, f.reporter_id, $3, f.application_id, 'PENDING', $5, $4, $4 FROM feedbacks f WHERE f.id = $2
		ON CONFLICT DO NOTHING`, id, feedbackID, reportID, at, at.Add(ttl))
	if err != nil {
		return domain.ReviewRequest{}, err
	}
	return s.ReviewRequestByID(ctx, id)
}

// ReviewRequestByID loads a request wherever it is (workflows and activities know the id only).
func (s *Store) ReviewRequestByID(ctx context.Context, id uuid.UUID) (domain.ReviewRequest, error) {
	r, err := scanReviewRequest(s.Pool.QueryRow(ctx, `SELECT `+reviewRequestCols+` FROM `+reviewRequestFrom+` WHERE rr.id = $1`, id))
	return r, notFound(err)
}

// ReviewRequest loads a request of the application.
func (s *Store) ReviewRequest(ctx context.Context, appID, id uuid.UUID) (domain.ReviewRequest, error) {
	r, err := scanReviewRequest(s.Pool.QueryRow(ctx, `SELECT `+reviewRequestCols+` FROM `+reviewRequestFrom+`
		WHERE rr.id = $1 AND rr.application_id = $2`, id, appID))
	return r, notFound(err)
}

// ReviewRequestOf loads the request of a feedback to one reviewer.
func (s *Store) ReviewRequestOf(ctx context.Context, feedbackID, reviewerID uuid.UUID) (domain.ReviewRequest, error) {
	r, err := scanReviewRequest(s.Pool.QueryRow(ctx, `SELECT `+reviewRequestCols+` FROM `+reviewRequestFrom+`
		WHERE rr.feedback_id = $1 AND rr.reviewer_id = $2`, feedbackID, reviewerID))
	return r, notFound(err)
}

// ReviewRequestsOf lists a person's requests in the application.
func (s *Store) ReviewRequestsOf(ctx context.Context, personID, appID uuid.UUID, p domain.Page) ([]domain.ReviewRequest, int, error) {
	f := &filter{}
	f.where("rr.reviewer_id = %s AND rr.application_id = %s", personID, appID)
	return listPage(ctx, s.Pool, reviewRequestCols, reviewRequestFrom, "rr", f, p, scanReviewRequest)
}

// ExpireReviewRequest marks a request EXPIRED unless it was answered (idempotent).
func (s *Store) ExpireReviewRequest(ctx context.Context, id uuid.UUID, at time.Time) error {
	_, err := s.Pool.Exec(ctx, `UPDATE review_requests SET state = 'EXPIRED', updated_at = $2 WHERE id = $1 AND state = 'PENDING'`, id, at)
	return err
}

// AddReview records the answer to a request and marks it REVIEWED. The workflow lets one answer
// through, so a review already there is this one's earlier attempt: it is returned as it is.
func (s *Store) AddReview(ctx context.Context, r domain.Review) (domain.Review, error) {
	var out domain.Review
	err := s.InTx(ctx, func(tx pgx.Tx) error {
		var state string
		if err := tx.QueryRow(ctx, `SELECT state FROM review_requests WHERE id = $1 FOR UPDATE`, r.ReviewRequestID).Scan(&state); err != nil {
			return notFound(err)
		}
		existing, err := scanReview(tx.QueryRow(ctx, `SELECT `+reviewCols+` FROM `+reviewFrom+` WHERE rv.review_request_id = $1`, r.ReviewRequestID))
		if err == nil {
			out = existing
			return nil
		}
		if !errors.Is(err, pgx.ErrNoRows) {
			return err
		}
		if domain.State(state) != domain.ReviewPending {
			return domain.Conflict(domain.MsgLifecycleOver)
		}
		if _, err := tx.Exec(ctx, `INSERT INTO reviews (id, review_request_id, feedback_id, author_id, rating, body, created_at, updated_at)
			SELECT $1, rr.id, rr.feedback_id, $3, $4, $5, $6, $6 FROM review_requests rr WHERE rr.id = $2`,
			r.ID, r.ReviewRequestID, r.AuthorID, r.Rating, r.Body, r.CreatedAt); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `UPDATE review_requests SET state = 'REVIEWED', updated_at = $2 WHERE id = $1`, r.ReviewRequestID, r.CreatedAt); err != nil {
			return err
		}
		out, err = scanReview(tx.QueryRow(ctx, `SELECT `+reviewCols+` FROM `+reviewFrom+` WHERE rv.id = $1`, r.ID))
		return err
	})
	return out, err
}

// Review loads a review of the application.
func (s *Store) Review(ctx context.Context, appID, id uuid.UUID) (domain.Review, error) {
	r, err := scanReview(s.Pool.QueryRow(ctx, `SELECT `+reviewCols+` FROM `+reviewFrom+` WHERE rv.id = $1 AND rr.application_id = $2`, id, appID))
	return r, notFound(err)
}

// FeedbackReviews lists the reviews of a feedback.
func (s *Store) FeedbackReviews(ctx context.Context, feedbackID uuid.UUID, p domain.Page) ([]domain.Review, int, error) {
	f := &filter{}
	f.where("rv.feedback_id = %s", feedbackID)
	return listPage(ctx, s.Pool, reviewCols, reviewFrom, "rv", f, p, scanReview)
}
