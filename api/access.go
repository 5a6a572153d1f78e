package api

import (
	"github.com/gin-gonic/gin"
	"github.com/google/uuid"

	"github.com/keyclic/keyclic/domain"
)

// pathOrganization loads the organization named in the path, within the request's application.
func (s *Server) pathOrganization(c *gin.Context) (domain.Organization, error) {
	id, err := pathID(c, "organization")
	if err != nil {
		return domain.Organization{}, err
	}
	return s.store.Organization(c, appOf(c).ID, id)
}

// membership returns the caller's membership of the organization, or 403 when there is none.
func (s *Server) membership(c *gin.Context, orgID uuid.UUID) (domain.Member, error) {
	m, err := s.store.MemberOf(c, orgID, callerOf(c))
	if domain.IsKind(err, domain.KindNotFound) {
		return m, &domain.Error{Kind: domain.KindForbidden, Msg: domain.Msg(domain.MsgNotMember)}
	}
	return m, err
}

// requireAdmin returns the caller's membership when it holds ORGANIZATION:ADMIN, else 403.
func (s *Server) requireAdmin(c *gin.Context, orgID uuid.UUID) (domain.Member, error) {
	return s.requireAnyRole(c, orgID, domain.MsgNotAdmin, domain.RoleAdmin)
}

// requireAnyRole returns the caller's membership when it holds one of roles, else 403 with msg.
func (s *Server) requireAnyRole(c *gin.Context, orgID uuid.UUID, msg string, roles ...domain.Role) (domain.Member, error) {
	m, err := s.membership(c, orgID)
	if err != nil {
		return m, err
	}
	for _, r := range roles {
		if m.Roles.Has(r) {
			return m, nil
		}
	}
	return m, &domain.Error{Kind: domain.KindForbidden, Msg: domain.Msg(msg)}
}

// adminOrganization loads the organization in the path for one of its admins.
func (s *Server) adminOrganization(c *gin.Context) (domain.Organization, error) {
	o, err := s.pathOrganization(c)
	if err == nil {
		_, err = s.requireAdmin(c, o.ID)
	}
	return o, err
}
