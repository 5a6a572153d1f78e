package domain

import (
	"time"

	"github.com/google/uuid"
)

// ServiceCalendar is when an organization's service-level clock runs: its weekly working hours,
// read on the wall clock of its time zone, minus the holidays it lists (local dates). Without
// hours every hour counts, holidays still excepted.
type ServiceCalendar struct {
	TimeZone string         `json:"timeZone"`
	Hours    []OpeningRange `json:"hours"`
	Holidays []string       `json:"holidays"` // "2006-01-02"
}

// ServiceLevel is the working time an organization gives itself to accept and to close a report;
// nil is no promise.
type ServiceLevel struct {
	AcceptWithin *Duration `json:"acceptWithin,omitempty"`
	CloseWithin  *Duration `json:"closeWithin,omitempty"`
}

// CategoryServiceLevel is the level of one category, when it differs from the default.
type CategoryServiceLevel struct {
	CategoryID uuid.UUID `json:"category"`
	ServiceLevel
}

// ServiceLevels are an organization's calendar, default level and levels per category.
type ServiceLevels struct {
	OrganizationID uuid.UUID
	Calendar       ServiceCalendar
	Default        ServiceLevel
	Categories     []CategoryServiceLevel
	UpdatedAt      time.Time
}

// ServiceTerms are what a report's clocks run on: the calendar and the level of the organization
// treating it, for its category, as they were when the report reached that organization.
type ServiceTerms struct {
	OrganizationID uuid.UUID       `json:"organization"`
	Calendar       ServiceCalendar `json:"calendar"`
	Level          ServiceLevel    `json:"level"`
}

// Limits of a service level: a year of working time is more than any organization promises.
const (
	MaxServiceLevel = 365 * 24 * time.Hour
	MaxHolidays     = 400
	HolidayLayout   = "2006-01-02"
)

// TermsFor returns the terms a report of the category runs on: the category's level when it has
// one, else the default; false when neither promises anything.
func (l ServiceLevels) TermsFor(category *uuid.UUID) (ServiceTerms, bool) {
	level := l.Default
	if category != nil {
		for _, c := range l.Categories {
			if c.CategoryID == *category {
				level = c.ServiceLevel
				break
			}
		}
	}
	if level.AcceptWithin == nil && level.CloseWithin == nil {
		return ServiceTerms{}, false
	}
	return ServiceTerms{OrganizationID: l.OrganizationID, Calendar: l.Calendar, Level: level}, true
}

// maxCalendarDays bounds the walk through a calendar: with at least one working range a week and
// at most MaxHolidays holidays, any level ends well before it.
const maxCalendarDays = 20 * 366

// everyHour is the week of a calendar without hours.
var everyHour = func() []OpeningRange {
	out := make([]OpeningRange, 0, len(weekdays))
	for _, d := range weekdays {
		out = append(out, OpeningRange{Day: d, Opens: 0, Closes: minutesPerDay})
	}
	return out
}()

// eachSpan calls fn with the working spans [s, e) that end after from, in time order, with s no
// earlier than from, until fn returns false. A span belongs to the day it opens on: a holiday opens
// none, and a span opened the evening before a holiday runs on past midnight.
func (c ServiceCalendar) eachSpan(from time.Time, fn func(s, e time.Time) bool) {
	loc, ok := LoadTimeZone(c.TimeZone)
	if !ok {
		loc = time.UTC
	}
	hours := c.Hours
	if len(hours) == 0 {
		hours = everyHour
	}
	hours = append([]OpeningRange(nil), hours...)
	SortOpeningRanges(hours)
	holidays := make(map[string]bool, len(c.Holidays))
	for _, h := range c.Holidays {
		holidays[h] = true
	}
	local := from.In(loc)
	// Start the day before: a span opened yesterday may run past midnight into today.
	y, m, d := local.Date()
	for i := -1; i < maxCalendarDays; i++ {
		day := time.Date(y, m, d+i, 0, 0, 0, 0, loc)
		if holidays[day.Format(HolidayLayout)] {
			continue
		}
		for _, r := range hours {
			if r.Day != day.Weekday() {
				continue
			}
			closes := r.Closes
			if closes <= r.Opens {
				closes += minutesPerDay
			}
			dy, dm, dd := day.Date()
			s := time.Date(dy, dm, dd, 0, r.Opens, 0, 0, loc)
			e := time.Date(dy, dm, dd, 0, closes, 0, 0, loc)
			if !e.After(from) {
				continue
			}
			if s.Before(from) {
				s = from
			}
			if !fn(s, e) {
				return
			}
		}
	}
}

// AddWorkingTime is the instant at which work of working time has passed since from. A calendar
// with no working time left within twenty years ends at the end of that walk.
func (c ServiceCalendar) AddWorkingTime(from time.Time, work time.Duration) time.Time {
	if work <= 0 {
		return from
	}
	at := from
	c.eachSpan(from, func(s, e time.Time) bool {
		if span := e.Sub(s); span < work {
			work -= span
			at = e
			return true
		}
		at = s.Add(work)
		return false
	})
	return at
}

// WorkingTimeBetween is the working time from a to b (zero when b is not after a).
func (c ServiceCalendar) WorkingTimeBetween(a, b time.Time) time.Duration {
	var total time.Duration
	if !b.After(a) {
		return 0
	}
	c.eachSpan(a, func(s, e time.Time) bool {
		if !s.Before(b) {
			return false
		}
		if e.After(b) {
			e = b
		}
		total += e.Sub(s)
		return true
	})
	return total
}
