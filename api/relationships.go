package api

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/keyclic/keyclic/domain"
	"github.com/keyclic/keyclic/hal"
	"github.com/keyclic/keyclic/store"
)

// Partnerships are one-way: an organization lists its partners, the organizations it may
// delegate reports to. {relationship} in paths is the partner organization's id.
func (s *Server) relationshipRoutes(g *gin.RouterGroup) {
	g.POST("/organizations/:organization/relationships", s.handle(s.addPartner))
	g.GET("/organizations/:organization/relationships", s.handle(s.listPartners))
	g.DELETE("/organizations/:organization/relationships/:relationship", s.handle(s.removePartner))
}

type relationshipData struct {
	Organization *string `json:"organization"`
}

// addPartner makes another organization of the application a partner (admins only) and answers
// with that organization.
func (s *Server) addPartner(c *gin.Context) error {
	o, err := s.adminOrganization(c)
	if err != nil {
		return err
	}
	var in relationshipData
	if err := bindJSON(c, &in); err != nil {
		return err
	}
	var vs domain.Violations
	partnerID := vs.CheckUUID("organization", in.Organization, true)
	if err := vs.Err(); err != nil {
		return err
	}
	if partnerID == o.ID {
		return domain.Invalid("organization", domain.MsgSelfPartner)
	}
	partner, err := s.store.Organization(c, o.ApplicationID, partnerID)
	if domain.IsKind(err, domain.KindNotFound) { // unknown, or of another application
		err = domain.Invalid("organization", domain.MsgUnknownReference)
	}
	if err != nil {
		return err
	}
	err = s.store.AddPartner(c, o.ID, partner.ID)
	if resumed(c) && isViolation(err, domain.MsgAlreadyPartner) {
		err = nil // made a partner by an earlier attempt of this request
	}
	if err != nil {
		return err
	}
	writeHAL(c, http.StatusCreated, hal.RenderOrganization(partner, appOf(c)))
	return nil
}

// listPartners answers a page of the organization's partners (admins only), with the filters of
// the organization list.
func (s *Server) listPartners(c *gin.Context) error {
	o, err := s.adminOrganization(c)
	if err != nil {
		return err
	}
	q := newQuery(c)
	return s.respondOrganizations(c, q, store.OrganizationFilter{
		ApplicationID:    o.ApplicationID,
		PartnersOf:       &o.ID,
		BusinessActivity: q.uuid("business_activity"),
		Organization:     q.uuid("organization"),
		Point:            q.point(),
		Name:             q.search("name"), AlternateName: q.search("alternateName"), Description: q.search("description"),
		BillingEmailAddress: q.search("billingEmailAddress"), NotificationEmailAddress: q.search("notificationEmailAddress"),
	})
}

// removePartner ends a partnership (admins only).
func (s *Server) removePartner(c *gin.Context) error {
	o, err := s.pathOrganization(c)
	if err != nil {
		return err
	}
	partnerID, err := pathID(c, "relationship")
	if err != nil {
		return err
	}
	if _, err := s.requireAdmin(c, o.ID); err != nil {
		return err
	}
	if err := s.store.RemovePartner(c, o.ID, partnerID); err != nil {
		return err
	}
	c.Status(http.StatusNoContent)
	return nil
}
