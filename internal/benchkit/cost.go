package benchkit

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"time"

	"go.temporal.io/api/enums/v1"
	"go.temporal.io/api/workflowservice/v1"
	"go.temporal.io/sdk/client"
)

// Cost is what some work cost Temporal, read from the histories of the workflows it started.
type Cost struct {
	Workflows       map[string]int // started, by workflow type
	WorkflowTasks   int            // completed workflow tasks
	Activities      int            // activities scheduled (each a task for a worker)
	LocalActivities int            // local activities run (inside workflow tasks)
	Updates         int            // updates accepted
	Signals         int            // signals received
	Events          int            // history events in all
}

// Starts is the number of workflows started.
func (c Cost) Starts() int {
	n := 0
	for _, k := range c.Workflows {
		n += k
	}
	return n
}

func (c Cost) String() string {
	types := make([]string, 0, len(c.Workflows))
	for t, n := range c.Workflows {
		types = append(types, fmt.Sprintf("%s %d", t, n))
	}
	sort.Strings(types)
	return fmt.Sprintf("%d workflow starts (%s), %d workflow tasks, %d activities, %d local activities, %d updates, %d signals, %d history events",
		c.Starts(), strings.Join(types, ", "), c.WorkflowTasks, c.Activities, c.LocalActivities, c.Updates, c.Signals, c.Events)
}

// waitingByDesign are the workflow types that stay open after a lifecycle, waiting for a person
// (a review request waits for the reporter's answer for weeks).
var waitingByDesign = map[string]bool{"ReviewRequest": true}

// TemporalCost adds up the histories of the workflows started on taskQueue from since on, once
// every one of them has ended (but those waiting by design), or fails after timeout.
func TemporalCost(ctx context.Context, tc client.Client, taskQueue string, since time.Time, timeout time.Duration) (Cost, error) {
	deadline := time.Now().Add(timeout)
	query := fmt.Sprintf("TaskQueue = '%s' AND StartTime >= '%s'", taskQueue, since.UTC().Format(time.RFC3339Nano))
	for {
		var execs []*workflowservice.ListWorkflowExecutionsResponse
		var token []byte
		open, total := 0, 0
		for {
			resp, err := tc.ListWorkflow(ctx, &workflowservice.ListWorkflowExecutionsRequest{Query: query, NextPageToken: token})
			if err != nil {
				return Cost{}, err
			}
			execs = append(execs, resp)
			for _, e := range resp.GetExecutions() {
				total++
				if e.GetStatus() == enums.WORKFLOW_EXECUTION_STATUS_RUNNING && !waitingByDesign[e.GetType().GetName()] {
					open++
				}
			}
			if token = resp.GetNextPageToken(); len(token) == 0 {
				break
			}
		}
		if open == 0 && total > 0 {
			return count(ctx, tc, execs)
		}
		if time.Now().After(deadline) {
			return Cost{}, fmt.Errorf("temporal cost: %d of %d workflows still running after %v", open, total, timeout)
		}
		time.Sleep(200 * time.Millisecond)
	}
}

func count(ctx context.Context, tc client.Client, pages []*workflowservice.ListWorkflowExecutionsResponse) (Cost, error) {
	c := Cost{Workflows: map[string]int{}}
	for _, page := range pages {
		for _, e := range page.GetExecutions() {
			c.Workflows[e.GetType().GetName()]++
			it := tc.GetWorkflowHistory(ctx, e.GetExecution().GetWorkflowId(), e.GetExecution().GetRunId(), false, enums.HISTORY_EVENT_FILTER_TYPE_ALL_EVENT)
			for it.HasNext() {
				ev, err := it.Next()
				if err != nil {
					return c, err
				}
				c.Events++
				switch ev.GetEventType() {
				case enums.EVENT_TYPE_WORKFLOW_TASK_COMPLETED:
					c.WorkflowTasks++
				case enums.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED:
					c.Activities++
				case enums.EVENT_TYPE_MARKER_RECORDED:
					if ev.GetMarkerRecordedEventAttributes().GetMarkerName() == "LocalActivity" {
						c.LocalActivities++
					}
				case enums.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED:
					c.Updates++
				case enums.EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED:
					c.Signals++
				}
			}
		}
	}
	return c, nil
}
