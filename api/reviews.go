package api

import (
	"math"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/keyclic/keyclic/domain"
	"github.com/keyclic/keyclic/hal"
	"github.com/keyclic/keyclic/workflows"
)

// Reviews: when a report is closed, the feedback's reporter is asked (a review request) to rate
// how it was handled. The request is the reviewer's own; the review is readable by whoever may
// read the feedback, so the organizations that received it see the ratings of their reports.
func (s *Server) reviewRoutes(g *gin.RouterGroup) {
	g.GET("/people/:person/review-requests", s.handle(s.listReviewRequests))
	g.GET("/review-requests/:reviewRequest", s.handle(s.getReviewRequest))
	g.POST("/review-requests/:reviewRequest/reviews", s.handle(s.postReview))
	g.GET("/reviews/:review", s.handle(s.getReview))
	g.GET("/feedbacks/:feedback/reviews", s.handle(s.listFeedbackReviews))
}

// listReviewRequests lists the caller's own review requests in the request's application.
func (s *Server) listReviewRequests(c *gin.Context) error {
	person, err := s.pathSelf(c)
	if err != nil {
		return err
	}
	q := newQuery(c)
	return respondList(c, q, func(p domain.Page) ([]domain.ReviewRequest, int, error) {
		return s.store.ReviewRequestsOf(c, person, appOf(c).ID, p)
	}, each(hal.RenderReviewRequest))
}

// reviewerRequest loads the request in the path for its reviewer: another application's or an
// unknown one is 404, someone else's 403.
func (s *Server) reviewerRequest(c *gin.Context) (domain.ReviewRequest, error) {
	id, err := pathID(c, "reviewRequest")
	if err != nil {
		return domain.ReviewRequest{}, err
	}
	rr, err := s.store.ReviewRequest(c, appOf(c).ID, id)
	if err != nil {
		return rr, err
	}
	if rr.ReviewerID != callerOf(c) {
		return rr, &domain.Error{Kind: domain.KindForbidden, Msg: domain.Msg(domain.MsgNotReviewer)}
	}
	return rr, nil
}

func (s *Server) getReviewRequest(c *gin.Context) error {
	rr, err := s.reviewerRequest(c)
	if err != nil {
		return err
	}
	writeHAL(c, http.StatusOK, hal.RenderReviewRequest(rr))
	return nil
}

type reviewData struct {
	ReviewRating *float64 `json:"reviewRating"` // a JSON number (the Swagger file's type); it must be a whole one
	ReviewBody   *string  `json:"reviewBody"`
}

// readReview reads and checks the {"reviewRating": 1..5, "reviewBody": "…"} body.
func readReview(c *gin.Context) (rating int, body string, err error) {
	var in reviewData
	if err := bindJSON(c, &in); err != nil {
		return 0, "", err
	}
	var vs domain.Violations
	switch r := in.ReviewRating; {
	case r == nil:
		vs.Add("reviewRating", domain.MsgNotNull)
	case *r != math.Trunc(*r):
		vs.Add("reviewRating", domain.MsgInvalidInteger)
	case *r < domain.MinReviewRating || *r > domain.MaxReviewRating:
		vs.Add("reviewRating", domain.MsgOutOfRange, domain.MinReviewRating, domain.MaxReviewRating)
	default:
		rating = int(*r)
	}
	vs.CheckText("reviewBody", in.ReviewBody, false, domain.MaxReviewBody)
	if in.ReviewBody != nil {
		body = *in.ReviewBody
	}
	return rating, body, vs.Err()
}

// answerable refuses an answer to a request that has one, or whose time is over.
func answerable(rr domain.ReviewRequest, now time.Time) error {
	if rr.State == domain.ReviewReviewed || rr.ReviewID != nil {
		return domain.Conflict(domain.MsgAlreadyReviewed)
	}
	if rr.State == domain.ReviewExpired || !now.Before(rr.ExpiresAt) {
		return domain.Conflict(domain.MsgReviewRequestExpired, rr.ExpiresAt.UTC().Format(time.RFC3339))
	}
	return nil
}

// postReview answers a review request, once, by its reviewer, before it expires. The answer goes
// through the request's workflow, whose validator decides; the status is 200, as the Swagger
// file declares for this operation.
func (s *Server) postReview(c *gin.Context) error {
	rr, err := s.reviewerRequest(c)
	if err != nil {
		return err
	}
	rating, body, err := readReview(c)
	if err != nil {
		return err
	}
	var out domain.Review
	if s.earlierOutcome(c, workflows.ReviewRequestWorkflowID(rr.ID), workflows.UpdateReview, &out) {
		writeHAL(c, http.StatusOK, hal.RenderReview(out)) // answered by an earlier attempt of this request
		return nil
	}
	if err := answerable(rr, s.now()); err != nil {
		return err
	}
	err = s.update(c, workflows.ReviewRequestWorkflowID(rr.ID), workflows.UpdateReview,
		workflows.ReviewAnswer{ReviewID: newID(c, "review"), AuthorID: callerOf(c), Rating: rating, Body: body}, &out)
	if de, ok := domain.AsError(err); ok && de.Msg.Key == domain.MsgLifecycleOver {
		// The workflow ended meanwhile: say why, as the request now is.
		if now, rerr := s.store.ReviewRequest(c, rr.ApplicationID, rr.ID); rerr == nil {
			if aerr := answerable(now, s.now()); aerr != nil {
				err = aerr
			}
		}
	}
	if err != nil {
		return err
	}
	writeHAL(c, http.StatusOK, hal.RenderReview(out))
	return nil
}

// getReview answers a review to whoever may read its feedback (others get 404).
func (s *Server) getReview(c *gin.Context) error {
	id, err := pathID(c, "review")
	if err != nil {
		return err
	}
	r, err := s.store.Review(c, appOf(c).ID, id)
	if err != nil {
		return err
	}
	f, err := s.store.Feedback(c, r.ApplicationID, r.FeedbackID)
	if err != nil {
		return err
	}
	visible, err := s.store.FeedbackVisible(c, f, callerOf(c))
	if err != nil {
		return err
	}
	if !visible {
		return domain.NotFound()
	}
	writeHAL(c, http.StatusOK, hal.RenderReview(r))
	return nil
}

// listFeedbackReviews lists the reviews of a feedback the caller can see.
func (s *Server) listFeedbackReviews(c *gin.Context) error {
	f, err := s.visibleFeedback(c)
	if err != nil {
		return err
	}
	q := newQuery(c)
	return respondList(c, q, func(p domain.Page) ([]domain.Review, int, error) {
		return s.store.FeedbackReviews(c, f.ID, p)
	}, each(hal.RenderReview))
}
