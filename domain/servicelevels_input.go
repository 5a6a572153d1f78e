package domain

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/google/uuid"
)

// ServiceLevelsText is an organization's service levels as its admin writes them; nil fields are
// missing.
type ServiceLevelsText struct {
	TimeZone   *string
	Hours      []OpeningRangeText
	Holidays   []*string
	Default    *ServiceLevelText
	Categories []CategoryServiceLevelText
}

// ServiceLevelText is one level as written: working times such as "8h", "2h30m" or "PT8H".
type ServiceLevelText struct {
	AcceptWithin, CloseWithin *string
}

// CategoryServiceLevelText is the level of one category as written.
type CategoryServiceLevelText struct {
	Category *string
	ServiceLevelText
}

// ParseServiceLevels checks an organization's service levels, recording a violation per bad
// field under its JSON path (timeZone, hoursAvailable[i].opens, holidays[i],
// default.acceptWithin, categories[i].category, ...). Whether each category belongs to the
// organization is for the caller to check, with the store.
func ParseServiceLevels(vs *Violations, org uuid.UUID, in ServiceLevelsText) ServiceLevels {
	out := ServiceLevels{OrganizationID: org, Categories: []CategoryServiceLevel{}}
	switch zone := strings.TrimSpace(textOf(in.TimeZone)); {
	case zone == "":
		vs.Add("timeZone", MsgNotBlank)
	default:
		if _, ok := LoadTimeZone(zone); !ok {
			vs.Add("timeZone", MsgInvalidTimeZone)
		}
		out.Calendar.TimeZone = zone
	}
	out.Calendar.Hours = ParseOpeningRanges(vs, "hoursAvailable", in.Hours)
	out.Calendar.Holidays = parseHolidays(vs, in.Holidays)
	if in.Default != nil {
		out.Default = parseServiceLevel(vs, "default.", *in.Default)
	}
	if len(in.Categories) > MaxServiceLevelCategories {
		vs.Add("categories", MsgTooManyItems, MaxServiceLevelCategories)
		return out
	}
	seen := make(map[uuid.UUID]bool, len(in.Categories))
	for i, c := range in.Categories {
		at := fmt.Sprintf("categories[%d].", i)
		id := vs.CheckUUID(at+"category", c.Category, true)
		if id != uuid.Nil {
			if seen[id] {
				vs.Add(at+"category", MsgDuplicate)
			}
			seen[id] = true
		}
		out.Categories = append(out.Categories, CategoryServiceLevel{CategoryID: id, ServiceLevel: parseServiceLevel(vs, at, c.ServiceLevelText)})
	}
	return out
}

// MaxServiceLevelCategories bounds the levels per category of one organization.
const MaxServiceLevelCategories = 500

// parseHolidays reads local dates "2006-01-02", each once, sorted as written.
func parseHolidays(vs *Violations, in []*string) []string {
	out := []string{}
	if len(in) > MaxHolidays {
		vs.Add("holidays", MsgTooManyItems, MaxHolidays)
		return out
	}
	seen := make(map[string]bool, len(in))
	for i, h := range in {
		at := fmt.Sprintf("holidays[%d]", i)
		v := strings.TrimSpace(textOf(h))
		if v == "" {
			vs.Add(at, MsgNotBlank)
			continue
		}
		d, err := time.Parse(HolidayLayout, v)
		if err != nil || d.Format(HolidayLayout) != v {
			vs.Add(at, MsgInvalidDate)
			continue
		}
		if seen[v] {
			vs.Add(at, MsgDuplicate)
			continue
		}
		seen[v] = true
		out = append(out, v)
	}
	return out
}

func parseServiceLevel(vs *Violations, at string, in ServiceLevelText) ServiceLevel {
	return ServiceLevel{
		AcceptWithin: parseServiceDuration(vs, at+"acceptWithin", in.AcceptWithin),
		CloseWithin:  parseServiceDuration(vs, at+"closeWithin", in.CloseWithin),
	}
}

// parseServiceDuration reads a working time; missing (nil or "") is no promise.
func parseServiceDuration(vs *Violations, path string, in *string) *Duration {
	v := strings.TrimSpace(textOf(in))
	if v == "" {
		return nil
	}
	d, ok := ParseWorkingTime(v)
	d = d.Round(time.Second) // kept as whole seconds
	if !ok || d <= 0 || d > MaxServiceLevel {
		vs.Add(path, MsgInvalidServiceDuration, Duration(MaxServiceLevel).String())
		return nil
	}
	out := Duration(d)
	return &out
}

// isoTime is the time part of an ISO 8601 duration: PT8H, PT2H30M, PT90M, PT1.5H. Days are
// not read: a day of working time is ambiguous (24 hours, or one working day?).
var isoTime = regexp.MustCompile(`^PT(?:(\d+(?:\.\d+)?)H)?(?:(\d+(?:\.\d+)?)M)?(?:(\d+(?:\.\d+)?)S)?$`)

// ParseWorkingTime reads a working time written as Go writes durations ("8h", "2h30m") or as
// the time part of an ISO 8601 duration ("PT8H", "PT2H30M").
func ParseWorkingTime(s string) (time.Duration, bool) {
	if up := strings.ToUpper(s); strings.HasPrefix(up, "P") {
		m := isoTime.FindStringSubmatch(up)
		if m == nil || up == "PT" {
			return 0, false
		}
		var total float64
		for i, unit := range []time.Duration{time.Hour, time.Minute, time.Second} {
			if m[i+1] == "" {
				continue
			}
			n, err := strconv.ParseFloat(m[i+1], 64)
			if err != nil || n > float64(MaxServiceLevel/unit)+1 {
				return 0, false
			}
			total += n * float64(unit)
		}
		return time.Duration(total), true
	}
	d, err := time.ParseDuration(s)
	return d, err == nil
}
