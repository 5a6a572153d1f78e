package api

import (
	"context"
	"net/http"

	"github.com/gin-gonic/gin"
	"github.com/google/uuid"

	"github.com/keyclic/keyclic/domain"
	"github.com/keyclic/keyclic/store"
)

func (s *Server) operationImageRoutes(g *gin.RouterGroup) {
	g.POST("/operations/:operation/images", s.handle(s.postOperationImage))
	g.DELETE("/operations/:operation/images/:image", s.handle(s.deleteOperationImage))
	g.GET("/operations/:operation/images/:image/:width/:height", s.handle(s.getOperationImage))
}

// operationImageEditor loads the operation in the path if the caller may change its images: the
// assigned member, or an admin of the organization treating the report. Members of the report's
// chain who are neither get 403, others 404.
func (s *Server) operationImageEditor(c *gin.Context) (domain.Operation, error) {
	o, r, err := s.readableOperation(c)
	if err != nil {
		return o, err
	}
	if o.OperatorPersonID != nil && *o.OperatorPersonID == callerOf(c) {
		return o, nil
	}
	if err := s.requireTreatingAdmin(c, r); err != nil {
		if domain.IsKind(err, domain.KindForbidden) {
			err = &domain.Error{Kind: domain.KindForbidden, Msg: domain.Msg(domain.MsgOperationImageDenied)}
		}
		return o, err
	}
	return o, nil
}

// postOperationImage adds a picture to an operation (logged as "image") and answers with the
// operation, whose _links.images lists it.
func (s *Server) postOperationImage(c *gin.Context) error {
	o, err := s.operationImageEditor(c)
	if err != nil {
		return err
	}
	img, err := s.readImageUpload(c)
	if err != nil {
		return err
	}
	actor := callerOf(c)
	notice := domain.Notice{Action: domain.ActionDocumentAdded, Key: "document/" + newID(c, "document").String(), ActorID: &actor, ReportID: &o.ReportID}
	img.ID = newID(c, "image")
	// An id made by an earlier attempt of this request means the image is there.
	if _, err := s.store.AddOperationImage(c, o.ID, actor, img, s.now(), notice); err != nil && !store.IsDuplicateID(err) {
		return err
	}
	return s.respondOperation(c, http.StatusCreated, o.ID)
}

// deleteOperationImage removes a picture of an operation (logged as "image_remove").
func (s *Server) deleteOperationImage(c *gin.Context) error {
	o, err := s.operationImageEditor(c)
	if err != nil {
		return err
	}
	imageID, err := pathID(c, "image")
	if err != nil {
		return err
	}
	if err := s.store.RemoveOperationImage(c, o.ID, imageID, callerOf(c), s.now()); err != nil {
		return err
	}
	c.Status(http.StatusNoContent)
	return nil
}

// getOperationImage sends an image of an operation the caller can read, scaled to fit width×height.
func (s *Server) getOperationImage(c *gin.Context) error {
	o, _, err := s.readableOperation(c)
	if err != nil {
		return err
	}
	s.sendPathImage(c, func(ctx context.Context, id uuid.UUID) (domain.Image, error) {
		return s.store.OperationImage(ctx, o.ID, id)
	})
	return nil
}
