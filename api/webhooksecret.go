package api

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/keyclic/keyclic/domain"
)

// rotateWebhookSecret gives a webhook a new secret, shown in this answer only. The secret it
// replaces keeps signing every delivery beside the new one (two signatures in webhook-signature)
// for the configured overlap, so a consumer verifying with either never sees a failed check
// while it switches; a delivery already being retried gets both signatures on its next attempt.
func (s *Server) rotateWebhookSecret(c *gin.Context) error {
	w, err := s.pathWebhook(c, true)
	if err != nil {
		return err
	}
	secret, err := domain.NewWebhookSecret()
	if err != nil {
		return err
	}
	w, err = s.store.RotateWebhookSecret(c, w.ID, secret, s.now().Add(s.settings.Webhooks.SecretOverlap))
	if err != nil {
		return err
	}
	writeWebhookWithSecret(c, http.StatusOK, w)
	return nil
}
