package domain

import (
	"slices"
	"testing"
	"time"
)

func ptr(s string) *string { return &s }

func rangeText(day, opens, closes string) OpeningRangeText {
	return OpeningRangeText{DayOfWeek: ptr(day), Opens: ptr(opens), Closes: ptr(closes)}
}

// mustRanges parses ranges that must be valid.
func mustRanges(t *testing.T, in ...OpeningRangeText) []OpeningRange {
	t.Helper()
	var vs Violations
	out := ParseOpeningRanges(&vs, "hours", in)
	if err := vs.Err(); err != nil {
		t.Fatalf("ranges %v: %v", in, err)
	}
	return out
}

func utc(s string) time.Time {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		panic(err)
	}
	return t
}

// Opening hours are read on the wall clock of their zone: the day is the zone's day, a range
// closing at or before it opens runs past midnight, and Sunday night runs into Monday.
func TestIsOpenAcrossTimeZonesAndMidnight(t *testing.T) {
	ranges := mustRanges(t,
		rangeText("Monday", "22:00", "02:00"),
		rangeText("tuesday", "08:30", "12:00"),
		rangeText("SUNDAY", "23:00", "01:00"),
	)
	auckland := OpeningHours{TimeZone: "Pacific/Auckland", Ranges: ranges} // UTC+13 in January
	for _, tc := range []struct {
		at   string
		open bool
		why  string
	}{
		{"2026-01-05T08:59:00Z", false, "Monday 21:59 in Auckland"},
		{"2026-01-05T09:00:00Z", true, "Monday 22:00 in Auckland"},
		{"2026-01-05T10:30:00Z", true, "Monday 23:30 in Auckland"},
		{"2026-01-05T11:00:00Z", true, "Tuesday 00:00 in Auckland: Monday's range past midnight"},
		{"2026-01-05T12:59:00Z", true, "Tuesday 01:59 in Auckland"},
		{"2026-01-05T13:00:00Z", false, "Tuesday 02:00 in Auckland: closed"},
		{"2026-01-05T19:29:00Z", false, "Tuesday 08:29 in Auckland (Monday in UTC)"},
		{"2026-01-05T19:30:00Z", true, "Tuesday 08:30 in Auckland (Monday in UTC)"},
		{"2026-01-05T22:59:00Z", true, "Tuesday 11:59 in Auckland"},
		{"2026-01-05T23:00:00Z", false, "Tuesday 12:00 in Auckland"},
		{"2026-01-11T09:59:00Z", false, "Sunday 22:59 in Auckland"},
		{"2026-01-11T10:30:00Z", true, "Sunday 23:30 in Auckland"},
		{"2026-01-11T11:30:00Z", true, "Monday 00:30 in Auckland: Sunday's range into the next week"},
		{"2026-01-11T12:00:00Z", false, "Monday 01:00 in Auckland"},
		{"2026-07-06T10:30:00Z", true, "Monday 22:30 in Auckland in winter (UTC+12)"},
		{"2026-07-06T09:30:00Z", false, "Monday 21:30 in Auckland in winter"},
	} {
		if got := auckland.IsOpen(utc(tc.at)); got != tc.open {
			t.Errorf("%s (%s): open %v, want %v", tc.at, tc.why, got, tc.open)
		}
	}
	// The same hours in UTC are other instants.
	inUTC := OpeningHours{TimeZone: "UTC", Ranges: ranges}
	if inUTC.IsOpen(utc("2026-01-05T10:30:00Z")) || !inUTC.IsOpen(utc("2026-01-05T22:30:00Z")) {
		t.Error("hours in UTC read in another zone")
	}
}

// Local hours stay local across a daylight saving change.
func TestIsOpenKeepsLocalHoursAcrossDaylightSaving(t *testing.T) {
	paris := OpeningHours{TimeZone: "Europe/Paris", Ranges: mustRanges(t, rangeText("Monday", "08:00", "12:00"))}
	for _, tc := range []struct {
		at   string
		open bool
	}{
		{"2026-03-23T06:59:00Z", false}, // 07:59 CET
		{"2026-03-23T07:00:00Z", true},  // 08:00 CET
		{"2026-03-30T05:59:00Z", false}, // 07:59 CEST
		{"2026-03-30T06:00:00Z", true},  // 08:00 CEST
		{"2026-03-30T09:59:00Z", true},  // 11:59 CEST
		{"2026-03-30T10:00:00Z", false}, // 12:00 CEST
	} {
		if got := paris.IsOpen(utc(tc.at)); got != tc.open {
			t.Errorf("%s: open %v, want %v", tc.at, got, tc.open)
		}
	}
}

func TestIsOpenEdges(t *testing.T) {
	allDay := OpeningHours{TimeZone: "Europe/Paris", Ranges: mustRanges(t, rangeText("Wednesday", "00:00", "24:00"))}
	if !allDay.IsOpen(utc("2026-01-06T23:00:00Z")) || !allDay.IsOpen(utc("2026-01-07T22:59:00Z")) || allDay.IsOpen(utc("2026-01-07T23:00:00Z")) {
		t.Error("00:00–24:00 is not the whole day")
	}
	if (OpeningHours{TimeZone: "Europe/Paris"}).IsOpen(time.Now()) {
		t.Error("open without hours")
	}
	if (OpeningHours{TimeZone: "Mars/Olympus", Ranges: allDay.Ranges}).IsOpen(utc("2026-01-07T12:00:00Z")) {
		t.Error("open in a zone that does not exist")
	}
}

func TestParseOpeningRangesRefusals(t *testing.T) {
	many := make([]OpeningRangeText, MaxOpeningRanges+1)
	for i := range many {
		many[i] = rangeText("Monday", "08:00", "09:00")
	}
	for name, tc := range map[string]struct {
		in    []OpeningRangeText
		paths []string
	}{
		"no day":              {[]OpeningRangeText{{Opens: ptr("08:00"), Closes: ptr("09:00")}}, []string{"h[0].dayOfWeek"}},
		"unknown day":         {[]OpeningRangeText{rangeText("Lundi", "08:00", "09:00")}, []string{"h[0].dayOfWeek"}},
		"no times":            {[]OpeningRangeText{{DayOfWeek: ptr("Monday")}}, []string{"h[0].opens", "h[0].closes"}},
		"hour 25":             {[]OpeningRangeText{rangeText("Monday", "25:00", "09:00")}, []string{"h[0].opens"}},
		"minute 60":           {[]OpeningRangeText{rangeText("Monday", "08:00", "09:60")}, []string{"h[0].closes"}},
		"opens at 24:00":      {[]OpeningRangeText{rangeText("Monday", "24:00", "09:00")}, []string{"h[0].opens"}},
		"24:30":               {[]OpeningRangeText{rangeText("Monday", "08:00", "24:30")}, []string{"h[0].closes"}},
		"not a time":          {[]OpeningRangeText{rangeText("Monday", "8h", "9:00"), rangeText("Monday", "-1:00", "+9:00")}, []string{"h[0].opens", "h[0].closes", "h[1].opens", "h[1].closes"}},
		"empty range":         {[]OpeningRangeText{rangeText("Monday", "08:00", "08:00")}, []string{"h[0].closes"}},
		"overlap":             {[]OpeningRangeText{rangeText("Monday", "08:00", "12:00"), rangeText("Monday", "11:00", "14:00")}, []string{"h[1]"}},
		"overlap at midnight": {[]OpeningRangeText{rangeText("Monday", "22:00", "02:00"), rangeText("Tuesday", "01:00", "03:00")}, []string{"h[1]"}},
		"overlap over a week": {[]OpeningRangeText{rangeText("Monday", "00:00", "06:00"), rangeText("Sunday", "23:00", "01:00")}, []string{"h[1]"}},
		"too many":            {many, []string{"h"}},
	} {
		var vs Violations
		ParseOpeningRanges(&vs, "h", tc.in)
		var paths []string
		for _, v := range vs {
			paths = append(paths, v.Path)
		}
		slices.Sort(paths)
		want := slices.Clone(tc.paths)
		slices.Sort(want)
		if !slices.Equal(paths, want) {
			t.Errorf("%s: violations at %v, want %v", name, paths, want)
		}
	}
	// Ranges that touch do not overlap; they come back in week order.
	got := mustRanges(t, rangeText("Tuesday", "14:00", "18:00"), rangeText("Monday", "12:00", "14:00"), rangeText("Monday", "08:00", "12:00"),
		rangeText("Sunday", "22:00", "00:00"), rangeText("Monday", "00:00", "08:00:00"))
	want := []OpeningRange{{time.Monday, 0, 480}, {time.Monday, 480, 720}, {time.Monday, 720, 840}, {time.Tuesday, 840, 1080}, {time.Sunday, 1320, 0}}
	if !slices.Equal(got, want) {
		t.Errorf("ranges %v, want %v", got, want)
	}
}

func TestLoadTimeZone(t *testing.T) {
	for _, name := range []string{"Europe/Paris", "America/Los_Angeles", "Pacific/Auckland", "UTC", "Etc/GMT+3", "America/Argentina/Buenos_Aires"} {
		if _, ok := LoadTimeZone(name); !ok {
			t.Errorf("%q refused", name)
		}
	}
	for _, name := range []string{"", "Local", "Mars/Olympus", "europe/paris ", "../../etc/passwd", "/usr/share/zoneinfo/UTC", "Europe\\Paris", "UTC\x00"} {
		if _, ok := LoadTimeZone(name); ok {
			t.Errorf("%q accepted", name)
		}
	}
}

func TestValidTelephone(t *testing.T) {
	for _, s := range []string{"+33 5 56 10 20 30", "05.56.10.20.30", "(555) 010-2030", "112", "+1-202-555-0143"} {
		if !ValidTelephone(s) {
			t.Errorf("%q refused", s)
		}
	}
	for _, s := range []string{"", "12", "call me", "+33 5 56 +10", "0556102030 ext. 4", "123456789012345678901", "1234567890123456789012345678901234"} {
		if ValidTelephone(s) {
			t.Errorf("%q accepted", s)
		}
	}
}

// FuzzOpeningHours: whatever a client writes, parsing answers violations or ranges, and valid
// ranges answer IsOpen in any zone at any time; never a panic.
func FuzzOpeningHours(f *testing.F) {
	f.Add("Monday", "22:00", "02:00", "Pacific/Auckland", int64(1767607800))
	f.Add("sunday", "23:00", "01:00", "Europe/Paris", int64(0))
	f.Add("Wednesday", "00:00", "24:00", "UTC", int64(-62135596800))
	f.Add("Lundi", "25:00", "9:0", "Mars/Olympus", int64(253402300799))
	f.Add("", "24:00", "24:00:00", "Local", int64(1<<62))
	f.Add("Friday", "08:00:00", "08:00", "../etc/passwd", int64(-1))
	f.Fuzz(func(t *testing.T, day, opens, closes, zone string, unix int64) {
		var vs Violations
		in := []OpeningRangeText{{DayOfWeek: &day, Opens: &opens, Closes: &closes}, rangeText("Monday", "10:00", "11:00")}
		ranges := ParseOpeningRanges(&vs, "h", in)
		for _, v := range vs {
			if v.Path == "" || v.Msg.In(English) == v.Msg.Key {
				t.Fatalf("violation %+v without a path or a text", v)
			}
		}
		if len(vs) == 0 {
			for _, r := range ranges {
				if r.Opens < 0 || r.Opens >= minutesPerDay || r.Closes < 0 || r.Closes > minutesPerDay || r.Opens == r.Closes {
					t.Fatalf("range out of bounds: %+v", r)
				}
			}
		}
		_ = OpeningHours{TimeZone: zone, Ranges: ranges}.IsOpen(time.Unix(unix, 0))
	})
}
