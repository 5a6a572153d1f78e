// Package e2e tests the service through HTTP, against real Postgres/PostGIS and a real Temporal
// dev server, with the worker running in-process.
package e2e

import (
	"context"
	"fmt"
	"os"
	"testing"

	"github.com/keyclic/keyclic/internal/contract"
	"github.com/keyclic/keyclic/internal/testkit"
)

var stack *testkit.Stack

// swagger is Keyclic's Swagger file: every answer of the suite's clients is checked against it.
var swagger *contract.Contract

func TestMain(m *testing.M) {
	file, err := contract.File()
	if err == nil {
		swagger, err = contract.Load(file)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "e2e:", err)
		os.Exit(1)
	}
	stack, err = testkit.Start(context.Background(), "e2e")
	if err != nil {
		fmt.Fprintln(os.Stderr, "e2e: cannot start the stack:", err)
		os.Exit(1)
	}
	stack.Observe = checkContract
	code := m.Run()
	fmt.Fprint(os.Stderr, swagger.Summary(stack.Routes()))
	stack.Stop()
	os.Exit(code)
}

// checkContract fails the test that received an answer Keyclic's generated clients cannot read,
// naming the operation, the field and the type the Swagger file expects.
func checkContract(t testing.TB, x testkit.Exchange) {
	t.Helper()
	if err := swagger.Check(x.Method, x.Path, x.Status, x.Header, x.Body); err != nil {
		t.Error(err)
	}
}
