package domain

import (
	"time"

	"github.com/google/uuid"
)

// Category is a kind of problem an organization handles (potholes, graffiti…), shown with a
// colour and a Font Awesome icon.
type Category struct {
	ID                   uuid.UUID
	OrganizationID       uuid.UUID
	Name                 string
	Color                string // #rrggbb
	Icon                 string // a Font Awesome name, e.g. "fa-bug"
	IdentificationNumber string
	CreatedAt            time.Time
	UpdatedAt            time.Time
}
