package domain

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
)

var paris = func() *time.Location {
	loc, ok := LoadTimeZone("Europe/Paris")
	if !ok {
		panic("Europe/Paris does not load")
	}
	return loc
}()

// at is a wall-clock time in Paris.
func at(y int, m time.Month, d, h, min int) time.Time { return time.Date(y, m, d, h, min, 0, 0, paris) }

// officeHours is Monday to Friday, 09:00–17:00.
func officeHours(holidays ...string) ServiceCalendar {
	var hours []OpeningRange
	for _, d := range []time.Weekday{time.Monday, time.Tuesday, time.Wednesday, time.Thursday, time.Friday} {
		hours = append(hours, OpeningRange{Day: d, Opens: 9 * 60, Closes: 17 * 60})
	}
	return ServiceCalendar{TimeZone: "Europe/Paris", Hours: hours, Holidays: holidays}
}

func TestCalendarDatesAreTheWeekdaysTheTestsSay(t *testing.T) {
	for _, c := range []struct {
		t    time.Time
		want time.Weekday
	}{
		{at(2026, 12, 4, 0, 0), time.Friday},
		{at(2026, 12, 24, 0, 0), time.Thursday},
		{at(2026, 12, 25, 0, 0), time.Friday},
		{at(2026, 3, 29, 0, 0), time.Sunday},
		{at(2026, 10, 25, 0, 0), time.Sunday},
	} {
		if c.t.Weekday() != c.want {
			t.Fatalf("%s is a %s, not a %s", c.t.Format(HolidayLayout), c.t.Weekday(), c.want)
		}
	}
}

// workingTimeCase is working time added to a moment, and where it should end.
type workingTimeCase struct {
	name string
	from time.Time
	work time.Duration
	want time.Time
}

// expectWorkingTimeAdded checks each case's end, and that the working time between its start
// and that end is the time added.
func expectWorkingTimeAdded(t *testing.T, cal ServiceCalendar, cases []workingTimeCase) {
	t.Helper()
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := cal.AddWorkingTime(c.from, c.work)
			if !got.Equal(c.want) {
				t.Errorf("%s + %s = %s, want %s", c.from, c.work, got.In(paris), c.want)
			}
			if c.work > 0 {
				if back := cal.WorkingTimeBetween(c.from, got); back != c.work {
					t.Errorf("working time from %s to %s = %s, want %s", c.from, got, back, c.work)
				}
			}
		})
	}
}

func TestWorkingTimeOnOfficeHours(t *testing.T) {
	cal := officeHours("2026-12-25")
	expectWorkingTimeAdded(t, cal, []workingTimeCase{
		{"within the day", at(2026, 12, 1, 10, 0), 3 * time.Hour, at(2026, 12, 1, 13, 0)},
		{"ending exactly at closing", at(2026, 12, 1, 9, 0), 8 * time.Hour, at(2026, 12, 1, 17, 0)},
		{"over the night", at(2026, 12, 1, 16, 0), 2 * time.Hour, at(2026, 12, 2, 10, 0)},
		{"from before opening", at(2026, 12, 1, 6, 0), time.Hour, at(2026, 12, 1, 10, 0)},
		{"from after closing", at(2026, 12, 1, 20, 0), time.Hour, at(2026, 12, 2, 10, 0)},
		{"over the weekend", at(2026, 12, 4, 16, 0), 2 * time.Hour, at(2026, 12, 7, 10, 0)},
		{"from a Saturday", at(2026, 12, 5, 12, 0), 30 * time.Minute, at(2026, 12, 7, 9, 30)},
		{"a working week", at(2026, 12, 7, 9, 0), 40 * time.Hour, at(2026, 12, 11, 17, 0)},
		{"over a Friday holiday and the weekend", at(2026, 12, 24, 16, 0), 2 * time.Hour, at(2026, 12, 28, 10, 0)},
		{"nothing to add", at(2026, 12, 5, 12, 0), 0, at(2026, 12, 5, 12, 0)},
	})
	// The same Thursday without the holiday: the Friday counts.
	if got := officeHours().AddWorkingTime(at(2026, 12, 24, 16, 0), 2*time.Hour); !got.Equal(at(2026, 12, 25, 10, 0)) {
		t.Errorf("without the holiday: %s, want Friday 10:00", got.In(paris))
	}
}

func TestWorkingTimeBetween(t *testing.T) {
	cal := officeHours("2026-12-25")
	for _, c := range []struct {
		name string
		a, b time.Time
		want time.Duration
	}{
		{"a weekend only", at(2026, 12, 5, 0, 0), at(2026, 12, 7, 0, 0), 0},
		{"Friday evening to Monday morning", at(2026, 12, 4, 16, 0), at(2026, 12, 7, 10, 0), 2 * time.Hour},
		{"a holiday only", at(2026, 12, 25, 0, 0), at(2026, 12, 26, 0, 0), 0},
		{"a whole week", at(2026, 11, 30, 0, 0), at(2026, 12, 7, 0, 0), 40 * time.Hour},
		{"the week with the holiday", at(2026, 12, 21, 0, 0), at(2026, 12, 28, 0, 0), 32 * time.Hour},
		{"b before a", at(2026, 12, 7, 10, 0), at(2026, 12, 4, 16, 0), 0},
		{"a equals b", at(2026, 12, 7, 10, 0), at(2026, 12, 7, 10, 0), 0},
		{"inside one span", at(2026, 12, 7, 10, 15), at(2026, 12, 7, 11, 0), 45 * time.Minute},
	} {
		if got := cal.WorkingTimeBetween(c.a, c.b); got != c.want {
			t.Errorf("%s: %s, want %s", c.name, got, c.want)
		}
	}
}

// A range closing at or before it opens runs past midnight; it belongs to the day it opens on.
func TestWorkingTimeOverNight(t *testing.T) {
	cal := ServiceCalendar{TimeZone: "Europe/Paris", Hours: []OpeningRange{{Day: time.Friday, Opens: 22 * 60, Closes: 2 * 60}}}
	expectWorkingTimeAdded(t, cal, []workingTimeCase{
		{"from the Friday evening", at(2026, 12, 4, 23, 0), 2 * time.Hour, at(2026, 12, 5, 1, 0)},
		{"from past midnight, inside the Friday's range", at(2026, 12, 5, 1, 0), 30 * time.Minute, at(2026, 12, 5, 1, 30)},
		{"to the next Friday", at(2026, 12, 4, 23, 0), 4 * time.Hour, at(2026, 12, 11, 23, 0)},
		{"from the Saturday after it closed", at(2026, 12, 5, 2, 0), time.Hour, at(2026, 12, 11, 23, 0)},
	})
	if got := cal.WorkingTimeBetween(at(2026, 12, 1, 0, 0), at(2026, 12, 8, 0, 0)); got != 4*time.Hour {
		t.Errorf("a week holds %s, want 4h", got)
	}
	// A holiday on the Saturday leaves the Friday's range whole; a holiday on the Friday takes it.
	sat := cal
	sat.Holidays = []string{"2026-12-05"}
	if got := sat.WorkingTimeBetween(at(2026, 12, 4, 0, 0), at(2026, 12, 6, 0, 0)); got != 4*time.Hour {
		t.Errorf("with the Saturday a holiday: %s, want 4h", got)
	}
	fri := cal
	fri.Holidays = []string{"2026-12-04"}
	if got := fri.WorkingTimeBetween(at(2026, 12, 4, 0, 0), at(2026, 12, 6, 0, 0)); got != 0 {
		t.Errorf("with the Friday a holiday: %s, want 0", got)
	}
	// A Sunday range running into Monday.
	sunday := ServiceCalendar{TimeZone: "Europe/Paris", Hours: []OpeningRange{{Day: time.Sunday, Opens: 23 * 60, Closes: 60}}}
	if got := sunday.AddWorkingTime(at(2026, 12, 6, 23, 30), time.Hour); !got.Equal(at(2026, 12, 7, 0, 30)) {
		t.Errorf("Sunday 23:30 + 1h = %s, want Monday 00:30", got.In(paris))
	}
	if got := sunday.AddWorkingTime(at(2026, 12, 6, 23, 30), 2*time.Hour); !got.Equal(at(2026, 12, 13, 23, 30)) {
		t.Errorf("Sunday 23:30 + 2h = %s, want the next Sunday 23:30", got.In(paris))
	}
}

// Hours are read on the wall clock: the night the clocks go forward a range loses an hour, the
// night they go back it gains one; a working week is the same in local hours either side.
func TestWorkingTimeAcrossDaylightSavingChanges(t *testing.T) {
	night := ServiceCalendar{TimeZone: "Europe/Paris", Hours: []OpeningRange{{Day: time.Sunday, Opens: 60, Closes: 4 * 60}}}
	if got := night.WorkingTimeBetween(at(2026, 3, 28, 0, 0), at(2026, 3, 30, 0, 0)); got != 2*time.Hour {
		t.Errorf("Sunday 01:00–04:00 on 2026-03-29 (clocks forward) holds %s, want 2h", got)
	}
	if got := night.WorkingTimeBetween(at(2026, 10, 24, 0, 0), at(2026, 10, 26, 0, 0)); got != 4*time.Hour {
		t.Errorf("Sunday 01:00–04:00 on 2026-10-25 (clocks back) holds %s, want 4h", got)
	}
	if got := night.AddWorkingTime(at(2026, 3, 29, 1, 0), 2*time.Hour); !got.Equal(at(2026, 3, 29, 4, 0)) {
		t.Errorf("2026-03-29 01:00 + 2h = %s, want 04:00 local", got.In(paris))
	}

	office := officeHours()
	if got := office.AddWorkingTime(at(2026, 3, 27, 16, 0), 2*time.Hour); !got.Equal(at(2026, 3, 30, 10, 0)) {
		t.Errorf("Friday 27 March 16:00 + 2h = %s, want Monday 30 March 10:00 (summer time)", got.In(paris))
	}
	if got := office.AddWorkingTime(at(2026, 10, 23, 16, 0), 2*time.Hour); !got.Equal(at(2026, 10, 26, 10, 0)) {
		t.Errorf("Friday 23 October 16:00 + 2h = %s, want Monday 26 October 10:00 (winter time)", got.In(paris))
	}

	// Without hours every hour counts, as it passes: the spring Sunday has 23, the autumn one 25.
	always := ServiceCalendar{TimeZone: "Europe/Paris"}
	if got := always.WorkingTimeBetween(at(2026, 3, 29, 0, 0), at(2026, 3, 30, 0, 0)); got != 23*time.Hour {
		t.Errorf("2026-03-29 holds %s, want 23h", got)
	}
	if got := always.WorkingTimeBetween(at(2026, 10, 25, 0, 0), at(2026, 10, 26, 0, 0)); got != 25*time.Hour {
		t.Errorf("2026-10-25 holds %s, want 25h", got)
	}
	if got := always.AddWorkingTime(at(2026, 3, 28, 12, 0), 24*time.Hour); !got.Equal(at(2026, 3, 29, 13, 0)) {
		t.Errorf("Saturday 12:00 + 24h over the change = %s, want Sunday 13:00 local", got.In(paris))
	}
}

func TestCalendarWithoutHoursCountsEveryHourButHolidays(t *testing.T) {
	always := ServiceCalendar{TimeZone: "Europe/Paris", Holidays: []string{"2026-12-25"}}
	expectWorkingTimeAdded(t, always, []workingTimeCase{
		{"a night", at(2026, 12, 4, 22, 0), 8 * time.Hour, at(2026, 12, 5, 6, 0)},
		{"a weekend", at(2026, 12, 5, 0, 0), 48 * time.Hour, at(2026, 12, 7, 0, 0)},
		{"over the holiday", at(2026, 12, 24, 20, 0), 8 * time.Hour, at(2026, 12, 26, 4, 0)},
	})
	if got := always.WorkingTimeBetween(at(2026, 12, 24, 0, 0), at(2026, 12, 27, 0, 0)); got != 48*time.Hour {
		t.Errorf("24–26 December hold %s, want 48h (the 25th excepted)", got)
	}
	// The zone decides where the holiday's midnight is.
	utc := ServiceCalendar{TimeZone: "UTC", Holidays: []string{"2026-12-25"}}
	if got := utc.WorkingTimeBetween(at(2026, 12, 25, 0, 0), at(2026, 12, 26, 0, 0)); got != time.Hour {
		t.Errorf("the Paris 25th holds %s of UTC working time, want 1h (23:00–24:00 UTC on the 24th)", got)
	}
}

func TestTermsFor(t *testing.T) {
	h := func(n int) *Duration { d := Duration(time.Duration(n) * time.Hour); return &d }
	org, cat, other := uuid.New(), uuid.New(), uuid.New()
	l := ServiceLevels{OrganizationID: org, Calendar: officeHours(),
		Default:    ServiceLevel{AcceptWithin: h(8), CloseWithin: h(40)},
		Categories: []CategoryServiceLevel{{CategoryID: cat, ServiceLevel: ServiceLevel{AcceptWithin: h(4)}}}}
	if terms, ok := l.TermsFor(&cat); !ok || *terms.Level.AcceptWithin != *h(4) || terms.Level.CloseWithin != nil || terms.OrganizationID != org {
		t.Errorf("the category's terms: %+v %v", terms, ok)
	}
	if terms, ok := l.TermsFor(&other); !ok || *terms.Level.AcceptWithin != *h(8) || *terms.Level.CloseWithin != *h(40) {
		t.Errorf("another category's terms: %+v %v", terms, ok)
	}
	if terms, ok := l.TermsFor(nil); !ok || *terms.Level.CloseWithin != *h(40) {
		t.Errorf("no category's terms: %+v %v", terms, ok)
	}
	if _, ok := (ServiceLevels{Calendar: officeHours()}).TermsFor(nil); ok {
		t.Error("no level promises something")
	}
}

func clockTerms(accept, close time.Duration) ServiceTerms {
	a, c := Duration(accept), Duration(close)
	return ServiceTerms{Calendar: officeHours("2026-12-25"), Level: ServiceLevel{AcceptWithin: &a, CloseWithin: &c}}
}

func none(string) bool { return false }

func TestServiceClockStarts(t *testing.T) {
	start := at(2026, 12, 4, 16, 0) // a Friday
	c := StartServiceClock(clockTerms(2*time.Hour, 10*time.Hour), ReportNew, start)
	if c.AcceptBy == nil || !c.AcceptBy.Equal(at(2026, 12, 7, 10, 0)) {
		t.Errorf("acceptBy %v, want Monday 10:00", c.AcceptBy)
	}
	if c.CloseBy == nil || !c.CloseBy.Equal(at(2026, 12, 8, 10, 0)) {
		t.Errorf("closeBy %v, want Tuesday 10:00", c.CloseBy)
	}
	if c.AcceptMet != nil || c.CloseMet != nil || c.Stopped {
		t.Errorf("a started clock has nothing decided: %+v", c)
	}
	if next, ok := c.Next(none); !ok || !next.Equal(*c.AcceptBy) {
		t.Errorf("next %v %v, want the accept deadline", next, ok)
	}

	accepted := StartServiceClock(clockTerms(2*time.Hour, 10*time.Hour), ReportAccepted, start)
	if accepted.AcceptBy != nil || accepted.CloseBy == nil {
		t.Errorf("a report created accepted has no time to accept, and a time to close: %+v", accepted)
	}
	held := StartServiceClock(clockTerms(2*time.Hour, 10*time.Hour), ReportOnHold, start)
	if held.CloseBy != nil || held.CloseSince != nil {
		t.Errorf("a report starting on hold has its close clock paused: %+v", held)
	}
	closeOnly := StartServiceClock(ServiceTerms{Calendar: officeHours(), Level: ServiceLevel{CloseWithin: clockTerms(0, time.Hour).Level.CloseWithin}}, ReportNew, start)
	if closeOnly.AcceptBy != nil || closeOnly.CloseBy == nil || !closeOnly.CloseBy.Equal(at(2026, 12, 4, 17, 0)) {
		t.Errorf("a level without acceptWithin has no accept deadline: %+v", closeOnly)
	}
}

func TestServiceClockAccept(t *testing.T) {
	start := at(2026, 12, 7, 9, 0) // a Monday
	c := StartServiceClock(clockTerms(2*time.Hour, 10*time.Hour), ReportNew, start)
	onTime := c.On(ReportNew, ReportAccepted, at(2026, 12, 7, 11, 0))
	if onTime.AcceptMet == nil || !*onTime.AcceptMet {
		t.Errorf("accepted at the deadline: met %v, want true", onTime.AcceptMet)
	}
	late := c.On(ReportNew, ReportAccepted, at(2026, 12, 7, 11, 1))
	if late.AcceptMet == nil || *late.AcceptMet {
		t.Errorf("accepted a minute late: met %v, want false", late.AcceptMet)
	}
	// Once decided, acceptance is no longer due nor next.
	if due := late.Due(at(2026, 12, 8, 9, 0)); slices.Contains(due, BreachAccept) {
		t.Errorf("due %v after acceptance", due)
	}
	if next, ok := onTime.Next(none); !ok || !next.Equal(*c.CloseBy) {
		t.Errorf("next after acceptance %v %v, want the close deadline %v", next, ok, c.CloseBy)
	}
}

func TestServiceClockHoldPausesAndResumeCountsWhatIsLeft(t *testing.T) {
	start := at(2026, 12, 7, 9, 0) // Monday
	c := StartServiceClock(clockTerms(2*time.Hour, 10*time.Hour), ReportNew, start)
	c = c.On(ReportNew, ReportAccepted, at(2026, 12, 7, 10, 0))
	// Held after 4 working hours: 6 are left.
	held := c.On(ReportAccepted, ReportOnHold, at(2026, 12, 7, 13, 0))
	if held.CloseBy != nil || held.CloseSince != nil || held.CloseUsed.Std() != 4*time.Hour {
		t.Fatalf("held: closeBy %v since %v used %s, want paused with 4h used", held.CloseBy, held.CloseSince, held.CloseUsed)
	}
	if due := held.Due(at(2027, 1, 1, 0, 0)); len(due) != 0 {
		t.Errorf("a paused close clock is never due: %v", due)
	}
	if _, ok := held.Next(none); ok {
		t.Error("a held, accepted report has no deadline running")
	}
	// Resumed on Thursday 16:00: 1h on Thursday, the Friday is a working day, 5h on it.
	resumed := held.On(ReportOnHold, ReportInProgress, at(2026, 12, 10, 16, 0))
	if resumed.CloseBy == nil || !resumed.CloseBy.Equal(at(2026, 12, 11, 14, 0)) {
		t.Fatalf("resumed: closeBy %v, want Friday 14:00", resumed.CloseBy)
	}
	// Held and resumed a second time: what is left keeps shrinking.
	again := resumed.On(ReportInProgress, ReportOnHold, at(2026, 12, 11, 10, 0)) // not a transition of the machine, but the clock only reads the states
	if again.CloseUsed.Std() != 6*time.Hour {
		t.Errorf("used after the second stretch %s, want 6h", again.CloseUsed)
	}
	// The week of Christmas: held until Thursday 24th 16:00, 4h left: 1h on the 24th, the 25th
	// is a holiday, 3h on Monday 28th.
	xmas := again.On(ReportOnHold, ReportInProgress, at(2026, 12, 24, 16, 0))
	if xmas.CloseBy == nil || !xmas.CloseBy.Equal(at(2026, 12, 28, 12, 0)) {
		t.Errorf("resumed before Christmas: closeBy %v, want Monday 28th 12:00", xmas.CloseBy)
	}
}

func TestServiceClockClose(t *testing.T) {
	start := at(2026, 12, 7, 9, 0)
	c := StartServiceClock(clockTerms(2*time.Hour, 10*time.Hour), ReportNew, start)
	c = c.On(ReportNew, ReportAccepted, at(2026, 12, 7, 10, 0)).On(ReportAccepted, ReportInProgress, at(2026, 12, 7, 11, 0))
	deadline := *c.CloseBy // Tuesday 11:00
	if !deadline.Equal(at(2026, 12, 8, 11, 0)) {
		t.Fatalf("closeBy %s, want Tuesday 11:00", deadline.In(paris))
	}
	met := c.On(ReportInProgress, ReportClosed, deadline)
	if met.CloseMet == nil || !*met.CloseMet || !met.Stopped {
		t.Errorf("closed at the deadline: %+v", met)
	}
	late := c.On(ReportInProgress, ReportClosed, deadline.Add(time.Second))
	if late.CloseMet == nil || *late.CloseMet {
		t.Errorf("closed late: met %v, want false", late.CloseMet)
	}
	// A stopped clock moves no more, is never due and has nothing next.
	if after := met.On(ReportClosed, ReportInProgress, deadline.Add(time.Hour)); after.CloseMet != met.CloseMet || !after.Stopped {
		t.Errorf("a stopped clock moved: %+v", after)
	}
	if due := met.Due(deadline.Add(100 * time.Hour)); due != nil {
		t.Errorf("a stopped clock is due: %v", due)
	}
	if _, ok := met.Next(none); ok {
		t.Error("a stopped clock has a next deadline")
	}
	// Refusing before a deadline stops the clocks without deciding them; after the time to accept,
	// it was missed (the time to close, still running, is not decided).
	refused := StartServiceClock(clockTerms(2*time.Hour, 10*time.Hour), ReportNew, start).On(ReportNew, ReportRefused, start.Add(time.Hour))
	if !refused.Stopped || refused.AcceptMet != nil || refused.CloseMet != nil {
		t.Errorf("refused: %+v", refused)
	}
	refusedLate := StartServiceClock(clockTerms(2*time.Hour, 10*time.Hour), ReportNew, start).On(ReportNew, ReportRefused, start.Add(3*time.Hour))
	if !refusedLate.Stopped || refusedLate.AcceptMet == nil || *refusedLate.AcceptMet || refusedLate.CloseMet != nil {
		t.Errorf("refused after the time to accept: %+v", refusedLate)
	}
}

func TestServiceClockDueAndNext(t *testing.T) {
	start := at(2026, 12, 7, 9, 0)
	c := StartServiceClock(clockTerms(2*time.Hour, 4*time.Hour), ReportNew, start)
	for _, tc := range []struct {
		now  time.Time
		want []string
	}{
		{at(2026, 12, 7, 10, 59), nil},
		{at(2026, 12, 7, 11, 0), []string{BreachAccept}},
		{at(2026, 12, 7, 13, 0), []string{BreachAccept, BreachClose}},
	} {
		if got := c.Due(tc.now); !slices.Equal(got, tc.want) {
			t.Errorf("due at %s: %v, want %v", tc.now.Format("15:04"), got, tc.want)
		}
	}
	announced := func(kinds ...string) func(string) bool {
		return func(k string) bool { return slices.Contains(kinds, k) }
	}
	if next, ok := c.Next(announced(BreachAccept)); !ok || !next.Equal(at(2026, 12, 7, 13, 0)) {
		t.Errorf("next once acceptance was announced: %v %v, want the close deadline", next, ok)
	}
	if _, ok := c.Next(announced(BreachAccept, BreachClose)); ok {
		t.Error("a next deadline after both were announced")
	}
	// A close deadline earlier than the accept one comes first.
	early := StartServiceClock(clockTerms(4*time.Hour, 2*time.Hour), ReportNew, start)
	if next, ok := early.Next(none); !ok || !next.Equal(at(2026, 12, 7, 11, 0)) {
		t.Errorf("next %v %v, want the earlier close deadline", next, ok)
	}
}

func TestParseServiceLevels(t *testing.T) {
	s := func(v string) *string { return &v }
	org, cat := uuid.New(), uuid.New()
	var vs Violations
	l := ParseServiceLevels(&vs, org, ServiceLevelsText{
		TimeZone: s("Europe/Paris"),
		Hours:    []OpeningRangeText{{DayOfWeek: s("Monday"), Opens: s("09:00"), Closes: s("17:00")}},
		Holidays: []*string{s("2026-12-25")},
		Default:  &ServiceLevelText{AcceptWithin: s("8h"), CloseWithin: s("PT40H")},
		Categories: []CategoryServiceLevelText{{Category: s(cat.String()),
			ServiceLevelText: ServiceLevelText{AcceptWithin: s("2h30m")}}},
	})
	if len(vs) != 0 {
		t.Fatalf("violations: %v", vs)
	}
	if l.OrganizationID != org || l.Calendar.TimeZone != "Europe/Paris" || len(l.Calendar.Hours) != 1 || !slices.Equal(l.Calendar.Holidays, []string{"2026-12-25"}) {
		t.Errorf("calendar: %+v", l)
	}
	if l.Default.AcceptWithin.Std() != 8*time.Hour || l.Default.CloseWithin.Std() != 40*time.Hour {
		t.Errorf("default: %v %v", l.Default.AcceptWithin, l.Default.CloseWithin)
	}
	if len(l.Categories) != 1 || l.Categories[0].CategoryID != cat || l.Categories[0].AcceptWithin.Std() != 150*time.Minute || l.Categories[0].CloseWithin != nil {
		t.Errorf("categories: %+v", l.Categories)
	}

	var bad Violations
	ParseServiceLevels(&bad, org, ServiceLevelsText{
		TimeZone: s("Mars/Olympus"),
		Hours:    []OpeningRangeText{{DayOfWeek: s("Funday"), Opens: s("09:00"), Closes: s("25:00")}},
		Holidays: []*string{s("2026-02-30"), s("25/12/2026"), s("2026-12-25"), s("2026-12-25"), s("")},
		Default:  &ServiceLevelText{AcceptWithin: s("0h"), CloseWithin: s("9000h")},
		Categories: []CategoryServiceLevelText{
			{Category: s("not-a-uuid"), ServiceLevelText: ServiceLevelText{AcceptWithin: s("soon")}},
			{Category: s(cat.String()), ServiceLevelText: ServiceLevelText{CloseWithin: s("-1h")}},
			{Category: s(cat.String())},
			{},
		},
	})
	var paths []string
	for _, v := range bad {
		paths = append(paths, v.Path)
	}
	want := []string{"timeZone", "hoursAvailable[0].dayOfWeek", "hoursAvailable[0].closes",
		"holidays[0]", "holidays[1]", "holidays[3]", "holidays[4]",
		"default.acceptWithin", "default.closeWithin",
		"categories[0].category", "categories[0].acceptWithin", "categories[1].closeWithin", "categories[2].category", "categories[3].category"}
	if !slices.Equal(paths, want) {
		t.Errorf("violations at\n %v\nwant\n %v", paths, want)
	}

	var missing Violations
	ParseServiceLevels(&missing, org, ServiceLevelsText{})
	if len(missing) != 1 || missing[0].Path != "timeZone" {
		t.Errorf("an empty document: %v, want timeZone only (no hours is every hour, no level no promise)", missing)
	}

	var many Violations
	ParseServiceLevels(&many, org, ServiceLevelsText{TimeZone: s("UTC"), Holidays: make([]*string, MaxHolidays+1)})
	if len(many) != 1 || many[0].Path != "holidays" {
		t.Errorf("too many holidays: %v", many)
	}
}

func TestParseWorkingTime(t *testing.T) {
	for _, c := range []struct {
		in   string
		want time.Duration
		ok   bool
	}{
		{"8h", 8 * time.Hour, true},
		{"2h30m", 150 * time.Minute, true},
		{"90m", 90 * time.Minute, true},
		{"PT8H", 8 * time.Hour, true},
		{"pt2h30m", 150 * time.Minute, true},
		{"PT1.5H", 90 * time.Minute, true},
		{"PT45S", 45 * time.Second, true},
		{"PT", 0, false},
		{"P1D", 0, false},
		{"P1DT2H", 0, false},
		{"PT99999999999999H", 0, false},
		{"8", 0, false},
		{"eight hours", 0, false},
	} {
		got, ok := ParseWorkingTime(c.in)
		if ok != c.ok || (ok && got != c.want) {
			t.Errorf("%q: %s %v, want %s %v", c.in, got, ok, c.want, c.ok)
		}
	}
	if !strings.Contains(Msg(MsgInvalidServiceDuration, Duration(MaxServiceLevel).String()).In(English), "8760h") {
		t.Error("the message names the most a level may be")
	}
}
