package hal

import (
	"github.com/google/uuid"

	"github.com/keyclic/keyclic/domain"
)

type Person struct {
	Resource
	FamilyName  string      `json:"familyName,omitempty"` // absent until given: never empty
	GivenName   string      `json:"givenName,omitempty"`
	JobTitle    string      `json:"jobTitle"`
	Username    string      `json:"username"`
	Email       string      `json:"email"`
	OptIn       bool        `json:"optIn"`
	Preferences Preferences `json:"preferences"`
	Links       Links       `json:"_links"`
}

// Preferences say on which channels the person is notified (the Swagger file's Person.preferences).
type Preferences struct {
	MessageEmailEnabled bool `json:"messageEmailEnabled"`
	MessagePushEnabled  bool `json:"messagePushEnabled"`
}

func PersonLink(id uuid.UUID) *Link {
	return NewLink("/people/"+id.String(), "person", id.String())
}

func RenderPerson(p domain.Person) Person {
	links := Links{"self": PersonLink(p.ID)}
	if p.HasImage {
		links["image"] = ImageLink("/people/"+p.ID.String()+"/image", "person", p.ID.String())
	}
	return Person{
		Resource:   NewResource("Person", p.ID.String(), p.CreatedAt, p.UpdatedAt),
		FamilyName: p.FamilyName, GivenName: p.GivenName, JobTitle: p.JobTitle,
		Username: p.Username(), Email: p.Email, OptIn: p.OptIn,
		Preferences: Preferences{MessageEmailEnabled: p.EmailEnabled, MessagePushEnabled: p.PushEnabled},
		Links:       links,
	}
}
