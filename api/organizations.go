package api

import (
	"net/http"

	"github.com/gin-gonic/gin"
	"github.com/google/uuid"

	"github.com/keyclic/keyclic/domain"
	"github.com/keyclic/keyclic/hal"
	"github.com/keyclic/keyclic/store"
)

func (s *Server) organizationRoutes(g *gin.RouterGroup) {
	g.POST("/organizations", s.handle(s.createOrganization))
	g.GET("/organizations", s.handle(s.listOrganizations))
	g.GET("/organizations/:organization", s.handle(s.getOrganization))
	g.PATCH("/organizations/:organization", s.handle(s.patchOrganization))
	g.GET("/organizations/:organization/logo/:width/:height", s.handle(s.getOrganizationLogo))
}

type organizationData struct {
	Name                     *string `json:"name"`
	BusinessActivity         *string `json:"businessActivity"`
	Logo                     *string `json:"logo"`
	AlternateName            *string `json:"alternateName"`
	Description              *string `json:"description"`
	BillingEmailAddress      *string `json:"billingEmailAddress"`
	NotificationEmailAddress *string `json:"notificationEmailAddress"`
}

// check validates the fields both creation and modification accept.
func (d *organizationData) check(vs *domain.Violations, creating bool) {
	// an organization always has a name: required on creation, never blanked by a patch
	vs.CheckText("name", d.Name, creating || d.Name != nil, 255)
	vs.CheckText("alternateName", d.AlternateName, false, 255)
	vs.CheckText("description", d.Description, false, 5000)
	if d.BillingEmailAddress != nil && *d.BillingEmailAddress != "" {
		vs.CheckEmail("billingEmailAddress", d.BillingEmailAddress, false)
	}
	if d.NotificationEmailAddress != nil && *d.NotificationEmailAddress != "" {
		vs.CheckEmail("notificationEmailAddress", d.NotificationEmailAddress, false)
	}
}

// logo checks the logo, if any: a bad one is a violation among the others; an error is any
// other refusal (no room to decode it in time).
func (s *Server) logo(c *gin.Context, d *organizationData, vs *domain.Violations) (*domain.Image, error) {
	if d.Logo == nil || *d.Logo == "" {
		return nil, nil
	}
	img, err := domain.ParseImageDataURI(c.Request.Context(), "logo", *d.Logo, s.settings.Images)
	if de, ok := domain.AsError(err); ok && de.Kind == domain.KindInvalid {
		*vs = append(*vs, de.Violations...)
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return &img, nil
}

// createOrganization makes the caller the new organization's first admin.
func (s *Server) createOrganization(c *gin.Context) error {
	var in organizationData
	if err := bindJSON(c, &in); err != nil {
		return err
	}
	var vs domain.Violations
	in.check(&vs, true)
	// Optional: the seeds' own example creates an organization without one.
	var ba *uuid.UUID
	if id := vs.CheckUUID("businessActivity", in.BusinessActivity, false); id != uuid.Nil {
		ba = &id
	}
	logo, err := s.logo(c, &in, &vs)
	if err != nil {
		return err
	}
	if err := vs.Err(); err != nil {
		return err
	}
	app := appOf(c)
	id := newID(c, "organization")
	o, err := s.store.CreateOrganization(c, domain.Organization{
		ID: id, ApplicationID: app.ID, BusinessActivityID: ba, Name: *trimmed(in.Name),
		AlternateName: deref(trimmed(in.AlternateName)), Description: deref(in.Description),
		BillingEmailAddress: deref(trimmed(in.BillingEmailAddress)), NotificationEmailAddress: deref(trimmed(in.NotificationEmailAddress)),
	}, logo, callerOf(c))
	if store.IsDuplicateID(err) { // made by an earlier attempt of this request
		o, err = s.store.Organization(c, app.ID, id)
	}
	if err != nil {
		return err
	}
	writeHAL(c, http.StatusCreated, hal.RenderOrganization(o, app))
	return nil
}

func (s *Server) listOrganizations(c *gin.Context) error {
	q := newQuery(c)
	f := store.OrganizationFilter{
		ApplicationID:    appOf(c).ID,
		BusinessActivity: q.uuid("business_activity"),
		Organization:     q.uuid("organization"),
		Point:            q.point(),
		Name:             q.search("name"), AlternateName: q.search("alternateName"), Description: q.search("description"),
		BillingEmailAddress: q.search("billingEmailAddress"), NotificationEmailAddress: q.search("notificationEmailAddress"),
	}
	return s.respondOrganizations(c, q, f)
}

// respondOrganizations answers a page of organizations (also used for partner lists).
func (s *Server) respondOrganizations(c *gin.Context, q *query, f store.OrganizationFilter) error {
	app := appOf(c)
	return respondList(c, q, func(p domain.Page) ([]domain.Organization, int, error) { return s.store.Organizations(c, f, p) },
		each(func(o domain.Organization) hal.Organization { return hal.RenderOrganization(o, app) }))
}

func (s *Server) getOrganization(c *gin.Context) error {
	o, err := s.pathOrganization(c)
	if err != nil {
		return err
	}
	writeHAL(c, http.StatusOK, hal.RenderOrganization(o, appOf(c)))
	return nil
}

func (s *Server) patchOrganization(c *gin.Context) error {
	o, err := s.adminOrganization(c)
	if err != nil {
		return err
	}
	var in organizationData
	if err := bindJSON(c, &in); err != nil {
		return err
	}
	var vs domain.Violations
	in.check(&vs, false)
	logo, err := s.logo(c, &in, &vs)
	if err != nil {
		return err
	}
	if err := vs.Err(); err != nil {
		return err
	}
	o, err = s.store.PatchOrganization(c, o.ApplicationID, o.ID, store.OrganizationPatch{
		Name: trimmed(in.Name), AlternateName: trimmed(in.AlternateName), Description: in.Description,
		BillingEmailAddress: trimmed(in.BillingEmailAddress), NotificationEmailAddress: trimmed(in.NotificationEmailAddress),
		Logo: logo,
	})
	if err != nil {
		return err
	}
	writeHAL(c, http.StatusOK, hal.RenderOrganization(o, appOf(c)))
	return nil
}

func (s *Server) getOrganizationLogo(c *gin.Context) error {
	id, err := pathID(c, "organization")
	if err != nil {
		return err
	}
	img, err := s.store.OrganizationLogo(c, appOf(c).ID, id)
	if err != nil {
		return err
	}
	s.sendResized(c, img)
	return nil
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}
