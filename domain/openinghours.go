package domain

import (
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"
	_ "time/tzdata" // zone names are checked the same on every host, whatever its zoneinfo files
)

// OpeningRange is a time a service's contact point answers, once a week: from Opens on Day to
// Closes, in minutes after midnight. A range that closes at or before it opens runs past
// midnight and closes on the next day (22:00–02:00); 00:00–24:00 is a whole day.
type OpeningRange struct {
	Day    time.Weekday `json:"day"`
	Opens  int          `json:"opens"`  // 0 to 1439
	Closes int          `json:"closes"` // 0 to 1440
}

// OpeningHours are the weekly hours of a contact point, read in an IANA time zone.
type OpeningHours struct {
	TimeZone string
	Ranges   []OpeningRange
}

const (
	minutesPerDay  = 24 * 60
	minutesPerWeek = 7 * minutesPerDay
	// MaxOpeningRanges bounds the ranges of one service: six a day is more than any desk has.
	MaxOpeningRanges = 42
	maxTimeZoneName  = 64
)

// weekdays are the days in the order they are written and listed: Monday first.
var weekdays = []time.Weekday{time.Monday, time.Tuesday, time.Wednesday, time.Thursday, time.Friday, time.Saturday, time.Sunday}

// weekStart is the minute of the week (from Monday 00:00) at which the day begins.
func weekStart(d time.Weekday) int { return int((d+6)%7) * minutesPerDay }

// span is the range as minutes of the week; its end passes the week's when it runs past Sunday.
func (r OpeningRange) span() (start, end int) {
	start = weekStart(r.Day) + r.Opens
	end = weekStart(r.Day) + r.Closes
	if r.Closes <= r.Opens {
		end += minutesPerDay
	}
	return start, end
}

// contains reports whether the minute of the week m falls in the range (a range running past
// Sunday midnight goes on into Monday).
func (r OpeningRange) contains(m int) bool {
	start, end := r.span()
	return (m >= start && m < end) || (m+minutesPerWeek >= start && m+minutesPerWeek < end)
}

func (r OpeningRange) overlaps(o OpeningRange) bool {
	a0, a1 := r.span()
	b0, b1 := o.span()
	for _, shift := range []int{-minutesPerWeek, 0, minutesPerWeek} {
		if a0 < b1+shift && b0+shift < a1 {
			return true
		}
	}
	return false
}

// IsOpen reports whether t falls in one of the ranges, read on the wall clock of the time zone
// (so a range keeps its local hours across daylight saving changes). Without ranges, or with a
// zone that no longer loads, it is closed.
func (h OpeningHours) IsOpen(t time.Time) bool {
	loc, ok := LoadTimeZone(h.TimeZone)
	if !ok {
		return false
	}
	local := t.In(loc)
	m := weekStart(local.Weekday()) + local.Hour()*60 + local.Minute()
	for _, r := range h.Ranges {
		if r.contains(m) {
			return true
		}
	}
	return false
}

// LoadTimeZone loads an IANA time zone by name ("Europe/Paris", "UTC"). The host's own zone
// ("Local") and the empty name are not zone names.
func LoadTimeZone(name string) (*time.Location, bool) {
	if name == "" || name == "Local" || len(name) > maxTimeZoneName || strings.ContainsAny(name, "\\\x00") {
		return nil, false
	}
	if loc, ok := zones.Load(name); ok {
		return loc.(*time.Location), true
	}
	loc, err := time.LoadLocation(name)
	if err != nil {
		return nil, false
	}
	zones.Store(name, loc)
	return loc, true
}

// zones keeps the zones loaded so far (a few hundred exist): a list of services reads each once.
var zones sync.Map

// ParseWeekday reads an English day name, in any case ("Monday", "monday").
func ParseWeekday(s string) (time.Weekday, bool) {
	for _, d := range weekdays {
		if strings.EqualFold(s, d.String()) {
			return d, true
		}
	}
	return 0, false
}

// ParseTimeOfDay reads "HH:MM" (or "HH:MM:00") as minutes after midnight, from 00:00 to 23:59,
// or to 24:00 when end is true (a range closing at midnight).
func ParseTimeOfDay(s string, end bool) (int, bool) {
	if len(s) == 8 && strings.HasSuffix(s, ":00") {
		s = s[:5]
	}
	if len(s) != 5 || s[2] != ':' {
		return 0, false
	}
	digit := func(b byte) (int, bool) { return int(b - '0'), b >= '0' && b <= '9' }
	h1, ok1 := digit(s[0])
	h2, ok2 := digit(s[1])
	m1, ok3 := digit(s[3])
	m2, ok4 := digit(s[4])
	if !ok1 || !ok2 || !ok3 || !ok4 {
		return 0, false
	}
	h, m := h1*10+h2, m1*10+m2
	switch {
	case m > 59 || h > 24:
		return 0, false
	case h == 24 && (m != 0 || !end):
		return 0, false
	}
	return h*60 + m, true
}

// FormatTimeOfDay writes minutes after midnight as "HH:MM" (1440 as "24:00").
func FormatTimeOfDay(m int) string { return fmt.Sprintf("%02d:%02d", m/60, m%60) }

// OpeningRangeText is an opening range as a client writes it; nil fields are missing.
type OpeningRangeText struct {
	DayOfWeek, Opens, Closes *string
}

// ParseOpeningRanges checks the ranges written under path ("contactPoint.hoursAvailable"),
// recording a violation per bad field (path[i].dayOfWeek, .opens, .closes) and per range
// overlapping an earlier one; it returns them sorted by their place in the week.
func ParseOpeningRanges(vs *Violations, path string, in []OpeningRangeText) []OpeningRange {
	if len(in) > MaxOpeningRanges {
		vs.Add(path, MsgTooManyItems, MaxOpeningRanges)
		return nil
	}
	out := make([]OpeningRange, 0, len(in))
	valid := make([]bool, len(in))
	for i, t := range in {
		at := fmt.Sprintf("%s[%d].", path, i)
		var r OpeningRange
		ok := true
		switch d, parsed := ParseWeekday(strings.TrimSpace(textOf(t.DayOfWeek))); {
		case t.DayOfWeek == nil || strings.TrimSpace(*t.DayOfWeek) == "":
			vs.Add(at+"dayOfWeek", MsgNotBlank)
			ok = false
		case !parsed:
			vs.Add(at+"dayOfWeek", MsgInvalidDayOfWeek)
			ok = false
		default:
			r.Day = d
		}
		var opensOK, closesOK bool
		r.Opens, opensOK = parseTimeField(vs, at+"opens", t.Opens, false)
		r.Closes, closesOK = parseTimeField(vs, at+"closes", t.Closes, true)
		if opensOK && closesOK && r.Opens == r.Closes {
			vs.Add(at+"closes", MsgEmptyOpeningRange)
			closesOK = false
		}
		if valid[i] = ok && opensOK && closesOK; !valid[i] {
			out = append(out, OpeningRange{})
			continue
		}
		out = append(out, r)
		for j := 0; j < i; j++ {
			if valid[j] && out[j].overlaps(r) {
				vs.Add(at[:len(at)-1], MsgOverlappingHours, out[j].Day.String(), FormatTimeOfDay(out[j].Opens), FormatTimeOfDay(out[j].Closes))
				break
			}
		}
	}
	SortOpeningRanges(out)
	return out
}

func parseTimeField(vs *Violations, path string, v *string, end bool) (int, bool) {
	if v == nil || strings.TrimSpace(*v) == "" {
		vs.Add(path, MsgNotBlank)
		return 0, false
	}
	m, ok := ParseTimeOfDay(strings.TrimSpace(*v), end)
	if !ok {
		max := "23:59"
		if end {
			max = "24:00"
		}
		vs.Add(path, MsgInvalidTimeOfDay, "00:00", max)
	}
	return m, ok
}

// SortOpeningRanges orders ranges by their place in the week, Monday first.
func SortOpeningRanges(rs []OpeningRange) {
	slices.SortFunc(rs, func(a, b OpeningRange) int {
		as, _ := a.span()
		bs, _ := b.span()
		return as - bs
	})
}

func textOf(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}
