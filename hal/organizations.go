package hal

import (
	"github.com/google/uuid"

	"github.com/keyclic/keyclic/domain"
)

type Organization struct {
	Resource
	Name                     string `json:"name"`
	AlternateName            string `json:"alternateName"`
	Description              string `json:"description"`
	BillingEmailAddress      string `json:"billingEmailAddress"`
	NotificationEmailAddress string `json:"notificationEmailAddress"`
	Enabled                  bool   `json:"enabled"`
	Links                    Links  `json:"_links"`
}

func OrganizationLink(id uuid.UUID) *Link {
	return NewLink("/organizations/"+id.String(), "organization", id.String())
}

func RenderOrganization(o domain.Organization, app domain.Application) Organization {
	links := Links{
		"self":        OrganizationLink(o.ID),
		"application": ApplicationLink(app),
	}
	if o.BusinessActivityID != nil {
		links["businessActivity"] = BusinessActivityLink(*o.BusinessActivityID)
	}
	if o.HasLogo {
		links["logo"] = ImageLink("/organizations/"+o.ID.String()+"/logo", "organization", o.ID.String())
	}
	return Organization{
		Resource: NewResource("Organization", o.ID.String(), o.CreatedAt, o.UpdatedAt),
		Name:     o.Name, AlternateName: o.AlternateName, Description: o.Description,
		BillingEmailAddress: o.BillingEmailAddress, NotificationEmailAddress: o.NotificationEmailAddress,
		Enabled: o.Enabled, Links: links,
	}
}
