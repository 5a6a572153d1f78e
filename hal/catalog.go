package hal

import (
	"encoding/json"

	"github.com/google/uuid"

	"github.com/keyclic/keyclic/domain"
)

type Application struct {
	Resource
	Name    string `json:"name"`
	Token   string `json:"token"`
	Version string `json:"version"`
	Links   Links  `json:"_links"`
}

func ApplicationLink(a domain.Application) *Link {
	return NewLink("/applications/"+a.Token, "token", a.Token)
}

type BusinessActivity struct {
	Resource
	Name           string          `json:"name"`
	AlternateName  string          `json:"alternateName"`
	MetadataSchema json.RawMessage `json:"metadataSchema"`
	Links          Links           `json:"_links"`
}

func BusinessActivityLink(id uuid.UUID) *Link {
	return NewLink("/businessactivities/"+id.String(), "businessActivity", id.String())
}

func RenderBusinessActivity(b domain.BusinessActivity) BusinessActivity {
	return BusinessActivity{
		Resource: NewResource("BusinessActivity", b.ID.String(), b.CreatedAt, b.UpdatedAt),
		Name:     b.Name, AlternateName: b.AlternateName, MetadataSchema: b.MetadataSchema,
		Links: Links{"self": BusinessActivityLink(b.ID)},
	}
}
