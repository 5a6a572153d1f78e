package workflows

import (
	"context"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/mock"
	"go.temporal.io/sdk/testsuite"
	"go.temporal.io/sdk/workflow"

	"github.com/keyclic/keyclic/activities"
	"github.com/keyclic/keyclic/domain"
)

// The service-level clocks, with time skipping: a report's deadlines count working time on its
// organization's calendar, and each missed one is announced once.

var paris = func() *time.Location { l, _ := domain.LoadTimeZone("Europe/Paris"); return l }()

// officeHours is Monday to Friday, 09:00 to 17:00 in Paris, with the holidays given.
func officeHours(holidays ...string) domain.ServiceCalendar {
	var hours []domain.OpeningRange
	for d := time.Monday; d <= time.Friday; d++ {
		hours = append(hours, domain.OpeningRange{Day: d, Opens: 9 * 60, Closes: 17 * 60})
	}
	return domain.ServiceCalendar{TimeZone: "Europe/Paris", Hours: hours, Holidays: holidays}
}

func within(d time.Duration) *domain.Duration { v := domain.Duration(d); return &v }

// breach is a missed deadline as the report's activities saw it announced.
type breach struct {
	kind string
	org  uuid.UUID
	at   time.Time
}

// clockEnv runs a report whose organizations promise the terms given, recording what the
// workflow announces: the breaches marked, the reportOverdue events and notices.
type clockEnv struct {
	*testsuite.TestWorkflowEnvironment
	marked  []breach
	events  []string
	notices []domain.Notice
	clocks  []domain.ServiceClock // each clock written, in order
}

func newClockEnv(terms map[uuid.UUID]domain.ServiceTerms) *clockEnv {
	var s testsuite.WorkflowTestSuite
	s.SetLogger(quietLogger())
	c := &clockEnv{TestWorkflowEnvironment: s.NewTestWorkflowEnvironment()}
	e := c.TestWorkflowEnvironment
	e.RegisterWorkflowWithOptions(ReportWorkflow, workflow.RegisterOptions{Name: ReportWorkflowName})
	e.RegisterWorkflowWithOptions(ReviewRequestWorkflow, workflow.RegisterOptions{Name: ReviewRequestWorkflowName})
	e.OnWorkflow(ReviewRequestWorkflowName, mock.Anything, mock.Anything).Return(ReviewRequestResult{State: domain.ReviewExpired}, nil).Maybe()
	e.RegisterActivity(act)
	e.OnActivity(act.SetReportState, mock.Anything, mock.Anything).Return(nil)
	e.OnActivity(act.AcceptReport, mock.Anything, mock.Anything).Return(activities.AcceptReportResult{}, nil)
	e.OnActivity(act.DelegateReport, mock.Anything, mock.Anything).Return(nil)
	e.OnActivity(act.StartServiceClock, mock.Anything, mock.Anything).Return(
		func(_ context.Context, in activities.StartServiceClockInput) (*domain.ServiceClock, error) {
			t, ok := terms[in.OrganizationID]
			if !ok {
				return nil, nil
			}
			clock := domain.StartServiceClock(t, in.State, in.At)
			c.clocks = append(c.clocks, clock)
			return &clock, nil
		})
	e.OnActivity(act.MoveServiceClock, mock.Anything, mock.Anything).Return(
		func(_ context.Context, in activities.MoveServiceClockInput) (domain.ServiceClock, error) {
			clock := in.Clock.On(in.From, in.To, in.At)
			c.clocks = append(c.clocks, clock)
			return clock, nil
		})
	e.OnActivity(act.MarkReportOverdue, mock.Anything, mock.Anything).Return(
		func(_ context.Context, in activities.MarkReportOverdueInput) error {
			c.marked = append(c.marked, breach{kind: in.Kind, at: in.At})
			return nil
		})
	e.OnActivity(act.PrepareEvent, mock.Anything, mock.Anything).Return(
		func(_ context.Context, in activities.EventInput) (activities.PreparedEvent, error) {
			if in.Event == domain.EventReportOverdue {
				c.events = append(c.events, in.Key)
			}
			return activities.PreparedEvent{}, nil
		})
	e.OnActivity(act.Notify, mock.Anything, mock.Anything).Return(func(_ context.Context, in activities.NotifyInput) error {
		if in.Notice.Action == domain.ActionReportOverdue {
			c.notices = append(c.notices, in.Notice)
		}
		return nil
	})
	return c
}

// run starts the report at start (Paris wall clock) and fails the test if the workflow failed.
func (c *clockEnv) run(t *testing.T, start time.Time, in ReportInput) {
	t.Helper()
	c.SetStartTime(start)
	c.ExecuteWorkflow(ReportWorkflowName, in)
	if !c.IsWorkflowCompleted() || c.GetWorkflowError() != nil {
		t.Fatalf("report workflow: completed %v, error %v", c.IsWorkflowCompleted(), c.GetWorkflowError())
	}
}

// at is a Paris wall-clock time in December 2026 (the 4th is a Friday).
func at(day, hour, minute int) time.Time { return time.Date(2026, 12, day, hour, minute, 0, 0, paris) }

func (c *clockEnv) wantBreaches(t *testing.T, want ...breach) {
	t.Helper()
	if len(c.marked) != len(want) || len(c.events) != len(want) || len(c.notices) != len(want) {
		t.Fatalf("breaches marked %v, events %v, notices %d; want %d of each", c.marked, c.events, len(c.notices), len(want))
	}
	for i, w := range want {
		if got := c.marked[i]; got.kind != w.kind || !got.at.Equal(w.at) {
			t.Errorf("breach %d: %s at %v, want %s at %v", i, got.kind, got.at.In(paris), w.kind, w.at.In(paris))
		}
		if n := c.notices[i]; n.Text != w.kind || n.OrganizationID == nil || *n.OrganizationID != w.org {
			t.Errorf("notice %d: %+v, want %s to organization %s", i, n, w.kind, w.org)
		}
	}
}

// A report received on Friday at 16:00 with two working hours to be accepted is due on Monday at
// 10:00: the weekend does not count, and nothing is announced before.
func TestReportAcceptDeadlineSkipsTheWeekend(t *testing.T) {
	in := reportInput(domain.ReportNew)
	c := newClockEnv(map[uuid.UUID]domain.ServiceTerms{in.OrganizationID: {
		OrganizationID: in.OrganizationID, Calendar: officeHours(), Level: domain.ServiceLevel{AcceptWithin: within(2 * time.Hour)},
	}})
	sendUpdate(c.TestWorkflowEnvironment, 5*24*time.Hour, UpdateReportTransition, transition("refuse"))
	c.run(t, at(4, 16, 0), in)
	c.wantBreaches(t, breach{kind: domain.BreachAccept, org: in.OrganizationID, at: at(7, 10, 0)})
	if key := c.events[0]; key != ReportWorkflowID(in.ReportID)+"/overdue/accept/"+in.OrganizationID.String() {
		t.Errorf("event key %q", key)
	}
}

// A holiday on the Monday moves the same deadline to Tuesday at 10:00.
func TestReportAcceptDeadlineSkipsAHoliday(t *testing.T) {
	in := reportInput(domain.ReportNew)
	c := newClockEnv(map[uuid.UUID]domain.ServiceTerms{in.OrganizationID: {
		OrganizationID: in.OrganizationID, Calendar: officeHours("2026-12-07"), Level: domain.ServiceLevel{AcceptWithin: within(2 * time.Hour)},
	}})
	sendUpdate(c.TestWorkflowEnvironment, 5*24*time.Hour, UpdateReportTransition, transition("refuse"))
	c.run(t, at(4, 16, 0), in)
	c.wantBreaches(t, breach{kind: domain.BreachAccept, org: in.OrganizationID, at: at(8, 10, 0)})
}

// Accepted in time, nothing is announced; the time to close keeps running.
func TestReportAcceptedInTimeIsNotAnnounced(t *testing.T) {
	in := reportInput(domain.ReportNew)
	c := newClockEnv(map[uuid.UUID]domain.ServiceTerms{in.OrganizationID: {
		OrganizationID: in.OrganizationID, Calendar: officeHours(),
		Level: domain.ServiceLevel{AcceptWithin: within(2 * time.Hour), CloseWithin: within(80 * time.Hour)},
	}})
	sendUpdate(c.TestWorkflowEnvironment, time.Hour, UpdateReportTransition, transition("accept"))
	sendUpdate(c.TestWorkflowEnvironment, 3*24*time.Hour, UpdateReportTransition, transition("refuse"))
	c.run(t, at(7, 9, 0), in)
	c.wantBreaches(t)
	last := c.clocks[len(c.clocks)-1]
	if last.AcceptMet == nil || !*last.AcceptMet {
		t.Errorf("accepted an hour after arrival: met %v", last.AcceptMet)
	}
}

// Holding the report pauses the time to close: received Monday 09:00 with 16 working hours, held
// from 12:00 (3 hours counted) to Wednesday 09:00, the 13 hours left end on Thursday at 14:00.
// Closed after that, the deadline is recorded as missed.
func TestReportHoldPausesTheCloseDeadline(t *testing.T) {
	in := reportInput(domain.ReportNew)
	c := newClockEnv(map[uuid.UUID]domain.ServiceTerms{in.OrganizationID: {
		OrganizationID: in.OrganizationID, Calendar: officeHours(), Level: domain.ServiceLevel{CloseWithin: within(16 * time.Hour)},
	}})
	e := c.TestWorkflowEnvironment
	sendUpdate(e, time.Hour, UpdateReportTransition, transition("accept"))
	sendUpdate(e, 3*time.Hour, UpdateReportTransition, transition("hold"))
	sendUpdate(e, 48*time.Hour, UpdateReportTransition, transition("progress")) // Wednesday 09:00
	sendUpdate(e, 4*24*time.Hour, UpdateReportTransition, transition("close"))  // Friday 09:00
	c.run(t, at(7, 9, 0), in)
	c.wantBreaches(t, breach{kind: domain.BreachClose, org: in.OrganizationID, at: at(10, 14, 0)})
	last := c.clocks[len(c.clocks)-1]
	if last.CloseMet == nil || *last.CloseMet {
		t.Errorf("closed a day after the deadline: met %v", last.CloseMet)
	}
}

// Handed over to a partner, the report runs on the partner's terms from the delegation: the
// first organization's deadline (11:00) is not announced, the partner's (18:00, every hour
// counting) is, to the partner.
func TestReportDelegationHandsOverTheClock(t *testing.T) {
	in := reportInput(domain.ReportNew)
	partner := uuid.New()
	c := newClockEnv(map[uuid.UUID]domain.ServiceTerms{
		in.OrganizationID: {OrganizationID: in.OrganizationID, Calendar: officeHours(), Level: domain.ServiceLevel{AcceptWithin: within(2 * time.Hour)}},
		partner:           {OrganizationID: partner, Calendar: domain.ServiceCalendar{TimeZone: "UTC"}, Level: domain.ServiceLevel{AcceptWithin: within(8 * time.Hour)}},
	})
	sendUpdate(c.TestWorkflowEnvironment, time.Hour, UpdateReportDelegate, DelegateRequest{OrganizationID: partner, ActorID: uuid.New()})
	sendUpdate(c.TestWorkflowEnvironment, 24*time.Hour, UpdateReportTransition, transition("refuse"))
	c.run(t, at(7, 9, 0), in)
	c.wantBreaches(t, breach{kind: domain.BreachAccept, org: partner, at: at(7, 18, 0)})
}

// A deadline announced before a continue-as-new is not announced again by the next run, and the
// overdue mark is carried over.
func TestReportBreachIsAnnouncedOnceAcrossContinueAsNew(t *testing.T) {
	in := reportInput(domain.ReportNew)
	terms := domain.ServiceTerms{OrganizationID: in.OrganizationID, Calendar: officeHours(), Level: domain.ServiceLevel{AcceptWithin: within(2 * time.Hour)}}
	c := newClockEnv(map[uuid.UUID]domain.ServiceTerms{in.OrganizationID: terms})
	clock := domain.StartServiceClock(terms, domain.ReportNew, at(7, 9, 0))
	in.Continued, in.Clock, in.Overdue = true, &clock, true
	in.Breaches = []string{domain.BreachAccept + "/" + in.OrganizationID.String()}
	sendUpdate(c.TestWorkflowEnvironment, 24*time.Hour, UpdateReportTransition, transition("refuse"))
	c.run(t, at(7, 12, 0), in)
	c.wantBreaches(t)
}
