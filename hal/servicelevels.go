package hal

import (
	"github.com/keyclic/keyclic/domain"
)

// ServiceLevels is an organization's service levels as its admins write them: the calendar
// working time is counted on, the default level and the levels per category.
type ServiceLevels struct {
	TimeZone       string                      `json:"timeZone"`
	HoursAvailable []OpeningRange              `json:"hoursAvailable"`
	Holidays       []string                    `json:"holidays"`
	Default        ServiceLevelTerms           `json:"default"`
	Categories     []CategoryServiceLevelTerms `json:"categories"`
	UpdatedAt      Time                        `json:"updatedAt"`
	Links          Links                       `json:"_links"`
}

// ServiceLevelTerms are the working times to accept and to close a report ("8h", "2h30m");
// null is no promise.
type ServiceLevelTerms struct {
	AcceptWithin *string `json:"acceptWithin"`
	CloseWithin  *string `json:"closeWithin"`
}

// CategoryServiceLevelTerms are the terms of the reports of one category.
type CategoryServiceLevelTerms struct {
	Category     string  `json:"category"`
	AcceptWithin *string `json:"acceptWithin"`
	CloseWithin  *string `json:"closeWithin"`
}

func durationText(d *domain.Duration) *string {
	if d == nil {
		return nil
	}
	s := d.String()
	return &s
}

func RenderServiceLevels(l domain.ServiceLevels) ServiceLevels {
	org := l.OrganizationID.String()
	hours := RenderOpeningRanges(l.Calendar.Hours)
	holidays := append([]string{}, l.Calendar.Holidays...)
	categories := make([]CategoryServiceLevelTerms, len(l.Categories))
	for i, c := range l.Categories {
		categories[i] = CategoryServiceLevelTerms{Category: c.CategoryID.String(), AcceptWithin: durationText(c.AcceptWithin), CloseWithin: durationText(c.CloseWithin)}
	}
	return ServiceLevels{
		TimeZone: l.Calendar.TimeZone, HoursAvailable: hours, Holidays: holidays,
		Default:    ServiceLevelTerms{AcceptWithin: durationText(l.Default.AcceptWithin), CloseWithin: durationText(l.Default.CloseWithin)},
		Categories: categories, UpdatedAt: Time(l.UpdatedAt),
		Links: Links{
			"self":         NewLink("/organizations/"+org+"/service-levels", "organization", org),
			"organization": OrganizationLink(l.OrganizationID),
		},
	}
}
