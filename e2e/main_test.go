// Package e2e tests the service through HTTP, against real Postgres/PostGIS and a real Temporal
// dev server, with the worker running in-process.
package e2e

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"testing"

	"github.com/keyclic/keyclic/api/openapi"
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
	document, err = servedDocument(stack.HTTP.URL)
	if err != nil {
		stack.Stop()
		fmt.Fprintln(os.Stderr, "e2e: the OpenAPI document:", err)
		os.Exit(1)
	}
	stack.Observe = checkAnswer
	code := m.Run()
	fmt.Fprint(os.Stderr, swagger.Summary(stack.Routes()))
	fmt.Fprint(os.Stderr, document.Summary())
	stack.Stop()
	os.Exit(code)
}

// document is the service's own OpenAPI document, as GET /openapi.json serves it: every answer
// of the suite's clients is checked against it too.
var document *openapi.Checker

func servedDocument(base string) (*openapi.Checker, error) {
	resp, err := http.Get(base + "/openapi.json")
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return nil, err
	}
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("GET /openapi.json answered %d", resp.StatusCode)
	}
	checker, err := openapi.NewChecker(b)
	if err != nil {
		return nil, err
	}
	// The document's own answer is one of the answers checked.
	if err := checker.Check(http.MethodGet, "/openapi.json", resp.StatusCode, resp.Header, b); err != nil {
		return nil, err
	}
	return checker, nil
}

// checkAnswer checks an answer against the Swagger file and the service's own document.
func checkAnswer(t testing.TB, x testkit.Exchange) {
	t.Helper()
	checkContract(t, x)
	if err := document.Check(x.Method, x.Path, x.Status, x.Header, x.Body); err != nil {
		t.Error(err)
	}
}

// observe checks an answer received outside the testkit client (Open311's, a browser's download)
// against the service's document.
func observe(t testing.TB, method, target string, resp *http.Response, body []byte) {
	t.Helper()
	if err := document.Check(method, target, resp.StatusCode, resp.Header, body); err != nil {
		t.Error(err)
	}
}

// checkContract fails the test that received an answer Keyclic's generated clients cannot read,
// naming the operation, the field and the type the Swagger file expects.
func checkContract(t testing.TB, x testkit.Exchange) {
	t.Helper()
	if err := swagger.Check(x.Method, x.Path, x.Status, x.Header, x.Body); err != nil {
		t.Error(err)
	}
}
