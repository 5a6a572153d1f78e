package api

import (
	"go/build"
	"slices"
	"testing"
)

// The API starts workflows and reads Postgres; it never runs activities' code itself (that is
// the worker's), so it does not import them.
func TestAPIDoesNotImportActivities(t *testing.T) {
	pkg, err := build.ImportDir(".", 0)
	if err != nil {
		t.Fatal(err)
	}
	if slices.Contains(pkg.Imports, "github.com/keyclic/keyclic/activities") {
		t.Fatal("api imports activities")
	}
}
