package temporalserver

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"go.temporal.io/api/enums/v1"
	"go.temporal.io/api/operatorservice/v1"
	"go.temporal.io/api/serviceerror"
	"go.temporal.io/api/workflowservice/v1"
	"go.temporal.io/sdk/client"
	"google.golang.org/protobuf/types/known/durationpb"

	"github.com/keyclic/keyclic/internal/devserver"
)

// Namespace is the namespace the service uses; a production cluster has it made by its operator.
const Namespace = "default"

// retention of closed workflows' histories in the namespace registered here: long enough to open
// a closed report's history in the UI days later.
const retention = 7 * 24 * time.Hour

// waitReady waits until the frontend answers health checks, or the process ends, or 90 s pass.
func waitReady(ctx context.Context, address string, exited <-chan struct{}, log *slog.Logger) error {
	deadline := time.Now().Add(90 * time.Second)
	for {
		select {
		case <-exited:
			return errExited
		default:
		}
		c, err := client.Dial(client.Options{HostPort: address, Logger: devserver.Quiet(log)})
		if err == nil {
			_, err = c.CheckHealth(ctx, &client.CheckHealthRequest{})
			c.Close()
			if err == nil {
				return nil
			}
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("temporal server not ready after 90s: %w", err)
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(250 * time.Millisecond):
		}
	}
}

// register makes the namespace and its search attributes (Name=Type), both only once: a
// restarted server finds them in its database.
func register(ctx context.Context, address string, searchAttributes []string, log *slog.Logger) error {
	c, err := client.Dial(client.Options{HostPort: address, Namespace: Namespace, Logger: devserver.Quiet(log)})
	if err != nil {
		return err
	}
	defer c.Close()
	_, err = c.WorkflowService().RegisterNamespace(ctx, &workflowservice.RegisterNamespaceRequest{
		Namespace: Namespace, WorkflowExecutionRetentionPeriod: durationpb.New(retention),
	})
	var exists *serviceerror.NamespaceAlreadyExists
	if err != nil && !errors.As(err, &exists) {
		return fmt.Errorf("temporal server: register namespace: %w", err)
	}
	wanted := map[string]enums.IndexedValueType{}
	for _, def := range searchAttributes {
		name, typ, _ := strings.Cut(def, "=")
		v, ok := enums.IndexedValueType_shorthandValue[typ]
		if !ok {
			return fmt.Errorf("temporal server: search attribute %q: unknown type", def)
		}
		wanted[name] = enums.IndexedValueType(v)
	}
	// The namespace takes a moment to reach every service's cache: retry until it is known.
	deadline := time.Now().Add(60 * time.Second)
	for {
		err = addSearchAttributes(ctx, c, wanted)
		if err == nil {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("temporal server: search attributes: %w", err)
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(500 * time.Millisecond):
		}
	}
}

func addSearchAttributes(ctx context.Context, c client.Client, wanted map[string]enums.IndexedValueType) error {
	have, err := c.OperatorService().ListSearchAttributes(ctx, &operatorservice.ListSearchAttributesRequest{Namespace: Namespace})
	if err != nil {
		return err
	}
	missing := map[string]enums.IndexedValueType{}
	for name, typ := range wanted {
		if _, ok := have.GetCustomAttributes()[name]; !ok {
			missing[name] = typ
		}
	}
	if len(missing) == 0 {
		// And the namespace answers a list query, as the API's reads of workflows need.
		_, err = c.ListWorkflow(ctx, &workflowservice.ListWorkflowExecutionsRequest{Namespace: Namespace, PageSize: 1})
		return err
	}
	_, err = c.OperatorService().AddSearchAttributes(ctx, &operatorservice.AddSearchAttributesRequest{
		Namespace: Namespace, SearchAttributes: missing,
	})
	if err == nil {
		err = errors.New("added, not yet listed")
	}
	return err
}
