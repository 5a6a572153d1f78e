package api

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/keyclic/keyclic/domain"
	"github.com/keyclic/keyclic/hal"
	"github.com/keyclic/keyclic/store"
)

func (s *Server) applicationRoutes(g *gin.RouterGroup) {
	g.GET("/applications/:token", s.handle(s.getApplication))
}

func (s *Server) businessActivityRoutes(g *gin.RouterGroup) {
	g.GET("/businessactivities", s.handle(s.listBusinessActivities))
	g.GET("/businessactivities/:businessActivity", s.handle(s.getBusinessActivity))
}

// getApplication describes the caller's application; other applications are not visible.
func (s *Server) getApplication(c *gin.Context) error {
	app := appOf(c)
	if c.Param("token") != app.Token {
		return domain.NotFound()
	}
	writeHAL(c, http.StatusOK, hal.Application{
		Resource: hal.NewResource("Application", app.ID.String(), app.CreatedAt, app.UpdatedAt),
		Name:     app.Name, Token: app.Token, Version: app.Version,
		Links: hal.Links{"self": hal.ApplicationLink(app)},
	})
	return nil
}

func (s *Server) listBusinessActivities(c *gin.Context) error {
	q := newQuery(c)
	f := store.BusinessActivityFilter{ApplicationID: appOf(c).ID, Organization: q.uuid("organization"), Point: q.point()}
	return respondList(c, q, func(p domain.Page) ([]domain.BusinessActivity, int, error) {
		return s.store.BusinessActivities(c, f, p)
	},
		each(hal.RenderBusinessActivity))
}

func (s *Server) getBusinessActivity(c *gin.Context) error {
	id, err := pathID(c, "businessActivity")
	if err != nil {
		return err
	}
	b, err := s.store.BusinessActivity(c, id)
	if err != nil {
		return err
	}
	writeHAL(c, http.StatusOK, hal.RenderBusinessActivity(b))
	return nil
}
