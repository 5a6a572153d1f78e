package api

import (
	"encoding/json"
	"net/http"

	"github.com/gin-gonic/gin"
	"github.com/google/uuid"

	"github.com/keyclic/keyclic/domain"
	"github.com/keyclic/keyclic/store"
)

func (s *Server) applicationRoutes(g *gin.RouterGroup) {
	g.GET("/applications/:token", s.handle(s.getApplication))
}

func (s *Server) businessActivityRoutes(g *gin.RouterGroup) {
	g.GET("/businessactivities", s.handle(s.listBusinessActivities))
	g.GET("/businessactivities/:businessActivity", s.handle(s.getBusinessActivity))
}

type applicationJSON struct {
	resource
	Name    string `json:"name"`
	Token   string `json:"token"`
	Version string `json:"version"`
	Links   Links  `json:"_links"`
}

func applicationLink(a domain.Application) *Link {
	return link("/applications/"+a.Token, "token", a.Token)
}

// getApplication describes the caller's application; other applications are not visible.
func (s *Server) getApplication(c *gin.Context) error {
	app := appOf(c)
	if c.Param("token") != app.Token {
		return domain.NotFound()
	}
	hal(c, http.StatusOK, applicationJSON{
		resource: newResource("Application", app.ID.String(), app.CreatedAt, app.UpdatedAt),
		Name:     app.Name, Token: app.Token, Version: app.Version,
		Links: Links{"self": applicationLink(app)},
	})
	return nil
}

type businessActivityJSON struct {
	resource
	Name           string          `json:"name"`
	AlternateName  string          `json:"alternateName"`
	MetadataSchema json.RawMessage `json:"metadataSchema"`
	Links          Links           `json:"_links"`
}

func businessActivityLink(id uuid.UUID) *Link {
	return link("/businessactivities/"+id.String(), "businessActivity", id.String())
}

func renderBusinessActivity(b domain.BusinessActivity) businessActivityJSON {
	return businessActivityJSON{
		resource: newResource("BusinessActivity", b.ID.String(), b.CreatedAt, b.UpdatedAt),
		Name:     b.Name, AlternateName: b.AlternateName, MetadataSchema: b.MetadataSchema,
		Links: Links{"self": businessActivityLink(b.ID)},
	}
}

func (s *Server) listBusinessActivities(c *gin.Context) error {
	q := newQuery(c)
	f := store.BusinessActivityFilter{ApplicationID: appOf(c).ID, Organization: q.uuid("organization"), Point: q.point()}
	return respondList(c, q, func(p domain.Page) ([]domain.BusinessActivity, int, error) {
		return s.store.BusinessActivities(c, f, p)
	},
		each(renderBusinessActivity))
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
	hal(c, http.StatusOK, renderBusinessActivity(b))
	return nil
}
