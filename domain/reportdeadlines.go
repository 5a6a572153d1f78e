package domain

import "time"

// ReportDeadlines are a report's service-level deadlines as its workflow last wrote them: each
// nil until the report runs on terms that promise it (CloseBy nil too while the report is on
// hold), each Met set once decided.
type ReportDeadlines struct {
	AcceptBy, CloseBy   *time.Time
	AcceptMet, CloseMet *bool
}

// ServiceLevelStatus is what a reader of a report is shown of its deadlines at a given time.
type ServiceLevelStatus struct {
	AcceptBy  *time.Time
	AcceptMet *bool
	CloseBy   *time.Time
	CloseMet  *bool
	Overdue   bool
}

// StatusAt reads the deadlines at now: a met value is the one decided, or, while undecided, false
// once its deadline has passed and unknown (nil) before; a report that ended shows only what was
// decided. A report is overdue while it is still
// open (not refused, closed or withdrawn) and one of its undecided deadlines has passed: the
// same condition as the overdue filter of the report lists.
func (d ReportDeadlines) StatusAt(state State, now time.Time) ServiceLevelStatus {
	s := ServiceLevelStatus{AcceptBy: d.AcceptBy, CloseBy: d.CloseBy,
		AcceptMet: metAt(d.AcceptBy, d.AcceptMet, now), CloseMet: metAt(d.CloseBy, d.CloseMet, now)}
	if ReportFinal(state) {
		// Its clocks stopped: what was missed before the end was decided then, the rest never is.
		s.AcceptMet, s.CloseMet = d.AcceptMet, d.CloseMet
	}
	passed := func(by *time.Time, met *bool) bool { return met == nil && by != nil && by.Before(now) }
	s.Overdue = !ReportFinal(state) && (passed(d.AcceptBy, d.AcceptMet) || passed(d.CloseBy, d.CloseMet))
	return s
}

func metAt(by *time.Time, met *bool, now time.Time) *bool {
	if met != nil {
		v := *met
		return &v
	}
	if by != nil && by.Before(now) {
		return new(bool)
	}
	return nil
}
