// Package e2e tests the service through HTTP, against real Postgres/PostGIS and a real Temporal
// dev server, with the worker running in-process.
package e2e

import (
	"context"
	"fmt"
	"os"
	"testing"

	"github.com/keyclic/keyclic/internal/testkit"
)

var stack *testkit.Stack

func TestMain(m *testing.M) {
	var err error
	stack, err = testkit.Start(context.Background(), "e2e")
	if err != nil {
		fmt.Fprintln(os.Stderr, "e2e: cannot start the stack:", err)
		os.Exit(1)
	}
	code := m.Run()
	stack.Stop()
	os.Exit(code)
}
