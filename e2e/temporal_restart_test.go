package e2e

import (
	"context"
	"net"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/keyclic/keyclic/internal/app"
	"github.com/keyclic/keyclic/internal/testkit"
)

// A delivery retrying while the Temporal server itself stops and starts again (its state on
// disk, as a production server keeps it) is neither lost nor doubled.
func TestDeliverySurvivesTemporalServerRestart(t *testing.T) {
	ctx := context.Background()
	temporal, err := testkit.StartTemporal(ctx, testkit.TemporalOptions{Durable: true})
	if err != nil {
		t.Fatalf("start temporal: %v", err)
	}
	defer temporal.Stop()
	addr := temporal.Address

	// The service, against the stack's database and this Temporal server.
	cfg := stack.App.Config
	// Same data directory, hence the same signing key: the stack's tokens work here.
	cfg.TemporalAddress, cfg.TaskQueue = addr, "keyclic-restart-"+uuid.NewString()[:8]
	svc, err := app.New(ctx, cfg, testkit.Logger())
	if err != nil {
		t.Fatal(err)
	}
	defer svc.Close()
	w := svc.NewWorker()
	if err := w.Start(); err != nil {
		t.Fatal(err)
	}
	defer w.Stop()
	api := httptest.NewServer(svc.API.Handler())
	defer api.Close()
	on := func(c *testkit.Client) *testkit.Client { return c.With(func(c *testkit.Client) { c.Base = api.URL }) }

	consumer := testkit.NewConsumer(t)
	desk := stack.NewDesk(t, "Temporal restart")
	admin, citizen := on(desk.Admin), on(desk.Citizen)
	hook, _ := admin.CreateWebhook(desk.Org, "reportStateChanged", consumer.URL("/restart"))
	feedback := citizen.Issue(desk.Inside(), nil)
	report := admin.ReportOf(desk.Org, feedback)

	consumer.Down()
	admin.TransitionReport(report, "accept", false).Expect(http.StatusOK)
	if !testkit.Eventually(30*time.Second, func() bool {
		items := admin.Deliveries(hook).List("_embedded.items")
		return len(items) == 1 && len(testkit.Attempts(items[0].(map[string]any))) >= 1
	}) {
		t.Fatalf("no failed attempt recorded: %s", admin.Deliveries(hook).Body)
	}

	// Temporal stops in the middle of the retries, and starts again from its state (a file for
	// the dev server, Postgres for the server).
	if err := temporal.Restart(ctx); err != nil {
		t.Fatalf("restart temporal: %v", err)
	}
	consumer.Up()

	got := consumer.WaitDelivered(t, "/restart", 1)
	if ids := consumer.DeliveredIDs(); len(ids) != 1 || ids[got[0].ID()] != 1 {
		t.Fatalf("deliveries received %v: want exactly one", ids)
	}
	id := admin.Deliveries(hook).Str("_embedded.items.0.id")
	admin.WaitDeliveryState(hook, id, "DELIVERED")
}

func freeAddress(t *testing.T) string {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().String()
}
