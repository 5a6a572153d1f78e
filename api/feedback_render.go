package api

import (
	"context"

	"github.com/gin-gonic/gin"
	"github.com/google/uuid"

	"github.com/keyclic/keyclic/domain"
	"github.com/keyclic/keyclic/hal"
)

// renderFeedbacks renders several feedbacks, loading what they need in a few queries.
func (s *Server) renderFeedbacks(c context.Context, fs []domain.Feedback) ([]hal.Feedback, error) {
	return hal.RenderWithExtras(c, fs, func(x domain.Feedback) uuid.UUID { return x.ID }, s.store.FeedbackExtrasFor, hal.RenderFeedback)
}

func (s *Server) renderFeedback(c *gin.Context, status int, f domain.Feedback) error {
	return respondOne(c, status, f, s.renderFeedbacks, itself[hal.Feedback])
}
