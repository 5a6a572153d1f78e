package hal

import (
	"github.com/google/uuid"

	"github.com/keyclic/keyclic/domain"
)

type ReviewRequest struct {
	Resource
	State     domain.State `json:"state"` // PENDING, REVIEWED or EXPIRED
	ExpiresAt Time         `json:"expiresAt"`
	Links     Links        `json:"_links"`
}

type Review struct {
	Resource
	ReviewRating int    `json:"reviewRating"`
	ReviewBody   string `json:"reviewBody"`
	Links        Links  `json:"_links"`
}

func ReviewRequestLink(id uuid.UUID) *Link {
	return NewLink("/review-requests/"+id.String(), "reviewRequest", id.String())
}

func ReviewLink(id uuid.UUID) *Link { return NewLink("/reviews/"+id.String(), "review", id.String()) }

func RenderReviewRequest(r domain.ReviewRequest) ReviewRequest {
	links := Links{"self": ReviewRequestLink(r.ID), "reviewer": PersonLink(r.ReviewerID), "feedback": FeedbackLink(r.FeedbackID)}
	if r.ReviewID != nil {
		links["review"] = ReviewLink(*r.ReviewID)
	}
	return ReviewRequest{
		Resource: NewResource("ReviewRequest", r.ID.String(), r.CreatedAt, r.UpdatedAt),
		State:    r.State, ExpiresAt: Time(r.ExpiresAt), Links: links,
	}
}

func RenderReview(r domain.Review) Review {
	return Review{
		Resource:     NewResource("Review", r.ID.String(), r.CreatedAt, r.UpdatedAt),
		ReviewRating: r.Rating, ReviewBody: r.Body,
		Links: Links{
			"self": ReviewLink(r.ID), "author": PersonLink(r.AuthorID),
			"reviewRequest": ReviewRequestLink(r.ReviewRequestID), "feedback": FeedbackLink(r.FeedbackID),
		},
	}
}
