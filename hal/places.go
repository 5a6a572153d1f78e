package hal

import (
	"github.com/google/uuid"

	"github.com/keyclic/keyclic/domain"
)

type Place struct {
	Resource
	Name       string   `json:"name"`
	BranchCode string   `json:"branchCode"`
	Geo        PlaceGeo `json:"geo"`
	Links      Links    `json:"_links"`
}

type PlaceGeo struct {
	Polygon   FeatureCollection `json:"polygon"`
	Elevation *float64          `json:"elevation,omitempty"` // absent when the place has none
}

func PlaceLink(id uuid.UUID) *Link {
	return NewLink("/places/"+id.String(), "place", id.String())
}

func RenderPlace(p domain.Place) Place {
	return Place{
		Resource: NewResource("Place", p.ID.String(), p.CreatedAt, p.UpdatedAt),
		Name:     p.Name, BranchCode: p.BranchCode,
		Geo:   PlaceGeo{Polygon: RenderPolygon(p.Polygon), Elevation: p.Elevation},
		Links: Links{"self": PlaceLink(p.ID), "organization": OrganizationLink(p.OrganizationID)},
	}
}
