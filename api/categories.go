package api

import (
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"
	"github.com/google/uuid"

	"github.com/keyclic/keyclic/domain"
	"github.com/keyclic/keyclic/hal"
	"github.com/keyclic/keyclic/store"
)

func (s *Server) categoryRoutes(g *gin.RouterGroup) {
	g.POST("/organizations/:organization/categories", s.handle(s.createCategory))
	g.GET("/organizations/:organization/categories", s.handle(s.listOrganizationCategories))
	g.GET("/categories", s.handle(s.listCategories))
	g.GET("/categories/:category", s.handle(s.getCategory))
	g.PATCH("/categories/:category", s.handle(s.patchCategory))
}

type categoryData struct {
	Name                 *string `json:"name"`
	Color                *string `json:"color"`
	Icon                 *string `json:"icon"`
	IdentificationNumber *string `json:"identificationNumber"`
}

// check validates the fields; on creation name, color and icon are required, and a patch may not
// blank them.
func (d *categoryData) check(vs *domain.Violations, creating bool) {
	vs.CheckText("name", d.Name, creating || d.Name != nil, 255)
	switch {
	case d.Color == nil && !creating:
	case d.Color == nil || strings.TrimSpace(*d.Color) == "":
		vs.Add("color", domain.MsgNotBlank)
	case !domain.ValidColor(strings.TrimSpace(*d.Color)):
		vs.Add("color", domain.MsgInvalidColor)
	}
	vs.CheckText("icon", d.Icon, creating || d.Icon != nil, 255)
	vs.CheckText("identificationNumber", d.IdentificationNumber, false, 255)
}

// createCategory adds a category to an organization (its admins only).
func (s *Server) createCategory(c *gin.Context) error {
	o, err := s.adminOrganization(c)
	if err != nil {
		return err
	}
	var in categoryData
	if err := bindJSON(c, &in); err != nil {
		return err
	}
	var vs domain.Violations
	in.check(&vs, true)
	if err := vs.Err(); err != nil {
		return err
	}
	id := newID(c, "category")
	cat, err := s.store.CreateCategory(c, domain.Category{
		ID: id, OrganizationID: o.ID, Name: *trimmed(in.Name), Color: *trimmed(in.Color), Icon: *trimmed(in.Icon),
		IdentificationNumber: deref(trimmed(in.IdentificationNumber)),
	})
	if store.IsDuplicateID(err) { // made by an earlier attempt of this request
		cat, err = s.store.Category(c, o.ApplicationID, id)
	}
	if err != nil {
		return err
	}
	writeHAL(c, http.StatusCreated, hal.RenderCategory(cat))
	return nil
}

func (s *Server) listCategories(c *gin.Context) error {
	q := newQuery(c)
	f := q.categoryFilter(appOf(c).ID)
	f.Organization = q.uuid("organization")
	return s.respondCategories(c, q, f)
}

func (s *Server) listOrganizationCategories(c *gin.Context) error {
	o, err := s.pathOrganization(c)
	if err != nil {
		return err
	}
	q := newQuery(c)
	f := q.categoryFilter(o.ApplicationID)
	f.Organization = &o.ID
	return s.respondCategories(c, q, f)
}

// categoryFilter reads the filters both category lists accept.
func (q *query) categoryFilter(appID uuid.UUID) store.CategoryFilter {
	return store.CategoryFilter{
		ApplicationID:        appID,
		BusinessActivity:     q.uuid("business_activity"),
		Point:                q.point(),
		Name:                 q.search("name"),
		Color:                q.search("color"),
		Icon:                 q.search("icon"),
		IdentificationNumber: q.search("identificationNumber"),
	}
}

func (s *Server) respondCategories(c *gin.Context, q *query, f store.CategoryFilter) error {
	return respondList(c, q, func(p domain.Page) ([]domain.Category, int, error) { return s.store.Categories(c, f, p) }, each(hal.RenderCategory))
}

// pathCategory loads the category named in the path, within the request's application.
func (s *Server) pathCategory(c *gin.Context) (domain.Category, error) {
	id, err := pathID(c, "category")
	if err != nil {
		return domain.Category{}, err
	}
	return s.store.Category(c, appOf(c).ID, id)
}

func (s *Server) getCategory(c *gin.Context) error {
	cat, err := s.pathCategory(c)
	if err != nil {
		return err
	}
	writeHAL(c, http.StatusOK, hal.RenderCategory(cat))
	return nil
}

// patchCategory changes a category (admins of its organization only).
func (s *Server) patchCategory(c *gin.Context) error {
	cat, err := s.pathCategory(c)
	if err != nil {
		return err
	}
	if _, err := s.requireAdmin(c, cat.OrganizationID); err != nil {
		return err
	}
	var in categoryData
	if err := bindJSON(c, &in); err != nil {
		return err
	}
	var vs domain.Violations
	in.check(&vs, false)
	if err := vs.Err(); err != nil {
		return err
	}
	cat, err = s.store.PatchCategory(c, appOf(c).ID, cat.ID, store.CategoryPatch{
		Name: trimmed(in.Name), Color: trimmed(in.Color), Icon: trimmed(in.Icon), IdentificationNumber: trimmed(in.IdentificationNumber),
	})
	if err != nil {
		return err
	}
	writeHAL(c, http.StatusOK, hal.RenderCategory(cat))
	return nil
}
