package hal

import (
	"github.com/google/uuid"

	"github.com/keyclic/keyclic/domain"
)

type Category struct {
	Resource
	Name                 string `json:"name"`
	Color                string `json:"color"`
	Icon                 string `json:"icon"`
	IdentificationNumber string `json:"identificationNumber"`
	Links                Links  `json:"_links"`
}

func CategoryLink(id uuid.UUID) *Link {
	return NewLink("/categories/"+id.String(), "category", id.String())
}

func RenderCategory(c domain.Category) Category {
	return Category{
		Resource: NewResource("Category", c.ID.String(), c.CreatedAt, c.UpdatedAt),
		Name:     c.Name, Color: c.Color, Icon: c.Icon, IdentificationNumber: c.IdentificationNumber,
		Links: Links{"self": CategoryLink(c.ID), "organization": OrganizationLink(c.OrganizationID)},
	}
}
