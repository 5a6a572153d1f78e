package api

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/keyclic/keyclic/domain"
	"github.com/keyclic/keyclic/store"
)

// Partnerships are one-way: an organization lists its partners, the organizations it may
// delegate reports to. {relationship} in paths is the partner organization's id.
func (s *Server) relationshipRoutes(g *gin.RouterGroup) {
	g.POST("/organizations/:organization/relationships", s.addPartner)
	g.GET("/organizations/:organization/relationships", s.listPartners)
	g.DELETE("/organizations/:organization/relationships/:relationship", s.removePartner)
}

type relationshipData struct {
	Organization *string `json:"organization"`
}

// addPartner makes another organization of the application a partner (admins only) and answers
// with that organization.
func (s *Server) addPartner(c *gin.Context) {
	o, err := s.pathOrganization(c)
	if err != nil {
		s.fail(c, err)
		return
	}
	if _, err := s.requireAdmin(c, o.ID); err != nil {
		s.fail(c, err)
		return
	}
	var in relationshipData
	if err := bindJSON(c, &in); err != nil {
		s.fail(c, err)
		return
	}
	var vs domain.Violations
	partnerID := vs.CheckUUID("organization", in.Organization, true)
	if err := vs.Err(); err != nil {
		s.fail(c, err)
		return
	}
	if partnerID == o.ID {
		s.fail(c, domain.Invalid("organization", domain.MsgSelfPartner))
		return
	}
	partner, err := s.store.Organization(c, o.ApplicationID, partnerID)
	if domain.IsKind(err, domain.KindNotFound) { // unknown, or of another application
		err = domain.Invalid("organization", domain.MsgUnknownReference)
	}
	if err != nil {
		s.fail(c, err)
		return
	}
	err = s.store.AddPartner(c, o.ID, partner.ID)
	if resumed(c) && isViolation(err, domain.MsgAlreadyPartner) {
		err = nil // made a partner by an earlier attempt of this request
	}
	if err != nil {
		s.fail(c, err)
		return
	}
	hal(c, http.StatusCreated, renderOrganization(partner, appOf(c)))
}

// listPartners answers a page of the organization's partners (admins only), with the filters of
// the organization list.
func (s *Server) listPartners(c *gin.Context) {
	o, err := s.pathOrganization(c)
	if err != nil {
		s.fail(c, err)
		return
	}
	if _, err := s.requireAdmin(c, o.ID); err != nil {
		s.fail(c, err)
		return
	}
	q := newQuery(c)
	s.respondOrganizations(c, q, store.OrganizationFilter{
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
func (s *Server) removePartner(c *gin.Context) {
	o, err := s.pathOrganization(c)
	if err != nil {
		s.fail(c, err)
		return
	}
	partnerID, err := pathID(c, "relationship")
	if err != nil {
		s.fail(c, err)
		return
	}
	if _, err := s.requireAdmin(c, o.ID); err != nil {
		s.fail(c, err)
		return
	}
	if err := s.store.RemovePartner(c, o.ID, partnerID); err != nil {
		s.fail(c, err)
		return
	}
	c.Status(http.StatusNoContent)
}
