package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/keyclic/keyclic/domain"
	"github.com/keyclic/keyclic/internal/testkit"
)

// The review activities are retried, and a feedback's reports may close one after the other:
// recording the request again, or the same answer again, changes nothing; the database keeps one
// request per feedback and reviewer and one review per request whatever is tried.
func TestReviewWritesAreIdempotent(t *testing.T) {
	st, ctx := testkit.StoreForTest(t), context.Background()
	person, feedback, report, other := uuid.New(), uuid.New(), uuid.New(), uuid.New()
	exec(t, st, `INSERT INTO people (id, email, password_hash) VALUES ($1, 'anne@example.com', 'hash')`, person)
	exec(t, st, `INSERT INTO feedbacks (id, application_id, reporter_id, location, geohash, state)
		VALUES ($1, $2, $3, 'POINT(-0.57 44.85)', 'ezzz', 'DELIVERED')`, feedback, cityApp, person)
	// Two reports of the feedback, to two organizations: both may close.
	for _, r := range []uuid.UUID{report, other} {
		org := uuid.New()
		exec(t, st, `INSERT INTO organizations (id, application_id, business_activity_id, name)
			VALUES ($1, $2, '4bff7cb9-0fd2-4b44-9b0e-f6d17bb4ef36', 'Mairie')`, org, cityApp)
		exec(t, st, `INSERT INTO reports (id, feedback_id, application_id, organization_id, state) VALUES ($1, $2, $3, $4, 'CLOSED')`,
			r, feedback, cityApp, org)
	}

	id := domain.ReviewRequestID(feedback)
	at := time.Date(2026, 12, 4, 10, 0, 0, 0, time.UTC)
	first, err := st.RecordReviewRequest(ctx, id, feedback, report, at, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	if first.ReviewerID != person || first.ApplicationID != cityApp || first.State != domain.ReviewPending || !first.ExpiresAt.Equal(at.Add(time.Hour)) {
		t.Fatalf("request %+v: want the reporter's, of the feedback's application, PENDING until %v", first, at.Add(time.Hour))
	}
	again, err := st.RecordReviewRequest(ctx, id, feedback, other, at.Add(time.Minute), 2*time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	if again.ReportID != report || !again.ExpiresAt.Equal(first.ExpiresAt) {
		t.Fatalf("recorded again: %+v, want the first unchanged %+v", again, first)
	}

	review := domain.Review{ID: uuid.New(), ReviewRequestID: id, AuthorID: person, Rating: 4, Body: "Merci", CreatedAt: at.Add(time.Minute)}
	for range 2 {
		got, err := st.AddReview(ctx, review)
		if err != nil {
			t.Fatal(err)
		}
		if got.ID != review.ID || got.Rating != 4 || got.FeedbackID != feedback || got.ApplicationID != cityApp {
			t.Fatalf("review stored %+v, want %+v", got, review)
		}
	}
	// Another answer finds the first one: there is one review per request.
	second := review
	second.ID, second.Rating = uuid.New(), 1
	if got, err := st.AddReview(ctx, second); err != nil || got.ID != review.ID {
		t.Fatalf("a second review: %+v, %v; want the first", got, err)
	}
	if err := st.ExpireReviewRequest(ctx, id, at.Add(2*time.Hour)); err != nil {
		t.Fatal(err)
	}
	rr, err := st.ReviewRequestByID(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	if rr.State != domain.ReviewReviewed || rr.ReviewID == nil || *rr.ReviewID != review.ID {
		t.Fatalf("request after its answer and a late expiry: %+v, want REVIEWED with review %s", rr, review.ID)
	}
	list, total, err := st.FeedbackReviews(ctx, feedback, domain.Page{Page: 1, Limit: 10})
	if err != nil || total != 1 || len(list) != 1 || list[0].ID != review.ID {
		t.Fatalf("reviews of the feedback: %+v (total %d), %v; want the one review", list, total, err)
	}
}
