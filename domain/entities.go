package domain

import (
	"encoding/json"
	"time"

	"github.com/google/uuid"
)

// Application partitions the data: clients of one application never see another's.
type Application struct {
	ID               uuid.UUID
	Token            string // the key clients send in X-Keyclic-App
	Name             string
	Version          string
	PasswordResetURL string // the reset token is appended to it in emails
	CreatedAt        time.Time
	UpdatedAt        time.Time
}

// BusinessActivity is a sector (roads, cleaning…) organizations work in.
type BusinessActivity struct {
	ID             uuid.UUID
	Name           string
	AlternateName  string
	MetadataSchema json.RawMessage
	CreatedAt      time.Time
	UpdatedAt      time.Time
}

// Person is an account. Accounts are shared by every application.
type Person struct {
	ID           uuid.UUID
	Email        string
	GivenName    string
	FamilyName   string
	JobTitle     string
	OptIn        bool
	EmailEnabled bool // preferences.message.email
	PushEnabled  bool // preferences.message.push
	Language     Lang
	HasImage     bool
	PasswordHash string
	CreatedAt    time.Time
	UpdatedAt    time.Time
}

// Username is the login name; the service logs people in by email.
func (p Person) Username() string { return p.Email }

// Organization is a group of people that receives reports for its places.
type Organization struct {
	ID                       uuid.UUID
	ApplicationID            uuid.UUID
	BusinessActivityID       *uuid.UUID // nil: created without one
	Name                     string
	AlternateName            string
	Description              string
	BillingEmailAddress      string
	NotificationEmailAddress string
	Enabled                  bool
	HasLogo                  bool
	CreatedAt                time.Time
	UpdatedAt                time.Time
}

// Member ties a person to an organization with roles. Its id is not the person's.
type Member struct {
	ID             uuid.UUID
	OrganizationID uuid.UUID
	PersonID       uuid.UUID
	Roles          Roles
	CreatedAt      time.Time
	UpdatedAt      time.Time
}
