package api

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/keyclic/keyclic/domain"
	"github.com/keyclic/keyclic/hal"
)

// Duplicate hints: a single feedback's answer (its creation, its read) lists the open reports of
// the same kind near it, which an admin of a category tunes with a radius and a window.
func (s *Server) duplicateHintRoutes(g *gin.RouterGroup) {
	g.GET("/categories/:category/duplicate-hints", s.handle(s.getHintSettings))
	g.PUT("/categories/:category/duplicate-hints", s.handle(s.putHintSettings))
}

type hintSettingsData struct {
	Radius     *int `json:"radius"`
	WindowDays *int `json:"windowDays"`
}

// renderFeedbackWithHints answers with the feedback and the hints the caller may see.
func (s *Server) renderFeedbackWithHints(c *gin.Context, status int, f domain.Feedback) error {
	hints, err := s.store.DuplicateHints(c, f, callerOf(c))
	if err != nil {
		return err
	}
	return respondOne(c, status, f, s.renderFeedbacks, func(j hal.Feedback) any { return hal.WithHints(j, hints) })
}

// getHintSettings shows a category's settings (the defaults until an admin sets them): anyone
// who may read the category may read them.
func (s *Server) getHintSettings(c *gin.Context) error {
	cat, err := s.pathCategory(c)
	if err != nil {
		return err
	}
	h, err := s.store.HintSettings(c, cat.ID)
	if err != nil {
		return err
	}
	writeHAL(c, http.StatusOK, hal.RenderHintSettings(cat.ID.String(), h))
	return nil
}

// putHintSettings replaces a category's settings (admins of its organization only).
func (s *Server) putHintSettings(c *gin.Context) error {
	cat, err := s.pathCategory(c)
	if err != nil {
		return err
	}
	if _, err := s.requireAdmin(c, cat.OrganizationID); err != nil {
		return err
	}
	var in hintSettingsData
	if err := bindJSON(c, &in); err != nil {
		return err
	}
	var vs domain.Violations
	vs.CheckHintSettings(in.Radius, in.WindowDays)
	if err := vs.Err(); err != nil {
		return err
	}
	h := domain.HintSettings{Radius: *in.Radius, WindowDays: *in.WindowDays}
	if err := s.store.SetHintSettings(c, cat.ID, h); err != nil {
		return err
	}
	writeHAL(c, http.StatusOK, hal.RenderHintSettings(cat.ID.String(), h))
	return nil
}
