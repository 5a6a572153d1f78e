package hal

import (
	"github.com/google/uuid"

	"github.com/keyclic/keyclic/domain"
)

type Member struct {
	Resource
	Roles    []domain.Role  `json:"roles"`
	Links    Links          `json:"_links"`
	Embedded MemberEmbedded `json:"_embedded"`
}

type MemberEmbedded struct {
	AvailableRoles []domain.Role `json:"availableRoles"`
	Person         *Person       `json:"person,omitempty"`
}

func MemberLink(orgID, memberID uuid.UUID) *Link {
	return NewLink("/organizations/"+orgID.String()+"/members/"+memberID.String(),
		"organization", orgID.String(), "member", memberID.String())
}

func RenderMember(m domain.Member, p *domain.Person) Member {
	out := Member{
		Resource: NewResource("Member", m.ID.String(), m.CreatedAt, m.UpdatedAt),
		Roles:    m.Roles,
		Links: Links{
			"self":         MemberLink(m.OrganizationID, m.ID),
			"person":       PersonLink(m.PersonID),
			"organization": OrganizationLink(m.OrganizationID),
		},
		Embedded: MemberEmbedded{AvailableRoles: domain.AssignableRoles},
	}
	if p != nil {
		pj := RenderPerson(*p)
		out.Embedded.Person = &pj
	}
	return out
}
