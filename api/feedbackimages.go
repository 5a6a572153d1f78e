package api

import (
	"context"
	"net/http"

	"github.com/gin-gonic/gin"
	"github.com/google/uuid"

	"github.com/keyclic/keyclic/domain"
	"github.com/keyclic/keyclic/store"
)

func (s *Server) feedbackImageRoutes(g *gin.RouterGroup) {
	g.POST("/feedbacks/:feedback/images", s.handle(s.postFeedbackImage))
	g.GET("/feedbacks/:feedback/images/:image/:width/:height", s.handle(s.getFeedbackImage))
}

type imageUpload struct {
	Image *string `json:"image"`
}

// readImageUpload reads and checks the {"image": "data:..."} body.
func (s *Server) readImageUpload(c *gin.Context) (domain.Image, error) {
	var in imageUpload
	if err := bindJSON(c, &in); err != nil {
		return domain.Image{}, err
	}
	if in.Image == nil || *in.Image == "" {
		return domain.Image{}, domain.Invalid("image", domain.MsgNotBlank)
	}
	return domain.ParseImageDataURI(c.Request.Context(), "image", *in.Image, s.settings.Images)
}

// postFeedbackImage adds a picture to a feedback: only its reporter may (others who can see it
// get 403, others 404). It answers with the feedback, whose _links.images lists the new image.
func (s *Server) postFeedbackImage(c *gin.Context) error {
	f, err := s.visibleFeedback(c)
	if err != nil {
		return err
	}
	if f.ReporterID != callerOf(c) {
		return &domain.Error{Kind: domain.KindForbidden, Msg: domain.Msg(domain.MsgNotReporter)}
	}
	img, err := s.readImageUpload(c)
	if err != nil {
		return err
	}
	notices, err := s.documentAdded(c, f.ID)
	if err != nil {
		return err
	}
	img.ID = newID(c, "image")
	// An id made by an earlier attempt of this request means the image is there.
	if _, err := s.store.AddFeedbackImage(c, f.ID, img, s.now(), notices...); err != nil && !store.IsDuplicateID(err) {
		return err
	}
	return s.respondFeedback(c, http.StatusCreated, f.ApplicationID, f.ID)
}

// getFeedbackImage sends an image of a feedback the caller may see, scaled to fit width×height.
func (s *Server) getFeedbackImage(c *gin.Context) error {
	f, err := s.visibleFeedback(c)
	if err != nil {
		return err
	}
	s.sendPathImage(c, func(ctx context.Context, id uuid.UUID) (domain.Image, error) {
		return s.store.FeedbackImage(ctx, f.ID, id)
	})
	return nil
}

// documentAdded is the "document added to report" notice for each live report of a feedback.
func (s *Server) documentAdded(c *gin.Context, feedbackID uuid.UUID) ([]domain.Notice, error) {
	reports, err := s.store.LiveReportIDs(c, feedbackID)
	if err != nil {
		return nil, err
	}
	actor := callerOf(c)
	out := make([]domain.Notice, len(reports))
	for i, r := range reports {
		out[i] = domain.Notice{Action: domain.ActionDocumentAdded, Key: "document/" + newID(c, "document "+r.String()).String(), ActorID: &actor, ReportID: &r}
	}
	return out, nil
}
