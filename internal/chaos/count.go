package chaos

import (
	"context"
	"fmt"
	"slices"
	"strings"
)

// Effect is one kind of effect the load had, counted in the database: lost is what a 2xx answer
// promised and is not there, doubled is what is there more than once.
type Effect struct {
	Name                 string
	Total, Lost, Doubled int
	Examples             []string // of what is doubled
}

// Deliveries are the webhook deliveries the consumer accepted, by webhook-id.
type Deliveries struct {
	Recorded    int      // deliveries the service recorded
	Received    int      // different webhook-ids accepted
	Redelivered int      // the same webhook-id accepted again (allowed: deliveries are at least once)
	Lost        int      // recorded but never accepted, or an answered change with no delivery
	Doubled     int      // one change delivered under more than one webhook-id
	Wrong       int      // a payload whose state is not the one its change left
	Missing     []string // answered changes with no delivery, and what their resource got instead
}

// Counts is what a run found.
type Counts struct {
	Tally      *tally
	Faults     []Fault
	Pending    []string // work still not done when the wait after the load ended
	Lifecycles int
	Cut        int
	Refused    map[string]int
	Effects    []Effect
	Webhooks   Deliveries
	Workflows  Workflows
}

// count checks the database and the consumer against the ledger of answered requests.
func (e *env) count(ctx context.Context, l *ledger) (*Counts, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	c := &Counts{Lifecycles: l.complete, Cut: l.cut, Refused: l.refused}
	var descriptions, reports, comments, names, reportStates, logs []string
	for d := range l.feedbacks {
		descriptions = append(descriptions, d)
	}
	for r := range l.reports {
		reports = append(reports, r)
		for _, s := range l.states[r] {
			reportStates = append(reportStates, r+" "+s)
		}
	}
	comments = append(comments, l.comments...)
	for n, id := range l.operations {
		names = append(names, n)
		logs = append(logs, id+" create")
		for _, a := range l.logs[id] {
			logs = append(logs, id+" "+a)
		}
	}
	checks := []struct {
		name, total, doubled, lost string
		want                       []string
	}{
		{"feedbacks", `SELECT count(*) FROM feedbacks`,
			`SELECT description k FROM feedbacks`, `SELECT description FROM feedbacks`, descriptions},
		{"feedback checkpoints", `SELECT count(*) FROM feedback_checkpoints`,
			`SELECT feedback_id::text || ' ' || state k FROM feedback_checkpoints`, ``, nil},
		{"reports", `SELECT count(*) FROM reports`,
			`SELECT feedback_id::text k FROM reports`, `SELECT id::text FROM reports`, reports},
		{"report checkpoints", `SELECT count(*) FROM report_checkpoints`,
			`SELECT report_id::text || ' ' || state k FROM report_checkpoints`, `SELECT report_id::text || ' ' || state FROM report_checkpoints`, reportStates},
		{"comments", `SELECT count(*) FROM feedback_comments`,
			`SELECT text k FROM feedback_comments`, `SELECT text FROM feedback_comments`, comments},
		{"operations", `SELECT count(*) FROM operations`,
			`SELECT name k FROM operations`, `SELECT name FROM operations`, names},
		{"operation log entries", `SELECT count(*) FROM operation_logs`,
			`SELECT operation_id::text || ' ' || action k FROM operation_logs`, `SELECT operation_id::text || ' ' || action FROM operation_logs`, logs},
		{"review requests", `SELECT count(*) FROM review_requests`,
			`SELECT report_id::text || reviewer_id::text k FROM review_requests`, ``, nil},
		{"emails", `SELECT count(*) FROM emails`,
			`SELECT to_address || template || subject || text_body k FROM emails`, ``, nil},
		{"wall entries", `SELECT count(*) FROM notifications`,
			`SELECT person_id::text || action || object_id::text k FROM notifications`, ``, nil},
		{"pushes", `SELECT count(*) FROM pushes`,
			`SELECT device_id::text || title || body || data::text k FROM pushes`, ``, nil},
	}
	for _, ch := range checks {
		ef := Effect{Name: ch.name}
		if err := e.store.Pool.QueryRow(ctx, ch.total).Scan(&ef.Total); err != nil {
			return nil, fmt.Errorf("%s: %w", ch.name, err)
		}
		if err := e.store.Pool.QueryRow(ctx, `SELECT coalesce(sum(n - 1), 0), coalesce((array_agg(k))[1:3], '{}') FROM (SELECT k, count(*) n FROM (`+ch.doubled+`) x GROUP BY k HAVING count(*) > 1) y`).Scan(&ef.Doubled, &ef.Examples); err != nil {
			return nil, fmt.Errorf("%s: %w", ch.name, err)
		}
		if ch.lost != "" {
			have, err := e.strings(ctx, ch.lost)
			if err != nil {
				return nil, fmt.Errorf("%s: %w", ch.name, err)
			}
			for _, w := range ch.want {
				if !have[w] {
					ef.Lost++
				}
			}
		}
		c.Effects = append(c.Effects, ef)
	}
	var err error
	if c.Webhooks, err = e.deliveries(ctx, l); err != nil {
		return nil, err
	}
	if c.Workflows, err = e.workflows(ctx); err != nil {
		return nil, err
	}
	return c, nil
}

// deliveries compares what the consumer accepted with what the service recorded and with the
// changes the load was told were made.
func (e *env) deliveries(ctx context.Context, l *ledger) (Deliveries, error) {
	var d Deliveries
	recorded, err := e.strings(ctx, `SELECT id::text FROM webhook_deliveries`)
	if err != nil {
		return d, err
	}
	d.Recorded = len(recorded)
	accepted, times := e.consumer.snapshot()
	d.Received = len(accepted)
	for _, n := range times {
		d.Redelivered += n - 1
	}
	for id := range recorded {
		if _, ok := accepted[id]; !ok {
			d.Lost++
		}
	}
	ids := map[delivery][]string{}
	for id, dl := range accepted {
		ids[dl] = append(ids[dl], id)
	}
	for dl, list := range ids {
		if len(list) > 1 {
			d.Doubled += len(list) - 1
		}
		if dl.State == "" {
			d.Wrong++
		}
	}
	// Every change a 2xx answer promised reached the consumer, with the state it left.
	want := []delivery{}
	for r := range l.reports {
		want = append(want, delivery{"reportCreated", r, "NEW"})
		for _, s := range l.states[r] {
			want = append(want, delivery{"reportStateChanged", r, s})
		}
	}
	for _, op := range l.operations {
		for _, a := range l.logs[op] {
			if s, ok := map[string]string{"progress": "IN_PROGRESS", "resolve": "RESOLVED"}[a]; ok {
				want = append(want, delivery{"operationStateChanged", op, s})
			}
		}
	}
	for _, w := range want {
		if len(ids[w]) == 0 {
			d.Lost++
			var got []string
			for dl := range ids {
				if dl.Resource == w.Resource {
					got = append(got, dl.Event+" "+dl.State)
				}
			}
			slices.Sort(got)
			d.Missing = append(d.Missing, fmt.Sprintf("%s of %s in state %s (it got: %s)", w.Event, w.Resource, w.State, strings.Join(got, ", ")))
		}
	}
	return d, nil
}

func (e *env) strings(ctx context.Context, query string) (map[string]bool, error) {
	rows, err := e.store.Pool.Query(ctx, query)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string]bool{}
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			return nil, err
		}
		out[s] = true
	}
	return out, rows.Err()
}

// Problems lists what breaks the guarantees: empty means the run lost and doubled nothing.
func (c *Counts) Problems() []string {
	var p []string
	for _, ef := range c.Effects {
		if ef.Lost > 0 || ef.Doubled > 0 {
			p = append(p, fmt.Sprintf("%s: %d lost, %d doubled %v", ef.Name, ef.Lost, ef.Doubled, ef.Examples))
		}
	}
	if w := c.Webhooks; w.Lost > 0 || w.Doubled > 0 || w.Wrong > 0 {
		p = append(p, fmt.Sprintf("webhook deliveries: %d lost, %d doubled, %d with a wrong state %v", w.Lost, w.Doubled, w.Wrong, w.Missing))
	}
	if c.Tally.server > 0 {
		p = append(p, fmt.Sprintf("%d answers 500", c.Tally.server))
	}
	if len(c.Workflows.Failed) > 0 {
		p = append(p, fmt.Sprintf("workflows failed: %v", c.Workflows.Failed))
	}
	if len(c.Workflows.Stuck) > 0 {
		p = append(p, fmt.Sprintf("workflows stuck: %v", c.Workflows.Stuck))
	}
	if len(c.Pending) > 0 {
		p = append(p, fmt.Sprintf("the work in flight did not finish after the load: %v", c.Pending))
	}
	for _, f := range c.Faults {
		if f.Problem != "" {
			p = append(p, f.Name+": "+f.Problem)
		}
	}
	if len(c.Faults) < len(faults) {
		p = append(p, fmt.Sprintf("only %d of %d faults happened", len(c.Faults), len(faults)))
	}
	if c.Lifecycles == 0 {
		p = append(p, "no lifecycle went through")
	}
	slices.Sort(p)
	return p
}
