package hal

import (
	"github.com/google/uuid"

	"github.com/keyclic/keyclic/domain"
	"github.com/keyclic/keyclic/store"
)

type Operation struct {
	Resource
	Name                 string            `json:"name"`
	Description          string            `json:"description"`
	Duration             *int              `json:"duration,omitempty"`  // absent when not set
	StartDate            *Time             `json:"startDate,omitempty"` // absent when not set
	IdentificationNumber string            `json:"identificationNumber"`
	State                domain.State      `json:"state"`
	Links                Links             `json:"_links"`
	Embedded             OperationEmbedded `json:"_embedded"`
}

type OperationEmbedded struct {
	StateTransitions []string `json:"stateTransitions"`
	Tracking         Tracking `json:"tracking"`
}

func OperationLink(id uuid.UUID) *Link {
	return NewLink("/operations/"+id.String(), "operation", id.String())
}

func RenderOperation(o domain.Operation, x *store.OperationExtras) Operation {
	id := o.ID.String()
	links := Links{
		"self":      OperationLink(o.ID),
		"report":    ReportLink(o.ReportID),
		"createdBy": PersonLink(o.CreatedBy),
		"tracking":  NewLink("/operations/"+id+"/tracking", "operation", id),
	}
	if o.OperatorMemberID != nil {
		// The member's own organization: a delegate may have assigned an operation created before.
		org := o.OrganizationID
		if o.OperatorOrganizationID != nil {
			org = *o.OperatorOrganizationID
		}
		links["operator"] = MemberLink(org, *o.OperatorMemberID)
	}
	images := make([]*Link, len(x.ImageIDs))
	for i, img := range x.ImageIDs {
		images[i] = NewLink("/operations/"+id+"/images/"+img.String()+"/200/200", "operation", id, "image", img.String(), "width", "200", "height", "200")
	}
	links["images"] = images
	if len(images) > 0 {
		links["image"] = images[0]
	}
	resolved := 0
	if o.State == domain.OperationResolved {
		resolved = 1
	}
	return Operation{
		Resource: NewResource("Operation", id, o.CreatedAt, o.UpdatedAt),
		Name:     o.Name, Description: o.Description, Duration: o.Duration, StartDate: TimePtr(o.StartDate),
		IdentificationNumber: o.IdentificationNumber, State: o.State, Links: links,
		Embedded: OperationEmbedded{
			StateTransitions: domain.OperationClientMachine.Allowed(o.State),
			Tracking:         RenderTracking(o.State, resolved, 1, x.Checkpoints),
		},
	}
}
