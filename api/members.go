package api

import (
	"net/http"

	"github.com/gin-gonic/gin"
	"github.com/google/uuid"

	"github.com/keyclic/keyclic/domain"
	"github.com/keyclic/keyclic/hal"
)

func (s *Server) memberRoutes(g *gin.RouterGroup) {
	g.POST("/organizations/:organization/members", s.handle(s.addMember))
	g.GET("/organizations/:organization/members", s.handle(s.listMembers))
	g.GET("/organizations/:organization/members/:member", s.handle(s.getMember))
	g.PATCH("/organizations/:organization/members/:member", s.handle(s.patchMember))
	g.DELETE("/organizations/:organization/members/:member", s.handle(s.removeMember))
}

// renderMembers answers a page of members, each with its person embedded.
func (s *Server) renderMembers(c *gin.Context, p domain.Page, total int, members []domain.Member) {
	ids := make([]uuid.UUID, len(members))
	for i, m := range members {
		ids[i] = m.PersonID
	}
	people, err := s.store.PeopleByIDs(c, ids)
	if err != nil {
		s.fail(c, err)
		return
	}
	items := make([]hal.Member, len(members))
	for i, m := range members {
		var pe *domain.Person
		if v, ok := people[m.PersonID]; ok {
			pe = &v
		}
		items[i] = hal.RenderMember(m, pe)
	}
	writeHAL(c, http.StatusOK, renderPage(c, p, total, items))
}

type memberData struct {
	Person *string `json:"person"`
}

func (s *Server) addMember(c *gin.Context) error {
	o, err := s.adminOrganization(c)
	if err != nil {
		return err
	}
	var in memberData
	if err := bindJSON(c, &in); err != nil {
		return err
	}
	var vs domain.Violations
	personID := vs.CheckUUID("person", in.Person, true)
	if err := vs.Err(); err != nil {
		return err
	}
	id := newID(c, "member")
	m, err := s.store.AddMember(c, id, o.ID, personID)
	if err != nil && resumed(c) { // "already a member": made so by an earlier attempt of this request?
		if prev, perr := s.store.MemberOf(c, o.ID, personID); perr == nil && prev.ID == id {
			m, err = prev, nil
		}
	}
	if err != nil {
		return err
	}
	s.respondMember(c, http.StatusCreated, m)
	return nil
}

func (s *Server) respondMember(c *gin.Context, status int, m domain.Member) {
	p, err := s.store.Person(c, m.PersonID)
	if err != nil {
		s.fail(c, err)
		return
	}
	writeHAL(c, status, hal.RenderMember(m, &p))
}

func (s *Server) listMembers(c *gin.Context) error {
	o, err := s.pathOrganization(c)
	if err != nil {
		return err
	}
	if _, err := s.membership(c, o.ID); err != nil {
		return err
	}
	q := newQuery(c)
	p, ps := q.page(), q.personSearch()
	if err := q.err(); err != nil {
		return err
	}
	members, total, err := s.store.Members(c, o.ID, ps, p)
	if err != nil {
		return err
	}
	s.renderMembers(c, p, total, members)
	return nil
}

// pathMember loads the organization and member named in the path, checking the caller is a member.
func (s *Server) pathMember(c *gin.Context) (caller, target domain.Member, err error) {
	o, err := s.pathOrganization(c)
	if err != nil {
		return caller, target, err
	}
	memberID, err := pathID(c, "member")
	if err != nil {
		return caller, target, err
	}
	if caller, err = s.membership(c, o.ID); err != nil {
		return caller, target, err
	}
	target, err = s.store.Member(c, o.ID, memberID)
	return caller, target, err
}

func (s *Server) getMember(c *gin.Context) error {
	_, m, err := s.pathMember(c)
	if err != nil {
		return err
	}
	s.respondMember(c, http.StatusOK, m)
	return nil
}

type memberPatch struct {
	Roles *[]string `json:"roles"`
}

// patchMember replaces a member's roles (admins only); the last admin cannot lose the role.
func (s *Server) patchMember(c *gin.Context) error {
	caller, m, err := s.pathMember(c)
	if err != nil {
		return err
	}
	if !caller.Roles.Has(domain.RoleAdmin) {
		return &domain.Error{Kind: domain.KindForbidden, Msg: domain.Msg(domain.MsgNotAdmin)}
	}
	var in memberPatch
	if err := bindJSON(c, &in); err != nil {
		return err
	}
	if in.Roles == nil {
		s.respondMember(c, http.StatusOK, m)
		return nil
	}
	roles, err := domain.ParseRoles("roles", *in.Roles)
	if err != nil {
		return err
	}
	m, err = s.store.SetMemberRoles(c, m.OrganizationID, m.ID, roles)
	if err != nil {
		return err
	}
	s.respondMember(c, http.StatusOK, m)
	return nil
}

// removeMember lets an admin remove anyone, and anyone leave, but never the last admin.
func (s *Server) removeMember(c *gin.Context) error {
	caller, m, err := s.pathMember(c)
	if err != nil {
		return err
	}
	if !caller.Roles.Has(domain.RoleAdmin) && caller.ID != m.ID {
		return &domain.Error{Kind: domain.KindForbidden, Msg: domain.Msg(domain.MsgNotAdmin)}
	}
	if err := s.store.RemoveMember(c, m.OrganizationID, m.ID); err != nil {
		return err
	}
	c.Status(http.StatusNoContent)
	return nil
}
