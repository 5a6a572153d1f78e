package domain

import (
	"strings"
	"time"

	"github.com/google/uuid"
)

// Service is a service an organization offers the public (a roads desk, a help line), with the
// contact point people call and the weekly hours it answers.
type Service struct {
	ID             uuid.UUID
	OrganizationID uuid.UUID
	Name           string
	Description    string
	Telephone      string
	Hours          OpeningHours
	CreatedAt      time.Time
	UpdatedAt      time.Time
}

// Telephone numbers are written by people, in any national form: only their characters and
// length are checked (digits, spaces, + first, . - ( )).
const (
	minTelephoneDigits = 3
	maxTelephoneDigits = 20
	maxTelephoneLength = 32
)

// ValidTelephone accepts "+33 5 56 10 20 30", "05.56.10.20.30", "(555) 010-2030", "112".
func ValidTelephone(s string) bool {
	if len(s) > maxTelephoneLength {
		return false
	}
	digits := 0
	for i, r := range s {
		switch {
		case r >= '0' && r <= '9':
			digits++
		case r == '+' && i == 0:
		case strings.ContainsRune(" .-()", r):
		default:
			return false
		}
	}
	return digits >= minTelephoneDigits && digits <= maxTelephoneDigits
}
