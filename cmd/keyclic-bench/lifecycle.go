package main

import (
	"context"
	"fmt"
	"math/rand/v2"
	"net/http"
	"sync"
	"time"

	"github.com/google/uuid"
	"go.temporal.io/sdk/activity"
	tclient "go.temporal.io/sdk/client"
	"go.temporal.io/sdk/worker"
	"go.temporal.io/sdk/workflow"
	"golang.org/x/sync/errgroup"

	"github.com/keyclic/keyclic/internal/benchkit"
)

// desk is an organization with one large place, its admin, and citizens reporting there.
type desk struct {
	admin    *benchkit.Client
	org      string
	citizens []*benchkit.Client
}

// The posts and transitions scenarios work in a square away from the reads scenario's area.
const deskSouth, deskWest, deskSize = 10.0, 10.0, 1.0

func (b *bench) newDesk() (*desk, error) {
	c := benchkit.NewClient(b.stack.HTTP.URL)
	admin, _, err := c.User()
	if err != nil {
		return nil, err
	}
	d := &desk{admin: admin}
	var org struct{ ID string }
	if err := admin.Do(http.MethodPost, "/organizations", map[string]string{"name": "Bench desk " + uuid.NewString()[:8],
		"businessActivity": "4bff7cb9-0fd2-4b44-9b0e-f6d17bb4ef36"}, http.StatusCreated, &org); err != nil {
		return nil, err
	}
	d.org = org.ID
	ring := []map[string]float64{
		{"latitude": deskSouth, "longitude": deskWest}, {"latitude": deskSouth, "longitude": deskWest + deskSize},
		{"latitude": deskSouth + deskSize, "longitude": deskWest + deskSize}, {"latitude": deskSouth + deskSize, "longitude": deskWest},
		{"latitude": deskSouth, "longitude": deskWest},
	}
	if err := admin.Do(http.MethodPost, "/organizations/"+d.org+"/places", map[string]any{"name": "Bench square",
		"polygon": map[string]any{"srid": 4326, "rings": []any{map[string]any{"points": ring}}}}, http.StatusCreated, nil); err != nil {
		return nil, err
	}
	for range b.concurrency {
		u, _, err := c.User()
		if err != nil {
			return nil, err
		}
		d.citizens = append(d.citizens, u)
	}
	return d, nil
}

// post has a citizen report a problem inside the desk's place; it answers 201 once delivered.
func (d *desk) post(citizen int) (string, error) {
	var f struct{ ID string }
	err := d.citizens[citizen].Do(http.MethodPost, "/feedbacks/issues", map[string]any{
		"geo":        map[string]any{"point": map[string]float64{"latitude": deskSouth + rand.Float64()*deskSize, "longitude": deskWest + rand.Float64()*deskSize}},
		"visibility": "VISIBILITY_PUBLIC", "description": "Bench pothole",
	}, http.StatusCreated, &f)
	return f.ID, err
}

// posts measures feedbacks posted end to end next to a bare one-activity workflow.
func (b *bench) posts(ctx context.Context) error {
	d, err := b.newDesk()
	if err != nil {
		return err
	}
	if err := b.measure("POST /feedbacks/issues → 201 DELIVERED (feedback workflow + report workflow)", func(w int) (bool, error) {
		_, err := d.post(w)
		return true, err
	}); err != nil {
		return err
	}
	stop, queue, err := b.bareWorker()
	if err != nil {
		return err
	}
	defer stop()
	tc := b.stack.App.Temporal
	return b.measure("bare workflow with one activity, same Temporal server (start + result)", func(int) (bool, error) {
		run, err := tc.ExecuteWorkflow(ctx, tclient.StartWorkflowOptions{TaskQueue: queue}, bareWorkflow)
		if err == nil {
			err = run.Get(ctx, nil)
		}
		return true, err
	})
}

// transitions measures report transitions through HTTP next to a bare Temporal update.
func (b *bench) transitions(ctx context.Context) error {
	d, err := b.newDesk()
	if err != nil {
		return err
	}
	// Reports enough for the measurement: each goes through accept, hold, progress, close.
	const reports = 400
	ids := make(chan string, reports)
	var g errgroup.Group
	g.SetLimit(b.concurrency)
	for i := range reports {
		g.Go(func() error {
			if _, err := d.post(i % b.concurrency); err != nil {
				return err
			}
			return nil
		})
	}
	if err := g.Wait(); err != nil {
		return err
	}
	var list struct {
		Embedded struct {
			Items []struct{ ID string } `json:"items"`
		} `json:"_embedded"`
	}
	for page := 1; ; page++ {
		if err := d.admin.Do(http.MethodGet, fmt.Sprintf("/organizations/%s/reports?limit=100&page=%d", d.org, page), nil, http.StatusOK, &list); err != nil {
			return err
		}
		for _, it := range list.Embedded.Items {
			ids <- it.ID
		}
		if len(list.Embedded.Items) < 100 {
			break
		}
	}
	close(ids)
	steps := []string{"accept", "hold", "progress", "close"}
	type cursor struct {
		report string
		step   int
	}
	var mu sync.Mutex
	cursors := make([]cursor, b.concurrency)
	if err := b.measure("POST /reports/{id}/workflow/transition (Temporal update + persisted state)", func(w int) (bool, error) {
		mu.Lock()
		cur := &cursors[w]
		if cur.report == "" || cur.step == len(steps) {
			next, ok := <-ids
			if !ok {
				mu.Unlock()
				return false, nil
			}
			*cur = cursor{report: next}
		}
		report, step := cur.report, steps[cur.step]
		cur.step++
		mu.Unlock()
		return true, d.admin.Do(http.MethodPost, "/reports/"+report+"/workflow/transition", map[string]string{"transition": step}, http.StatusOK, nil)
	}); err != nil {
		return err
	}
	stop, queue, err := b.bareWorker()
	if err != nil {
		return err
	}
	defer stop()
	tc := b.stack.App.Temporal
	runs := make([]string, b.concurrency)
	for w := range runs {
		runs[w] = "bench-bare-update-" + uuid.NewString()
		if _, err := tc.ExecuteWorkflow(ctx, tclient.StartWorkflowOptions{ID: runs[w], TaskQueue: queue}, bareUpdatable); err != nil {
			return err
		}
	}
	defer func() {
		for _, id := range runs {
			_ = tc.TerminateWorkflow(ctx, id, "", "bench over")
		}
	}()
	return b.measure("bare Temporal update running one local activity, same server", func(w int) (bool, error) {
		h, err := tc.UpdateWorkflow(ctx, tclient.UpdateWorkflowOptions{WorkflowID: runs[w], UpdateName: "bump", WaitForStage: tclient.WorkflowUpdateStageCompleted})
		if err == nil {
			err = h.Get(ctx, nil)
		}
		return true, err
	})
}

// bareWorker runs a worker for the bare workflows on a task queue of its own.
func (b *bench) bareWorker() (func(), string, error) {
	queue := "bench-bare-" + uuid.NewString()[:8]
	w := worker.New(b.stack.App.Temporal, queue, worker.Options{})
	w.RegisterWorkflow(bareWorkflow)
	w.RegisterWorkflow(bareUpdatable)
	w.RegisterActivityWithOptions(bareActivity, activity.RegisterOptions{Name: "bareActivity"})
	if err := w.Start(); err != nil {
		return nil, "", err
	}
	return w.Stop, queue, nil
}

func bareActivity(context.Context) error { return nil }

func bareWorkflow(ctx workflow.Context) error {
	ctx = workflow.WithActivityOptions(ctx, workflow.ActivityOptions{StartToCloseTimeout: 10 * time.Second})
	return workflow.ExecuteActivity(ctx, bareActivity).Get(ctx, nil)
}

// bareUpdatable answers "bump" updates, each running one local activity (as a report transition does).
func bareUpdatable(ctx workflow.Context) error {
	if err := workflow.SetUpdateHandler(ctx, "bump", func(ctx workflow.Context) error {
		ctx = workflow.WithLocalActivityOptions(ctx, workflow.LocalActivityOptions{StartToCloseTimeout: 10 * time.Second})
		return workflow.ExecuteLocalActivity(ctx, bareActivity).Get(ctx, nil)
	}); err != nil {
		return err
	}
	return workflow.Await(ctx, func() bool { return false })
}
