package api

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/keyclic/keyclic/domain"
	"github.com/keyclic/keyclic/store"
)

func (s *Server) contributionRoutes(g *gin.RouterGroup) {
	g.POST("/feedbacks/:feedback/contributions", s.postContribution)
	g.GET("/feedbacks/:feedback/contributions", s.listContributions)
}

// postContribution supports a public feedback the caller can see (no body; once per person: a
// second time is 409 and changes nothing). It answers with the feedback. Its reporter may support
// it too: nothing in the service's rules forbids it.
func (s *Server) postContribution(c *gin.Context) {
	f, err := s.visibleFeedback(c)
	if err != nil {
		s.fail(c, err)
		return
	}
	if err := requirePublic(f); err != nil {
		s.fail(c, err)
		return
	}
	if _, err := s.store.AddContribution(c, f.ID, callerOf(c), s.now()); err != nil {
		s.fail(c, err)
		return
	}
	s.respondFeedback(c, http.StatusCreated, f.ApplicationID, f.ID)
}

// listContributions lists the supports of a feedback the caller can see, newest first.
func (s *Server) listContributions(c *gin.Context) {
	f, err := s.visibleFeedback(c)
	if err != nil {
		s.fail(c, err)
		return
	}
	s.respondActivities(c, verbContribute, feedbackLink, func(p domain.Page) ([]store.Activity, int, error) {
		return s.store.FeedbackContributions(c, f.ID, p)
	})
}
