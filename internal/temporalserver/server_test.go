package temporalserver

import (
	"context"
	"errors"
	"log/slog"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"go.temporal.io/api/operatorservice/v1"
	"go.temporal.io/api/serviceerror"
	"go.temporal.io/api/workflowservice/v1"
	"go.temporal.io/sdk/client"
)

// The server starts on fresh databases, has the namespace and the search attributes, and after a
// restart still has a workflow it accepted before.
func TestServerKeepsItsStateAcrossARestart(t *testing.T) {
	b := FindBinaries()
	if _, err := os.Stat(b.Server); err != nil {
		t.Fatalf("%s missing: run `make temporal-server`", b.Server)
	}
	ctx := context.Background()
	suffix := strings.ReplaceAll(uuid.NewString()[:8], "-", "")
	o := Options{
		Binaries: b, PostgresURL: "postgres://postgres@127.0.0.1:5432/?sslmode=disable",
		Database: "temporal_test_" + suffix, VisibilityDatabase: "temporal_visibility_test_" + suffix,
		SearchAttributes: []string{"KeyclicState=Keyword", "KeyclicOrganizations=KeywordList"},
		Log:              slog.New(slog.DiscardHandler), Output: discardUnlessVerbose(),
	}
	defer dropDatabases(t, o.Database, o.VisibilityDatabase)
	srv, err := Start(ctx, o)
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Stop()
	c, err := client.Dial(client.Options{HostPort: srv.Address, Namespace: Namespace})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	run, err := c.ExecuteWorkflow(ctx, client.StartWorkflowOptions{ID: "kept", TaskQueue: "nobody-polls"}, "Anything")
	if err != nil {
		t.Fatal(err)
	}
	if err := srv.Restart(ctx); err != nil {
		t.Fatal(err)
	}
	d, err := describeOnceShardsAreOwned(ctx, c, "kept", run.GetRunID())
	if err != nil {
		t.Fatalf("the workflow started before the restart: %v", err)
	}
	if got := d.GetWorkflowExecutionInfo().GetStatus().String(); got != "Running" {
		t.Fatalf("status after restart = %s, want Running", got)
	}
	sa, err := c.OperatorService().ListSearchAttributes(ctx, &operatorservice.ListSearchAttributesRequest{Namespace: Namespace})
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"KeyclicState", "KeyclicOrganizations"} {
		if _, ok := sa.GetCustomAttributes()[name]; !ok {
			t.Errorf("search attribute %s not registered", name)
		}
	}
	// Started again on the same databases (a second `make run`): nothing to create, nothing lost.
	srv.Stop()
	again, err := Start(ctx, o)
	if err != nil {
		t.Fatalf("second start on the same databases: %v", err)
	}
	defer again.Stop()
	c2, err := client.Dial(client.Options{HostPort: again.Address, Namespace: Namespace})
	if err != nil {
		t.Fatal(err)
	}
	defer c2.Close()
	if _, err := describeOnceShardsAreOwned(ctx, c2, "kept", ""); err != nil {
		t.Fatalf("after a second start: %v", err)
	}
}

// describeOnceShardsAreOwned describes a workflow, asking again while the history service is still
// taking over its shards: the process that held them before is gone, and on a loaded machine the
// new one can take longer than one call's timeout to own them.
func describeOnceShardsAreOwned(ctx context.Context, c client.Client, id, runID string) (*workflowservice.DescribeWorkflowExecutionResponse, error) {
	give := time.Now().Add(2 * time.Minute)
	for {
		cctx, cancel := context.WithTimeout(ctx, 15*time.Second)
		d, err := c.DescribeWorkflowExecution(cctx, id, runID)
		cancel()
		if err == nil || time.Now().After(give) {
			return d, err
		}
		var notFound *serviceerror.NotFound
		if errors.As(err, &notFound) {
			return d, err
		}
		time.Sleep(time.Second)
	}
}

func discardUnlessVerbose() *os.File {
	if os.Getenv("KEYCLIC_TEST_LOG") != "" {
		return os.Stderr
	}
	f, _ := os.Open(os.DevNull)
	return f
}

func dropDatabases(t *testing.T, names ...string) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	conn, err := pgx.Connect(ctx, "postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable")
	if err != nil {
		t.Log(err)
		return
	}
	defer conn.Close(ctx)
	for _, n := range names {
		if _, err := conn.Exec(ctx, "DROP DATABASE IF EXISTS "+pgx.Identifier{n}.Sanitize()+" WITH (FORCE)"); err != nil {
			t.Log(err)
		}
	}
}
