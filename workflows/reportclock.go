package workflows

import (
	"slices"
	"time"

	"github.com/google/uuid"
	"go.temporal.io/sdk/workflow"

	"github.com/keyclic/keyclic/activities"
	"github.com/keyclic/keyclic/domain"
)

// changeServiceLevels versions the service-level clocks: reports started before them replay, and
// run on, without a clock.
const changeServiceLevels = "service-levels"

// reportClock is the report's service-level clocks as its workflow keeps them: a durable timer
// runs to the earliest deadline not yet announced, and a deadline missed is announced once (its
// kind and organization recorded, and carried over a continue-as-new).
type reportClock struct {
	enabled  bool                 // the run records the service-levels version
	clock    *domain.ServiceClock // nil: the organization treating the report promises nothing
	breaches []string             // announced: "<kind>/<organization>"
	overdue  bool                 // as the KeyclicOverdue search attribute says
	timerAt  *time.Time
	cancel   workflow.CancelFunc
	due      bool // the timer fired: a deadline may have passed
}

// startClock starts the clocks of a new report on its organization's terms, or takes them over
// from the run before a continue-as-new.
func (r *report) startClock(ctx workflow.Context) error {
	r.sl.enabled = workflow.GetVersion(ctx, changeServiceLevels, workflow.DefaultVersion, 1) >= 1
	if !r.sl.enabled {
		return nil
	}
	if err := lockForChange(ctx, r.mu, r.events); err != nil {
		return err
	}
	defer r.mu.Unlock()
	if r.in.Continued {
		r.sl.clock, r.sl.breaches, r.sl.overdue = r.in.Clock, r.in.Breaches, r.in.Overdue
		r.armClock(ctx)
		return nil
	}
	return r.restartClock(ctx, r.in.OrganizationID)
}

// restartClock starts the clocks afresh on an organization's terms: the receiver's at the start,
// a delegate's when the report is handed to it (counted from the delegation).
func (r *report) restartClock(ctx workflow.Context, org uuid.UUID) error {
	if !r.sl.enabled {
		return nil
	}
	var c *domain.ServiceClock
	if err := workflow.ExecuteLocalActivity(withLocalActivityDefaults(ctx), act.StartServiceClock, activities.StartServiceClockInput{
		ReportID: r.in.ReportID, OrganizationID: org, State: r.state, At: workflow.Now(ctx), Handover: org != r.in.OrganizationID,
	}).Get(ctx, &c); err != nil {
		return err
	}
	r.sl.clock = c
	return r.clockMoved(ctx)
}

// moveClock moves the clocks for a change of state (accepting stops the time to accept, holding
// pauses the time to close, closing or refusing stops both).
func (r *report) moveClock(ctx workflow.Context, from, to domain.State) error {
	if r.sl.clock == nil {
		return nil
	}
	var c domain.ServiceClock
	if err := workflow.ExecuteLocalActivity(withLocalActivityDefaults(ctx), act.MoveServiceClock, activities.MoveServiceClockInput{
		ReportID: r.in.ReportID, Clock: *r.sl.clock, From: from, To: to, At: workflow.Now(ctx),
	}).Get(ctx, &c); err != nil {
		return err
	}
	r.sl.clock = &c
	return r.clockMoved(ctx)
}

// clockMoved re-arms the timer and clears the overdue mark once no missed deadline is pending.
func (r *report) clockMoved(ctx workflow.Context) error {
	r.armClock(ctx)
	if r.sl.overdue && (r.sl.clock == nil || len(r.sl.clock.Due(workflow.Now(ctx))) == 0) {
		return r.setOverdue(ctx, false)
	}
	return nil
}

func (r *report) setOverdue(ctx workflow.Context, v bool) error {
	if r.sl.overdue == v {
		return nil
	}
	r.sl.overdue = v
	return workflow.UpsertTypedSearchAttributes(ctx, SAOverdue.ValueSet(v))
}

// breachKey names a deadline of the organization whose terms the clock runs on.
func (r *report) breachKey(kind string) string {
	return kind + "/" + r.sl.clock.Terms.OrganizationID.String()
}

func (r *report) announced(kind string) bool {
	return slices.Contains(r.sl.breaches, r.breachKey(kind))
}

// armClock runs one durable timer to the earliest deadline not yet announced, replacing the one
// that ran to a deadline the last change moved.
func (r *report) armClock(ctx workflow.Context) {
	var next time.Time
	ok := false
	if r.sl.clock != nil {
		next, ok = r.sl.clock.Next(r.announced)
	}
	if ok && r.sl.timerAt != nil && r.sl.timerAt.Equal(next) {
		return
	}
	if r.sl.cancel != nil {
		r.sl.cancel()
		r.sl.cancel, r.sl.timerAt = nil, nil
	}
	if !ok {
		return
	}
	wait := next.Sub(workflow.Now(ctx))
	if wait <= 0 {
		r.sl.due = true
		return
	}
	tctx, cancel := workflow.WithCancel(ctx)
	timer := workflow.NewTimerWithOptions(tctx, wait, workflow.TimerOptions{Summary: "service-level deadline " + next.UTC().Format(time.RFC3339)})
	r.sl.timerAt, r.sl.cancel = &next, cancel
	workflow.Go(ctx, func(gctx workflow.Context) {
		if timer.Get(gctx, nil) == nil {
			r.sl.due = true
		}
	})
}

// announceBreaches announces each deadline missed by now, once: recorded on the report, a
// reportOverdue event for webhooks, a notice to the organization's admins, and the report marked
// overdue for operators searching the Temporal UI.
func (r *report) announceBreaches(ctx workflow.Context) error {
	if err := lockForChange(ctx, r.mu, r.events); err != nil {
		return err
	}
	defer r.mu.Unlock()
	r.sl.due = false
	if r.sl.clock == nil || domain.ReportFinal(r.state) {
		return nil
	}
	r.sl.timerAt, r.sl.cancel = nil, nil // the timer that fired
	now := workflow.Now(ctx)
	for _, kind := range r.sl.clock.Due(now) {
		if r.announced(kind) {
			continue
		}
		if err := workflow.ExecuteLocalActivity(withLocalActivityDefaults(ctx), act.MarkReportOverdue, activities.MarkReportOverdueInput{
			ReportID: r.in.ReportID, Kind: kind, At: now,
		}).Get(ctx, nil); err != nil {
			return err
		}
		key := r.breachKey(kind)
		r.sl.breaches = append(r.sl.breaches, key)
		if err := r.setOverdue(ctx, true); err != nil {
			return err
		}
		r.announce(domain.EventReportOverdue, "overdue/"+key)
		id, org := r.in.ReportID, r.sl.clock.Terms.OrganizationID
		r.events.tell(domain.Notice{Action: domain.ActionReportOverdue, ReportID: &id, OrganizationID: &org, Text: kind,
			Key: ReportWorkflowID(id) + "/" + domain.ActionReportOverdue + "/" + key})
	}
	r.armClock(ctx)
	return nil
}
