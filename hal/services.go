package hal

import (
	"time"

	"github.com/google/uuid"

	"github.com/keyclic/keyclic/domain"
)

type Service struct {
	Resource
	Name         string       `json:"name"`
	Description  string       `json:"description"`
	ContactPoint ContactPoint `json:"contactPoint"`
	Links        Links        `json:"_links"`
}

// ContactPoint is the Swagger file's contactPoint {telephone, isOpen}, with the hours that
// decide isOpen and the zone they are read in.
type ContactPoint struct {
	Telephone      string         `json:"telephone"`
	IsOpen         bool           `json:"isOpen"`
	TimeZone       string         `json:"timeZone"`
	HoursAvailable []OpeningRange `json:"hoursAvailable"`
}

// OpeningRange follows schema.org's OpeningHoursSpecification (dayOfWeek, opens, closes).
type OpeningRange struct {
	DayOfWeek string `json:"dayOfWeek"`
	Opens     string `json:"opens"`
	Closes    string `json:"closes"`
}

// RenderOpeningRanges writes weekly ranges as clients write them ("Monday", "09:00", "17:00").
func RenderOpeningRanges(rs []domain.OpeningRange) []OpeningRange {
	out := make([]OpeningRange, len(rs))
	for i, r := range rs {
		out[i] = OpeningRange{DayOfWeek: r.Day.String(), Opens: domain.FormatTimeOfDay(r.Opens), Closes: domain.FormatTimeOfDay(r.Closes)}
	}
	return out
}

func ServiceLink(id uuid.UUID) *Link {
	return NewLink("/services/"+id.String(), "service", id.String())
}

func RenderService(sv domain.Service, now time.Time) Service {
	hours := RenderOpeningRanges(sv.Hours.Ranges)
	return Service{
		Resource: NewResource("Service", sv.ID.String(), sv.CreatedAt, sv.UpdatedAt),
		Name:     sv.Name, Description: sv.Description,
		ContactPoint: ContactPoint{
			Telephone: sv.Telephone, IsOpen: sv.Hours.IsOpen(now), TimeZone: sv.Hours.TimeZone, HoursAvailable: hours,
		},
		Links: Links{"self": ServiceLink(sv.ID), "organization": OrganizationLink(sv.OrganizationID)},
	}
}
