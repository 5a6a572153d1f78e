package domain

import "time"

// ServiceClock is where a report's two service-level clocks stand: the time to accept it and the
// time to close it, both counted in working time on its terms from when it reached the
// organization treating it. Holding the report pauses the close clock; closing, refusing or a
// withdrawal stops both. Its report workflow keeps it and moves it with ServiceClock.On.
type ServiceClock struct {
	Terms    ServiceTerms `json:"terms"`
	AcceptBy *time.Time   `json:"acceptBy,omitempty"`
	CloseBy  *time.Time   `json:"closeBy,omitempty"` // nil while paused
	// AcceptMet and CloseMet are set once decided: accepted (closed) by the deadline or not.
	AcceptMet *bool `json:"acceptMet,omitempty"`
	CloseMet  *bool `json:"closeMet,omitempty"`
	// CloseUsed is the working time the close clock counted before it was paused; CloseSince is
	// when it last started counting (nil while paused).
	CloseUsed  Duration   `json:"closeUsed,omitempty"`
	CloseSince *time.Time `json:"closeSince,omitempty"`
	Stopped    bool       `json:"stopped,omitempty"`
}

// Breach kinds: the deadline a report missed.
const (
	BreachAccept = "accept"
	BreachClose  = "close"
)

// StartServiceClock starts the clocks of a report that reached the terms' organization at at,
// in state (a report created already accepted has no time to accept).
func StartServiceClock(terms ServiceTerms, state State, at time.Time) ServiceClock {
	c := ServiceClock{Terms: terms}
	if terms.Level.AcceptWithin != nil && state == ReportNew {
		by := terms.Calendar.AddWorkingTime(at, terms.Level.AcceptWithin.Std())
		c.AcceptBy = &by
	}
	if terms.Level.CloseWithin != nil {
		since := at
		c.CloseSince = &since
		if state == ReportOnHold {
			c.CloseSince = nil
		} else {
			by := terms.Calendar.AddWorkingTime(at, terms.Level.CloseWithin.Std())
			c.CloseBy = &by
		}
	}
	return c
}

// On moves the clocks for a report that went from one state to another at at.
func (c ServiceClock) On(from, to State, at time.Time) ServiceClock {
	if c.Stopped {
		return c
	}
	if from == ReportNew && to == ReportAccepted && c.AcceptBy != nil && c.AcceptMet == nil {
		met := !at.After(*c.AcceptBy)
		c.AcceptMet = &met
	}
	switch {
	case ReportFinal(to):
		if to == ReportClosed && c.CloseBy != nil {
			met := !at.After(*c.CloseBy)
			c.CloseMet = &met
		}
		// Refused (or withdrawn) after a deadline: that deadline was missed; before: never decided.
		missed := false
		if c.AcceptBy != nil && c.AcceptMet == nil && at.After(*c.AcceptBy) {
			c.AcceptMet = &missed
		}
		if c.CloseBy != nil && c.CloseMet == nil && at.After(*c.CloseBy) {
			c.CloseMet = &missed
		}
		c.Stopped = true
	case to == ReportOnHold && c.CloseSince != nil:
		c.CloseUsed += Duration(c.Terms.Calendar.WorkingTimeBetween(*c.CloseSince, at))
		c.CloseSince, c.CloseBy = nil, nil
	case from == ReportOnHold && c.Terms.Level.CloseWithin != nil && c.CloseSince == nil:
		since := at
		by := c.Terms.Calendar.AddWorkingTime(at, c.Terms.Level.CloseWithin.Std()-c.CloseUsed.Std())
		c.CloseSince, c.CloseBy = &since, &by
	}
	return c
}

// Due lists the deadlines not met by now, in the order they fall: accept before close.
func (c ServiceClock) Due(now time.Time) []string {
	var due []string
	if c.Stopped {
		return nil
	}
	if c.AcceptBy != nil && c.AcceptMet == nil && !now.Before(*c.AcceptBy) {
		due = append(due, BreachAccept)
	}
	if c.CloseBy != nil && !now.Before(*c.CloseBy) {
		due = append(due, BreachClose)
	}
	return due
}

// Next is the earliest deadline still running, not in announced (kinds already told); false
// when none is.
func (c ServiceClock) Next(announced func(kind string) bool) (time.Time, bool) {
	var next time.Time
	found := false
	if c.Stopped {
		return next, false
	}
	if c.AcceptBy != nil && c.AcceptMet == nil && !announced(BreachAccept) {
		next, found = *c.AcceptBy, true
	}
	if c.CloseBy != nil && !announced(BreachClose) && (!found || c.CloseBy.Before(next)) {
		next, found = *c.CloseBy, true
	}
	return next, found
}
