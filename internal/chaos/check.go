package chaos

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"go.temporal.io/api/workflowservice/v1"

	"github.com/keyclic/keyclic/domain"
)

// settle waits until the work the load started is done: the outbox dispatched, every webhook
// delivery delivered, every workflow finished but those that wait by design. It returns what
// was still pending at limit (nothing: it settled).
func (e *env) settle(ctx context.Context, limit time.Duration) []string {
	deadline := time.Now().Add(limit)
	var pending []string
	for ctx.Err() == nil {
		pending = e.pending(ctx)
		if len(pending) == 0 || time.Now().After(deadline) {
			return pending
		}
		time.Sleep(time.Second)
	}
	return append(pending, ctx.Err().Error())
}

// pending lists the work not done: notifications not dispatched, deliveries not delivered,
// workflows open with nothing to wait for.
func (e *env) pending(ctx context.Context) []string {
	rows, err := e.store.Pool.Query(ctx, `SELECT 'outbox ' || id::text FROM outbox WHERE dispatched_at IS NULL
		UNION ALL SELECT 'webhook delivery ' || id::text || ' ' || event || ' ' || state || ' after ' || attempts || ' attempts'
		FROM webhook_deliveries WHERE state <> 'DELIVERED'`)
	if err != nil {
		return []string{err.Error()}
	}
	out, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return []string{err.Error()}
	}
	w, err := e.workflows(ctx)
	if err != nil {
		return append(out, err.Error())
	}
	for _, id := range w.Stuck {
		out = append(out, "workflow "+id)
	}
	return out
}

// Workflows is what Temporal holds once the load is over.
type Workflows struct {
	Closed       int
	Failed       []string       // closed otherwise than completed (or continued as new)
	OpenByDesign map[string]int // by kind: a report or an operation not finished, a review request waiting
	Stuck        []string       // open with nothing left to wait for
}

func (e *env) workflows(ctx context.Context) (Workflows, error) {
	w := Workflows{OpenByDesign: map[string]int{}}
	closed, err := e.list(ctx, "ExecutionStatus != 'Running'")
	if err != nil {
		return w, err
	}
	for id, status := range closed {
		w.Closed++
		if status != "Completed" && status != "ContinuedAsNew" {
			w.Failed = append(w.Failed, id+" "+status)
		}
	}
	open, err := e.list(ctx, "ExecutionStatus = 'Running'")
	if err != nil {
		return w, err
	}
	for id := range open {
		kind, rest, _ := strings.Cut(id, "/")
		waits, err := e.waitsByDesign(ctx, kind, rest)
		if err != nil {
			return w, err
		}
		if waits {
			w.OpenByDesign[kind]++
		} else {
			w.Stuck = append(w.Stuck, id)
		}
	}
	slices.Sort(w.Failed)
	slices.Sort(w.Stuck)
	return w, nil
}

// waitsByDesign says whether an open workflow has something left to wait for: a report or an
// operation its people have not finished, a review request (it waits for the review).
func (e *env) waitsByDesign(ctx context.Context, kind, id string) (bool, error) {
	var table string
	switch kind {
	case "review-request":
		return true, nil
	case "report":
		table = "reports"
	case "operation":
		table = "operations"
	default:
		return false, nil
	}
	rid, err := uuid.Parse(id)
	if err != nil {
		return false, nil
	}
	var state string
	if err := e.store.Pool.QueryRow(ctx, `SELECT state FROM `+table+` WHERE id = $1`, rid).Scan(&state); err != nil {
		return false, fmt.Errorf("state of %s %s: %w", kind, id, err)
	}
	if kind == "report" {
		return !domain.ReportFinal(domain.State(state)), nil
	}
	return state != "RESOLVED", nil
}

// list returns the workflow ids a visibility query finds, with their status.
func (e *env) list(ctx context.Context, query string) (map[string]string, error) {
	out := map[string]string{}
	var token []byte
	for {
		resp, err := e.tc.ListWorkflow(ctx, &workflowservice.ListWorkflowExecutionsRequest{Query: query, NextPageToken: token, PageSize: 1000})
		if err != nil {
			return nil, err
		}
		for _, x := range resp.Executions {
			out[x.Execution.WorkflowId] = x.Status.String()
		}
		if token = resp.NextPageToken; len(token) == 0 {
			return out, nil
		}
	}
}
